/**
 * Scale-out on PostgreSQL (issue 8): two `paperboy serve` instances and two `paperboy worker`s, real processes over
 * one database, each with its own data folder (search index). A vote through instance A shows through B at once; a
 * paper harvested by the job queue (arXiv OAI-PMH, answered by the replay server) is searchable through both within
 * 10 seconds; a digest edition reaches each subscriber exactly once, whoever sends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArraySource } from '../src/ingest/array.source.js';
import { ApiKeyService } from '../src/services/api-key.service.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { importFiles, SEED_PAPERS, tempDir } from './helpers/app.js';
import { createPgSchema, POSTGRES_AVAILABLE } from './helpers/db.js';
import { type Mailbox, startMailbox } from './helpers/mailbox.js';
import { type ReplayServer, startReplayServer } from './helpers/replay-server.js';
import { BIN, serverUrl } from './helpers/serve.js';
import { until, wait } from './helpers/wait.js';

const SUBSCRIBERS = 20;
const HARVESTED_ID = '0704.1114';
const HARVESTED_TITLE = 'Identification of Absorption Features in an Extrasolar Planet Atmosphere';


describe.runIf(POSTGRES_AVAILABLE)('two web instances and two workers on one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let replay: ReplayServer;
  let mailbox: Mailbox;
  let key: string;
  const procs: ChildProcess[] = [];
  const logs = new Map<ChildProcess, string>();
  let a = '';
  let b = '';

  beforeAll(async () => {
    db = await createPgSchema();
    store = new Store(openDatabase({ dialect: 'postgres', url: db.url }));
    await store.migrate();
    await importFiles(store, SEED_PAPERS);
    // A paper on yesterday's feed day, so yesterday's daily digest is due (send hour 00 UTC).
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await new PaperImporter(store).run(
      new ArraySource([{ id: '2511.00001', title: 'Yesterday in the feed', abstract: 'For the digest.', authors: ['Dee Gest'], categories: ['cs.DC'], published: yesterday, updated: null, version: 1, comment: null, journalRef: null, doi: null, links: { abs: 'https://arxiv.org/abs/2511.00001', pdf: 'https://arxiv.org/pdf/2511.00001', code: null, project: null }, feed: { date: yesterday, submittedBy: null, upvotes: 3 } }]),
    );
    const now = new Date().toISOString();
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const s = await store.subscribers.findOrCreate(`multi${i}@example.org`, { frequency: 'daily', dailyMode: 'merge', categories: [], keywords: [], authors: [] }, now, null);
      await store.subscribers.setStatus(s.id, 'active', now);
    }
    const voter = await store.accounts.findOrCreateUser('voter@example.org', new Date(Date.now() - 30 * 86_400_000));
    key = (await new ApiKeyService(store).create(voter, 'multi')).secret;

    replay = await startReplayServer();
    mailbox = await startMailbox();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      PAPERBOY_DEMO: '0',
      LOG_LEVEL: 'warn',
      SMTP_URL: mailbox.url,
      ARXIV_INTERVAL_MS: '0',
      ARXIV_OAI_URL: replay.oaiUrl,
      OAI_HARVEST_SET: 'all',
      OAI_HARVEST_AT: '00:00',
      DIGEST_SEND_HOUR_UTC: '0',
      PAPERBOY_EMBEDDER: 'none',
    };
    const start = (args: string[]) => {
      const p = spawn(process.execPath, [BIN, ...args, '--data', tempDir('paperboy-multi-')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      logs.set(p, '');
      p.stdout!.on('data', (d: Buffer) => logs.set(p, logs.get(p) + d.toString()));
      p.stderr!.on('data', (d: Buffer) => logs.set(p, logs.get(p) + d.toString()));
      procs.push(p);
      return p;
    };
    const [sa, sb] = [start(['serve', '--port', '0', '--host', '127.0.0.1']), start(['serve', '--port', '0', '--host', '127.0.0.1'])];
    start(['worker']);
    start(['worker']);
    [a, b] = await Promise.all([serverUrl(sa), serverUrl(sb)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            p.once('exit', () => resolve());
            p.kill('SIGTERM');
            setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await store?.close();
    await db?.drop();
    await replay?.close();
    await mailbox?.close();
  }, 60_000);

  it('shows a vote made through one instance through the other at once', async () => {
    const before = (await (await fetch(`${b}/api/v1/papers/2505.20278`)).json()).upvotes as number;
    const vote = await fetch(`${a}/api/v1/papers/2505.20278/vote`, { method: 'PUT', headers: { authorization: `Bearer ${key}` } });
    expect(vote.status).toBe(200);
    expect((await vote.json()).upvotes).toBe(before + 1);
    expect((await (await fetch(`${b}/api/v1/papers/2505.20278`)).json()).upvotes).toBe(before + 1);
    expect((await (await fetch(`${b}/api/papers/2505.20278`)).json()).upvotes).toBe(before + 1);
  });

  it('makes a paper harvested by the queue searchable through both instances within 10 seconds', async () => {
    const harvested = await until('the harvest job', async () => (await store.jobs.list('ingest.oai')).find((j) => j.status === 'done'), 60_000);
    const doneAt = Date.now();
    const found = async (base: string) => {
      const r = await (await fetch(`${base}/api/v1/search?q=${encodeURIComponent(HARVESTED_TITLE)}&limit=3`)).json();
      return (r.results as Array<{ id: string }>).some((x) => x.id === HARVESTED_ID);
    };
    await until('search on A', () => found(a), 10_000);
    await until('search on B', () => found(b), 10_000);
    const tookMs = Date.now() - doneAt;
    console.log(`multi-instance: the harvested paper was searchable through both instances ${tookMs} ms after its job finished`);
    expect(tookMs).toBeLessThan(10_000);
    // One harvest, whoever of the four processes ran it.
    expect((await store.jobs.list('ingest.oai')).map((j) => [j.key, j.status, j.attempts])).toEqual([[harvested.key, 'done', 1]]);
    expect((await store.importRuns.recent(50)).filter((r) => /oai/i.test(r.source))).toHaveLength(1);
  });

  it('sends the digest edition to each subscriber exactly once', async () => {
    await until(
      'every delivery sent',
      async () => {
        const counts = await store.digests.counts();
        return counts.sent === SUBSCRIBERS && Object.keys(counts).length === 1;
      },
      60_000,
    );
    await wait(1000); // anything sent twice would have arrived by now
    const copies = new Map<string, number>();
    for (const m of mailbox.messages) {
      const to = (Array.isArray(m.to) ? m.to : [m.to]).flatMap((t) => t?.value ?? []).map((v) => v.address ?? '');
      for (const addr of to) if (/^multi\d+@/.test(addr)) copies.set(addr, (copies.get(addr) ?? 0) + 1);
    }
    expect(copies.size).toBe(SUBSCRIBERS);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    // Each process took part in the queue: the slot jobs ran once each.
    const jobs = await store.jobs.list();
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    expect(jobs.filter((j) => j.kind === 'digests.send' && j.status === 'done').length).toBeGreaterThanOrEqual(1);
    for (const p of procs) expect(logs.get(p)).not.toMatch(/job .* failed/);
  });
});
