/**
 * `paperboy recs refresh [--force]`: recomputes every member's "for you" whose cache is stale (all with --force), after
 * bringing this instance's search index up to date; a progress bar on a terminal. `paperboy recs show EMAIL`: one
 * member's list with reasons (what they would see).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../config.js';
import { openSearchIndex, openSemantic, openStore } from '../main.js';
import { IndexSync } from '../search/index-sync.js';
import { RecommendationService } from '../services/recommendation.service.js';
import { normalizeEmail } from '../store/account.repository.js';

async function open(config: Config) {
  const store = await openStore(config);
  const index = openSearchIndex(config);
  const semantic = await openSemantic(config, index, (m) => console.error(m));
  const sync = new IndexSync(store, index, semantic);
  await sync.syncOnce();
  const recs = new RecommendationService(store, semantic);
  const close = async () => {
    semantic?.vectors.saveIfDirty(true);
    index.close();
    await store.close();
  };
  return { store, recs, close };
}

export function registerRecsCommands(program: Command, configFrom: (flags: object) => Config): void {
  const recs = program.command('recs').description('"for you" recommendations: refresh the cache, show a member\'s list');

  recs
    .command('refresh')
    .description('recompute every member\'s "for you" whose cached list is stale (a newer feed day, or changed signals)')
    .option('--force', 'recompute every member, stale or not')
    .action(async (flags: { force?: boolean }, cmd: Command) => {
      const { store, recs: service, close } = await open(configFrom(cmd.optsWithGlobals()));
      try {
        const total = await store.interests.countMembersWithSignals();
        const tty = process.stderr.isTTY;
        const bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} members | {refreshed} recomputed | ETA {eta_formatted}', hideCursor: true, fps: 5 },
          cliProgress.Presets.shades_classic,
        );
        if (tty) bar.start(total, 0, { refreshed: 0 });
        const t0 = performance.now();
        const r = await service.refreshAll({ force: flags.force ?? false, onProgress: (done, refreshed) => tty && bar.update(done, { refreshed }) });
        if (tty) bar.stop();
        const s = (performance.now() - t0) / 1000;
        console.log(`"For you" refreshed: ${r.refreshed} of ${r.members} members recomputed in ${s.toFixed(1)} s${r.refreshed ? ` (${((s * 1000) / r.refreshed).toFixed(1)} ms each)` : ''}; the others were up to date.`);
      } finally {
        await close();
      }
    });

  recs
    .command('show')
    .description('print one member\'s "for you" with scores and reasons')
    .argument('<email>')
    .option('--limit <n>', 'how many', '20')
    .action(async (email: string, flags: { limit: string }, cmd: Command) => {
      const { store, recs: service, close } = await open(configFrom(cmd.optsWithGlobals()));
      try {
        const user = await store.accounts.userByEmail(normalizeEmail(email));
        if (!user) throw new Error(`No member has the address ${email}. Members appear after their first sign-in.`);
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new Error('--limit must be a whole number from 1 to 200.');
        const list = await service.forYou(user.id, limit);
        if (list === null) return console.log(`${email} has nothing to go on yet: no upvotes, saves or follows.`);
        for (const [i, r] of list.entries()) console.log(`${String(i + 1).padStart(3)}. ${r.item.paper.id}  ${r.score.toFixed(4)}  ${r.item.paper.title}\n      ${r.reason}`);
      } finally {
        await close();
      }
    });
}
