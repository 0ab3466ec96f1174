/**
 * The digest fault test (issue 5): 1,000 confirmed subscribers, an SMTP server that refuses 10% of deliveries with a
 * temporary error, and the sending process (`paperboy digest send`, a real child process) killed with SIGKILL part-way
 * and started again. Afterwards every subscriber has received exactly one copy of the edition.
 *
 * Where the kill lands: when the server has accepted 400 messages it stops answering new ones (they stay unaccepted)
 * and waits until the sender has recorded every accepted message in the ledger, then kills it. That is the crash the
 * ledger can make exactly-once; the one window it cannot — the server accepted and the process died before the next
 * database write — is named in services/digest.service.ts and docs/digests.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { tempDir } from './helpers/app.js';

const BIN = path.resolve(import.meta.dirname, '../bin/paperboy.mjs');
const SUBSCRIBERS = 1000;
const KILL_AFTER = 400;

const papers: PaperInput[] = [1, 2, 3].map(
  (i) =>
    ({
      id: `2510.0010${i}`,
      title: `A paper for the fault test, number ${i}`,
      abstract: 'Exactly once, even when the sender dies.',
      authors: ['Test Author'],
      categories: ['cs.DC'],
      published: '2025-10-03',
      updated: null,
      version: 1,
      comment: null,
      journalRef: null,
      doi: null,
      links: { abs: null, pdf: null, code: null, project: null },
      feed: { date: '2025-10-03', submittedBy: null, upvotes: i },
    }) as unknown as PaperInput,
);

describe('digest sending survives SIGKILL and temporary SMTP failures: exactly one copy each', () => {
  const dir = tempDir('paperboy-fault-');
  let store: Store;
  let server: SMTPServer;
  let port = 0;
  const accepted = new Map<string, number>(); // recipient -> copies accepted
  const refusals = new Map<string, number>();
  let acceptedTotal = 0;
  let holding = false;
  const held: Array<() => void> = [];
  let onHold: () => void = () => {};

  beforeAll(async () => {
    store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(dir, 'paperboy.db') }));
    await store.migrate();
    await new PaperImporter(store).run(new ArraySource(papers));
    const now = new Date().toISOString();
    await store.transaction(async (repos) => {
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const s = await repos.subscribers.findOrCreate(`reader${String(i).padStart(4, '0')}@example.org`, { frequency: 'daily', dailyMode: 'merge', categories: [], keywords: [], authors: [] }, now, null);
        await repos.subscribers.setStatus(s.id, 'active', now);
      }
    });

    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, cb) {
        // Every tenth recipient is refused (451) on its first attempt: 10% temporary failures.
        const to = address.address;
        const n = Number(/reader(\d+)@/.exec(to)?.[1] ?? 0);
        const tries = (refusals.get(to) ?? 0) + 1;
        refusals.set(to, tries);
        if (n % 10 === 7 && tries === 1) {
          const err = new Error('Greylisted, try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        cb();
      },
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          const accept = () => {
            for (const r of session.envelope.rcptTo) accepted.set(r.address, (accepted.get(r.address) ?? 0) + 1);
            acceptedTotal++;
            cb();
          };
          if (holding) {
            held.push(() => cb(new Error('sender gone')));
            return;
          }
          accept();
          if (acceptedTotal === KILL_AFTER) {
            holding = true;
            onHold();
          }
        });
      },
    });
    // The killed sender's connections end in ECONNRESET: expected here.
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNRESET') throw e;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await store?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function sender(): ChildProcess {
    return spawn(process.execPath, [BIN, 'digest', 'send'], {
      env: {
        ...process.env,
        PAPERBOY_DATA: dir,
        PAPERBOY_DEMO: '0',
        PAPERBOY_PUBLIC_URL: 'https://paperboy.test',
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        DIGEST_LEASE_MS: '1500', // a killed sender's deliveries are taken over after 1.5 s
        DIGEST_RETRY_BASE_MS: '50',
        DIGEST_MAX_ATTEMPTS: '10',
        DIGEST_CONCURRENCY: '4',
        DIGEST_BATCH: '40',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  const exited = (child: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  async function sentInLedger(): Promise<number> {
    return (await store.digests.counts()).sent ?? 0;
  }

  it('prints what a send would do with --dry-run, and sends and records nothing', async () => {
    const child = spawn(process.execPath, [BIN, 'digest', 'send', '--dry-run'], { env: { ...process.env, PAPERBOY_DATA: dir, PAPERBOY_DEMO: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    expect((await exited(child)).code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(SUBSCRIBERS + 1);
    expect(lines[0]).toBe('daily 2025-10-03\treader0000@example.org\t3 papers');
    expect(lines.at(-1)).toBe(`${SUBSCRIBERS} mails would be sent. Nothing was sent.`);
    expect(await store.digests.latestEdition('daily')).toBeNull();
    expect(acceptedTotal).toBe(0);
  });

  it('sends every subscriber exactly one copy across a SIGKILL and a restart', async () => {
    const first = sender();
    let stderr = '';
    first.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const firstExit = exited(first);
    // When the server has accepted KILL_AFTER messages (and holds the rest), wait for the ledger to record them, then kill.
    await new Promise<void>((resolve, reject) => {
      onHold = resolve;
      firstExit.then(({ code }) => reject(new Error(`the sender finished before the kill point (exit ${code}): ${stderr}`)));
    });
    for (let i = 0; i < 400 && (await sentInLedger()) < KILL_AFTER; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await sentInLedger()).toBe(KILL_AFTER);
    first.kill('SIGKILL');
    expect(await firstExit).toMatchObject({ signal: 'SIGKILL' });
    const counts = await store.digests.counts();
    expect(counts.sending ?? 0).toBeGreaterThan(0); // deliveries the dead sender held
    expect(acceptedTotal).toBe(KILL_AFTER);

    holding = false;
    for (const release of held.splice(0)) release();

    const second = sender();
    let out = '';
    second.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    second.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const { code } = await exited(second);
    expect(code, out).toBe(0);

    expect(await store.digests.counts()).toEqual({ sent: SUBSCRIBERS });
    expect(accepted.size).toBe(SUBSCRIBERS);
    const copies = [...accepted.values()];
    expect(copies.filter((n) => n !== 1)).toEqual([]);
    expect(acceptedTotal).toBe(SUBSCRIBERS);
    // The temporary refusals happened and were retried.
    expect([...refusals.entries()].filter(([to, n]) => /reader\d*7@/.test(to) && n >= 2)).toHaveLength(SUBSCRIBERS / 10);
  }, 120_000);

  it('runs as a worker until SIGTERM, then stops cleanly', async () => {
    const worker = spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, PAPERBOY_DATA: dir, PAPERBOY_DEMO: '0', SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    worker.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('worker running'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('Paperboy worker running');
    // It takes its work from the queue in the store: this minute's digest job and this slot's trending recount run.
    const ran = async () => (await store.jobs.list()).filter((j) => j.status === 'done').map((j) => j.kind);
    for (let i = 0; i < 200; i++) {
      const kinds = await ran();
      if (kinds.includes('digests.send') && kinds.includes('trending.recount')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await ran()).toEqual(expect.arrayContaining(['digests.send', 'trending.recount']));
    const done = exited(worker);
    worker.kill('SIGTERM');
    expect(await done).toMatchObject({ code: 0 });
    expect(acceptedTotal).toBe(SUBSCRIBERS); // nothing was due: nothing sent twice
  });
});
