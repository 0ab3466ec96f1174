/**
 * Faults under load (issue 8), all on loopback: two `paperboy serve` processes behind the recipe's nginx
 * (docs/deploy.md) and two `paperboy worker`s on one PostgreSQL, with autocannon sending a steady load through nginx.
 * - One web instance is killed with SIGKILL and started again on its port: the load generator sees no errors beyond
 *   the requests in flight on the killed instance (nginx retries idempotent requests on the other).
 * - A worker is killed with SIGKILL in the middle of the daily harvest job (arXiv's answer is held back): once its
 *   lease ends, the other worker takes the job back and finishes it; the job completes exactly once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { importFiles, SEED_PAPERS, tempDir } from './helpers/app.js';
import { createPgSchema, POSTGRES_AVAILABLE } from './helpers/db.js';
import { type ReplayServer, startReplayServer } from './helpers/replay-server.js';
import { BIN, serverUrl } from './helpers/serve.js';
import { until, wait } from './helpers/wait.js';
import { freePort, NGINX, recipeConfig } from './helpers/nginx.js';

const CONNECTIONS = 8;



describe.runIf(POSTGRES_AVAILABLE && NGINX)('faults under load: a web instance and a worker killed (loopback)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  let replay: ReplayServer;
  let nginx: ChildProcess;
  let base = '';
  const procs: ChildProcess[] = [];
  const ports: number[] = [];
  let env: NodeJS.ProcessEnv;

  const start = (args: string[], extra: Record<string, string> = {}) => {
    const p = spawn(process.execPath, [BIN, ...args, '--data', tempDir('paperboy-fault-')], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stderr!.resume();
    procs.push(p);
    return p;
  };
  const serve = async (port: number) => {
    const p = start(['serve', '--port', String(port), '--host', '127.0.0.1']);
    await serverUrl(p);
    return p;
  };

  beforeAll(async () => {
    db = await createPgSchema();
    store = new Store(openDatabase({ dialect: 'postgres', url: db.url }));
    await store.migrate();
    await importFiles(store, SEED_PAPERS);
    replay = await startReplayServer();
    env = { ...process.env, DATABASE_URL: db.url, PAPERBOY_DEMO: '0', LOG_LEVEL: 'warn', ARXIV_INTERVAL_MS: '0', ARXIV_OAI_URL: replay.oaiUrl, PAPERBOY_EMBEDDER: 'none', JOB_LEASE_MS: '3000', API_REQUESTS_PER_MINUTE: '1000000', RATE_LIMIT_PER_MINUTE: '1000000' };
    ports.push(await freePort(), await freePort());
    await Promise.all(ports.map(serve));
    const dir = tempDir('paperboy-fault-nginx-');
    const port = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, recipeConfig(dir, port, [ports[0]!, ports[1]!]));
    const check = spawnSync(NGINX!, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(NGINX!, ['-p', dir, '-c', conf], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    await until('nginx', async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok, 10_000);
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await store?.close();
    await db?.drop();
    await replay?.close();
  });

  it('a web instance killed with SIGKILL and restarted costs no more than its requests in flight', async () => {
    let n = 0;
    const paths = ['/api/v1/search?q=grokking', '/api/daily_papers?month=2023-10', '/papers/2505.20278', '/api/v1/feed?month=2024-02'];
    const load = autocannon({
      url: base,
      connections: CONNECTIONS,
      duration: 9,
      // A new query each time, so nginx's cache answers nothing and every request reaches an instance.
      requests: [{ setupRequest: (req) => ({ ...req, path: `${paths[n % paths.length]}${paths[n % paths.length]!.includes('?') ? '&' : '?'}n=${n++}` }) }],
    });
    await wait(2500);
    const victim = procs[0]!;
    victim.kill('SIGKILL');
    await wait(2500);
    await serve(ports[0]!);
    const result = await load;
    const failed = result.errors + result.timeouts + result.non2xx;
    const codes = Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => `${code}×${(s as { count: number }).count}`).join(' ');
    console.log(`fault: ${result.requests.total} requests through nginx in ${result.duration} s, p99 ${result.latency.p99} ms; ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${codes}) while one instance was killed and restarted`);
    expect(result.requests.total).toBeGreaterThan(500);
    expect(failed).toBeLessThanOrEqual(CONNECTIONS);
    // Both instances serve again.
    for (const p of ports) expect((await fetch(`http://127.0.0.1:${p}/readyz`)).status).toBe(200);
  }, 60_000);

  it('a worker killed with SIGKILL in the middle of a job: the other takes it back after the lease, and it completes once', async () => {
    // arXiv's answer to the harvest is held back 20 s, so the worker that takes the job is still in it when killed.
    const body = await (await fetch(`${replay.oaiUrl}?verb=ListRecords&metadataPrefix=arXivRaw`)).text();
    replay.reset();
    replay.failNext(1, { status: 200, body, headers: { 'Content-Type': 'text/xml; charset=utf-8' }, delayMs: 20_000 });
    const harvest = { OAI_HARVEST_SET: 'all', OAI_HARVEST_AT: '00:00' };
    const workers = [start(['worker'], harvest), start(['worker'], harvest)];
    const claimed = await until('a worker to claim the harvest', async () => (await store.jobs.list('ingest.oai')).find((j) => j.status === 'running' && replay.requests.length > 0), 30_000);
    const pid = Number(claimed.leaseOwner!.split(':')[1]);
    const victim = workers.find((w) => w.pid === pid)!;
    expect(victim).toBeDefined();
    victim.kill('SIGKILL');
    const done = await until('the harvest to finish', async () => (await store.jobs.list('ingest.oai')).find((j) => j.status === 'done'), 30_000);
    expect(done.attempts).toBe(2);
    expect(Number(done.leaseOwner ?? 0)).toBe(0);
    expect(await store.jobs.list('ingest.oai')).toHaveLength(1);
    // The papers went in once (the importer is idempotent; only the second attempt got arXiv's answer).
    const harvested = await store.papers.getById('0704.1114');
    expect(harvested?.title).toBe('Identification of Absorption Features in an Extrasolar Planet Atmosphere');
    const runs = (await store.importRuns.recent(20)).filter((r) => /oai/.test(r.source));
    expect(runs.filter((r) => r.status === 'completed')).toHaveLength(1);
  }, 90_000);
});
