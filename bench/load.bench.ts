/**
 * Load benchmark (issue 8): requests/s and p99 latency of real `paperboy serve` processes on PostgreSQL, one against two
 * instances behind the deployment recipe's nginx (docs/deploy.md), next to the same nginx serving a static copy of the
 * home page from disk, all in the same run on this machine (loopback; the load generator, nginx, the instances and
 * PostgreSQL share its cores).
 *
 * Setup. A fresh PostgreSQL schema (PAPERBOY_TEST_DATABASE_URL, else the test database of test/helpers/db.ts; the
 * cluster is started with `pg_ctlcluster 15 main start` when it does not answer). Instance A starts on the empty schema
 * and loads the bundled demo corpus (5,499 papers, what a fresh install serves), then B (the second instance) and C
 * (a diagnostic twin of A with RATE_LIMIT_STORE=memory) start on the same schema; each waits until /readyz says its
 * search index has caught up. Every instance runs with its own data folder, LOG_LEVEL=warn, rate limits lifted
 * (RATE_LIMIT_PER_MINUTE=API_REQUESTS_PER_MINUTE=1000000, still counted: on PostgreSQL the counters are an upsert in
 * the `rate_limits` table per request, the recipe's default), DIGEST_JOB=0 and RECOMMENDATIONS_JOB=0, the default
 * embedder (hybrid search). Two nginx processes (Debian's /usr/sbin/nginx, `worker_processes auto` as in Debian's
 * nginx.conf) run the recipe's block (test/helpers/nginx.ts recipeConfig): one with A as its only upstream, one with A
 * and B. Both also serve `/static-home.html`, a copy of `/` fetched from A once, from disk (`sendfile on`).
 *
 * Getting past nginx's cache. The recipe caches anonymous GETs for 60 s and bypasses the cache for a `pb_session`
 * cookie or an Authorization header, but the app looks a session cookie up in the database on every request
 * (src/web/session.ts onRequest) and answers an unknown API key with 401, so either would change what is measured.
 * Instead every request carries a unique query parameter (`n=<counter>`, via autocannon's setupRequest): each is a
 * cache MISS that nginx passes to an instance and then stores (as any miss is), and the app does the work of an
 * anonymous visitor. The direct and static runs carry the same parameter, so all setups send identical requests.
 * No Accept-Encoding is sent (no compression anywhere).
 *
 * Targets: the home page `/`, a paper page `/papers/2505.20278`, search `/api/v1/search?q=transformers` and the daily
 * API `/api/daily_papers`. Setups: the static copy through nginx (home page only), one instance direct, one instance
 * through nginx, two instances through nginx, and (diagnostic) one instance direct with RATE_LIMIT_STORE=memory.
 * autocannon (programmatic, in this process) with `--connections` (10) keep-alive connections: one `--warmup` (2 s) run
 * of every cell, then `--rounds` (3) rounds of `--duration` (5 s) runs of every cell, the order rotated each round so
 * noise on this shared machine spreads over all cells. Reported: req/s (2xx answers ÷ seconds; median of rounds, and
 * the range), p50 and p99 latency (median of the rounds'), errors, and the CPU each part used per request (from
 * /proc: the instances, nginx, every postgres process of the cluster, this process as load generator) plus the CPU
 * other processes on the machine used meanwhile. Ratios (static ÷ dynamic for the home page, two ÷ one instance per
 * target, direct ÷ through nginx, memory ÷ database rate limits) are taken within each round and their median shown.
 *
 * Takes ~5 minutes with the defaults (measured: 5.1 and 5.3 min). Cleans up its processes, temp folders and schema, also on Ctrl-C.
 *
 * Usage: npm run bench:load [-- --duration 5] [--rounds 3] [--warmup 2] [--connections 10] [--nginx-workers auto]
 *        [--no-diagnostic]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, NGINX, recipeConfig } from '../test/helpers/nginx.js';
import { BIN, serverUrl } from '../test/helpers/serve.js';
import { fmtInt, fmtMs, fmtRatio, median, table } from './lib/stats.js';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10' },
    'nginx-workers': { type: 'string', default: 'auto' },
    'no-diagnostic': { type: 'boolean', default: false },
  },
});
const DURATION = Number(opts.duration);
const ROUNDS = Number(opts.rounds);
const WARMUP = Number(opts.warmup);
const CONNECTIONS = Number(opts.connections);
const NGINX_WORKERS = opts['nginx-workers']!;
const DIAGNOSTIC = !opts['no-diagnostic'];
if (![DURATION, ROUNDS, WARMUP, CONNECTIONS].every((n) => Number.isFinite(n) && n > 0) || !/^(auto|\d+)$/.test(NGINX_WORKERS)) {
  console.error('usage: npm run bench:load [-- --duration S] [--rounds N] [--warmup S] [--connections C] [--nginx-workers auto|N] [--no-diagnostic]');
  process.exit(2);
}

const PG_URL = process.env.PAPERBOY_TEST_DATABASE_URL ?? 'postgres://paperboy:paperboy@127.0.0.1:5432/paperboy_test'; // test/helpers/db.ts PG_TEST_URL
const PAPER_ID = '2505.20278';
const STATIC_PATH = '/static-home.html';
const TICK_MS = 1000 / 100; // /proc/<pid>/stat counts in clock ticks (USER_HZ, 100 on Linux)

const progress = (msg: string) => process.stderr.write(`${msg}\n`);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------- cleanup

const children: ChildProcess[] = [];
const tempDirs: string[] = [];
let dropSchema: (() => Promise<void>) | null = null;
let cleaning: Promise<void> | null = null;

function exited(p: ChildProcess, ms: number): Promise<boolean> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

function cleanup(): Promise<void> {
  return (cleaning ??= (async () => {
    // nginx first (it stops sending), then the instances (they close their pools), then the schema.
    for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await Promise.all(
      children.map(async (p) => {
        if (!(await exited(p, 10_000))) {
          p.kill('SIGKILL');
          await exited(p, 5_000);
        }
      }),
    );
    if (dropSchema) await dropSchema().catch((e: unknown) => progress(`could not drop the schema: ${String(e)}`));
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  })());
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    progress(`\n${sig}: stopping the processes and dropping the schema…`);
    void cleanup().finally(() => process.exit(130));
  });
}

function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

// ------------------------------------------------------------------------------------------------- CPU from /proc

interface ProcTimes {
  /** utime + stime in clock ticks, by pid. */
  ticks: Map<number, number>;
  ppid: Map<number, number>;
  comm: Map<number, string>;
  /** This process (the load generator), microseconds. */
  self: number;
  /** The machine: busy and total ticks over all cores (/proc/stat). */
  busy: number;
  total: number;
}

function snapshot(): ProcTimes {
  const ticks = new Map<number, number>();
  const ppid = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const f = stat.slice(close + 2).split(' '); // f[0] state, f[1] ppid, f[11] utime, f[12] stime
    const pid = Number(name);
    comm.set(pid, stat.slice(stat.indexOf('(') + 1, close));
    ppid.set(pid, Number(f[1]));
    ticks.set(pid, Number(f[11]) + Number(f[12]));
  }
  const u = process.cpuUsage();
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return { ticks, ppid, comm, self: u.user + u.system, busy: total - idle, total };
}

/** CPU ms each pid used between two snapshots (a process that appeared meanwhile counts from zero). */
function usedMs(a: ProcTimes, b: ProcTimes, pids: Iterable<number>): number {
  let t = 0;
  for (const pid of pids) {
    const after = b.ticks.get(pid);
    if (after === undefined) continue; // gone: its last ticks are lost (rare: pooled connections persist)
    t += after - (a.ticks.get(pid) ?? 0);
  }
  return t * TICK_MS;
}

const childrenOf = (s: ProcTimes, parent: number) => [...s.ppid].filter(([, pp]) => pp === parent).map(([pid]) => pid);
const postgresPids = (s: ProcTimes) => [...s.comm].filter(([, c]) => c === 'postgres').map(([pid]) => pid);

// ------------------------------------------------------------------------------------------------- PostgreSQL

async function pgAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function ensurePostgres(): Promise<void> {
  if (await pgAnswers()) return;
  progress(`PostgreSQL does not answer at ${PG_URL.replace(/:[^:@/]*@/, ':***@')}: pg_ctlcluster 15 main start…`);
  const r = spawnSync('pg_ctlcluster', ['15', 'main', 'start'], { encoding: 'utf8' });
  if (r.status !== 0) progress(`pg_ctlcluster: ${r.error?.message ?? r.stderr.trim()}`);
  for (let i = 0; i < 30; i++) {
    if (await pgAnswers()) return;
    await wait(500);
  }
  throw new Error(`PostgreSQL at ${PG_URL} cannot be reached; start it (pg_ctlcluster 15 main start) or set PAPERBOY_TEST_DATABASE_URL.`);
}

// ------------------------------------------------------------------------------------------------- processes

function describeExit(p: ChildProcess, name: string, log: () => string) {
  p.on('exit', (code, signal) => {
    if (!cleaning) progress(`${name} exited unexpectedly (${code ?? signal}): ${log().slice(-2000)}`);
  });
}

async function startServe(name: string, port: number, env: NodeJS.ProcessEnv): Promise<{ name: string; port: number; base: string; proc: ChildProcess }> {
  const p = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', tempDir(`paperboy-load-${name}-`)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(p);
  let err = '';
  p.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  describeExit(p, `instance ${name}`, () => err);
  const base = await serverUrl(p);
  return { name, port, base, proc: p };
}

async function until(what: string, f: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await wait(250);
  }
}

const ready = (base: string) => until(`${base}/readyz`, async () => (await fetch(`${base}/readyz`)).status === 200, 180_000);

/** The recipe's nginx in front of `upstreams` (one or two ports), also serving the static copy of the home page. */
async function startNginx(name: string, upstreams: number[], staticDir: string): Promise<{ name: string; base: string; proc: ChildProcess }> {
  const dir = tempDir(`paperboy-load-nginx-${name}-`);
  const port = await freePort();
  let conf = recipeConfig(dir, port, [upstreams[0]!, upstreams[1] ?? upstreams[0]!]);
  if (upstreams.length === 1) {
    let seen = 0;
    conf = conf.replace(/^[ \t]*server 127\.0\.0\.1:\d+[^\n]*\n/gm, (line) => (seen++ === 0 ? line : ''));
  }
  const servers = conf.match(/^[ \t]*server 127\.0\.0\.1:\d+/gm) ?? [];
  if (servers.length !== upstreams.length) throw new Error(`nginx ${name}: expected ${upstreams.length} upstream servers, found ${servers.length}`);
  const metrics = '    location = /metrics {';
  if (!conf.includes(metrics)) throw new Error('the recipe no longer has `location = /metrics`; update bench/load.bench.ts');
  conf = conf.replace(metrics, `    location = ${STATIC_PATH} {\n        root ${staticDir};\n        default_type text/html;\n        sendfile on;\n    }\n\n${metrics}`);
  conf = `worker_processes ${NGINX_WORKERS};\n${conf}`;
  const file = path.join(dir, 'nginx.conf');
  fs.writeFileSync(file, conf);
  const check = spawnSync(NGINX!, ['-t', '-p', dir, '-c', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed for ${name}: ${check.stderr}`);
  const p = spawn(NGINX!, ['-p', dir, '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.unshift(p); // stopped before the instances
  let err = '';
  p.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  describeExit(p, `nginx ${name}`, () => err + (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''));
  const base = `http://127.0.0.1:${port}`;
  await until(`nginx ${name}`, async () => (await fetch(`${base}/healthz`)).ok, 15_000);
  return { name, base, proc: p };
}

// ------------------------------------------------------------------------------------------------- measuring

interface Target {
  key: string;
  label: string;
  path: string;
}
const TARGETS: Target[] = [
  { key: 'home', label: 'home page', path: '/' },
  { key: 'paper', label: 'paper page', path: `/papers/${PAPER_ID}` },
  { key: 'search', label: 'search API', path: '/api/v1/search?q=transformers' },
  { key: 'daily', label: 'daily API', path: '/api/daily_papers' },
];

type SetupKey = 'static' | 'direct1' | 'nginx1' | 'nginx2' | 'cached2' | 'direct1mem';
const SETUP_LABEL: Record<SetupKey, string> = {
  static: 'static copy, nginx',
  direct1: '1 instance, direct',
  nginx1: '1 instance via nginx',
  nginx2: '2 instances via nginx',
  cached2: '2 via nginx, cache on*',
  direct1mem: '1 direct, memory limits*',
};

interface Cell {
  target: Target;
  setup: SetupKey;
  base: string;
  path: string;
  /** false: the same address every time, so nginx's cache answers as it does for anonymous visitors (as deployed). */
  unique?: boolean;
  /** Pids whose CPU counts as "app" and "nginx" for this cell. */
  appPids: number[];
  nginxMaster: number | null;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  codes: string;
  appMs: number;
  /** Per instance, for the two-instance split. */
  appSplit: number[];
  pgMs: number;
  nginxMs: number;
  genMs: number;
  /** CPU-seconds per second that processes other than ours used meanwhile. */
  otherCores: number;
  genCores: number;
}

let counter = 0;
const withN = (p: string) => `${p}${p.includes('?') ? '&' : '?'}n=${++counter}`;

async function measure(cell: Cell, seconds: number): Promise<Sample> {
  const a = snapshot();
  const r = await autocannon({
    url: cell.base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: cell.unique === false ? cell.path : withN(cell.path) }) }],
  });
  const b = snapshot();
  const ok = r['2xx'];
  const per = (ms: number) => (ok > 0 ? ms / ok : NaN);
  const appSplit = cell.appPids.map((pid) => usedMs(a, b, [pid]));
  const nginxPids = cell.nginxMaster ? [cell.nginxMaster, ...childrenOf(b, cell.nginxMaster)] : [];
  const pgMs = usedMs(a, b, postgresPids(b));
  const nginxMs = usedMs(a, b, nginxPids);
  const genMs = (b.self - a.self) / 1000;
  const appMs = appSplit.reduce((x, y) => x + y, 0);
  const wallMs = ((b.total - a.total) * TICK_MS) / os.cpus().length;
  const oursMs = usedMs(a, b, [...allInstancePids, ...allNginxPids(b)]) + pgMs + genMs;
  const codes = Object.entries(r.statusCodeStats ?? {})
    .filter(([c]) => !c.startsWith('2'))
    .map(([c, s]) => `${c}×${(s as { count: number }).count}`)
    .join(' ');
  return {
    rps: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: ok,
    bad: r.errors + r.timeouts + r.non2xx,
    codes,
    appMs: per(appMs),
    appSplit,
    pgMs: per(pgMs),
    nginxMs: per(nginxMs),
    genMs: per(genMs),
    otherCores: Math.max(0, ((b.busy - a.busy) * TICK_MS - oursMs) / wallMs),
    genCores: genMs / (r.duration * 1000),
  };
}

let allInstancePids: number[] = [];
let nginxMasters: number[] = [];
const allNginxPids = (s: ProcTimes) => nginxMasters.flatMap((m) => [m, ...childrenOf(s, m)]);

// ------------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!NGINX) throw new Error('nginx is not installed (/usr/sbin/nginx): apt-get install nginx-light');
  const started = Date.now();
  progress(`load benchmark: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
  await ensurePostgres();
  const { createPgSchema } = await import('../test/helpers/db.js');
  const db = await createPgSchema();
  dropSchema = db.drop;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    PAPERBOY_DEMO: '1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    API_REQUESTS_PER_MINUTE: '1000000',
    DIGEST_JOB: '0',
    RECOMMENDATIONS_JOB: '0',
  };
  for (const k of ['OAI_HARVEST_SET', 'RATE_LIMIT_STORE', 'PAPERBOY_EMBEDDER', 'TRUST_PROXY', 'PORT', 'HOST', 'PAPERBOY_DATA']) delete env[k];

  progress('starting instance A on an empty schema (it loads the demo corpus)…');
  let t = Date.now();
  const A = await startServe('A', await freePort(), env);
  progress(`  A serving after ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const papers = await (await fetch(`${A.base}/api/daily_papers?limit=1`)).json().catch(() => null);
  if (!Array.isArray(papers) || papers.length === 0) throw new Error('instance A serves no papers: the demo corpus did not load');
  progress(`starting instance B${DIAGNOSTIC ? ' and C (RATE_LIMIT_STORE=memory)' : ''} on the same schema…`);
  const [B, C] = await Promise.all([
    startServe('B', await freePort(), env),
    DIAGNOSTIC ? startServe('C', await freePort(), { ...env, RATE_LIMIT_STORE: 'memory' }) : Promise.resolve(null),
  ]);
  t = Date.now();
  await Promise.all([A, B, C].filter((x) => x !== null).map((x) => ready(x.base)));
  progress(`  all ready (search indexes caught up) after ${((Date.now() - t) / 1000).toFixed(1)} s more`);
  allInstancePids = [A, B, C].filter((x) => x !== null).map((x) => x.proc.pid!);

  // The static copy of the home page, as an anonymous visitor gets it.
  const staticDir = tempDir('paperboy-load-static-');
  const home = await fetch(`${A.base}/`);
  if (home.status !== 200) throw new Error(`GET / answered ${home.status}`);
  const homeHtml = await home.text();
  fs.writeFileSync(path.join(staticDir, STATIC_PATH.slice(1)), homeHtml);

  const ng1 = await startNginx('one', [A.port], staticDir);
  const ng2 = await startNginx('two', [A.port, B.port], staticDir);
  nginxMasters = [ng1.proc.pid!, ng2.proc.pid!];
  progress(`nginx ${spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim().replace(/^nginx version: /, '')} (worker_processes ${NGINX_WORKERS}) in front of A (${ng1.base}) and of A+B (${ng2.base})`);

  // Every target answers 200 everywhere; through nginx a unique `n` is a MISS (reaches an instance), a repeated one a HIT.
  const bases: [string, string][] = [['A', A.base], ['nginx one', ng1.base], ['nginx two', ng2.base], ...(C ? [['C', C.base] as [string, string]] : [])];
  const sizes: string[] = [];
  for (const target of TARGETS) {
    for (const [name, base] of bases) {
      const r = await fetch(`${base}${withN(target.path)}`);
      const body = await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${name} ${target.path} answered ${r.status}`);
      if (name.startsWith('nginx') && r.headers.get('x-cache') !== 'MISS') throw new Error(`${name} ${target.path} with a unique n: X-Cache ${r.headers.get('x-cache')}, expected MISS`);
      if (name === 'A') sizes.push(`${target.path} ${fmtInt(body.byteLength / 1024)} KB`);
    }
  }
  const again = withN('/api/daily_papers');
  await fetch(`${ng1.base}${again}`);
  const second = (await fetch(`${ng1.base}${again}`)).headers.get('x-cache');
  if (second !== 'HIT') throw new Error(`a repeated request through nginx was not a cache HIT (${second}): the recipe's cache is not working as assumed`);
  const st = await fetch(`${ng2.base}${withN(STATIC_PATH)}`);
  if (st.status !== 200 || (await st.text()) !== homeHtml) throw new Error(`nginx's static copy of / is not served (${st.status})`);
  progress(`checked: every target 200 direct and through nginx (unique n → MISS, repeated → HIT), static copy ${fmtInt(homeHtml.length / 1024)} KB; sizes: ${sizes.join(', ')}`);

  const cells: Cell[] = [];
  for (const target of TARGETS) {
    if (target.key === 'home') cells.push({ target, setup: 'static', base: ng2.base, path: STATIC_PATH, appPids: [], nginxMaster: ng2.proc.pid! });
    cells.push({ target, setup: 'direct1', base: A.base, path: target.path, appPids: [A.proc.pid!], nginxMaster: null });
    cells.push({ target, setup: 'nginx1', base: ng1.base, path: target.path, appPids: [A.proc.pid!], nginxMaster: ng1.proc.pid! });
    cells.push({ target, setup: 'nginx2', base: ng2.base, path: target.path, appPids: [A.proc.pid!, B.proc.pid!], nginxMaster: ng2.proc.pid! });
    if (target.key === 'home') cells.push({ target, setup: 'cached2', base: ng2.base, path: '/', unique: false, appPids: [A.proc.pid!, B.proc.pid!], nginxMaster: ng2.proc.pid! });
    if (C) cells.push({ target, setup: 'direct1mem', base: C.base, path: target.path, appPids: [C.proc.pid!], nginxMaster: null });
  }
  const total = cells.length * (1 + ROUNDS);
  const eta = cells.length * (WARMUP + ROUNDS * DURATION) * 1.03;
  progress(`\n${cells.length} cells × (warm-up ${WARMUP} s + ${ROUNDS} rounds × ${DURATION} s), ${CONNECTIONS} connections: ~${Math.ceil(eta / 60)} min`);

  let done = 0;
  const runStarted = Date.now();
  const line = (round: string, cell: Cell, s: Sample) => {
    done++;
    const left = ((Date.now() - runStarted) / done) * (total - done);
    progress(
      `[${String(done).padStart(String(total).length)}/${total}] ${round.padEnd(7)} ${cell.target.label.padEnd(10)} ${SETUP_LABEL[cell.setup].padEnd(25)} ` +
        `${fmtInt(s.rps).padStart(6)} req/s  p99 ${fmtMs(s.p99).padStart(5)} ms${s.bad ? `  ${s.bad} failed (${s.codes})` : ''}  ~${Math.ceil(left / 1000)} s left`,
    );
  };
  for (const cell of cells) line('warm-up', cell, await measure(cell, WARMUP));
  const samples = new Map<Cell, Sample[]>(cells.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const shift = Math.floor((round * cells.length) / ROUNDS);
    const order = [...cells.slice(shift), ...cells.slice(0, shift)];
    for (const cell of order) {
      const s = await measure(cell, DURATION);
      samples.get(cell)!.push(s);
      line(`round ${round + 1}`, cell, s);
    }
  }

  // ----------------------------------------------------------------------------------------------- report
  const med = (cell: Cell, f: (s: Sample) => number) => median(samples.get(cell)!.map(f));
  const cellOf = (target: string, setup: SetupKey) => cells.find((c) => c.target.key === target && c.setup === setup);
  const ms = (x: number) => (Number.isFinite(x) ? fmtMs(x) : '-');
  const rows = cells.map((c) => {
    const ss = samples.get(c)!;
    const rps = ss.map((s) => s.rps);
    return [
      c.target.label,
      SETUP_LABEL[c.setup],
      fmtInt(median(rps)),
      `${fmtInt(Math.min(...rps))}–${fmtInt(Math.max(...rps))}`,
      ms(med(c, (s) => s.p50)),
      ms(med(c, (s) => s.p99)),
      String(ss.reduce((a, s) => a + s.bad, 0)),
      c.appPids.length ? ms(med(c, (s) => s.appMs)) : '-',
      ms(med(c, (s) => s.pgMs)),
      c.nginxMaster ? ms(med(c, (s) => s.nginxMs)) : '-',
      ms(med(c, (s) => s.genMs)),
      med(c, (s) => s.otherCores).toFixed(2),
    ];
  });
  console.log(`\nLoad: ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION} s per cell (medians; range of the rounds' req/s); CPU in ms per request (from /proc)`);
  console.log(
    table(['target', 'setup', 'req/s', 'range', 'p50 ms', 'p99 ms', 'failed', 'app CPU', 'pg CPU', 'nginx CPU', 'loadgen CPU', 'others (cores)'], rows, 2),
  );
  console.log('* cache on: the home page at one address, so nginx answers anonymous visitors from its 60 s cache as the recipe deploys it (the other rows pass the cache with a unique n).');
  console.log('* diagnostic: instance C, the same as A but RATE_LIMIT_STORE=memory (no rate-limit upsert per request); pg CPU is every postgres process of the cluster; "others" is CPU used meanwhile by processes outside this benchmark.');

  /** Per-round ratio num/den (same round), median and range. */
  const ratio = (num: Cell | undefined, den: Cell | undefined, f: (s: Sample) => number = (s) => s.rps) => {
    if (!num || !den) return { med: NaN, text: '-' };
    const rs = samples.get(num)!.map((s, i) => f(s) / f(samples.get(den)![i]!));
    return { med: median(rs), text: `${fmtRatio(median(rs))} (${fmtRatio(Math.min(...rs))}–${fmtRatio(Math.max(...rs))})` };
  };
  const staticHome = cellOf('home', 'static');
  const homeRows = (['direct1', 'nginx1', 'nginx2', 'cached2'] as const).map((setup) => {
    const r = ratio(staticHome, cellOf('home', setup));
    const p = ratio(cellOf('home', setup), staticHome, (s) => s.p99);
    return [SETUP_LABEL[setup], r.text, p.text, r.med <= 3 ? 'yes' : 'no'];
  });
  console.log('\nHome page against nginx serving its static copy (per-round ratios: median (range)); the aim is within 3x');
  console.log(table(['dynamic setup', 'static ÷ dynamic req/s', 'dynamic ÷ static p99', 'within 3x'], homeRows, 1));

  const speedRows = TARGETS.map((t) => [
    t.label,
    ratio(cellOf(t.key, 'nginx2'), cellOf(t.key, 'nginx1')).text,
    ratio(cellOf(t.key, 'nginx2'), cellOf(t.key, 'nginx1'), (s) => s.p99).text,
    ratio(cellOf(t.key, 'nginx1'), cellOf(t.key, 'direct1')).text,
    ...(DIAGNOSTIC ? [ratio(cellOf(t.key, 'direct1mem'), cellOf(t.key, 'direct1')).text] : []),
    (() => {
      const c = cellOf(t.key, 'nginx2')!;
      const split = samples.get(c)!.map((s) => s.appSplit[0]! / (s.appSplit[0]! + s.appSplit[1]!));
      return `${Math.round(100 * median(split))}% / ${Math.round(100 - 100 * median(split))}%`;
    })(),
  ]);
  console.log('\nTwo instances against one (through nginx), nginx against direct, and the diagnostic (per-round ratios of req/s unless said)');
  console.log(
    table(
      ['target', 'req/s 2 ÷ 1 instance', 'p99 2 ÷ 1 instance', 'via nginx ÷ direct', ...(DIAGNOSTIC ? ['memory ÷ database limits*'] : []), 'CPU split A / B (2 instances)'],
      speedRows,
      1,
    ),
  );
  // Where the cores went while nginx served the static copy, and the server-side CPU per request either way.
  const gen = median(samples.get(staticHome!)!.map((s) => s.genCores));
  const ngx = (med(staticHome!, (s) => s.nginxMs) * med(staticHome!, (s) => s.rps)) / 1000;
  const others = med(staticHome!, (s) => s.otherCores);
  const cores = os.cpus().length;
  const saturated = gen + ngx + others > 0.85 * cores;
  console.log(
    `\nStatic home page: the load generator (this process, one thread) used ${gen.toFixed(2)} of a core, nginx ${ngx.toFixed(2)}, other processes ${others.toFixed(2)} ` +
      `(of ${cores}): ${gen > 0.9 ? 'bounded by the load generator' : saturated ? 'the machine was full' : 'room to spare'}, so the static req/s is a floor and the ratios above understate the gap.`,
  );
  const serverCpu = (c: Cell | undefined) => (c ? med(c, (s) => (c.appPids.length ? s.appMs : 0) + s.pgMs + (c.nginxMaster ? s.nginxMs : 0)) : NaN);
  const staticCpu = serverCpu(staticHome);
  console.log(
    `Server-side CPU per home page (app + PostgreSQL + nginx, less sensitive to the load generator and the neighbours): static ${fmtMs(staticCpu)} ms; ` +
      (['direct1', 'nginx1', 'nginx2'] as const).map((k) => `${SETUP_LABEL[k]} ${fmtMs(serverCpu(cellOf('home', k)))} ms (${fmtInt(serverCpu(cellOf('home', k)) / staticCpu)}x)`).join(', ') +
      '.',
  );
  console.log(`${os.cpus().length} cores shared by the load generator, nginx, the instances and PostgreSQL; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${((Date.now() - started) / 60000).toFixed(1)} min in all.`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  progress(`load benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
} finally {
  progress('cleaning up (nginx, instances, schema, temp folders)…');
  await cleanup();
}
process.exit(failed ? 1 : 0);
