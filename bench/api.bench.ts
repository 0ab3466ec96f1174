/**
 * Cursor (keyset) paging of the JSON API against offset paging, on the 87k corpus (../shared/data/arxiv-87k.jsonl.gz),
 * measured in the same run, on SQLite and (when reachable) PostgreSQL:
 *
 * 1. store level, trending over the whole feed: `store.feed.listTrendingAll(50, depth)` (offset) against
 *    `listTrendingAll(50, 0, feedKey(<the row before depth>, 'trending'))` (keyset) at depths 0, 1,000, 10,000, 50,000
 *    and 85,000 rows: `--reps` timed runs of each (after 2 untimed), the two interleaved and their order alternated, so
 *    noise on this shared machine hits both alike;
 * 2. store level, a month: `store.feed.list({ from, to, sort, limit: 50, offset })` against the same with `after`, for
 *    the month with the most papers, each of the three sorts, at its last page;
 * 3. over HTTP in process (`app.inject` on createApp over the same store, rate limits lifted): `GET /api/v1/trending`
 *    with a cursor at the depths above; the Hugging Face-style offset call `GET /api/daily_papers?month=M&sort=trending
 *    &p=N&limit=50` against its keyset twin `GET /api/v1/feed?month=M&sort=trending&cursor=…` at the same depths within
 *    that month (`--http-reps` runs each).
 * Then EXPLAIN QUERY PLAN (SQLite) / EXPLAIN ANALYZE (PostgreSQL, costs off; one line each: the plan nodes with their
 * actual rows, index conditions and rows removed by filters) of the queries the repository sends (the SQL captured
 * from a logging Kysely over the same connection), and correctness checks printed PASS/FAIL: offset and
 * keyset pages identical, item for item, over the first `--walk` rows of trending and over the whole month in each
 * sort; one keyset walk over all of trending returning every feed entry exactly once, in ranking order; the HTTP pages
 * holding the store's papers.
 *
 * Data. The corpus carries no upvotes (every entry of a day would share one trending score), so the build gives each
 * paper seeded imported upvotes (a function of its id: 35% none, the rest log-uniform 1–500) on the way into
 * PaperImporter (a wrapper around openFileSource, as `paperboy ingest` of a file with `upvotes` would store them):
 * the importer computes the trending scores. Every paper of the corpus has a feed day (its `published` date), so every
 * one gets a feed entry; the build checks it. Cached under $PAPERBOY_BENCH_CACHE (default /tmp/paperboy-bench-cache)/
 * api-<hash of the store, ingest and importer code, the corpus and this build>/paperboy.db (a few seconds to build;
 * stale api-* directories are removed). The measurements only read it.
 * PostgreSQL: `--database-url` or PAPERBOY_BENCH_DATABASE_URL, else PAPERBOY_TEST_DATABASE_URL, else the test database
 * of test/helpers/db.ts. The data goes into a schema of its own, `bench_api_<same hash>`, kept for the next run
 * (`--drop-pg` drops it at the end; other bench_api_* schemas are dropped as stale); loading is given
 * PG_LOAD_BUDGET_S, past which PostgreSQL is skipped. `--no-pg` skips it.
 *
 * Usage: npm run bench:api [-- --reps 20] [--http-reps 10] [--walk 3000] [--no-pg] [--drop-pg] [--database-url URL]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../src/config.js';
import { monthPeriod } from '../src/domain/period.js';
import { openFileSource } from '../src/ingest/file-source.js';
import type { PaperSource, SourceItem } from '../src/ingest/source.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { FeedService } from '../src/services/feed.service.js';
import { openDatabase } from '../src/store/db.js';
import { type FeedItem, type FeedKey, FeedRepository, type FeedSort, feedKey } from '../src/store/feed.repository.js';
import type { Database } from '../src/store/schema.js';
import { Store } from '../src/store/store.js';
import { encodeCursor } from '../src/web/api/cursor.js';
import { createApp } from '../src/web/app.js';
import { hashFiles, PROJECT_ROOT } from './lib/hash-files.js';
import { reportResult, runMeasured } from './lib/child.js';
import { fmtInt, fmtMs, fmtRatio, median, pct, table } from './lib/stats.js';

const THIS_FILE = import.meta.filename;
const CACHE_ROOT = process.env.PAPERBOY_BENCH_CACHE ?? path.join(os.tmpdir(), 'paperboy-bench-cache');
const CORPUS_FILE = path.resolve(process.env.PAPERBOY_BENCH_CORPUS ?? path.join(PROJECT_ROOT, '..', 'shared', 'data', 'arxiv-87k.jsonl.gz'));
/** Bump when the build below (the upvotes given) changes; the code it calls is hashed. */
const BUILD_VERSION = 'a1';
const SEED = 0xa91_2026;
/** What a page holds (the API's and the brief's page size). */
const LIMIT = 50;
const DEPTHS = [0, 1_000, 10_000, 50_000, 85_000];
/** Untimed runs before each measured series. */
const WARM = 2;
/** Past this, loading PostgreSQL is given up (and PostgreSQL skipped). */
const PG_LOAD_BUDGET_S = 240;
const PG_DEFAULT_URL = 'postgres://paperboy:paperboy@127.0.0.1:5432/paperboy_test'; // test/helpers/db.ts PG_TEST_URL
const PG_SCHEMA_PREFIX = 'bench_api_';
const PG_MARKER = 'bench_api_loaded';
const SORTS: FeedSort[] = ['trending', 'upvotes', 'publishedAt'];

// ------------------------------------------------------------------------------------------------------- helpers

/** The code and data that decide what the cached store holds. */
function buildHash(): string {
  const corpus = fs.statSync(CORPUS_FILE);
  return hashFiles(
    ['src/store', 'src/ingest', 'src/services/paper-importer.ts', ...['hotness', 'paper-hash', 'paper-version', 'paper', 'arxiv-id'].map((f) => `src/domain/${f}.ts`)],
    `${BUILD_VERSION}|${SEED}|${corpus.size}|${corpus.mtimeMs}`,
  );
}

/** Progress on stderr: a rewritten line on a terminal, a line every 15 s elsewhere. */
function progress(label: string, total: number) {
  const t0 = performance.now();
  let last = t0;
  let done = false;
  return {
    update(n: number) {
      if (done) return;
      done = n >= total;
      const now = performance.now();
      if (process.stderr.isTTY) {
        if (now - last < 250 && n < total) return;
        last = now;
        process.stderr.write(`\r\x1b[K  ${label}: ${fmtInt(n)}/${fmtInt(total)} (${((now - t0) / 1000).toFixed(0)} s)`);
        if (n >= total) process.stderr.write('\n');
      } else if (now - last >= 15_000 || n >= total) {
        last = now;
        process.stderr.write(`  ${label}: ${fmtInt(n)}/${fmtInt(total)} (${((now - t0) / 1000).toFixed(0)} s)\n`);
      }
    },
  };
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** Seeded imported upvotes of a paper, a function of its id alone: 35% none, the rest log-uniform in 1–500. */
function upvotesOf(id: string): number {
  const h = crypto.createHash('sha256').update(`${SEED}:${id}`).digest();
  const a = h.readUInt32BE(0) / 2 ** 32;
  const b = h.readUInt32BE(4) / 2 ** 32;
  return a < 0.35 ? 0 : Math.floor(Math.exp(b * Math.log(500)));
}

/** The corpus with seeded upvotes on every feed entry (the content hash does not cover the feed entry). */
function withUpvotes(source: PaperSource): PaperSource {
  return {
    description: `${source.description} (+ seeded upvotes)`,
    get size() {
      return source.size;
    },
    progress: source.progress?.bind(source),
    async *items(): AsyncGenerator<SourceItem> {
      for await (const item of source.items()) {
        if (item.kind !== 'rejected' && item.paper.feed) yield { ...item, paper: { ...item.paper, feed: { ...item.paper.feed, upvotes: upvotesOf(item.paper.id) } } } as SourceItem;
        else yield item;
      }
    },
  };
}

/** A PostgreSQL URL whose connections use `schema`. */
function pgSchemaUrl(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function pgAdmin<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => {});
  }
}

// ------------------------------------------------------------------------------------------- child: load

interface LoadResult {
  papers: number;
  rejected: number;
  feedEntries: number;
  distinctScores: number;
  ms: number;
}

/** The corpus (with seeded upvotes) into a fresh store, as `paperboy ingest`; PostgreSQL gives up past its budget. */
async function loadChild(args: { target: DatabaseTarget; budgetS: number | null }): Promise<LoadResult> {
  const store = new Store(openDatabase(args.target, { poolSize: 4 }));
  await store.migrate();
  const t0 = performance.now();
  const source = withUpvotes(openFileSource(CORPUS_FILE, '87k corpus'));
  const bar = progress(`import into ${args.target.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} (PaperImporter)`, source.size?.total ?? 0);
  const summary = await new PaperImporter(store).run(source, {
    onBatch: () => {
      bar.update(source.progress?.() ?? 0);
      if (args.budgetS !== null && performance.now() - t0 > args.budgetS * 1000) {
        process.stderr.write(`\n  loading took more than ${args.budgetS} s: giving up\n`);
        process.exit(75);
      }
    },
  });
  const k = store.db.kysely;
  if (args.target.dialect === 'postgres') {
    await k.schema.createTable(PG_MARKER).addColumn('at', 'text').execute();
    await k.executeQuery(CompiledQuery.raw('analyze'));
  } else store.db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  const ms = performance.now() - t0;
  const feedEntries = await store.feed.countAll();
  const distinct = await k.selectFrom('feed_entries').select((eb) => eb.fn.count<number>('trending_score').distinct().as('n')).executeTakeFirstOrThrow();
  await store.close();
  return { papers: summary.added, rejected: summary.rejected, feedEntries, distinctScores: Number(distinct.n), ms };
}

// ---------------------------------------------------------------------------------------- child: measure

interface Series {
  label: string;
  depth: number;
  offset: number[] | null;
  keyset: number[];
  /** Both methods returned the same page (null: no offset twin). */
  same: boolean | null;
}
interface Check {
  name: string;
  pass: boolean;
  detail: string;
}
interface MeasureResult {
  dialect: string;
  papers: number;
  feedEntries: number;
  month: { key: string; papers: number; lastPage: number };
  trending: Series[];
  month_: Series[];
  http: Series[];
  plans: Array<{ name: string; plan: string }>;
  checks: Check[];
  setupMs: number;
}

interface MeasureArgs {
  target: DatabaseTarget;
  reps: number;
  httpReps: number;
  walk: number;
}

const ids = (xs: readonly FeedItem[]) => xs.map((x) => x.paper.id);
const sameItems = (a: readonly FeedItem[], b: readonly FeedItem[]) => JSON.stringify(a) === JSON.stringify(b);

/** `reps` timed runs of `a` and `b` (after WARM untimed), interleaved, their order alternated per run. */
async function pair(reps: number, a: (() => Promise<unknown>) | null, b: () => Promise<unknown>, tick: () => void): Promise<{ a: number[] | null; b: number[] }> {
  const ta: number[] = [];
  const tb: number[] = [];
  const time = async (f: () => Promise<unknown>) => {
    const s = performance.now();
    await f();
    return performance.now() - s;
  };
  for (let i = 0; i < WARM + reps; i++) {
    const first = i % 2 === 0;
    let x = NaN;
    let y = NaN;
    if (first && a) x = await time(a);
    y = await time(b);
    if (!first && a) x = await time(a);
    if (i >= WARM) {
      if (a) ta.push(x);
      tb.push(y);
      tick();
    }
  }
  return { a: a ? ta : null, b: tb };
}

/** Ranking order of trending: score, upvotes, published descending, then id ascending (bytewise); <0 when x first. */
function trendingCompare(x: FeedItem, y: FeedItem): number {
  const kx = feedKey(x, 'trending');
  const ky = feedKey(y, 'trending');
  for (let i = 0; i < 3; i++) {
    const a = kx.values[i]!;
    const b = ky.values[i]!;
    if (a !== b) return a > b ? -1 : 1;
  }
  return kx.id < ky.id ? -1 : kx.id > ky.id ? 1 : 0;
}

async function measureChild(args: MeasureArgs): Promise<MeasureResult> {
  const t0 = performance.now();
  const store = new Store(openDatabase(args.target, { poolSize: 4 }));
  const feed = store.feed;
  const dialect = args.target.dialect;
  const papers = Number((await store.db.kysely.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const feedEntries = await feed.countAll();
  // The month with the most papers (days counted, summed per month here: the same on both dialects).
  const days = await store.db.kysely.selectFrom('feed_entries').select(['feed_date', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('feed_date').execute();
  const perMonth = new Map<string, number>();
  for (const d of days) perMonth.set(String(d.feed_date).slice(0, 7), (perMonth.get(String(d.feed_date).slice(0, 7)) ?? 0) + Number(d.n));
  const [monthKey, monthN] = [...perMonth].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))[0]!;
  const period = monthPeriod(monthKey)!;
  const lastPage = Math.floor((monthN - 1) / LIMIT);
  const res: MeasureResult = {
    dialect,
    papers,
    feedEntries,
    month: { key: monthKey, papers: monthN, lastPage },
    trending: [],
    month_: [],
    http: [],
    plans: [],
    checks: [],
    setupMs: performance.now() - t0,
  };
  const check = (name: string, pass: boolean, detail: string) => {
    res.checks.push({ name, pass, detail });
    process.stderr.write(`  check: ${name}: ${pass ? 'PASS' : 'FAIL'} (${detail})\n`);
  };
  check('every paper has a feed entry', papers === feedEntries && papers > 0, `${fmtInt(papers)} papers, ${fmtInt(feedEntries)} feed entries`);

  // ---- correctness: offset and keyset pages identical over the first rows of trending, and over the month
  {
    const pages = Math.ceil(args.walk / LIMIT);
    const bar = progress(`walk, trending, first ${fmtInt(pages * LIMIT)} rows (offset vs keyset, page by page)`, pages);
    let after: FeedKey | undefined;
    let bad = -1;
    for (let p = 0; p < pages; p++) {
      const byOffset = await feed.listTrendingAll(LIMIT, p * LIMIT);
      const byKey = await feed.listTrendingAll(LIMIT, 0, after);
      if (bad < 0 && !sameItems(byOffset, byKey)) bad = p;
      after = byKey.length ? feedKey(byKey.at(-1)!, 'trending') : after;
      bar.update(p + 1);
    }
    check(`trending, first ${fmtInt(pages * LIMIT)} rows: offset pages = keyset pages`, bad < 0, bad < 0 ? `${pages} pages of ${LIMIT}, item for item` : `first difference on page ${bad}`);
  }
  for (const sort of SORTS) {
    const bar = progress(`walk, month ${monthKey} by ${sort}, all ${fmtInt(monthN)} rows`, lastPage + 1);
    let after: FeedKey | undefined;
    let bad = -1;
    let rows = 0;
    for (let p = 0; p <= lastPage; p++) {
      const q = { from: period.from, to: period.to, sort, limit: LIMIT };
      const byOffset = await feed.list({ ...q, offset: p * LIMIT });
      const byKey = await feed.list({ ...q, offset: 0, after });
      if (bad < 0 && !sameItems(byOffset, byKey)) bad = p;
      rows += byKey.length;
      after = byKey.length ? feedKey(byKey.at(-1)!, sort) : after;
      bar.update(p + 1);
    }
    check(`month ${monthKey} by ${sort}: offset pages = keyset pages`, bad < 0 && rows === monthN, bad < 0 ? `${lastPage + 1} pages, ${fmtInt(rows)} rows` : `first difference on page ${bad}`);
  }
  {
    // One keyset walk over all of trending: each entry once, in ranking order.
    const total = Math.ceil(feedEntries / LIMIT);
    const bar = progress('keyset walk over all of trending', total);
    const seen = new Set<string>();
    let after: FeedKey | undefined;
    let prev: FeedItem | undefined;
    let disorder = 0;
    let pages = 0;
    const s = performance.now();
    for (;;) {
      const page = await feed.listTrendingAll(LIMIT, 0, after);
      if (page.length === 0) break;
      for (const it of page) {
        seen.add(it.paper.id);
        if (prev && trendingCompare(prev, it) >= 0) disorder++;
        prev = it;
      }
      after = feedKey(page.at(-1)!, 'trending');
      bar.update(++pages);
      if (page.length < LIMIT) break;
    }
    const ms = performance.now() - s;
    check('keyset walk over all of trending', seen.size === feedEntries && disorder === 0, `${fmtInt(pages)} pages, ${fmtInt(seen.size)} distinct of ${fmtInt(feedEntries)} entries, ${disorder} out of order, ${fmtS(ms)} in all (${fmtMs(ms / pages)} ms a page)`);
  }

  // ---- 1. trending at depths
  const keyAt = async (depth: number): Promise<FeedKey | undefined> => (depth === 0 ? undefined : feedKey((await feed.listTrendingAll(1, depth - 1))[0]!, 'trending'));
  const depths = DEPTHS.filter((d) => d < feedEntries);
  {
    const bar = progress(`trending at ${depths.length} depths (${args.reps} runs each of offset and keyset)`, depths.length * args.reps);
    let n = 0;
    for (const depth of depths) {
      const after = await keyAt(depth);
      const same = sameItems(await feed.listTrendingAll(LIMIT, depth), await feed.listTrendingAll(LIMIT, 0, after));
      const t = await pair(
        args.reps,
        () => feed.listTrendingAll(LIMIT, depth),
        () => feed.listTrendingAll(LIMIT, 0, after),
        () => bar.update(++n),
      );
      res.trending.push({ label: 'listTrendingAll', depth, offset: t.a, keyset: t.b, same });
    }
  }

  // ---- 2. the month, last page, each sort
  {
    const bar = progress(`month ${monthKey}, last page, 3 sorts`, SORTS.length * args.reps);
    let n = 0;
    const depth = lastPage * LIMIT;
    for (const sort of SORTS) {
      const q = { from: period.from, to: period.to, sort, limit: LIMIT };
      const prev = await feed.list({ ...q, limit: 1, offset: depth - 1 });
      const after = feedKey(prev[0]!, sort);
      const same = sameItems(await feed.list({ ...q, offset: depth }), await feed.list({ ...q, offset: 0, after }));
      const t = await pair(
        args.reps,
        () => feed.list({ ...q, offset: depth }),
        () => feed.list({ ...q, offset: 0, after }),
        () => bar.update(++n),
      );
      res.month_.push({ label: `list, month, by ${sort}`, depth, offset: t.a, keyset: t.b, same });
    }
  }

  // ---- 3. over HTTP, in process
  {
    const app: FastifyInstance = await createApp({
      feed: new FeedService(store),
      logLevel: 'silent',
      rateLimitPerMinute: 1_000_000_000,
      apiLimits: { perAddress: 1_000_000_000, perKey: 1_000_000_000, writesPerKey: 1_000_000_000 },
    });
    await app.ready();
    const get = async (url: string): Promise<unknown> => {
      const r = await app.inject({ method: 'GET', url });
      if (r.statusCode !== 200) throw new Error(`GET ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return r.json();
    };
    const monthDepths = [...new Set([0, 1_000, 5_000, lastPage * LIMIT].filter((d) => d < monthN))];
    const bar = progress('HTTP (app.inject)', (depths.length + monthDepths.length) * args.httpReps);
    let n = 0;
    for (const depth of depths) {
      const after = await keyAt(depth);
      const url = `/api/v1/trending?limit=${LIMIT}${after ? `&cursor=${encodeCursor('trending', { key: after })}` : ''}`;
      const body = (await get(url)) as { data: Array<{ id: string }> };
      const same = JSON.stringify(body.data.map((d) => d.id)) === JSON.stringify(ids(await feed.listTrendingAll(LIMIT, depth)));
      const t = await pair(args.httpReps, null, () => get(url), () => bar.update(++n));
      res.http.push({ label: 'GET /api/v1/trending?cursor', depth, offset: null, keyset: t.b, same });
    }
    const listing = `feed:month:${monthKey}:trending:`;
    const q = { from: period.from, to: period.to, sort: 'trending' as const, limit: 1 };
    for (const depth of monthDepths) {
      const after = depth === 0 ? undefined : feedKey((await feed.list({ ...q, offset: depth - 1 }))[0]!, 'trending');
      const keyUrl = `/api/v1/feed?month=${monthKey}&sort=trending&limit=${LIMIT}${after ? `&cursor=${encodeCursor(listing, { key: after })}` : ''}`;
      const offUrl = `/api/daily_papers?month=${monthKey}&sort=trending&p=${depth / LIMIT}&limit=${LIMIT}`;
      const kb = (await get(keyUrl)) as { data: Array<{ id: string }> };
      const ob = (await get(offUrl)) as Array<{ paper: { id: string } }>;
      const same = kb.data.length > 0 && JSON.stringify(kb.data.map((d) => d.id)) === JSON.stringify(ob.map((d) => d.paper.id));
      const t = await pair(args.httpReps, () => get(offUrl), () => get(keyUrl), () => bar.update(++n));
      res.http.push({ label: `daily_papers?month&p (offset) vs v1/feed?month&cursor, trending`, depth, offset: t.a, keyset: t.b, same });
    }
    await app.close();
  }

  // ---- plans: the SQL the repository sends, captured from a logging Kysely over the same database
  {
    let last: CompiledQuery | null = null;
    const log = (e: { level: string; query: CompiledQuery }) => {
      if (e.level === 'query') last = e.query;
    };
    let pool: pg.Pool | null = null;
    const k =
      dialect === 'sqlite'
        ? new Kysely<Database>({ dialect: new SqliteDialect({ database: store.db.sqlite! }), log })
        : new Kysely<Database>({ dialect: new PostgresDialect({ pool: (pool = new pg.Pool({ connectionString: (args.target as { url: string }).url, max: 1 })) }), log });
    const repo = new FeedRepository(k, dialect, null);
    const explain = async (name: string, run: () => Promise<unknown>) => {
      last = null;
      await run();
      const q = last as CompiledQuery | null;
      if (!q) throw new Error(`no query captured for ${name}`);
      let plan: string;
      if (dialect === 'sqlite') {
        const rows = (await k.executeQuery(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows as Array<{ detail: string }>;
        plan = rows.map((r) => r.detail).join('; ');
      } else {
        const rows = (await k.executeQuery(CompiledQuery.raw(`explain (analyze, costs off, timing off) ${q.sql}`, [...q.parameters]))).rows as Array<Record<string, string>>;
        // Plan nodes with their actual rows, index conditions and rows filtered out; sort keys and filters left out.
        const keep = /^(-> )?[A-Z][A-Za-z ]*?( on | using |\s*\(actual)|^(Index Cond|Recheck Cond|Presorted Key|Rows Removed by Filter|Execution Time)/;
        plan = rows.map((r) => Object.values(r)[0]!.trim().replace(/^->\s*/, '-> ')).filter((l) => keep.test(l)).join(' | ');
      }
      res.plans.push({ name, plan });
    };
    for (const depth of [1_000, 50_000, 85_000].filter((d) => d < feedEntries)) {
      const after = await keyAt(depth);
      await explain(`trending keyset at ${fmtInt(depth)}`, () => repo.listTrendingAll(LIMIT, 0, after));
    }
    await explain('trending offset 50,000', () => repo.listTrendingAll(LIMIT, 50_000));
    await explain(`month ${monthKey} by trending, offset 0 (first page)`, () => repo.list({ from: period.from, to: period.to, sort: 'trending', limit: LIMIT, offset: 0 }));
    for (const sort of SORTS) {
      const q = { from: period.from, to: period.to, sort, limit: LIMIT };
      for (const depth of sort === 'trending' ? [1_000, lastPage * LIMIT] : [lastPage * LIMIT]) {
        const after = feedKey((await feed.list({ ...q, limit: 1, offset: depth - 1 }))[0]!, sort);
        await explain(`month ${monthKey} by ${sort}, keyset at ${fmtInt(depth)}${depth === lastPage * LIMIT ? ' (last page)' : ''}`, () => repo.list({ ...q, offset: 0, after }));
      }
    }
    if (pool) await k.destroy(); // its own pool; the SQLite one would close the store's connection
  }
  await store.close();
  return res;
}

// ------------------------------------------------------------------------------------------------------ parent

interface Opts {
  reps: number;
  httpReps: number;
  walk: number;
  pg: boolean;
  dropPg: boolean;
  databaseUrl: string;
}

function parseOpts(argv: string[]): Opts {
  const opt = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return def;
    const v = Number(String(argv[i + 1]).replace(/_/g, ''));
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a whole number ≥ 1, not ${argv[i + 1]}`);
    return v;
  };
  const i = argv.indexOf('--database-url');
  const databaseUrl = (i === -1 ? null : argv[i + 1]) ?? process.env.PAPERBOY_BENCH_DATABASE_URL ?? process.env.PAPERBOY_TEST_DATABASE_URL ?? PG_DEFAULT_URL;
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('--database-url needs a postgres:// URL');
  return { reps: opt('--reps', 20), httpReps: opt('--http-reps', 10), walk: opt('--walk', 3_000), pg: !argv.includes('--no-pg'), dropPg: argv.includes('--drop-pg'), databaseUrl };
}

/** The cached SQLite store for the current code, built when missing. */
async function ensureSqlite(hash: string): Promise<{ file: string; load: LoadResult & { at: string; cached: boolean } }> {
  const dir = path.join(CACHE_ROOT, `api-${hash}`);
  const file = path.join(dir, 'paperboy.db');
  const meta = path.join(dir, 'build.json');
  if (fs.existsSync(meta) && fs.existsSync(file)) return { file, load: { ...(JSON.parse(fs.readFileSync(meta, 'utf8')) as LoadResult & { at: string }), cached: true } };
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  for (const e of fs.readdirSync(CACHE_ROOT)) if (e.startsWith('api-') && e !== path.basename(dir)) fs.rmSync(path.join(CACHE_ROOT, e), { recursive: true, force: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  process.stderr.write(`building the 87k store (seeded upvotes) in ${tmp}…\n`);
  try {
    const out = await runMeasured<{ result: LoadResult }>('api-build', ['--import', 'tsx', THIS_FILE, '--child', 'load', JSON.stringify({ target: { dialect: 'sqlite', file: path.join(tmp, 'paperboy.db') }, budgetS: null })], PROJECT_ROOT);
    const load = { ...out.result, at: new Date().toISOString() };
    fs.writeFileSync(path.join(tmp, 'build.json'), JSON.stringify(load));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return { file, load: { ...load, cached: false } };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The PostgreSQL schema holding the data for the current code (loaded when missing), or why there is none. */
async function ensurePostgres(o: Opts, hash: string): Promise<{ url: string; schema: string; load: LoadResult | null } | string> {
  const schema = `${PG_SCHEMA_PREFIX}${hash}`;
  let state: 'ready' | 'missing';
  try {
    state = await pgAdmin(o.databaseUrl, async (c) => {
      const schemas = (await c.query<{ s: string }>('select nspname as s from pg_namespace where starts_with(nspname, $1)', [PG_SCHEMA_PREFIX])).rows.map((r) => r.s);
      for (const s of schemas) {
        const done = (await c.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = $2`, [s, PG_MARKER])).rowCount;
        if (s !== schema || !done) {
          process.stderr.write(`dropping ${s === schema ? 'the half-loaded' : 'the stale'} schema ${s}…\n`);
          await c.query(`drop schema ${s} cascade`);
        }
      }
      return (await c.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount ? 'ready' : 'missing';
    });
  } catch (e) {
    return `${redact(o.databaseUrl)} unreachable (${e instanceof Error ? e.message : String(e)}); start it with pg_ctlcluster 15 main start`;
  }
  const url = pgSchemaUrl(o.databaseUrl, schema);
  if (state === 'ready') return { url, schema, load: null };
  await pgAdmin(o.databaseUrl, (c) => c.query(`create schema ${schema}`));
  process.stderr.write(`loading the 87k corpus into PostgreSQL, schema ${schema} (given ${PG_LOAD_BUDGET_S} s)…\n`);
  try {
    const out = await runMeasured<{ result: LoadResult }>('api-load-pg', ['--import', 'tsx', THIS_FILE, '--child', 'load', JSON.stringify({ target: { dialect: 'postgres', url }, budgetS: PG_LOAD_BUDGET_S })], PROJECT_ROOT);
    return { url, schema, load: out.result };
  } catch (e) {
    await pgAdmin(o.databaseUrl, (c) => c.query(`drop schema if exists ${schema} cascade`)).catch(() => {});
    return `loading 87k papers did not finish within ${PG_LOAD_BUDGET_S} s or failed (${e instanceof Error ? e.message.slice(0, 300) : String(e)}): PostgreSQL skipped`;
  }
}

async function measure(o: Opts, target: DatabaseTarget, label: string): Promise<MeasureResult> {
  process.stderr.write(`measuring on ${label}…\n`);
  const args: MeasureArgs = { target, reps: o.reps, httpReps: o.httpReps, walk: o.walk };
  const out = await runMeasured<{ result: MeasureResult }>(`api-measure-${target.dialect}`, ['--import', 'tsx', THIS_FILE, '--child', 'measure', JSON.stringify(args)], PROJECT_ROOT);
  return out.result;
}

function report(label: string, r: MeasureResult, reps: number, httpReps: number): void {
  const row = (s: Series) => {
    const off50 = s.offset ? median(s.offset) : NaN;
    const key50 = median(s.keyset);
    return [
      fmtInt(s.depth),
      s.offset ? fmtMs(off50) : '-',
      s.offset ? fmtMs(pct(s.offset, 95)) : '-',
      fmtMs(key50),
      fmtMs(pct(s.keyset, 95)),
      s.offset ? fmtRatio(off50 / key50) : '-',
      s.offset ? fmtRatio(pct(s.offset, 95) / pct(s.keyset, 95)) : '-',
      s.same === null ? '-' : s.same ? 'same' : 'DIFFERENT',
    ];
  };
  const head = ['depth (rows)', 'offset p50', 'p95', 'keyset p50', 'p95', 'offset/keyset p50', 'p95', 'page'];
  console.log(`\n=== ${label}: ${fmtInt(r.papers)} papers, ${fmtInt(r.feedEntries)} feed entries; biggest month ${r.month.key} (${fmtInt(r.month.papers)} papers, last page starts at row ${fmtInt(r.month.lastPage * LIMIT)}) ===`);
  console.log(`\n1. store.feed.listTrendingAll(${LIMIT}, offset) vs listTrendingAll(${LIMIT}, 0, after) (ms; ${reps} runs each, interleaved)`);
  console.log(table(head, r.trending.map(row), 1).replace(/^/gm, '  '));
  console.log(`\n2. store.feed.list({ month ${r.month.key}, sort, limit: ${LIMIT}, offset }) vs with after, at the last page (ms; ${reps} runs each)`);
  console.log(table(['sort', ...head], r.month_.map((s) => [s.label.replace(/.* by /, ''), ...row(s)]), 1).replace(/^/gm, '  '));
  console.log(`\n3. over HTTP in process, app.inject (ms; ${httpReps} runs each; "page": the JSON holds the same papers as the store's offset page / as the other call)`);
  const trendingHttp = r.http.filter((s) => s.offset === null);
  const monthHttp = r.http.filter((s) => s.offset !== null);
  console.log(`  GET /api/v1/trending?limit=${LIMIT}&cursor=… (keyset; the v1 API has no offset paging for trending)`);
  console.log(table(['depth (rows)', 'p50', 'p95', 'store keyset p50 (table 1)', 'page'], trendingHttp.map((s) => {
    const store = r.trending.find((t) => t.depth === s.depth);
    return [fmtInt(s.depth), fmtMs(median(s.keyset)), fmtMs(pct(s.keyset, 95)), store ? fmtMs(median(store.keyset)) : '-', s.same ? 'same' : 'DIFFERENT'];
  }), 1).replace(/^/gm, '    '));
  console.log(`  month ${r.month.key} by trending: GET /api/daily_papers?month&sort=trending&p=N&limit=${LIMIT} (offset) vs GET /api/v1/feed?month&sort=trending&limit=${LIMIT}&cursor=… (keyset); both also count the month`);
  console.log(table(head, monthHttp.map(row), 1).replace(/^/gm, '    '));
  const t = (d: number) => r.trending.find((s) => s.depth === d);
  const v1 = r.http.filter((s) => s.offset === null);
  const dp = r.http.filter((s) => s.offset !== null);
  const cmp = dp
    .filter((s) => s.depth > 0)
    .map((s) => {
      const near = v1.find((x) => x.depth === s.depth);
      return near ? `depth ${fmtInt(s.depth)}: daily_papers offset ${fmtMs(median(s.offset!))} ms vs v1/trending cursor ${fmtMs(median(near.keyset))} ms (${fmtRatio(median(s.offset!) / median(near.keyset))})` : null;
    })
    .filter((x) => x);
  if (cmp.length) console.log(`  the brief's pairing, same depth: ${cmp.join('; ')}`);
  console.log(`\n  plans (${r.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)'} of the SQL the repository sends):`);
  for (const p of r.plans) console.log(`    ${p.name}: ${p.plan}`);
  const keysetPlans = r.plans.filter((p) => p.name.startsWith('trending keyset'));
  const uses = keysetPlans.filter((p) => p.plan.includes('feed_entries_trending_idx') && (r.dialect === 'sqlite' ? /SEARCH feed_entries USING INDEX feed_entries_trending_idx \(trending_score</.test(p.plan) : p.plan.includes('Index Cond: (trending_score <=')));
  console.log(`  → the trending keyset query seeks feed_entries_trending_idx at ${uses.length} of ${keysetPlans.length} depths explained`);
  console.log('\n  checks:');
  for (const c of r.checks) console.log(`    ${c.pass ? 'PASS' : 'FAIL'}  ${c.name} (${c.detail})`);
  const pageChecks = [...r.trending, ...r.month_, ...r.http].filter((s) => s.same === false);
  console.log(`    ${pageChecks.length === 0 ? 'PASS' : 'FAIL'}  the timed pages: offset and keyset (and HTTP) return the same papers at every depth${pageChecks.length ? ` (different: ${pageChecks.map((s) => `${s.label} @${s.depth}`).join(', ')})` : ''}`);
  const deep = t(DEPTHS.at(-1)!);
  if (deep?.offset) console.log(`  at ${fmtInt(deep.depth)} rows: offset ${fmtMs(median(deep.offset))} ms, keyset ${fmtMs(median(deep.keyset))} ms (${fmtRatio(median(deep.offset) / median(deep.keyset))}); at 0: ${fmtMs(median(t(0)!.offset!))} vs ${fmtMs(median(t(0)!.keyset))} ms`);
}

async function parent(o: Opts): Promise<void> {
  const started = performance.now();
  console.log(`API paging benchmark (keyset vs offset): node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1e9).toFixed(1)} GB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const hash = buildHash();
  const sqlite = await ensureSqlite(hash);
  const l = sqlite.load;
  console.log(
    `SQLite store: ${sqlite.file} (${l.cached ? 'cached' : 'built'} ${l.at.slice(0, 16).replace('T', ' ')}: ${fmtInt(l.papers)} papers, ${l.rejected} rejected, ${fmtInt(l.feedEntries)} feed entries, ` +
      `${fmtInt(l.distinctScores)} distinct trending scores; import ${fmtS(l.ms)})`,
  );
  const results: Array<{ label: string; r: MeasureResult }> = [];
  results.push({ label: 'SQLite', r: await measure(o, { dialect: 'sqlite', file: sqlite.file }, 'SQLite') });
  let pgNote = 'PostgreSQL: skipped (--no-pg)';
  let pgSchema: string | null = null;
  if (o.pg) {
    const p = await ensurePostgres(o, hash);
    if (typeof p === 'string') pgNote = `PostgreSQL: ${p}`;
    else {
      pgSchema = p.schema;
      pgNote = `PostgreSQL: ${redact(o.databaseUrl)}, schema ${p.schema} (${p.load ? `loaded in ${fmtS(p.load.ms)}: ${fmtInt(p.load.papers)} papers, ${fmtInt(p.load.feedEntries)} feed entries, ${fmtInt(p.load.distinctScores)} distinct scores` : 'loaded by an earlier run'})`;
      console.log(pgNote);
      try {
        results.push({ label: 'PostgreSQL', r: await measure(o, { dialect: 'postgres', url: p.url }, 'PostgreSQL') });
      } catch (e) {
        pgNote = `PostgreSQL: measuring failed (${e instanceof Error ? e.message.slice(0, 300) : String(e)})`;
      }
    }
  }
  for (const { label, r } of results) report(label, r, o.reps, o.httpReps);
  console.log(`\n${pgNote}`);
  if (pgSchema && o.dropPg) {
    await pgAdmin(o.databaseUrl, (c) => c.query(`drop schema ${pgSchema} cascade`));
    console.log(`dropped schema ${pgSchema} (--drop-pg)`);
  } else if (pgSchema) console.log(`(schema ${pgSchema} kept for the next run; --drop-pg drops it)`);
  const failed = results.flatMap(({ label, r }) => [...r.checks.filter((c) => !c.pass).map((c) => `${label}: ${c.name}`), ...[...r.trending, ...r.month_, ...r.http].filter((s) => s.same === false).map((s) => `${label}: ${s.label} @${s.depth}`)]);
  console.log(`\ncorrectness: ${failed.length === 0 ? 'PASS' : `FAIL (${failed.join('; ')})`}`);
  console.log(`whole benchmark: ${fmtS(performance.now() - started)}; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (failed.length) process.exitCode = 1;
}

// --------------------------------------------------------------------------------------------------------- main

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const args = JSON.parse(argv[2] ?? '{}');
  if (argv[1] === 'load') reportResult({ result: await loadChild(args) });
  else if (argv[1] === 'measure') reportResult({ result: await measureChild(args) });
  else throw new Error(`unknown child mode ${argv[1]}`);
} else await parent(parseOpts(argv));
