/**
 * Digest benchmark (issue 5): build and send N personalised daily digests (default 100,000) through the delivery
 * ledger to a local SMTP sink, against baselines measured in the same run on the same store:
 * - startup only: the child loads the same modules and does nothing, the floor under every peak RSS below;
 * - render only: per subscriber, read it, build its digest (DigestService.buildFor) and render it (renderDigest); no
 *   ledger, no SMTP: the floor for making the mails;
 * - send only: one digest rendered once, then sent to every subscriber's address through the same pooled transport with
 *   the same concurrency: the floor for SMTP (nodemailer + the sink);
 * - full: what `paperboy digest send` does: `plan()` (enqueue a delivery per subscriber), then `sendDue()` until every
 *   delivery has an outcome: claim, build, render, send, record, through the ledger.
 *
 * The store: a fresh SQLite file with the demo corpus (demo/demo-papers.jsonl.gz, loaded as a fresh install does) and N
 * active daily subscribers made in one transaction: 40% no topics, 30% one or two arXiv categories, 20% keywords, 10%
 * authors (drawn mostly from the latest feed day, so most subscribers get a mail, a few get none: no empty mails), and
 * 10% linked to an account with 5–30 upvotes, so their digest has a "for you" section. The clock is pinned to the send
 * hour the morning after the latest feed day, so exactly one daily edition is due. Each measurement gets its own copy
 * of that file and runs in its own child process (peak RSS per measurement; see lib/child.ts); the SMTP sink runs in
 * this (parent) process: it counts messages, bytes and recipients (to check that each address got exactly one copy)
 * and discards the bodies. Rounds alternate their order, and medians are reported.
 *
 * The baselines need no ledger, so they run on the first M subscribers (`--baseline-subscribers`, default
 * min(N, 20,000): the same topic mix), and the ratios compare time per subscriber; the full run always covers all N.
 * The sender's settings come from the environment as in production (loadConfig: DIGEST_CONCURRENCY, DIGEST_BATCH,
 * DIGEST_LEASE_MS, ...). SQLite only.
 *
 * Usage: npm run bench:digest [-- --subscribers N] [--rounds R] [--baseline-subscribers M]
 *        (default 100,000 subscribers, 1 round; quick: npm run bench:digest -- --subscribers 5000 --rounds 3)
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import pLimit from 'p-limit';
import { SMTPServer } from 'smtp-server';
import { type Config, loadConfig } from '../src/config.js';
import { addDays } from '../src/domain/period.js';
import { renderDigest } from '../src/mail/digest-template.js';
import { createMailer, type Mailer } from '../src/mail/mailer.js';
import { loadDemoIfEmpty, openStore } from '../src/main.js';
import { DigestService, type SendSummary } from '../src/services/digest.service.js';
import { LinkSigner } from '../src/services/signed-links.js';
import type { Store } from '../src/store/store.js';
import { hasGnuTime, reportResult, runMeasured } from './lib/child.js';
import { fmtInt, fmtMb, median, rng } from './lib/stats.js';

const THIS_FILE = import.meta.filename;
const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const PUBLIC_URL = 'https://paperboy.bench';

type Mode = 'idle' | 'render' | 'send' | 'full';
const MODES: readonly Mode[] = ['idle', 'render', 'send', 'full'];
const LABELS: Record<Mode, string> = {
  idle: 'startup only (no work; RSS floor)',
  render: 'render only (read+build+render)',
  send: 'send only (one digest, N sends)',
  full: 'full: plan + sendDue (ledger+SMTP)',
};

interface ChildResult {
  mode: Mode;
  /** The measured work, after opening the store. */
  ms: number;
  subscribers: number;
  /** Mails sent (send, full) or rendered (render). */
  mails: number;
  /** Subscribers with nothing matching: no mail. */
  skipped: number;
  /** Bytes of html + text rendered (render), or of the one message (send). */
  renderedChars?: number;
  planMs?: number;
  summary?: SendSummary;
  ledger?: Record<string, number>;
  concurrency: number;
  batchSize: number;
  selfMaxRssKb: number;
}

interface Measurement extends ChildResult {
  peakRssKb: number;
  rssFrom: 'time -v' | 'getrusage';
  /** What the sink received during this measurement. */
  sink: SinkCounts;
  /** CPU time of this (the sink's) process during the measurement. */
  sinkCpuMs: number;
}

// ---------------------------------------------------------------------------------------------------------------- setup


/** The config every process uses: the environment (DIGEST_*), over a data folder and the sink. */
function benchConfig(dataDir: string, smtpUrl?: string): Config {
  return loadConfig(process.env, {
    PAPERBOY_DATA: dataDir,
    DATABASE_URL: '', // SQLite in the data folder, whatever the environment says
    PAPERBOY_DEMO: '1',
    PAPERBOY_EMBEDDER: 'none',
    PAPERBOY_PUBLIC_URL: PUBLIC_URL,
    DIGEST_JOB: '0',
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
  });
}

const dbFileIn = (dir: string) => path.join(dir, 'paperboy.db');

/**
 * Builds the template store in `dir`: demo corpus, N active daily subscribers with varied topics, 10% of them members
 * with upvotes. Returns the pinned send time (the morning after the latest feed day) and what the subscribers look like.
 */
async function setup(dir: string, n: number): Promise<{ nowIso: string; latestDay: string; papersThatDay: number; users: number }> {
  const config = benchConfig(dir);
  const store = await openStore(config);
  try {
    const t0 = performance.now();
    const added = await loadDemoIfEmpty(store, config);
    const latestDay = (await store.feed.latestDate())!;
    const dayItems = await store.feed.list({ from: latestDay, to: latestDay, sort: 'trending', limit: 5000, offset: 0 });
    process.stderr.write(`setup: demo corpus ${added} papers (${((performance.now() - t0) / 1000).toFixed(1)} s); latest feed day ${latestDay} with ${dayItems.length} papers\n`);

    // Topic vocabularies: mostly from the latest day (so most subscribers get a mail), some from the whole corpus.
    const sqlite = store.db.sqlite;
    if (!sqlite) throw new Error('the digest benchmark runs on SQLite');
    const allCategories = (sqlite.prepare(`select categories from papers`).all() as Array<{ categories: string }>).flatMap((r) => JSON.parse(r.categories) as string[]);
    const allPaperIds = (sqlite.prepare(`select id from papers order by id`).all() as Array<{ id: string }>).map((r) => r.id);
    const dayCategories = dayItems.flatMap((i) => i.paper.categories);
    const dayWords = [...new Set(dayItems.flatMap((i) => i.paper.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length >= 7))].sort();
    const dayAuthors = [...new Set(dayItems.flatMap((i) => i.paper.authors.map((a) => a.split(/\s+/).at(-1) ?? '')).filter((a) => /^\p{L}{4,}$/u.test(a)))].sort();
    const extraKeywords = ['diffusion', 'reinforcement learning', 'galaxy', 'black hole', 'graph neural network', 'quantum error correction', 'protein folding'];
    const rnd = rng(20261126); // the same subscribers every run
    const now = new Date().toISOString();

    const t1 = performance.now();
    const users = Math.round(n * 0.1);
    const insertUser = sqlite.prepare(`insert into users (email, display_name, role, created_at, email_on_reply) values (?, ?, 'user', ?, 0)`);
    const insertVote = sqlite.prepare(`insert or ignore into votes (user_id, paper_id, created_at) values (?, ?, ?)`);
    const insertSub = sqlite.prepare(
      `insert into subscribers (email, user_id, status, frequency, daily_mode, categories, keywords, authors, created_at, confirmed_at)
       values (?, ?, 'active', 'daily', ?, ?, ?, ?, ?, ?)`,
    );
    const userIds: number[] = [];
    sqlite.transaction(() => {
      for (let u = 0; u < users; u++) {
        const id = Number(insertUser.run(`member${u}@bench.example`, `Member ${u}`, now).lastInsertRowid);
        userIds.push(id);
        // Votes go in directly (no vote counts recomputed): the digest reads only who upvoted what.
        const votes = 5 + rnd.int(26);
        for (let v = 0; v < votes; v++) insertVote.run(id, rnd.pick(allPaperIds), new Date(Date.parse(now) - v * 60_000).toISOString());
      }
      for (let i = 0; i < n; i++) {
        const r = rnd.next();
        let categories: string[] = [];
        let keywords: string[] = [];
        let authors: string[] = [];
        if (r < 0.4) {
          // every paper
        } else if (r < 0.7) {
          const pool = rnd.next() < 0.9 ? dayCategories : allCategories;
          categories = [...new Set(Array.from({ length: 1 + rnd.int(2) }, () => rnd.pick(pool)))];
        } else if (r < 0.9) {
          keywords = [...new Set(Array.from({ length: 1 + rnd.int(3) }, () => (rnd.next() < 0.85 ? rnd.pick(dayWords) : rnd.pick(extraKeywords))))];
        } else {
          authors = [...new Set(Array.from({ length: 1 + rnd.int(2) }, () => rnd.pick(dayAuthors)))];
        }
        const userId = i % 10 === 3 && userIds.length ? userIds[Math.floor(i / 10) % userIds.length]! : null;
        insertSub.run(`reader${i}@bench.example`, userId, rnd.next() < 0.7 ? 'merge' : 'skip', JSON.stringify(categories), JSON.stringify(keywords), JSON.stringify(authors), now, now);
      }
    })();
    await LinkSigner.open(store); // the signing secret, made once in the template
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    process.stderr.write(`setup: ${n.toLocaleString('en-US')} subscribers, ${users.toLocaleString('en-US')} members with upvotes (${((performance.now() - t1) / 1000).toFixed(1)} s)\n`);
    const sendHour = String(config.digest.sendHourUtc).padStart(2, '0');
    return { nowIso: `${addDays(latestDay, 1)}T${sendHour}:00:00.000Z`, latestDay, papersThatDay: dayItems.length, users };
  } finally {
    await store.close();
  }
}

// ----------------------------------------------------------------------------------------------------------------- sink

interface SinkCounts {
  messages: number;
  bytes: number;
  recipients: number;
  distinct: number;
}

/** A lean SMTP sink on 127.0.0.1: counts messages, bytes and recipients, and throws the bodies away. */
async function startSink() {
  let messages = 0;
  let bytes = 0;
  let recipients = 0;
  let seen = new Set<string>();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', (c: Buffer) => (bytes += c.length));
      stream.on('end', () => {
        messages++;
        for (const r of session.envelope.rcptTo) {
          recipients++;
          seen.add(r.address);
        }
        cb();
      });
    },
  });
  server.on('error', (e) => process.stderr.write(`sink: ${(e as Error).message}\n`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    /** What arrived since the last call; starts counting afresh. */
    take(): SinkCounts {
      const r = { messages, bytes, recipients, distinct: seen.size };
      messages = bytes = recipients = 0;
      seen = new Set();
      return r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------------------- child

/** Progress on stderr: a bar on a terminal, else a line every 15 s. */
function progress(label: string, total: number) {
  const started = performance.now();
  const rate = (done: number) => {
    const s = (performance.now() - started) / 1000;
    return s > 0 ? Math.round(done / s) : 0;
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label.padEnd(6)} |{bar}| {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    return { update: (done: number) => bar.update(done, { rate: rate(done) }), stop: () => bar.stop() };
  }
  let last = started;
  return {
    update(done: number) {
      const t = performance.now();
      if (t - last < 15_000) return;
      last = t;
      process.stderr.write(`  ${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} after ${((t - started) / 1000).toFixed(0)} s (${rate(done)}/s)\n`);
    },
    stop: () => {},
  };
}

/** The mailer, counting what goes through it (for progress). */
function counting(mailer: Mailer, onSend: (n: number) => void): Mailer {
  let n = 0;
  return {
    async send(m) {
      const r = await mailer.send(m);
      onSend(++n);
      return r;
    },
    close: () => mailer.close(),
  };
}

async function child(mode: Mode, dir: string, smtpUrl: string, nowIso: string, sample: number): Promise<void> {
  const config = benchConfig(dir, smtpUrl);
  const { concurrency, batchSize } = config.digest;
  const base = { mode, concurrency, batchSize };
  if (mode === 'idle') return reportResult({ ...base, ms: 0, subscribers: 0, mails: 0, skipped: 0 });
  const store = await openStore(config);
  // As main.ts's buildDigests wires it (a pooled transport as wide as the concurrency), with the clock pinned.
  const raw = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir, pool: concurrency, quiet: true });
  const active = Number((store.db.sqlite!.prepare(`select count(*) as n from subscribers where status = 'active'`).get() as { n: number }).n);
  const total = mode === 'full' ? active : Math.min(sample, active);
  const bar = progress(mode, total);
  const mailer = counting(raw, (n) => bar.update(n));
  const signer = await LinkSigner.open(store);
  const clock = () => Date.parse(nowIso);
  const digests = new DigestService(store, mailer, signer, { publicUrl: config.publicUrl, ...config.digest, clock });
  try {
    if (mode === 'render') {
      const t0 = performance.now();
      const day = (await store.feed.latestDate())!;
      const ids = (await store.subscribers.activeIds('daily')).slice(0, total);
      let mails = 0;
      let skipped = 0;
      let chars = 0;
      for (const id of ids) {
        const sub = (await store.subscribers.byId(id))!;
        const built = await digests.buildFor({ frequency: 'daily', from: day, to: day, topics: sub, userId: sub.userId, links: sub });
        if (!built) skipped++;
        else {
          const mail = renderDigest(built.model);
          chars += mail.html.length + mail.text.length;
          mails++;
        }
        if ((mails & 255) === 0) bar.update(mails + skipped);
      }
      const ms = performance.now() - t0;
      bar.stop();
      return reportResult({ ...base, ms, subscribers: ids.length, mails, skipped, renderedChars: chars });
    }
    if (mode === 'send') {
      const t0 = performance.now();
      const day = (await store.feed.latestDate())!;
      const subs = store.db.sqlite!.prepare(`select id, email from subscribers where status = 'active' order by id limit ?`).all(total) as Array<{ id: number; email: string }>;
      // One digest for everyone (the first subscriber's links): the SMTP floor, the same size as a typical digest.
      const built = (await digests.buildFor({ frequency: 'daily', from: day, to: day, topics: { categories: [], keywords: [], authors: [] }, userId: null, links: subs[0]! }))!;
      const mail = renderDigest(built.model);
      const limit = pLimit(concurrency);
      await Promise.all(
        subs.map((s) =>
          limit(() =>
            mailer.send({
              to: s.email,
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              messageId: `<digest-0-${s.id}@paperboy.bench>`,
              headers: { 'List-Unsubscribe': `<${built.model.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'List-Id': 'Paperboy daily digest <daily.digest.paperboy.bench>' },
            }),
          ),
        ),
      );
      const ms = performance.now() - t0;
      bar.stop();
      return reportResult({ ...base, ms, subscribers: subs.length, mails: subs.length, skipped: 0, renderedChars: mail.html.length + mail.text.length });
    }
    // full: what `paperboy digest send` does.
    const t0 = performance.now();
    const made = await digests.plan();
    const planMs = performance.now() - t0;
    if (made.length !== 1 || made[0]!.frequency !== 'daily') throw new Error(`expected one daily edition due, got ${JSON.stringify(made)}`);
    const sum: SendSummary = { sent: 0, skipped: 0, retried: 0, failed: 0, lost: 0 };
    for (;;) {
      const s = await digests.sendDue();
      for (const k of Object.keys(sum) as Array<keyof SendSummary>) sum[k] += s[k];
      if (!(await store.digests.hasUnfinished())) break;
      // The clock is pinned: a retry scheduled for later never becomes due. Stop and report instead of spinning.
      if (s.sent + s.skipped + s.failed + s.retried === 0) {
        process.stderr.write(`full: deliveries left unfinished (retries wait for a later time): ${JSON.stringify(await store.digests.counts())}\n`);
        break;
      }
    }
    const ms = performance.now() - t0;
    bar.stop();
    const ledger = await store.digests.counts(made[0]!.id);
    return reportResult({ ...base, ms, planMs, subscribers: total, mails: sum.sent, skipped: sum.skipped, summary: sum, ledger });
  } finally {
    mailer.close();
    await store.close();
  }
}

// --------------------------------------------------------------------------------------------------------------- parent

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function copyDb(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(dbFileIn(from) + suffix)) fs.copyFileSync(dbFileIn(from) + suffix, dbFileIn(to) + suffix);
}

async function parent(n: number, rounds: number, sample: number): Promise<void> {
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-digest-bench-'));
  const sink = await startSink();
  const cfg = benchConfig(work).digest;
  console.log(`digest benchmark: ${fmtInt(n)} subscribers (baselines on the first ${fmtInt(sample)}), ${rounds} round${rounds > 1 ? 's' : ''}, temp dir ${work}`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, peak RSS via ${hasGnuTime() ? '/usr/bin/time -v' : 'getrusage in the child'}`);
  console.log(`sender: concurrency ${cfg.concurrency} (SMTP pool ${cfg.concurrency}), batch ${cfg.batchSize}, lease ${cfg.leaseMs} ms (DIGEST_CONCURRENCY, DIGEST_BATCH, DIGEST_LEASE_MS)\n`);
  const results: Record<Mode, Measurement[]> = { idle: [], render: [], send: [], full: [] };
  try {
    const template = path.join(work, 'template');
    const t0 = performance.now();
    const s = await setup(template, n);
    const setupMs = performance.now() - t0;
    console.log(`setup ${fmtS(setupMs)}: demo corpus, ${fmtInt(n)} subscribers (${fmtInt(s.users)} members with upvotes); edition: daily ${s.latestDay} (${s.papersThatDay} papers), clock pinned at ${s.nowIso}\n`);

    for (let round = 1; round <= rounds; round++) {
      const order: Mode[] = round % 2 === 1 ? ['idle', 'render', 'send', 'full'] : ['full', 'send', 'render', 'idle'];
      for (const mode of order) {
        const dir = path.join(work, `round-${round}-${mode}`);
        copyDb(template, dir);
        sink.take();
        const cpu0 = process.cpuUsage();
        const r = await runMeasured<ChildResult>(`digest-${mode}`, ['--import', 'tsx', THIS_FILE, '--child', mode, dir, sink.url, s.nowIso, String(sample)], PROJECT_ROOT);
        // Let the sink finish the last messages it was sent (the child waits for each acceptance, so this is quick).
        await new Promise((resolve) => setTimeout(resolve, 50));
        const cpu = process.cpuUsage(cpu0);
        const m: Measurement = { ...r, sink: sink.take(), sinkCpuMs: (cpu.user + cpu.system) / 1000 };
        results[mode].push(m);
        fs.rmSync(dir, { recursive: true, force: true });
        let detail = '';
        if (mode === 'render') detail = `${fmtInt(m.mails)} digests rendered, ${fmtInt(m.skipped)} with nothing matching; avg ${fmtInt(m.renderedChars! / Math.max(1, m.mails))} chars (html+text)`;
        if (mode === 'send') detail = `${fmtInt(m.sink.messages)} messages received, avg ${fmtInt(m.sink.bytes / Math.max(1, m.sink.messages))} bytes`;
        if (mode === 'full') detail = `plan ${fmtS(m.planMs!)}; sent ${fmtInt(m.summary!.sent)}, skipped ${fmtInt(m.summary!.skipped)}, retried ${m.summary!.retried}, failed ${m.summary!.failed}, lost ${m.summary!.lost}; ledger ${JSON.stringify(m.ledger)}; sink ${fmtInt(m.sink.messages)} messages to ${fmtInt(m.sink.distinct)} addresses, avg ${fmtInt(m.sink.bytes / Math.max(1, m.sink.messages))} bytes`;
        const sinkCpu = m.sink.messages ? `; sink CPU ${fmtS(m.sinkCpuMs)}` : '';
        console.log(`round ${round}/${rounds}  ${LABELS[mode].padEnd(36)} ${fmtS(m.ms).padStart(10)}  ${fmtInt(m.subscribers).padStart(7)} subscribers  peak RSS ${fmtMb(m.peakRssKb).padStart(7)}  ${detail}${sinkCpu}`);
        if (mode === 'full') {
          const problems: string[] = [];
          if (m.summary!.sent + m.summary!.skipped !== m.subscribers) problems.push(`sent + skipped = ${m.summary!.sent + m.summary!.skipped}, not ${m.subscribers} subscribers`);
          if (m.sink.messages !== m.summary!.sent || m.sink.distinct !== m.sink.messages || m.sink.recipients !== m.sink.messages) problems.push(`the sink got ${m.sink.messages} messages for ${m.sink.distinct} distinct of ${m.sink.recipients} recipients; ${m.summary!.sent} were recorded as sent`);
          for (const p of problems) console.log(`  WARNING: ${p}`);
          if (problems.length) process.exitCode = 1;
        }
      }
    }
  } finally {
    await sink.close();
    fs.rmSync(work, { recursive: true, force: true });
  }

  const med = (mode: Mode, f: (m: Measurement) => number = (m) => m.ms) => median(results[mode].map(f));
  const rows = MODES.map((mode) => {
    const ms = med(mode);
    const subsPerS = mode === 'idle' ? '-' : `${fmtInt(med(mode, (m) => m.subscribers / (m.ms / 1000)))}/s`;
    const mailsPerS = mode === 'idle' ? '-' : `${fmtInt(med(mode, (m) => m.mails / (m.ms / 1000)))}/s`;
    return [LABELS[mode], mode === 'idle' ? '-' : fmtInt(results[mode].at(-1)!.subscribers), mode === 'idle' ? '-' : fmtS(ms), subsPerS, mailsPerS, fmtMb(med(mode, (m) => m.peakRssKb)), results[mode].map((r) => (r.ms / 1000).toFixed(2)).join(' / ')];
  });
  const head = [`measurement (median of ${rounds})`, 'subscribers', 'time', 'subscribers/s', 'mails/s', 'peak RSS', 'each run (s)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const full = med('full');
  // Time per subscriber, so baselines on a sample compare with the full run.
  const perSub = (mode: Mode) => med(mode, (m) => m.ms / m.subscribers);
  console.log(`\ndigests/s (full, median): ${fmtInt(med('full', (m) => m.mails / (m.ms / 1000)))} mails/s, ${fmtInt(med('full', (m) => m.subscribers / (m.ms / 1000)))} subscribers/s; peak RSS ${fmtMb(med('full', (m) => m.peakRssKb))} (startup floor ${fmtMb(med('idle', (m) => m.peakRssKb))})`);
  console.log(`time per subscriber: full ${perSub('full').toFixed(2)} ms, render only ${perSub('render').toFixed(2)} ms, send only ${perSub('send').toFixed(2)} ms`);
  console.log(`ratio full / render only:          ${(perSub('full') / perSub('render')).toFixed(2)}x`);
  console.log(`ratio full / send only:            ${(perSub('full') / perSub('send')).toFixed(2)}x`);
  console.log(`ratio full / (render + send only): ${(perSub('full') / (perSub('render') + perSub('send'))).toFixed(2)}x`);
  const goalMs = 10 * 60_000 * (n / 100_000);
  console.log(`goal: 100,000 digests in under 10 minutes; full at ${fmtInt(n)} took ${fmtS(full)} (${full <= goalMs ? 'within' : 'OVER'} the pro-rata budget of ${fmtS(goalMs)})`);
  console.log(`whole benchmark: ${fmtS(performance.now() - started)}`);
}

function flag(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i === -1) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, not ${argv[i + 1]}`);
  return v;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, mode, dir, smtpUrl, nowIso, sample] = argv as [string, Mode, string, string, string, string];
  if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}`);
  await child(mode, dir, smtpUrl, nowIso, Number(sample));
} else {
  const n = flag(argv, '--subscribers', 100_000);
  await parent(n, flag(argv, '--rounds', 1), Math.min(n, flag(argv, '--baseline-subscribers', 20_000)));
}
