/**
 * Similar-papers benchmark (issue 6, acceptance: "Similar-papers p95 ≤ 50 ms on the 87k corpus"): p50/p95/p99 latency
 * of `SearchService.similar(id, 10)` (what `GET /api/papers/{id}/similar` and each paper page run) over random paper
 * ids (fixed seed), after a warm-up, next to baselines measured in the same run on the same data, id by id, the order
 * of the runners rotated per id so machine noise hits all of them alike:
 * - bare vector: `VectorIndex.vectorOf(id)` then `VectorIndex.search(v, 11)` (the nearest-neighbour call alone);
 * - keyword: `SearchService.search({ q: <the paper's title>, mode: 'keyword', limit: 10 })`;
 * - similar without semantic parts: `new SearchService(store, index, null).similar(id, 10)` (the keyword fallback path
 *   of a server with PAPERBOY_EMBEDDER=none), on the same store and index.
 * A breakdown then times the pieces of `similar` one by one. Each round runs in a child process of its own (fresh
 * process, its own warm-up; peak RSS from `/usr/bin/time -v` when present); the summary gives the median over rounds
 * of each figure (a shared, noisy machine: quote medians, and the ratios against the baselines).
 *
 * Data: the 87k store and search index (with the default embedder's vectors) that `npm run bench:search` builds and
 * caches under /tmp/paperboy-bench-cache (PAPERBOY_BENCH_CACHE). That benchmark exports nothing (and runs on import),
 * so the cache-key code below is copied from it (keep the two in step); when its cache is missing or stale, this
 * benchmark runs `bench/search.bench.ts --skip-1m --queries 0 --warmup 0 --breakdown 0`, which (re)builds the 87k
 * store, text index and vectors its own way (a few minutes) and measures next to nothing.
 * The embedder is the one `npm start` configures by default (loadConfig({}) → openSemantic in src/main.ts); a search
 * index holding another embedder's vectors is refused rather than opened (opening it would wipe the shared cache).
 *
 * Usage: npm run bench:similar [-- --rounds 3] [--ids 1000] [--warmup 100] [--breakdown 200] [--profile]
 *   --profile  one extra round (not counted) under `node --cpu-prof`; prints where the .cpuprofile is written
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { parseQuery, textWords } from '../src/domain/query-parser.js';
import { loadConfig } from '../src/config.js';
import { openSemantic } from '../src/main.js';
import { createEmbedder } from '../src/search/embedder-factory.js';
import { INDEX_LAYOUT, TextIndex } from '../src/search/text-index.js';
import { SearchService } from '../src/services/search.service.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { hashFiles, PROJECT_ROOT } from './lib/hash-files.js';
import { hasGnuTime, reportResult, runMeasured } from './lib/child.js';
import { fmtInt, fmtMb, fmtMs, fmtRatio, median, pct, rng, table } from './lib/stats.js';

const THIS_FILE = import.meta.filename;
const CACHE_ROOT = process.env.PAPERBOY_BENCH_CACHE ?? path.join(os.tmpdir(), 'paperboy-bench-cache');
/** Seed of the id sample (this benchmark's own). */
const SEED = 0x51_31_1a_6;
/** What the API and the paper page ask for. */
const LIMIT = 10;
const GOAL_P95_MS = 50;

// ---------------------------------------------------------- the search benchmark's cache keys (copied; keep in step)
// From bench/search.bench.ts (hashFiles itself is shared: lib/hash-files.ts): GENERATOR_VERSION, BUILD_VERSION, its SEED (in the query file's name),
// storeHash, indexHash, embedderHash and the directory layout of ensureBuild.
const SEARCH_GENERATOR_VERSION = 'g1';
const SEARCH_BUILD_VERSION = 'b1';
const SEARCH_SEED = 0x5eed_2026;
const SEARCH_EMBEDDER = path.resolve(process.env.PAPERBOY_BENCH_EMBEDDER ?? path.join(PROJECT_ROOT, 'src', 'search', 'embedders', 'default.ts'));

const storeHash = () =>
  hashFiles(
    ['src/store', 'src/ingest', 'src/services/paper-importer.ts', 'src/domain/paper.ts', 'src/domain/paper-hash.ts', 'src/domain/paper-version.ts', 'src/domain/arxiv-id.ts'],
    SEARCH_GENERATOR_VERSION + SEARCH_BUILD_VERSION,
  );
const indexHash = () => hashFiles(['src/search/index-sync.ts'], SEARCH_BUILD_VERSION + INDEX_LAYOUT);
const embedderHash = () =>
  hashFiles(['src/search/embedders', 'src/search/embedder.ts', 'src/search/vector-index.ts', 'models', path.relative(PROJECT_ROOT, SEARCH_EMBEDDER)], SEARCH_BUILD_VERSION);

interface Measured<T> {
  result: T;
  wallMs: number;
  peakRssKb: number;
  at: string;
}
interface CachedBuild {
  storeDb: string;
  searchDb: string;
  papers: number;
  ingestAt: string;
  vectors: { embedderId: string; dimensions: number; ms: number; at: string };
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The search benchmark's 87k build, when its cache holds one for the current code; else why not. */
function locateCache(): CachedBuild | string {
  const qf = readJson<{ vocab: { docs: number } }>(path.join(CACHE_ROOT, `queries-${SEARCH_GENERATOR_VERSION}-${SEARCH_SEED.toString(16)}.json`));
  if (!qf) return 'no query file yet (the corpus size is read from it)';
  const storeDir = path.join(CACHE_ROOT, `store-${qf.vocab.docs}-${storeHash()}`);
  const ingest = readJson<Measured<{ added: number }>>(path.join(storeDir, 'ingest.json'));
  if (!ingest) return `no store for the current store code (${path.basename(storeDir)})`;
  const idxDir = path.join(storeDir, `index-${indexHash()}`);
  const built = readJson<{ vectors: (Measured<{ ok: boolean; embedderId?: string; dimensions?: number; ms?: number }> & { hash: string }) | null }>(path.join(idxDir, 'build.json'));
  if (!built) return `no text index for the current index code (${path.basename(idxDir)})`;
  const v = built.vectors;
  if (!v?.result.ok || v.hash !== embedderHash()) return 'no vectors for the current embedder and vector-index code';
  return {
    storeDb: path.join(storeDir, 'paperboy.db'),
    searchDb: path.join(idxDir, 'search.db'),
    papers: ingest.result.added,
    ingestAt: ingest.at,
    vectors: { embedderId: v.result.embedderId!, dimensions: v.result.dimensions!, ms: v.result.ms!, at: v.at },
  };
}

/** Has the search benchmark (re)build its 87k cache: its stdout goes to our stderr, as progress. */
function buildCache(): Promise<void> {
  const args = ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'search.bench.ts'), '--skip-1m', '--queries', '0', '--warmup', '0', '--breakdown', '0'];
  process.stderr.write(`  running: node ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (d: Buffer) => process.stderr.write(d.toString().replace(/^(?=.)/gm, '  [bench:search] ')));
    p.on('error', reject);
    // Its exit status does not matter here (it measures nothing useful with 0 queries): the cache is checked again.
    p.on('exit', () => resolve());
  });
}

// -------------------------------------------------------------------------------------------------------- helpers





/** Progress on stderr: a rewritten line on a terminal, a line every 10 s elsewhere. */
function progress(label: string, total: number) {
  const t0 = performance.now();
  let last = t0;
  return {
    update(n: number) {
      const now = performance.now();
      if (process.stderr.isTTY) {
        if (now - last < 250 && n < total) return;
        last = now;
        process.stderr.write(`\r  ${label}: ${n}/${total}`);
        if (n >= total) process.stderr.write('\n');
      } else if (now - last >= 10_000 || n >= total) {
        last = now;
        process.stderr.write(`  ${label}: ${n}/${total} (${((now - t0) / 1000).toFixed(0)} s)\n`);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------- child: round

const RUNNERS = ['similar', 'bare vector', 'keyword', 'similar, keyword only'] as const;
type Runner = (typeof RUNNERS)[number];
const RUNNER_LABEL: Record<Runner, string> = {
  similar: `similar(id, ${LIMIT})`,
  'bare vector': 'baseline (a): vectorOf + search k=11',
  keyword: `baseline (b): keyword search, title, limit ${LIMIT}`,
  'similar, keyword only': `similar(id, ${LIMIT}), no semantic parts`,
};

const PIECES = [
  'store.papers.getById (the paper)',
  'vectors.vectorOf',
  'vectors.search k=11',
  `vectors.search k=${LIMIT * 3 + 1} (what similar asks)`,
  'store.papers.getByIds (candidates, for categories)',
  `present: getByIds + feed.states (${LIMIT + 5})`,
  'keyword fallback: rankedIds, title words (any)',
] as const;

interface RoundArgs {
  storeDb: string;
  searchDb: string;
  idsFile: string;
  warmup: number;
  breakdown: number;
}
interface RoundResult {
  embedderId: string;
  dimensions: number;
  vectors: number;
  approximate: boolean;
  setupMs: { embedder: number; vectorIndex: number };
  ms: Record<Runner, number[]>;
  pieces: Record<string, number[]>;
  /** Keyword baseline queries that did not parse as a title and were sent as the title's words. */
  titleFallbacks: number;
  keywordErrors: number;
  /** Results returned by similar (semantic) and by the keyword-only path, per id. */
  counts: { semantic: number[]; keywordOnly: number[] };
  /** How often the bare vector search returned the paper itself first (a recall check of the graph). */
  selfFirst: number;
  /** How often similar's first result is the bare search's nearest other paper. */
  sameTop: number;
  reasons: Record<string, number>;
}

async function roundChild(args: RoundArgs): Promise<RoundResult> {
  const { warm, timed } = JSON.parse(fs.readFileSync(args.idsFile, 'utf8')) as { warm: string[]; timed: string[] };
  const store = new Store(openDatabase({ dialect: 'sqlite', file: args.storeDb }));
  const index = TextIndex.open(args.searchDb);
  // The embedder `npm start` configures by default. Opening the vectors of another embedder would delete them (the
  // shared cache), so the stored embedder is checked first.
  const config = loadConfig({});
  const t0 = performance.now();
  const probe = await createEmbedder(config);
  if (!probe) throw new Error(`the default configuration (PAPERBOY_EMBEDDER=${config.embedder}) gives no embedder`);
  const stored = (() => {
    try {
      return index.database.prepare("select value from vector_meta where key = 'embedder'").pluck().get() as string | undefined;
    } catch {
      return undefined;
    }
  })();
  if (stored !== `${probe.id}/${probe.dimensions}`) {
    throw new Error(`${args.searchDb} holds vectors of ${stored ?? 'no embedder'}, not of the default ${probe.id}/${probe.dimensions}; not opening it (that would wipe them). Rebuild with npm run bench:search -- --skip-1m.`);
  }
  const embedderMs = performance.now() - t0;
  const t1 = performance.now();
  const semantic = await openSemantic(config, index);
  const vectorIndexMs = performance.now() - t1;
  if (!semantic) throw new Error('openSemantic gave no semantic parts');
  const { vectors } = semantic;
  const svc = new SearchService(store, index, semantic);
  const plain = new SearchService(store, index, null);

  // Keyword baseline queries: each paper's title (read now, untimed).
  const titleOf = new Map((await store.papers.getByIds([...warm, ...timed])).map((p) => [p.id, p.title]));
  let titleFallbacks = 0;
  const queryOf = new Map<string, string>();
  for (const [id, title] of titleOf) {
    if (parseQuery(title).ok) queryOf.set(id, title);
    else {
      titleFallbacks++;
      queryOf.set(id, textWords(title).join(' '));
    }
  }

  const res: RoundResult = {
    embedderId: semantic.embedder.id,
    dimensions: semantic.embedder.dimensions,
    vectors: vectors.size(),
    approximate: vectors.approximate,
    setupMs: { embedder: embedderMs, vectorIndex: vectorIndexMs },
    ms: { similar: [], 'bare vector': [], keyword: [], 'similar, keyword only': [] },
    pieces: Object.fromEntries(PIECES.map((p) => [p, []])),
    titleFallbacks,
    keywordErrors: 0,
    counts: { semantic: [], keywordOnly: [] },
    selfFirst: 0,
    sameTop: 0,
    reasons: {},
  };
  let lastSimilarTop: string | undefined;
  let lastBareTop: string | undefined;
  let lastBareFirst: string | undefined;
  const run = async (r: Runner, id: string, record: boolean): Promise<void> => {
    const s = performance.now();
    if (r === 'similar') {
      const hits = await svc.similar(id, LIMIT);
      const ms = performance.now() - s;
      if (!record) return;
      res.ms[r].push(ms);
      res.counts.semantic.push(hits?.length ?? -1);
      lastSimilarTop = hits?.[0]?.paper.id;
      for (const h of hits ?? []) {
        const reason = h.reason.replace(/also in .*/, 'also in <primary>');
        res.reasons[reason] = (res.reasons[reason] ?? 0) + 1;
      }
    } else if (r === 'bare vector') {
      const v = vectors.vectorOf(id);
      const hits = v ? vectors.search(v, LIMIT + 1) : [];
      const ms = performance.now() - s;
      if (!record) return;
      res.ms[r].push(ms);
      lastBareFirst = hits[0]?.paperId;
      lastBareTop = hits.find((h) => h.paperId !== id)?.paperId;
    } else if (r === 'keyword') {
      const out = await svc.search({ q: queryOf.get(id) ?? id, mode: 'keyword', limit: LIMIT });
      const ms = performance.now() - s;
      if (!record) return;
      res.ms[r].push(ms);
      if (!out.ok) res.keywordErrors++;
    } else {
      const hits = await plain.similar(id, LIMIT);
      const ms = performance.now() - s;
      if (!record) return;
      res.ms[r].push(ms);
      res.counts.keywordOnly.push(hits?.length ?? -1);
    }
  };

  const warmBar = progress('warm-up', warm.length);
  for (let i = 0; i < warm.length; i++) {
    for (const r of RUNNERS) await run(r, warm[i]!, false);
    warmBar.update(i + 1);
  }
  const bar = progress('timed ids (4 runners each, order rotated)', timed.length);
  for (let i = 0; i < timed.length; i++) {
    const id = timed[i]!;
    for (let k = 0; k < RUNNERS.length; k++) await run(RUNNERS[(i + k) % RUNNERS.length]!, id, true);
    if (lastBareFirst === id) res.selfFirst++;
    if (lastSimilarTop !== undefined && lastSimilarTop === lastBareTop) res.sameTop++;
    bar.update(i + 1);
  }

  // Where the time goes: the pieces of similar() one by one, over the first ids, in a seeded random order per id (the
  // first graph walk for a vector pays for cold memory, so a fixed or rotated order would favour the later pieces).
  const order = rng(SEED ^ 0xb4ea);
  const pieceBar = progress('breakdown', Math.min(args.breakdown, timed.length));
  for (let i = 0; i < Math.min(args.breakdown, timed.length); i++) {
    const id = timed[i]!;
    const v = vectors.vectorOf(id)!;
    const candidates = vectors.search(v, LIMIT * 3 + 1).map((h) => h.paperId).filter((x) => x !== id);
    const shown = candidates.slice(0, LIMIT + 5);
    const words = [...new Set(textWords(titleOf.get(id) ?? '').filter((w) => w.length > 2))].slice(0, 12);
    const parsed = parseQuery(words.join(' '));
    const fns: Array<[(typeof PIECES)[number], () => unknown]> = [
      ['store.papers.getById (the paper)', () => store.papers.getById(id)],
      ['vectors.vectorOf', () => vectors.vectorOf(id)],
      ['vectors.search k=11', () => vectors.search(v, LIMIT + 1)],
      [`vectors.search k=${LIMIT * 3 + 1} (what similar asks)`, () => vectors.search(v, LIMIT * 3 + 1)],
      ['store.papers.getByIds (candidates, for categories)', () => store.papers.getByIds(candidates)],
      [`present: getByIds + feed.states (${LIMIT + 5})`, () => Promise.all([store.papers.getByIds(shown), store.feed.states(shown)])],
      [
        'keyword fallback: rankedIds, title words (any)',
        () => (parsed.ok && words.length ? index.rankedIds({ ...parsed.query, prefixLast: false }, LIMIT * 3 + 1, { any: true }) : []),
      ],
    ];
    for (let k = fns.length - 1; k > 0; k--) {
      const j = order.int(k + 1);
      [fns[k], fns[j]] = [fns[j]!, fns[k]!];
    }
    for (const [name, fn] of fns) {
      const s = performance.now();
      await fn();
      res.pieces[name]!.push(performance.now() - s);
    }
    pieceBar.update(i + 1);
  }
  index.close();
  await store.close();
  return res;
}

// ------------------------------------------------------------------------------------------------------- parent

function sampleIds(storeDb: string, n: number, warmup: number): { warm: string[]; timed: string[]; total: number } {
  const db = new SQLite(storeDb, { readonly: true });
  const all = db.prepare('select id from papers order by id').pluck().all() as string[];
  db.close();
  const r = rng(SEED);
  const want = Math.min(all.length, n + warmup);
  // Partial Fisher-Yates: the first `want` of a seeded shuffle.
  for (let i = 0; i < want; i++) {
    const j = i + r.int(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return { warm: all.slice(0, Math.min(warmup, want)), timed: all.slice(Math.min(warmup, want), want), total: all.length };
}

async function parent(argv: string[]): Promise<void> {
  const opt = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return def;
    const v = Number(String(argv[i + 1]).replace(/_/g, ''));
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number, not ${argv[i + 1]}`);
    return v;
  };
  const rounds = Math.max(1, opt('--rounds', 3));
  const nIds = Math.max(1, opt('--ids', 1_000));
  const warmup = opt('--warmup', 100);
  const breakdown = opt('--breakdown', 200);
  const profile = argv.includes('--profile');

  console.log(`similar-papers benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1e9).toFixed(1)} GB RAM, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  process.stderr.write(`looking for the search benchmark's 87k build in ${CACHE_ROOT}…\n`);
  let cache = locateCache();
  if (typeof cache === 'string') {
    process.stderr.write(`  cache not usable: ${cache}; building it through the search benchmark (87k only, a few minutes)…\n`);
    const t0 = performance.now();
    await buildCache();
    cache = locateCache();
    if (typeof cache === 'string') throw new Error(`the search benchmark did not leave a usable 87k build (${cache}); run npm run bench:search -- --skip-1m and read its output`);
    console.log(`built the 87k cache through bench/search.bench.ts in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const ids = sampleIds(cache.storeDb, nIds, warmup);
  const idsFile = path.join(os.tmpdir(), `paperboy-similar-ids-${process.pid}.json`);
  fs.writeFileSync(idsFile, JSON.stringify(ids));
  console.log(`corpus: ${fmtInt(ids.total)} papers; store ${cache.storeDb} (ingested ${cache.ingestAt.slice(0, 16).replace('T', ' ')})`);
  console.log(`        search index ${cache.searchDb}, vectors of ${cache.vectors.embedderId} (${cache.vectors.dimensions}-d, built ${cache.vectors.at.slice(0, 16).replace('T', ' ')})`);
  console.log(`ids: ${fmtInt(ids.timed.length)} timed + ${ids.warm.length} warm-up, a seeded sample of the store's papers (seed ${SEED.toString(16)}); ${rounds} round(s), each a fresh child process`);
  console.log(`peak RSS via ${hasGnuTime() ? '/usr/bin/time -v' : 'getrusage'} of each round's child`);

  const roundArgs: RoundArgs = { storeDb: cache.storeDb, searchDb: cache.searchDb, idsFile, warmup, breakdown };
  const childArgs = (extra: string[]) => ['--max-old-space-size=4096', ...extra, '--import', 'tsx', THIS_FILE, '--child', 'round', JSON.stringify(roundArgs)];
  const results: Array<{ r: RoundResult; peakRssKb: number; wallMs: number }> = [];
  try {
    for (let k = 0; k < rounds; k++) {
      process.stderr.write(`round ${k + 1}/${rounds}…\n`);
      const out = await runMeasured<{ result: RoundResult; wallMs: number }>(`similar-round-${k + 1}`, childArgs([]), PROJECT_ROOT);
      results.push({ r: out.result, peakRssKb: out.peakRssKb, wallMs: out.wallMs });
      const r = out.result;
      process.stderr.write(`  round ${k + 1}: similar p50 ${fmtMs(pct(r.ms.similar, 50))} ms, p95 ${fmtMs(pct(r.ms.similar, 95))} ms\n`);
    }
    let profileDir: string | null = null;
    if (profile) {
      profileDir = path.join(os.tmpdir(), `paperboy-similar-profile-${process.pid}`);
      fs.mkdirSync(profileDir, { recursive: true });
      process.stderr.write(`profiled round (not counted), --cpu-prof into ${profileDir}…\n`);
      await runMeasured(`similar-profile`, childArgs(['--cpu-prof', '--cpu-prof-dir', profileDir]), PROJECT_ROOT);
    }
    report(results, ids.timed.length, profileDir);
  } finally {
    fs.rmSync(idsFile, { force: true });
  }
}

function report(results: Array<{ r: RoundResult; peakRssKb: number; wallMs: number }>, nIds: number, profileDir: string | null): void {
  const first = results[0]!.r;
  console.log(
    `embedder: ${first.embedderId} (${first.dimensions}-d), ${fmtInt(first.vectors)} vectors, ${first.approximate ? 'HNSW graph (usearch)' : 'exact scan'}; ` +
      `setup per round: embedder ${fmtMs(median(results.map((x) => x.r.setupMs.embedder)))} ms, vector index ${fmtMs(median(results.map((x) => x.r.setupMs.vectorIndex)))} ms (medians)`,
  );

  const stat = (r: RoundResult, who: Runner, p: number) => pct(r.ms[who], p);
  console.log(`\nper round (ms; ${fmtInt(nIds)} ids each):`);
  const perRound = results.map(({ r, peakRssKb }, k) => [
    String(k + 1),
    ...RUNNERS.flatMap((who) => [50, 95, 99].map((p) => fmtMs(stat(r, who, p)))),
    fmtMb(peakRssKb),
  ]);
  console.log(
    table(['round', 'similar p50', 'p95', 'p99', 'bare vec p50', 'p95', 'p99', 'keyword p50', 'p95', 'p99', 'kw-only sim p50', 'p95', 'p99', 'peak RSS'], perRound, 1).replace(/^/gm, '  '),
  );

  const med = (who: Runner, p: number) => median(results.map(({ r }) => stat(r, who, p)));
  const medRatio = (a: Runner, b: Runner, p: number) => median(results.map(({ r }) => stat(r, a, p) / stat(r, b, p)));
  /** Median over rounds of the median per-id ratio (same id, same moment). */
  const medIdRatio = (a: Runner, b: Runner) => median(results.map(({ r }) => median(r.ms[a].map((x, i) => x / Math.max(r.ms[b][i]!, 1e-3)))));
  console.log(`\nsummary: median over ${results.length} round(s) (ms)`);
  const rows = RUNNERS.map((who) => [
    RUNNER_LABEL[who],
    ...[50, 95, 99].map((p) => fmtMs(med(who, p))),
    ...(['bare vector', 'keyword'] as const).flatMap((b) => (who === b ? ['-', '-'] : [fmtRatio(medRatio(who, b, 50)), fmtRatio(medRatio(who, b, 95))])),
  ]);
  console.log(table(['runner', 'p50', 'p95', 'p99', '/bare vec p50', '/bare vec p95', '/keyword p50', '/keyword p95'], rows, 1).replace(/^/gm, '  '));
  console.log(
    `  ratios: similar / bare vector = ${fmtRatio(medRatio('similar', 'bare vector', 50))} at p50, ${fmtRatio(medRatio('similar', 'bare vector', 95))} at p95 ` +
      `(per-id median ${fmtRatio(medIdRatio('similar', 'bare vector'))}); similar / keyword = ${fmtRatio(medRatio('similar', 'keyword', 50))} at p50, ` +
      `${fmtRatio(medRatio('similar', 'keyword', 95))} at p95 (per-id median ${fmtRatio(medIdRatio('similar', 'keyword'))})`,
  );

  console.log(`\nwhere the time goes in similar() (ms, median over rounds of p50 / p95 per piece, each run on its own, in random order, over the first ${fmtInt(results[0]!.r.pieces[PIECES[0]]!.length)} ids):`);
  console.log(
    table(
      ['piece', 'p50', 'p95'],
      PIECES.map((p) => [p, fmtMs(median(results.map(({ r }) => pct(r.pieces[p]!, 50)))), fmtMs(median(results.map(({ r }) => pct(r.pieces[p]!, 95))))]),
      1,
    ).replace(/^/gm, '  '),
  );

  const r = first;
  const short = (xs: number[]) => xs.filter((n) => n < LIMIT).length;
  console.log('\nchecks (round 1):');
  console.log(`  similar returned fewer than ${LIMIT} papers for ${short(r.counts.semantic)} of ${r.counts.semantic.length} ids (unknown id: ${r.counts.semantic.filter((n) => n < 0).length}); keyword-only path: ${short(r.counts.keywordOnly)}`);
  console.log(`  bare vector search returned the paper itself first for ${((100 * r.selfFirst) / nIds).toFixed(1)}% of ids (graph recall check); similar's first = bare search's nearest other paper for ${((100 * r.sameTop) / nIds).toFixed(1)}%`);
  console.log(`  reasons shown: ${Object.entries(r.reasons).map(([k, n]) => `"${k}" ${fmtInt(n)}`).join(', ')}`);
  console.log(`  keyword baseline: ${r.titleFallbacks} titles did not parse as a query and were sent as their words; ${r.keywordErrors} searches failed`);

  const p95s = results.map(({ r }) => pct(r.ms.similar, 95));
  const p95 = median(p95s);
  const ok = p95 <= GOAL_P95_MS;
  console.log(
    `\ngoal (issue 6): similar-papers p95 ≤ ${GOAL_P95_MS} ms on the 87k corpus: median p95 ${fmtMs(p95)} ms (rounds: ${p95s.map(fmtMs).join(', ')} ms) ${ok ? '✓' : '✗'}`,
  );
  if (!ok && !profileDir) console.log('  over the goal: run again with --profile for a CPU profile of one round');
  if (profileDir) console.log(`  CPU profile of one extra round: ${fs.readdirSync(profileDir).map((f) => path.join(profileDir, f)).join(', ')} (open in Chrome DevTools > Performance, or speedscope)`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const t0 = performance.now();
  if (argv[1] !== 'round') throw new Error(`unknown child mode ${argv[1]}`);
  const result = await roundChild(JSON.parse(argv[2] ?? '{}') as RoundArgs);
  reportResult({ result, wallMs: performance.now() - t0 });
} else await parent(argv);
