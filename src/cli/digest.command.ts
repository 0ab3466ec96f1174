/**
 * `paperboy digest send [--dry-run] [--no-wait]`: plans the editions due now and sends them through the delivery
 * ledger, waiting for retries (and for deliveries a killed sender left leased) until every delivery has an outcome.
 * `paperboy digest status`: editions and delivery counts. `paperboy digest undeliverable EMAIL`: record a bounce.
 * `paperboy worker`: the background jobs (digests, vote recount, "for you" refresh) without the web server.
 */
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { startQueue } from '../jobs/queue.js';
import { standardJobs } from '../jobs/standard.js';
import { buildDigests, openSearchIndex, openSemantic, openStore } from '../main.js';
import { IndexSync } from '../search/index-sync.js';
import { RecommendationService } from '../services/recommendation.service.js';
import { normalizeEmail } from '../store/account.repository.js';
import { VoteService } from '../services/vote.service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerDigestCommands(program: Command, configFrom: (flags: object) => Config): void {
  const digest = program.command('digest').description('email digests: send, status, bounces');

  digest
    .command('send')
    .description('plan the editions due now and send them (exactly once per subscriber and edition)')
    .option('--dry-run', 'print what would go to whom, and send nothing')
    .option('--no-wait', 'send what is due now and stop, instead of waiting for retries to finish')
    .action(async (flags: { dryRun?: boolean; wait?: boolean }, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const store = await openStore(config);
      const { digests, mailer } = await buildDigests(store, config, (m) => console.error(m));
      const stop = async () => {
        await digests.release();
        mailer.close();
        await store.close();
        process.exit(130);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        if (flags.dryRun) {
          const plan = await digests.dryRun();
          for (const p of plan) console.log(`${p.edition}\t${p.email}\t${p.papers === 0 ? 'nothing matches: no mail' : `${p.papers} papers`}`);
          const mails = plan.filter((p) => p.papers > 0).length;
          console.log(`${mails} mails would be sent${plan.length > mails ? ` (${plan.length - mails} subscribers have nothing matching)` : ''}. Nothing was sent.`);
          return;
        }
        const made = await digests.plan();
        for (const e of made) console.error(`planned ${e.frequency} edition ${e.periodKey}`);
        const total = { sent: 0, skipped: 0, retried: 0, failed: 0, lost: 0 };
        for (;;) {
          const s = await digests.sendDue();
          for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += s[k];
          if (process.stderr.isTTY) process.stderr.write(`\rsent ${total.sent} · skipped ${total.skipped} · retrying ${total.retried} · failed ${total.failed}   `);
          if (!flags.wait || !(await store.digests.hasUnfinished())) break;
          const next = await store.digests.nextDueAt();
          const wait = next ? Math.min(Math.max(Date.parse(next) - Date.now(), 50), 5_000) : 1_000;
          await sleep(wait);
        }
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(`sent ${total.sent}, skipped ${total.skipped} (nothing matched), retried ${total.retried}, failed ${total.failed}${total.lost ? `, ${total.lost} taken over by another sender` : ''}`);
      } finally {
        mailer.close();
        await store.close();
      }
    });

  digest
    .command('status')
    .description('subscribers by state, and delivery counts of the latest editions')
    .action(async (_flags: object, cmd: Command) => {
      const store = await openStore(configFrom(cmd.optsWithGlobals()));
      try {
        console.log('subscribers:', JSON.stringify(await store.subscribers.countByStatus()));
        for (const f of ['daily', 'weekly'] as const) {
          const e = await store.digests.latestEdition(f);
          console.log(e ? `${f} ${e.periodKey}: ${JSON.stringify(await store.digests.counts(e.id))}` : `${f}: no edition yet`);
        }
      } finally {
        await store.close();
      }
    });

  digest
    .command('undeliverable')
    .description('mark an address undeliverable (a bounce report); it gets no more digests until it subscribes again')
    .argument('<email>')
    .action(async (email: string, _flags: object, cmd: Command) => {
      const store = await openStore(configFrom(cmd.optsWithGlobals()));
      try {
        const sub = await store.subscribers.byEmail(normalizeEmail(email));
        if (!sub) throw new Error(`No subscriber has the address ${email}.`);
        await store.subscribers.setStatus(sub.id, 'undeliverable', new Date().toISOString(), 'bounce reported by the operator');
        console.log(`${sub.email} is marked undeliverable.`);
      } finally {
        await store.close();
      }
    });

  program
    .command('worker')
    .description('run the background jobs from the queue in the database (digests, trending recount, "for you", the daily OAI-PMH harvest when OAI_HARVEST_SET is set) without the web server; run as many as you like; stop with Ctrl-C or SIGTERM')
    .action(async (_flags: object, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const store = await openStore(config);
      const { digests, mailer } = await buildDigests(store, config, (m) => console.log(m));
      // "For you" needs the papers' vectors: this worker keeps its own search index, caught up before each refresh.
      const index = openSearchIndex(config);
      const semantic = await openSemantic(config, index, (m) => console.log(m));
      const sync = new IndexSync(store, index, semantic);
      // Every periodic job comes from the queue in the store, shared with any other worker (and serve).
      const queue = startQueue(
        store,
        standardJobs({ store, config, votes: new VoteService(store), digests, recs: new RecommendationService(store, semantic), sync, log: (m) => console.log(m) }),
        { leaseMs: config.jobLeaseMs, onError: (e, job) => console.error(`${job ? `job ${job.key}` : 'job queue'} failed: ${(e as Error).message}`) },
      );
      console.log(`Paperboy worker running on ${store.db.location} (jobs from the queue: digests, trending, "for you"${config.harvest.set ? `, the OAI-PMH harvest of ${config.harvest.set}` : ''}). Ctrl-C to stop.`);
      const keepAlive = setInterval(() => {}, 60_000);
      const stop = async () => {
        clearInterval(keepAlive);
        await queue.stop(); // finishes or gives back the jobs in hand
        await digests.release(); // and any digest deliveries still leased to this process
        semantic?.vectors.saveIfDirty(true);
        index.close();
        mailer.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
