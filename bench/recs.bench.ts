/**
 * "For you" refresh benchmark (issue 6, acceptance: "refreshing 'for you' for 10,000 users fits in 10 minutes"), on the
 * 87k corpus (../shared/data/arxiv-87k.jsonl.gz; the 14 feed days up to its last day are the candidates, ~2.5k papers).
 *
 * Measured, each in a child process of its own (peak RSS per measurement, lib/child.ts), `--rounds` times (medians):
 * - force:    `RecommendationService.refreshAll({ force: true })` over every member (an empty `recommendation_cache`):
 *             what a new feed day costs (every cached list is stale). Time per member from onProgress timestamps.
 * - steady:   a second `refreshAll()` right after, nothing changed: what the half-hourly job
 *             (jobs/recommendations.job.ts) costs on a quiet half hour (signature + cached row per member).
 * - baseline: the floor of the same loop without ranking, in the same run: for each member (membersWithSignals in
 *             batches of 500, as refreshAll), `store.interests.signature` + `recs.signals(userId)` +
 *             `store.interests.putCache` of a fixed list of 50 (same shape and size as real ones). force / baseline is
 *             what ranking costs on top of reading the signals and writing the cache.
 * Every child opens the same things the server does (store, search index, the default embedder, the vector index with
 * its graph); that setup is reported but not timed. Rounds alternate the order (baseline first, then force first);
 * steady always follows force (it needs the cache force filled). A breakdown child then times the pieces of one
 * member's refresh on `--breakdown` members, and `--profile` adds a force run under `node --cpu-prof` and prints the
 * functions with the most self time.
 *
 * Data, built once and cached under $PAPERBOY_BENCH_CACHE (default /tmp/paperboy-bench-cache)/recs-<hash of the store,
 * ingest, search-index and embedder code, and the models>:
 * - base/: the 87k corpus imported with PaperImporter + openFileSource (as `paperboy ingest`), and its search index
 *   (text + vectors of the default embedder, createDefaultEmbedder) built by IndexSync.syncOnce (as `paperboy reindex`);
 * - members-<N>-<seed>.json / .db: N members with seeded-random signals, and a copy of the base store holding them.
 *   Each member picks an anchor paper (half from the last 60 feed days, half from the whole corpus) and upvotes it and
 *   4–19 of its 40 nearest neighbours by vector (5–20 upvotes); 30% also save 2–10 more neighbours to a reading list;
 *   30% follow 1–3 categories (of the papers they liked) or authors (of those papers); 20% dismiss 1–5 papers of the
 *   current window ("not interested"). Rows go in with bulk inserts consistent with src/store/schema.ts; feed vote
 *   counts are not recounted (the trending order of the window is the imported one).
 * Other recs-* directories (stale code hashes) are removed when a new one is built. Each run works on its own copy
 * of the members store (a temp dir, removed at the end); the search index is opened in place (read only in effect).
 *
 * PostgreSQL: `--database-url postgres://…` runs the same against that database. It must be empty (the benchmark
 * migrates it, imports the corpus and the members, and marks it as its own) or one this benchmark filled before with
 * the same data (reused); anything else is refused. The search index (vectors) is the SQLite cache above.
 *
 * Usage: npm run bench:recs [-- --members 10000] [--rounds 3] [--breakdown 1000] [--profile] [--database-url URL]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { DatabaseTarget } from '../src/config.js';
import { openFileSource } from '../src/ingest/file-source.js';
import { createDefaultEmbedder } from '../src/search/embedders/default.js';
import { IndexSync } from '../src/search/index-sync.js';
import { INDEX_LAYOUT, TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { FOR_YOU_CACHED, FOR_YOU_DAYS, reasonText, RecommendationService, sharedTerms } from '../src/services/recommendation.service.js';
import type { CachedRecommendation } from '../src/store/interest.repository.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { hashFiles, PROJECT_ROOT } from './lib/hash-files.js';
import { hasGnuTime, reportResult, runMeasured } from './lib/child.js';
import { fmtInt, fmtMb, fmtMs, fmtRatio, median, pct, rng, table } from './lib/stats.js';

const THIS_FILE = import.meta.filename;
const CACHE_ROOT = process.env.PAPERBOY_BENCH_CACHE ?? path.join(os.tmpdir(), 'paperboy-bench-cache');
const CORPUS_FILE = path.resolve(process.env.PAPERBOY_BENCH_CORPUS ?? path.join(PROJECT_ROOT, '..', 'shared', 'data', 'arxiv-87k.jsonl.gz'));
/** Bump when the build below changes (the code it calls is hashed). */
const BUILD_VERSION = 'r1';
/** Bump when the member generator changes. */
const MEMBERS_VERSION = 'm1';
const SEED = 0x7ec5_2026;
const BUDGET_S = 600;
const GOAL_MEMBERS = 10_000;
/** What refreshAll reads per step (keep in step with RecommendationService.refreshAll). */
const MEMBER_BATCH = 500;
const MARKER_TABLE = 'bench_recs_marker';

// ------------------------------------------------------------------------------------------------------ cache keys


/** The code that decides what the cached store and search index hold, and the corpus file. */
function buildHash(): string {
  const corpus = fs.statSync(CORPUS_FILE);
  return hashFiles(
    [
      'src/store',
      'src/ingest',
      'src/services/paper-importer.ts',
      ...['arxiv-id', 'hotness', 'paper-hash', 'paper-version', 'paper', 'query-parser'].map((f) => `src/domain/${f}.ts`),
      ...['index-sync', 'text-index', 'vector-index', 'embedder'].map((f) => `src/search/${f}.ts`),
      'src/search/embedders',
      'models',
    ],
    `${BUILD_VERSION}|${INDEX_LAYOUT}|${corpus.size}|${corpus.mtimeMs}`,
  );
}

// ------------------------------------------------------------------------------------------------------- helpers

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Progress on stderr: a rewritten line on a terminal, a line every 15 s elsewhere. */
function progress(label: string, total: number) {
  const t0 = performance.now();
  let last = t0;
  return {
    update(n: number) {
      const now = performance.now();
      if (process.stderr.isTTY) {
        if (now - last < 250 && n < total) return;
        last = now;
        process.stderr.write(`\r  ${label}: ${fmtInt(n)}/${fmtInt(total)} (${((now - t0) / 1000).toFixed(0)} s)`);
        if (n >= total) process.stderr.write('\n');
      } else if (now - last >= 15_000 || n >= total) {
        last = now;
        process.stderr.write(`  ${label}: ${fmtInt(n)}/${fmtInt(total)} (${((now - t0) / 1000).toFixed(0)} s)\n`);
      }
    },
  };
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function copyDb(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    fs.rmSync(to + suffix, { force: true });
    if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
  }
}

/** The vectors' embedder as recorded in a search index file (opening a VectorIndex of another one would wipe them). */
function storedEmbedder(searchDb: string): string | undefined {
  const db = new SQLite(searchDb, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("select value from vector_meta where key = 'embedder'").pluck().get() as string | undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------- build (child)

interface BuildResult {
  papers: number;
  rejected: number;
  importMs: number;
  indexMs: number;
  embedderId: string;
  dimensions: number;
  vectors: number;
}

/** The 87k corpus into a fresh store, then its text index and vectors: what `paperboy ingest` + `reindex` do. */
async function buildChild(args: { dir: string }): Promise<BuildResult> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(args.dir, 'paperboy.db') }));
  await store.migrate();
  const t0 = performance.now();
  const source = openFileSource(CORPUS_FILE, '87k corpus');
  const bar = progress('import (PaperImporter)', source.size?.total ?? 0);
  const summary = await new PaperImporter(store).run(source, { onBatch: () => bar.update(source.progress?.() ?? 0) });
  const importMs = performance.now() - t0;
  store.db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  const index = TextIndex.open(path.join(args.dir, 'search.db'));
  const embedder = await createDefaultEmbedder();
  const vectors = new VectorIndex(index.database, embedder.dimensions, embedder.id);
  const t1 = performance.now();
  const ibar = progress('search index + vectors (IndexSync), %', 100);
  await new IndexSync(store, index, { embedder, vectors }).syncOnce((done, total) => ibar.update(Math.floor((100 * done) / total)));
  vectors.saveIfDirty(true);
  const indexMs = performance.now() - t1;
  index.database.pragma('wal_checkpoint(TRUNCATE)');
  const n = vectors.size();
  index.close();
  await store.close();
  return { papers: summary.added, rejected: summary.rejected, importMs, indexMs, embedderId: embedder.id, dimensions: embedder.dimensions, vectors: n };
}

// ------------------------------------------------------------------------------------------------------ members

/** One member's signals: [paper id, ISO time] pairs, follows as [kind, value, time]. */
interface MemberPlan {
  votes: Array<[string, string]>;
  saves: Array<[string, string]>;
  follows: Array<['author' | 'category', string, string]>;
  dismissals: Array<[string, string]>;
}
interface MembersFile {
  n: number;
  seed: number;
  latestDay: string;
  windowPapers: number;
  members: MemberPlan[];
}

/** Seeded members near anchor papers (see the header). Reads the base store and the vectors; writes nothing. */
function planMembers(storeDb: string, vectors: VectorIndex, n: number): MembersFile {
  const db = new SQLite(storeDb, { readonly: true });
  const papers = db
    .prepare('select p.id, p.primary_category as pc, p.categories as cats, p.authors as authors, f.feed_date as day from papers p left join feed_entries f on f.paper_id = p.id order by p.id')
    .all() as Array<{ id: string; pc: string | null; cats: string; authors: string; day: string | null }>;
  db.close();
  const byId = new Map(papers.map((p) => [p.id, p]));
  const days = [...new Set(papers.flatMap((p) => (p.day ? [p.day] : [])))].sort();
  const latestDay = days.at(-1)!;
  const dayMs = 86_400_000;
  const windowFrom = new Date(Date.parse(`${latestDay}T00:00:00Z`) - (FOR_YOU_DAYS - 1) * dayMs).toISOString().slice(0, 10);
  const recentFrom = new Date(Date.parse(`${latestDay}T00:00:00Z`) - 59 * dayMs).toISOString().slice(0, 10);
  const windowIds = papers.filter((p) => p.day && p.day >= windowFrom).map((p) => p.id);
  const recentIds = papers.filter((p) => p.day && p.day >= recentFrom).map((p) => p.id);
  const allIds = papers.map((p) => p.id);
  const byCategory = new Map<string, string[]>();
  for (const p of papers) if (p.pc) (byCategory.get(p.pc) ?? byCategory.set(p.pc, []).get(p.pc)!).push(p.id);

  const r = rng(SEED ^ n);
  const now = Date.parse(`${latestDay}T12:00:00Z`);
  const at = (maxDays: number) => new Date(now - Math.floor(r.next() * maxDays * dayMs)).toISOString();
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const bar = progress('members (nearest neighbours of anchors)', n);
  const members: MemberPlan[] = [];
  for (let m = 0; m < n; m++) {
    const anchor = r.next() < 0.5 ? r.pick(recentIds) : r.pick(allIds);
    const v = vectors.vectorOf(anchor);
    let near = v ? vectors.search(v, 61).map((h) => h.paperId).filter((id) => id !== anchor) : [];
    if (near.length < 30) {
      // No vector: papers of the same primary category stand in for neighbours.
      const pool = byCategory.get(byId.get(anchor)?.pc ?? '') ?? allIds;
      near = [...new Set(Array.from({ length: 60 }, () => r.pick(pool)))].filter((id) => id !== anchor);
    }
    const first = shuffle(near.slice(0, 40));
    const nVotes = 5 + r.int(16);
    const liked = [anchor, ...first.slice(0, nVotes - 1)];
    const plan: MemberPlan = { votes: liked.map((id) => [id, at(30)]), saves: [], follows: [], dismissals: [] };
    if (r.next() < 0.3) {
      const rest = shuffle([...first.slice(nVotes - 1), ...near.slice(40)]);
      plan.saves = rest.slice(0, 2 + r.int(9)).map((id) => [id, at(30)]);
    }
    if (r.next() < 0.3) {
      const seen = new Set<string>();
      const want = 1 + r.int(3);
      for (let tries = 0; plan.follows.length < want && tries < 20; tries++) {
        const p = byId.get(r.pick(liked))!;
        const [kind, value] = r.next() < 0.6 ? (['category', r.next() < 0.7 && p.pc ? p.pc : r.pick(JSON.parse(p.cats) as string[])] as const) : (['author', r.pick(JSON.parse(p.authors) as string[])] as const);
        if (!value || seen.has(`${kind}:${value}`)) continue;
        seen.add(`${kind}:${value}`);
        plan.follows.push([kind, value, at(60)]);
      }
    }
    if (r.next() < 0.2) {
      const mine = new Set([...liked, ...plan.saves.map(([id]) => id)]);
      const picked = new Set<string>();
      const want = 1 + r.int(5);
      while (picked.size < want) {
        const id = r.pick(windowIds);
        if (!mine.has(id)) picked.add(id);
      }
      plan.dismissals = [...picked].map((id) => [id, at(FOR_YOU_DAYS)]);
    }
    members.push(plan);
    bar.update(m + 1);
  }
  return { n, seed: SEED, latestDay, windowPapers: windowIds.length, members };
}

/** Puts the planned members into a store (either dialect), in bulk, in one transaction. */
async function insertMembers(store: Store, plan: MembersFile): Promise<void> {
  const created = new Date(Date.parse(`${plan.latestDay}T00:00:00Z`) - 90 * 86_400_000).toISOString();
  const chunk = <T>(xs: T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
  const bar = progress('insert members', plan.members.length);
  await store.db.kysely.transaction().execute(async (trx) => {
    const email = (m: number) => `member${m}@recs-bench.invalid`;
    let done = 0;
    for (const part of chunk([...plan.members.keys()], 500)) {
      await trx
        .insertInto('users')
        .values(part.map((m) => ({ email: email(m), display_name: `Member ${m}`, created_at: created })))
        .execute();
      const rows = await trx.selectFrom('users').select(['id', 'email']).where('email', 'in', part.map(email)).execute();
      const idOf = new Map(rows.map((r) => [r.email, Number(r.id)]));
      const votes: Array<{ user_id: number; paper_id: string; created_at: string }> = [];
      const follows: Array<{ user_id: number; kind: 'author' | 'category'; value: string; created_at: string }> = [];
      const dismissals: Array<{ user_id: number; paper_id: string; created_at: string }> = [];
      const listOwners: number[] = [];
      for (const m of part) {
        const p = plan.members[m]!;
        const uid = idOf.get(email(m))!;
        for (const [paper_id, t] of p.votes) votes.push({ user_id: uid, paper_id, created_at: t });
        for (const [kind, value, t] of p.follows) follows.push({ user_id: uid, kind, value, created_at: t });
        for (const [paper_id, t] of p.dismissals) dismissals.push({ user_id: uid, paper_id, created_at: t });
        if (p.saves.length) listOwners.push(uid);
      }
      for (const c of chunk(votes, 1000)) await trx.insertInto('votes').values(c).execute();
      for (const c of chunk(follows, 1000)) await trx.insertInto('follows').values(c).execute();
      for (const c of chunk(dismissals, 1000)) await trx.insertInto('paper_dismissals').values(c).execute();
      if (listOwners.length) {
        await trx
          .insertInto('reading_lists')
          .values(listOwners.map((user_id) => ({ user_id, name: 'To read', description: null, created_at: created, updated_at: created })))
          .execute();
        const lists = await trx.selectFrom('reading_lists').select(['id', 'user_id']).where('user_id', 'in', listOwners).execute();
        const listOf = new Map(lists.map((l) => [Number(l.user_id), Number(l.id)]));
        const items: Array<{ list_id: number; paper_id: string; position: number; added_at: string }> = [];
        for (const m of part) {
          const p = plan.members[m]!;
          if (!p.saves.length) continue;
          const list_id = listOf.get(idOf.get(email(m))!)!;
          p.saves.forEach(([paper_id, t], position) => items.push({ list_id, paper_id, position, added_at: t }));
        }
        for (const c of chunk(items, 1000)) await trx.insertInto('reading_list_items').values(c).execute();
      }
      done += part.length;
      bar.update(done);
    }
  });
}

/** Plans the members and stores them in a copy of the base store (SQLite) or in `target` (PostgreSQL). */
async function membersChild(args: { baseDir: string; planFile: string; n: number; target: DatabaseTarget }): Promise<{ ms: number; planMs: number }> {
  const t0 = performance.now();
  let plan = readJson<MembersFile>(args.planFile);
  if (!plan) {
    const index = TextIndex.open(path.join(args.baseDir, 'search.db'));
    const embedder = await createDefaultEmbedder();
    const vectors = new VectorIndex(index.database, embedder.dimensions, embedder.id);
    plan = planMembers(path.join(args.baseDir, 'paperboy.db'), vectors, args.n);
    index.close();
    fs.writeFileSync(`${args.planFile}.tmp`, JSON.stringify(plan));
    fs.renameSync(`${args.planFile}.tmp`, args.planFile);
  }
  const planMs = performance.now() - t0;
  const store = new Store(openDatabase(args.target));
  await store.migrate();
  if (args.target.dialect === 'postgres') {
    const t1 = performance.now();
    const source = openFileSource(CORPUS_FILE, '87k corpus');
    const bar = progress('import into PostgreSQL (PaperImporter)', source.size?.total ?? 0);
    await new PaperImporter(store).run(source, { onBatch: () => bar.update(source.progress?.() ?? 0) });
    process.stderr.write(`  imported the corpus into PostgreSQL in ${fmtS(performance.now() - t1)}\n`);
  }
  await insertMembers(store, plan);
  if (args.target.dialect === 'postgres') {
    await sql`create table ${sql.table(MARKER_TABLE)} (key text not null)`.execute(store.db.kysely);
    await sql`insert into ${sql.table(MARKER_TABLE)} (key) values (${pgKey(args.planFile)})`.execute(store.db.kysely);
    await sql`analyze`.execute(store.db.kysely);
  } else {
    store.db.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  }
  await store.close();
  return { ms: performance.now() - t0, planMs };
}

/** What a PostgreSQL database filled by this benchmark holds: the members file it was filled from. */
const pgKey = (planFile: string) => path.basename(path.dirname(planFile)) + '/' + path.basename(planFile);

// ------------------------------------------------------------------------------------------- measured (child)

type Mode = 'force' | 'steady' | 'baseline' | 'breakdown';
const LABELS: Record<Exclude<Mode, 'breakdown'>, string> = {
  force: 'refreshAll({ force: true })',
  steady: 'refreshAll() again, nothing changed',
  baseline: 'baseline: signature + signals + putCache',
};

interface RunArgs {
  mode: Mode;
  target: DatabaseTarget;
  searchDb: string;
  breakdown: number;
}
interface RunResult {
  mode: Mode;
  members: number;
  refreshed: number;
  ms: number;
  cpuMs: number;
  /** Time per member from the progress timestamps; the first includes latestDate, the first batch and the window. */
  perMemberMs: number[];
  /** CPU time of the process per member (user + system, all threads), from the same progress calls. */
  perMemberCpuMs: number[];
  setupMs: number;
  cacheRows: number;
  cache?: { items: number; jsonBytes: number; reasons: Record<string, number> };
  pieces?: Record<string, number[]>;
  likedMean?: number;
  windowItems?: number;
}

async function openAll(args: RunArgs) {
  const t0 = performance.now();
  const store = new Store(openDatabase(args.target));
  await store.migrate();
  const index = TextIndex.open(args.searchDb);
  const embedder = await createDefaultEmbedder();
  const stored = storedEmbedder(args.searchDb);
  if (stored !== `${embedder.id}/${embedder.dimensions}`) throw new Error(`${args.searchDb} holds vectors of ${stored ?? 'no embedder'}, not ${embedder.id}/${embedder.dimensions}; not opening it`);
  const vectors = new VectorIndex(index.database, embedder.dimensions, embedder.id);
  const recs = new RecommendationService(store, { embedder, vectors });
  return {
    store,
    vectors,
    recs,
    setupMs: performance.now() - t0,
    close: async () => {
      index.close();
      await store.close();
    },
  };
}

async function runChild(args: RunArgs): Promise<RunResult> {
  const { store, vectors, recs, setupMs, close } = await openAll(args);
  const kysely = store.db.kysely;
  const countCache = async () => Number((await kysely.selectFrom('recommendation_cache').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  if (args.mode !== 'steady') {
    await kysely.deleteFrom('recommendation_cache').execute();
    store.db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
  } else if ((await countCache()) === 0) throw new Error('steady: the cache is empty (run force first)');
  const total = await store.interests.countMembersWithSignals();
  const latest = (await store.feed.latestDate())!;
  const res: RunResult = { mode: args.mode, members: 0, refreshed: 0, ms: 0, cpuMs: 0, perMemberMs: [], perMemberCpuMs: [], setupMs, cacheRows: 0 };

  if (args.mode === 'breakdown') {
    await breakdown(args, store, vectors, recs, latest, res);
    await close();
    return res;
  }

  // The fixed list of the baseline: 50 window papers with reasons like real ones (same JSON size), built untimed.
  const top = await store.feed.list({ from: latest, to: latest, sort: 'trending', limit: FOR_YOU_CACHED, offset: 0 });
  const fixed: CachedRecommendation[] = top.map((it, k) => {
    const basis = { paperId: top[(k + 1) % top.length]!.paper.id, how: 'upvoted', paperTitle: top[(k + 1) % top.length]!.paper.title, terms: ['learning', 'models', 'graph'] };
    return { id: it.paper.id, score: 0.5 - k / 1000, reason: reasonText(basis), basis };
  });

  const stamps = new Float64Array(total + 1);
  const cpuStamps = new Float64Array(total + 1);
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const bar = progress(args.mode, total);
  const onProgress = (done: number) => {
    if (done <= total) {
      stamps[done] = performance.now();
      cpuStamps[done] = cpuNow();
    }
    bar.update(done);
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  stamps[0] = t0;
  cpuStamps[0] = cpuNow();
  if (args.mode === 'baseline') {
    let after = 0;
    for (;;) {
      const batch = await store.interests.membersWithSignals(after, MEMBER_BATCH);
      if (batch.length === 0) break;
      for (const userId of batch) {
        const signature = await store.interests.signature(userId);
        await recs.signals(userId);
        await store.interests.putCache(userId, { feedDay: latest, signature, items: fixed, computedAt: new Date().toISOString() });
        res.members++;
        onProgress(res.members);
      }
      after = batch.at(-1)!;
    }
  } else {
    const r = await recs.refreshAll({ force: args.mode === 'force', onProgress });
    res.members = r.members;
    res.refreshed = r.refreshed;
  }
  res.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  res.cpuMs = (cpu.user + cpu.system) / 1000;
  const n = Math.min(res.members, total);
  res.perMemberMs = Array.from({ length: n }, (_, i) => Math.round((stamps[i + 1]! - stamps[i]!) * 1000) / 1000);
  res.perMemberCpuMs = Array.from({ length: n }, (_, i) => Math.round((cpuStamps[i + 1]! - cpuStamps[i]!) * 1000) / 1000);

  // Checks (untimed): what the cache holds.
  res.cacheRows = await countCache();
  if (args.mode === 'force') {
    const rows = await kysely.selectFrom('recommendation_cache').select('items').orderBy('user_id').limit(1000).execute();
    const reasons: Record<string, number> = {};
    let items = 0;
    let bytes = 0;
    for (const row of rows) {
      bytes += row.items.length;
      for (const c of JSON.parse(row.items) as CachedRecommendation[]) {
        items++;
        const b = c.basis ?? {};
        const kind = b.author ? 'followed author' : b.paperId ? 'liked paper' : b.category ? 'followed category' : 'liked categories';
        reasons[kind] = (reasons[kind] ?? 0) + 1;
      }
    }
    res.cache = { items: items / Math.max(rows.length, 1), jsonBytes: bytes / Math.max(rows.length, 1), reasons };
  }
  await close();
  return res;
}

/** The pieces of one member's refresh, one by one, on the first `args.breakdown` members. */
async function breakdown(args: RunArgs, store: Store, vectors: VectorIndex, recs: RecommendationService, latest: string, res: RunResult): Promise<void> {
  type Window = Parameters<RecommendationService['rank']>[1];
  const from = new Date(Date.parse(`${latest}T00:00:00Z`) - (FOR_YOU_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const pieces: Record<string, number[]> = {};
  const time = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const s = performance.now();
    const out = await f();
    (pieces[name] ??= []).push(performance.now() - s);
    return out;
  };
  const w: Window = await time('window: feed.list (trending, 14 days) + vectorsOf (once per refresh)', async () => {
    const items = await store.feed.list({ from, to: latest, sort: 'trending', limit: 20_000, offset: 0 });
    return { key: `${latest}/${FOR_YOU_DAYS}`, items, vectors: vectors.vectorsOf(items.map((i) => i.paper.id)), loadedAt: Date.now() };
  });
  res.windowItems = w.items.length;
  const ids = await store.interests.membersWithSignals(0, args.breakdown);
  let likedTotal = 0;
  const bar = progress('breakdown', ids.length);
  for (const [k, userId] of ids.entries()) {
    const signature = await time('interests.signature (4 queries)', () => store.interests.signature(userId));
    const signals = await time('recs.signals (votes, saves, dismissed, follows)', () => recs.signals(userId));
    likedTotal += signals.liked.size;
    const recsList = (await time('recs.rank (whole)', () => recs.rank(signals, w, FOR_YOU_CACHED))) ?? [];
    // Inside rank, run again on their own:
    const likedIds = [...signals.liked.keys()];
    const likedPapers = await time('  rank: papers.getByIds(liked)', () => store.papers.getByIds(likedIds));
    await time('  rank: vectors.vectorsOf(liked)', () => vectors.vectorsOf(likedIds));
    await time('  rank: vectors.vectorsOf(dismissed)', () => (signals.dismissed.size ? vectors.vectorsOf([...signals.dismissed]) : null));
    const byId = new Map(likedPapers.map((p) => [p.id, p]));
    await time('  rank: sharedTerms + reasonText (50 results)', () => {
      for (const r of recsList) {
        const p = r.basis.paperId ? byId.get(r.basis.paperId) : undefined;
        if (p) sharedTerms(p, r.item.paper);
        reasonText(r.basis);
      }
    });
    const items: CachedRecommendation[] = recsList.map((r) => ({ id: r.item.paper.id, score: r.score, reason: r.reason, basis: r.basis }));
    await time('interests.putCache (JSON + upsert)', () => store.interests.putCache(userId, { feedDay: latest, signature, items, computedAt: new Date().toISOString() }));
    await time('interests.cached (read back: the steady path)', () => store.interests.cached(userId));
    bar.update(k + 1);
  }
  const rankMs = pieces['recs.rank (whole)']!;
  pieces['  rank: scoring loop (whole − the pieces above)'] = rankMs.map(
    (x, i) =>
      x -
      pieces['  rank: papers.getByIds(liked)']![i]! -
      pieces['  rank: vectors.vectorsOf(liked)']![i]! -
      pieces['  rank: vectors.vectorsOf(dismissed)']![i]! -
      pieces['  rank: sharedTerms + reasonText (50 results)']![i]!,
  );
  res.pieces = pieces;
  res.members = ids.length;
  res.likedMean = likedTotal / Math.max(ids.length, 1);
}

// ---------------------------------------------------------------------------------------------------- parent

interface Opts {
  members: number;
  rounds: number;
  breakdown: number;
  profile: boolean;
  databaseUrl: string | null;
}

function parseOpts(argv: string[]): Opts {
  const opt = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return def;
    const v = Number(String(argv[i + 1]).replace(/_/g, ''));
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number, not ${argv[i + 1]}`);
    return v;
  };
  const i = argv.indexOf('--database-url');
  const databaseUrl = i === -1 ? null : (argv[i + 1] ?? '');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('--database-url needs a postgres:// URL');
  return { members: Math.max(1, opt('--members', GOAL_MEMBERS)), rounds: Math.max(1, opt('--rounds', 3)), breakdown: opt('--breakdown', 1000), profile: argv.includes('--profile'), databaseUrl };
}

const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/** The cached base build (store + search index) for the current code, built when missing. */
async function ensureBase(): Promise<{ dir: string; build: BuildResult & { at: string; peakRssKb: number; cached: boolean } }> {
  const dir = path.join(CACHE_ROOT, `recs-${buildHash()}`);
  const baseDir = path.join(dir, 'base');
  const cached = readJson<BuildResult & { at: string; peakRssKb: number }>(path.join(baseDir, 'build.json'));
  if (cached) return { dir, build: { ...cached, cached: true } };
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  for (const e of fs.readdirSync(CACHE_ROOT)) if (e.startsWith('recs-') && e !== path.basename(dir)) fs.rmSync(path.join(CACHE_ROOT, e), { recursive: true, force: true });
  const tmp = `${baseDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  process.stderr.write(`building the 87k store and search index in ${tmp} (a few minutes; cached afterwards)…\n`);
  const out = await runMeasured<{ result: BuildResult }>('recs-build', ['--import', 'tsx', THIS_FILE, '--child', 'build', JSON.stringify({ dir: tmp })], PROJECT_ROOT);
  const build = { ...out.result, at: new Date().toISOString(), peakRssKb: out.peakRssKb };
  fs.writeFileSync(path.join(tmp, 'build.json'), JSON.stringify(build));
  fs.rmSync(baseDir, { recursive: true, force: true });
  fs.renameSync(tmp, baseDir);
  return { dir, build: { ...build, cached: false } };
}

async function parent(o: Opts): Promise<void> {
  const started = performance.now();
  console.log(`"for you" refresh benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1e9).toFixed(1)} GB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const { dir, build } = await ensureBase();
  const baseDir = path.join(dir, 'base');
  const searchDb = path.join(baseDir, 'search.db');
  console.log(
    `corpus: ${fmtInt(build.papers)} papers from ${path.relative(PROJECT_ROOT, CORPUS_FILE)}; vectors of ${build.embedderId} (${build.dimensions}-d, ${fmtInt(build.vectors)}); ` +
      `${build.cached ? 'cached' : 'built'} ${build.at.slice(0, 16).replace('T', ' ')} in ${dir} (import ${fmtS(build.importMs)}, IndexSync ${fmtS(build.indexMs)}, peak RSS ${fmtMb(build.peakRssKb)})`,
  );

  // Members: the plan (cached), and a store holding them (SQLite: cached; PostgreSQL: filled once, marked).
  const planFile = path.join(dir, `members-${o.members}-${SEED.toString(16)}-${MEMBERS_VERSION}.json`);
  const membersDb = planFile.replace(/\.json$/, '.db');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-recs-bench-'));
  let target: DatabaseTarget;
  try {
    if (o.databaseUrl) {
      target = { dialect: 'postgres', url: o.databaseUrl };
      const state = await pgState(target, pgKey(planFile));
      if (state === 'foreign') throw new Error(`${redact(o.databaseUrl)} is not empty and was not filled by this benchmark with these members: refusing to touch it. Give an empty database (createdb paperboy_bench_recs).`);
      if (state === 'empty') {
        process.stderr.write(`filling ${redact(o.databaseUrl)}: migrate, import the corpus, ${fmtInt(o.members)} members…\n`);
        const out = await runMeasured<{ ms: number; planMs: number }>('recs-members-pg', ['--import', 'tsx', THIS_FILE, '--child', 'members', JSON.stringify({ baseDir, planFile, n: o.members, target })], PROJECT_ROOT);
        console.log(`store: PostgreSQL ${redact(o.databaseUrl)}, filled in ${fmtS(out.ms)}`);
      } else console.log(`store: PostgreSQL ${redact(o.databaseUrl)} (filled by an earlier run with the same members)`);
    } else {
      if (!fs.existsSync(membersDb)) {
        const tmp = `${membersDb}.tmp-${process.pid}`;
        copyDb(path.join(baseDir, 'paperboy.db'), tmp);
        process.stderr.write(`making ${fmtInt(o.members)} members in a copy of the base store…\n`);
        const out = await runMeasured<{ ms: number; planMs: number }>('recs-members', ['--import', 'tsx', THIS_FILE, '--child', 'members', JSON.stringify({ baseDir, planFile, n: o.members, target: { dialect: 'sqlite', file: tmp } })], PROJECT_ROOT);
        fs.renameSync(tmp, membersDb);
        for (const s of ['-wal', '-shm']) fs.rmSync(tmp + s, { force: true });
        console.log(`members: made in ${fmtS(out.ms)} (plan ${fmtS(out.planMs)}), cached as ${membersDb}`);
      }
      const file = path.join(work, 'paperboy.db');
      copyDb(membersDb, file);
      target = { dialect: 'sqlite', file };
      console.log(`store: SQLite, a working copy of ${path.basename(membersDb)} in ${work}`);
    }
    const plan = readJson<MembersFile>(planFile)!;
    describeMembers(plan);
    console.log(`peak RSS via ${hasGnuTime() ? '/usr/bin/time -v' : 'getrusage'} of each child; ${o.rounds} round(s), each measurement a fresh child process that opens the store, search index, embedder and vector index first (untimed)\n`);

    const results: Record<Exclude<Mode, 'breakdown'>, Array<RunResult & { peakRssKb: number }>> = { force: [], steady: [], baseline: [] };
    const run = async (mode: Mode, extraNode: string[] = []) => {
      const rargs: RunArgs = { mode, target, searchDb, breakdown: o.breakdown };
      const out = await runMeasured<{ result: RunResult }>(`recs-${mode}`, [...extraNode, '--import', 'tsx', THIS_FILE, '--child', 'run', JSON.stringify(rargs)], PROJECT_ROOT);
      return { ...out.result, peakRssKb: out.peakRssKb };
    };
    for (let round = 1; round <= o.rounds; round++) {
      const order: Array<Exclude<Mode, 'breakdown'>> = round % 2 === 1 ? ['baseline', 'force', 'steady'] : ['force', 'steady', 'baseline'];
      for (const mode of order) {
        process.stderr.write(`round ${round}/${o.rounds}: ${mode}…\n`);
        const r = await run(mode);
        results[mode].push(r);
        const extra = mode === 'baseline' ? '' : `, ${fmtInt(r.refreshed)} recomputed`;
        console.log(
          `round ${round}/${o.rounds}  ${LABELS[mode].padEnd(42)} ${fmtS(r.ms).padStart(8)}  ${fmtInt(r.members)} members${extra}  ${fmtMs(r.ms / r.members)} ms/member (CPU ${fmtS(r.cpuMs)})  peak RSS ${fmtMb(r.peakRssKb)}  cache rows ${fmtInt(r.cacheRows)}`,
        );
        if (mode === 'force' && r.refreshed !== r.members) console.log(`  WARNING: force recomputed ${r.refreshed} of ${r.members} members`);
        if (mode === 'steady' && r.refreshed !== 0) console.log(`  WARNING: the steady-state run recomputed ${r.refreshed} members (expected 0)`);
        if (r.members !== o.members) console.log(`  WARNING: ${fmtInt(r.members)} members with signals, expected ${fmtInt(o.members)}`);
      }
    }
    let bd: RunResult | null = null;
    if (o.breakdown > 0) {
      process.stderr.write(`breakdown on ${fmtInt(o.breakdown)} members…\n`);
      bd = await run('breakdown');
    }
    let profileDir: string | null = null;
    if (o.profile) {
      profileDir = path.join(os.tmpdir(), `paperboy-recs-profile-${process.pid}`);
      fs.mkdirSync(profileDir, { recursive: true });
      process.stderr.write(`profiled force run (not counted), --cpu-prof into ${profileDir}…\n`);
      await run('force', ['--cpu-prof', '--cpu-prof-dir', profileDir]);
    }
    report(o, results, bd, profileDir, performance.now() - started);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function pgState(target: DatabaseTarget, key: string): Promise<'empty' | 'ours' | 'foreign'> {
  const store = new Store(openDatabase(target, { poolSize: 1 }));
  try {
    const tables = (await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = current_schema()`.execute(store.db.kysely)).rows.map((r) => r.t);
    if (tables.length === 0) return 'empty';
    if (!tables.includes(MARKER_TABLE)) return 'foreign';
    const k = (await sql<{ key: string }>`select key from ${sql.table(MARKER_TABLE)}`.execute(store.db.kysely)).rows[0]?.key;
    return k === key ? 'ours' : 'foreign';
  } finally {
    await store.close();
  }
}

function describeMembers(plan: MembersFile): void {
  const ms = plan.members;
  const share = (f: (m: MemberPlan) => boolean) => `${((100 * ms.filter(f).length) / ms.length).toFixed(0)}%`;
  const mean = (f: (m: MemberPlan) => number, only: (m: MemberPlan) => boolean = () => true) => {
    const xs = ms.filter(only).map(f);
    return (xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1)).toFixed(1);
  };
  console.log(
    `members: ${fmtInt(ms.length)} (seed ${plan.seed.toString(16)}); upvotes ${mean((m) => m.votes.length)} each (5–20, near an anchor paper); ` +
      `${share((m) => m.saves.length > 0)} saved ${mean((m) => m.saves.length, (m) => m.saves.length > 0)} papers to a list; ` +
      `${share((m) => m.follows.length > 0)} follow ${mean((m) => m.follows.length, (m) => m.follows.length > 0)} categories/authors; ` +
      `${share((m) => m.dismissals.length > 0)} dismissed ${mean((m) => m.dismissals.length, (m) => m.dismissals.length > 0)} papers`,
  );
  console.log(`window: the ${FOR_YOU_DAYS} feed days up to ${plan.latestDay}: ${fmtInt(plan.windowPapers)} candidate papers`);
}

function report(o: Opts, results: Record<Exclude<Mode, 'breakdown'>, Array<RunResult & { peakRssKb: number }>>, bd: RunResult | null, profileDir: string | null, wallMs: number): void {
  const modes = ['force', 'steady', 'baseline'] as const;
  const med = (mode: (typeof modes)[number], f: (r: RunResult & { peakRssKb: number }) => number) => median(results[mode].map(f));
  /** Per-member times after the first (the first carries the window load). */
  const steadyPart = (r: RunResult) => r.perMemberMs.slice(1);
  const cpuPart = (r: RunResult) => r.perMemberCpuMs.slice(1);
  const rows = modes.map((mode) => [
    LABELS[mode],
    fmtInt(med(mode, (r) => r.members)),
    fmtS(med(mode, (r) => r.ms)),
    fmtMs(med(mode, (r) => r.ms / r.members)),
    fmtMs(med(mode, (r) => pct(steadyPart(r), 50))),
    fmtMs(med(mode, (r) => pct(steadyPart(r), 95))),
    fmtMs(med(mode, (r) => pct(steadyPart(r), 99))),
    fmtMs(med(mode, (r) => r.perMemberMs[0] ?? NaN)),
    fmtS(med(mode, (r) => r.cpuMs)),
    fmtMs(med(mode, (r) => pct(cpuPart(r), 50))),
    fmtMs(med(mode, (r) => pct(cpuPart(r), 95))),
    fmtMb(med(mode, (r) => r.peakRssKb)),
    mode === 'baseline' ? '-' : fmtRatio(med(mode, (r) => r.ms) / med('baseline', (r) => r.ms)),
    mode === 'baseline' ? '-' : fmtRatio(med(mode, (r) => r.cpuMs) / med('baseline', (r) => r.cpuMs)),
    results[mode].map((r) => (r.ms / 1000).toFixed(1)).join(' / '),
  ]);
  console.log(
    `\nsummary: median of ${o.rounds} round(s); wall ms/member p50/p95/p99 from onProgress timestamps (the first member, which loads the window, apart); ` +
      `CPU = the child's user+system time over the loop, and per member at p50/p95 (a loaded machine stretches wall time, much less CPU time)`,
  );
  console.log(
    table(
      ['measurement', 'members', 'total', 'ms/member', 'p50', 'p95', 'p99', 'first', 'CPU', 'CPU p50', 'CPU p95', 'peak RSS', '/ baseline', 'CPU / baseline', 'each round (s)'],
      rows,
      1,
    ).replace(/^/gm, '  '),
  );
  const force = med('force', (r) => r.ms);
  const base = med('baseline', (r) => r.ms);
  const steady = med('steady', (r) => r.ms);
  console.log(
    `  ranking costs ${fmtMs((force - base) / o.members)} ms per member on top of the ${fmtMs(base / o.members)} ms floor (force / baseline ${fmtRatio(force / base)}); ` +
      `the steady-state pass is ${fmtRatio(steady / base)} the floor and ${fmtRatio(steady / force)} a full refresh`,
  );
  const setup = median(modes.flatMap((m) => results[m].map((r) => r.setupMs)));
  console.log(`  setup per child (untimed: open store, search index, embedder, vector index + graph): ${fmtMs(setup)} ms (median)`);
  const c = results.force[0]?.cache;
  if (c) {
    const reasons = Object.entries(c.reasons).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${((100 * n) / (c.items * Math.min(1000, o.members))).toFixed(0)}%`).join(', ');
    console.log(`  cache after force (first 1,000 members): ${c.items.toFixed(1)} items and ${fmtInt(c.jsonBytes)} bytes of JSON per member; reasons: ${reasons}`);
  }

  if (bd?.pieces) {
    const rowsBd = Object.entries(bd.pieces).map(([name, xs]) => [name, fmtMs(median(xs)), fmtMs(pct(xs, 95)), fmtMs(xs.reduce((a, b) => a + b, 0) / xs.length)]);
    console.log(`\nwhere a member's refresh goes (one child, the first ${fmtInt(bd.members)} members, each piece timed on its own; ${bd.likedMean!.toFixed(1)} liked papers per member on average, ${fmtInt(bd.windowItems!)} candidates):`);
    console.log(table(['piece', 'p50 ms', 'p95 ms', 'mean ms'], rowsBd, 1).replace(/^/gm, '  '));
  }
  if (profileDir) summarizeProfile(profileDir);

  const perGoal = (force / o.members) * GOAL_MEMBERS;
  const scaled = o.members !== GOAL_MEMBERS ? ` (measured ${fmtInt(o.members)} members in ${fmtS(force)}, scaled linearly)` : '';
  const fits = perGoal <= BUDGET_S * 1000;
  console.log(
    `\ngoal (issue 6): refreshing "for you" for ${fmtInt(GOAL_MEMBERS)} members fits in 10 minutes: ${fits ? 'yes' : 'NO'}, ${(perGoal / 1000).toFixed(0)} s = ${((100 * perGoal) / (BUDGET_S * 1000)).toFixed(0)}% of the ${BUDGET_S} s budget${scaled}; ` +
      `rounds: ${results.force.map((r) => fmtS((r.ms / r.members) * GOAL_MEMBERS)).join(', ')}`,
  );
  const forceCpu = (med('force', (r) => r.cpuMs) / o.members) * GOAL_MEMBERS;
  console.log(`  on CPU time alone (what one unloaded core would take): ${(forceCpu / 1000).toFixed(0)} s = ${((100 * forceCpu) / (BUDGET_S * 1000)).toFixed(0)}% of the budget; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(`steady state (nothing changed): ${fmtS((steady / o.members) * GOAL_MEMBERS)} for ${fmtInt(GOAL_MEMBERS)} members, every half hour`);
  console.log(`whole benchmark: ${fmtS(wallMs)}`);
}

/** The functions with the most self time in the profiled run (all of its CPU profiles). */
function summarizeProfile(dir: string): void {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const self = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
    const nodeOf = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const n = nodeOf.get(id)!;
      const url = n.callFrame.url.replace(/^file:\/\//, '').replace(PROJECT_ROOT + '/', '');
      const key = `${n.callFrame.functionName || '(anonymous)'}  ${url ? `${url.replace(/.*node_modules\//, 'node_modules/')}:${n.callFrame.lineNumber + 1}` : ''}`;
      const dt = p.timeDeltas[i] ?? 0;
      if (n.callFrame.functionName === '(idle)') return; // waiting threads (the tsx loader's) and idle time
      self.set(key, (self.get(key) ?? 0) + dt);
      total += dt;
    });
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  console.log(`\nCPU profile of one extra force run: functions with the most self time, % of the non-idle samples (${files.length} profile(s) in ${dir}; tsx puts every function of a file on line 1):`);
  console.log(table(['function  file:line', 'self s', '%'], top.map(([k, us]) => [k, (us / 1e6).toFixed(1), ((100 * us) / total).toFixed(1)]), 1).replace(/^/gm, '  '));
}

// ------------------------------------------------------------------------------------------------------- main

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const args = JSON.parse(argv[2] ?? '{}');
  if (argv[1] === 'build') reportResult({ result: await buildChild(args) });
  else if (argv[1] === 'members') reportResult(await membersChild(args));
  else if (argv[1] === 'run') reportResult({ result: await runChild(args) });
  else throw new Error(`unknown child mode ${argv[1]}`);
} else await parent(parseOpts(argv));
