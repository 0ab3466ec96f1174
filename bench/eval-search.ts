/**
 * Search quality harness: runs the committed evaluation set (bench/search-eval/queries.jsonl, made as described in
 * bench/search-eval/README.md) through SearchService in keyword, semantic and hybrid mode over the 87k corpus plus the
 * seed papers, and prints Recall@5, MRR@10 and nDCG@10 per query kind (paraphrase, title) with the modes side by side,
 * the hybrid-vs-keyword acceptance check of issue 3, and per-mode latency.
 *
 * Semantic and hybrid modes need the default embedder: `createDefaultEmbedder()` exported by
 * src/search/embedders/default.ts (or by the module named with --embedder, to compare candidates). Until that file
 * exists (or with --keyword-only) only keyword mode runs.
 *
 * The store and the search index are cached in --cache (default /tmp/paperboy-eval-cache), one folder per corpus and
 * seed file (keyed by their paths, sizes and mtimes), so a rerun skips the import (~1 min) and, when the index layout
 * and the embedder id are unchanged, the indexing too; the index catches up from the store's change log like any
 * instance's does. --fresh rebuilds the cache folder; --no-cache works in a temp folder removed afterwards.
 *
 * Usage: npm run eval:search [-- --corpus FILE] [--seed FILE] [--queries FILE] [--cache DIR | --no-cache] [--fresh]
 *                               [--keyword-only | --embedder MODULE.ts] [--per-query] [--json FILE]
 *        npm run eval:search -- --sample     prints the reproducible paper sample the evaluation set was written from
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { mean, median, ndcgAtK, reciprocalRankAtK, recallAtK } from '../src/domain/ranking-metrics.js';
import { openFileSource } from '../src/ingest/file-source.js';
import type { Embedder } from '../src/search/embedder.js';
import { IndexSync } from '../src/search/index-sync.js';
import { TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { type SearchMode, SearchService } from '../src/services/search.service.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const SHARED_DATA = path.resolve(PROJECT_ROOT, '..', 'shared', 'data');
const DEFAULT_CORPUS = path.join(SHARED_DATA, 'arxiv-87k.jsonl.gz');
const DEFAULT_SEED = path.join(SHARED_DATA, 'seed-papers.jsonl');
const DEFAULT_QUERIES = path.join(PROJECT_ROOT, 'bench', 'search-eval', 'queries.jsonl');
const DEFAULT_CACHE = path.join(os.tmpdir(), 'paperboy-eval-cache');
const DEFAULT_EMBEDDER_MODULE = path.join(PROJECT_ROOT, 'src', 'search', 'embedders', 'default.ts');
/** Bump when what the cache holds changes meaning, so old cache folders are ignored. */
const CACHE_LAYOUT = 1;
const READY_MARKER = 'ready.json';

const RECALL_K = 5;
const RANK_K = 10;
/** Untimed searches per mode before measuring, so statement preparation and cold pages do not count. */
const WARMUP_QUERIES = 10;
const MODES: readonly SearchMode[] = ['keyword', 'semantic', 'hybrid'];
const KINDS = ['paraphrase', 'title'] as const;
type Kind = (typeof KINDS)[number];

const QuerySchema = z.object({
  id: z.string().min(1),
  kind: z.enum(KINDS),
  query: z.string().min(1),
  relevant: z.array(z.string().min(1)).min(1),
});
type EvalQuery = z.infer<typeof QuerySchema>;

interface Outcome {
  /** Paper ids in rank order (at most RANK_K), empty when the search was refused. */
  ranked: string[];
  total: number;
  ms: number;
  error: string | null;
}

interface QueryResult {
  query: EvalQuery;
  byMode: Partial<Record<SearchMode, Outcome & { recall: number; rr: number; ndcg: number; firstRank: number | null }>>;
}

// ------------------------------------------------------------------------------------------------------------- input

/** Reads and validates the evaluation set; every problem is reported at once. */
function loadQueries(file: string): EvalQuery[] {
  const problems: string[] = [];
  const out: EvalQuery[] = [];
  const seen = new Set<string>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (e) {
        problems.push(`line ${i + 1}: not JSON (${(e as Error).message})`);
        return;
      }
      const r = QuerySchema.safeParse(json);
      if (!r.success) return void problems.push(`line ${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      if (seen.has(r.data.id)) problems.push(`line ${i + 1}: duplicate id ${r.data.id}`);
      seen.add(r.data.id);
      out.push(r.data);
    });
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  return out;
}

/** The default embedder when its module exists, else null and the reason. */
async function loadEmbedder(file: string): Promise<{ embedder: Embedder | null; note: string }> {
  const rel = path.relative(PROJECT_ROOT, file);
  if (!fs.existsSync(file)) return { embedder: null, note: `${rel} does not exist yet: keyword mode only` };
  const mod = (await import(pathToFileURL(file).href)) as { createDefaultEmbedder?: unknown };
  if (typeof mod.createDefaultEmbedder !== 'function') return { embedder: null, note: `${rel} does not export createDefaultEmbedder(): keyword mode only` };
  const t0 = performance.now();
  const embedder = await (mod.createDefaultEmbedder as () => Promise<Embedder>)();
  return { embedder, note: `embedder ${embedder.id} (${embedder.dimensions}-d), ready in ${seconds(performance.now() - t0)}` };
}

// ------------------------------------------------------------------------------------------------------------- build

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function bar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar({ stream: process.stderr, format, hideCursor: true, clearOnComplete: true, fps: 5 }, cliProgress.Presets.shades_classic);
}

/** The cache folder for these input files: a change to either file (size or mtime) gives a new folder. */
function cacheFolder(root: string, files: readonly string[]): string {
  const key = files.map((f) => {
    const s = fs.statSync(f);
    return { file: path.resolve(f), size: s.size, mtimeMs: s.mtimeMs };
  });
  const hash = crypto.createHash('sha256').update(JSON.stringify({ layout: CACHE_LAYOUT, key })).digest('hex').slice(0, 16);
  return path.join(root, `${path.basename(files[0]!).replace(/\..*$/, '')}-${hash}`);
}

/** Imports the files into a fresh store in `dir`, unless a finished import is already there. */
async function prepareStore(dir: string, files: readonly string[]): Promise<Store> {
  const marker = path.join(dir, READY_MARKER);
  const cached = fs.existsSync(marker);
  if (!cached) fs.rmSync(dir, { recursive: true, force: true }); // a half-finished import is not worth keeping
  fs.mkdirSync(dir, { recursive: true });
  const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(dir, 'store.db') }));
  await store.migrate();
  if (cached) {
    console.log(`Store: ${(await store.papers.count()).toLocaleString('en-US')} papers, cached in ${dir}`);
    return store;
  }
  const t0 = performance.now();
  for (const file of files) {
    const source = openFileSource(file);
    const b = bar(` import ${path.basename(file).padEnd(20)} {bar} {percentage}% | {papers} papers | ETA {eta_formatted}`);
    const total = source.size?.total ?? 1;
    if (process.stderr.isTTY) b.start(total, 0, { papers: 0 });
    else console.log(`Importing ${file} ...`);
    const summary = await new PaperImporter(store).run(source, {
      onBatch: (c) => process.stderr.isTTY && b.update(Math.min(source.progress?.() ?? 0, total), { papers: (c.added + c.updated + c.unchanged).toLocaleString('en-US') }),
    });
    if (process.stderr.isTTY) b.stop();
    console.log(`Imported ${path.basename(file)}: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} rejected (${seconds(summary.durationMs)})`);
  }
  fs.writeFileSync(marker, JSON.stringify({ files, builtAt: new Date().toISOString(), ms: Math.round(performance.now() - t0) }));
  return store;
}

/** Brings the text index (and the vectors, with an embedder) up to date with the store. */
async function syncIndex(store: Store, index: TextIndex, semantic: { embedder: Embedder; vectors: VectorIndex } | null): Promise<void> {
  const t0 = performance.now();
  const b = bar(' index  {bar} {percentage}% | {value}/{total} changes (text, then vectors) | ETA {eta_formatted}');
  let begun = false;
  if (!process.stderr.isTTY) console.log(`Indexing${semantic ? ' and embedding' : ''} what the index has not seen yet ...`);
  const n = await new IndexSync(store, index, semantic).syncOnce((done, total) => {
    if (!process.stderr.isTTY) return;
    if (!begun) b.start(total, 0);
    begun = true;
    b.update(done);
  });
  if (begun) b.stop();
  const vectors = semantic ? `, ${semantic.vectors.size().toLocaleString('en-US')} vectors` : '';
  console.log(`Index: ${index.count().toLocaleString('en-US')} papers${vectors} (caught up in ${seconds(performance.now() - t0)}; ${n.toLocaleString('en-US')} papers (re)indexed as text)`);
}

// ------------------------------------------------------------------------------------------------------------- run

async function runQueries(service: SearchService, queries: readonly EvalQuery[], modes: readonly SearchMode[]): Promise<QueryResult[]> {
  const once = async (q: string, mode: SearchMode): Promise<Outcome> => {
    const t0 = performance.now();
    const out = await service.search({ q, mode, limit: RANK_K });
    const ms = performance.now() - t0;
    if (!out.ok) return { ranked: [], total: 0, ms, error: out.reason };
    return { ranked: out.hits.map((h) => h.paper.id), total: out.total, ms, error: null };
  };
  for (const mode of modes) for (const q of queries.slice(0, WARMUP_QUERIES)) await once(q.query, mode);
  const b = bar(' search {bar} {value}/{total} queries');
  if (process.stderr.isTTY) b.start(queries.length, 0);
  const results: QueryResult[] = [];
  for (const query of queries) {
    const r: QueryResult = { query, byMode: {} };
    // Modes interleaved per query, so caches warmed by one mode help the others equally.
    for (const mode of modes) {
      const o = await once(query.query, mode);
      const i = o.ranked.findIndex((id) => query.relevant.includes(id));
      r.byMode[mode] = {
        ...o,
        recall: recallAtK(o.ranked, query.relevant, RECALL_K),
        rr: reciprocalRankAtK(o.ranked, query.relevant, RANK_K),
        ndcg: ndcgAtK(o.ranked, query.relevant, RANK_K),
        firstRank: i < 0 ? null : i + 1,
      };
    }
    results.push(r);
    if (process.stderr.isTTY) b.increment();
  }
  if (process.stderr.isTTY) b.stop();
  return results;
}

// ------------------------------------------------------------------------------------------------------------- report

const LABEL_WIDTH = 34;
const COL_WIDTH = 11;

function row(label: string, cells: readonly string[]): string {
  return `  ${label.padEnd(LABEL_WIDTH)}${cells.map((c) => c.padStart(COL_WIDTH)).join('')}`;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

interface KindSummary {
  n: number;
  byMode: Partial<Record<SearchMode, { recall: number; mrr: number; ndcg: number; top10: number; empty: number; errors: number }>>;
}

function summarise(results: readonly QueryResult[], modes: readonly SearchMode[]): KindSummary {
  const byMode: KindSummary['byMode'] = {};
  for (const mode of modes) {
    const rs = results.map((r) => r.byMode[mode]!);
    byMode[mode] = {
      recall: mean(rs.map((r) => r.recall)),
      mrr: mean(rs.map((r) => r.rr)),
      ndcg: mean(rs.map((r) => r.ndcg)),
      top10: rs.filter((r) => r.firstRank !== null).length,
      empty: rs.filter((r) => r.ranked.length === 0).length,
      errors: rs.filter((r) => r.error !== null).length,
    };
  }
  return { n: results.length, byMode };
}

function printKind(kind: Kind, s: KindSummary, modes: readonly SearchMode[]): void {
  const cells = (f: (m: NonNullable<KindSummary['byMode'][SearchMode]>) => string) => MODES.map((m) => (modes.includes(m) ? f(s.byMode[m]!) : '—'));
  console.log(`\n${kind === 'paraphrase' ? 'Paraphrase' : 'Title'} queries (${s.n})`);
  console.log(row('', MODES));
  console.log(row(`Recall@${RECALL_K}`, cells((m) => m.recall.toFixed(3))));
  console.log(row(`MRR@${RANK_K}`, cells((m) => m.mrr.toFixed(3))));
  console.log(row(`nDCG@${RANK_K}`, cells((m) => m.ndcg.toFixed(3))));
  console.log(row(`target in top ${RANK_K}`, cells((m) => `${m.top10}/${s.n}`)));
  console.log(row('no results at all', cells((m) => `${m.empty}/${s.n}`)));
  if (modes.some((m) => s.byMode[m]!.errors > 0)) console.log(row('refused (error)', cells((m) => String(m.errors))));
}

function printAcceptance(summaries: Record<Kind, KindSummary>, modes: readonly SearchMode[]): void {
  console.log('\nAcceptance (issue 3): hybrid beats keyword on MRR@10 and Recall@5 for paraphrases, loses nothing on titles');
  if (!modes.includes('hybrid')) return void console.log('  not measured: no embedder, so no hybrid mode');
  if (summaries.paraphrase.n === 0 || summaries.title.n === 0) return void console.log('  not measured: the evaluation set needs both kinds of query');
  const p = summaries.paraphrase.byMode;
  const t = summaries.title.byMode;
  const d = (a: number, b: number) => `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(3)}`;
  const checks: Array<[string, boolean, string]> = [
    ['paraphrase MRR@10', p.hybrid!.mrr > p.keyword!.mrr, d(p.hybrid!.mrr, p.keyword!.mrr)],
    ['paraphrase Recall@5', p.hybrid!.recall > p.keyword!.recall, d(p.hybrid!.recall, p.keyword!.recall)],
    ['title MRR@10', t.hybrid!.mrr >= t.keyword!.mrr, d(t.hybrid!.mrr, t.keyword!.mrr)],
    ['title Recall@5', t.hybrid!.recall >= t.keyword!.recall, d(t.hybrid!.recall, t.keyword!.recall)],
  ];
  for (const [label, ok, delta] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label.padEnd(22)} hybrid − keyword = ${delta}`);
}

function printLatency(results: readonly QueryResult[], modes: readonly SearchMode[]): void {
  console.log(`\nLatency per search (ms, limit ${RANK_K}, after ${WARMUP_QUERIES} warm-up searches per mode)`);
  console.log(row('', MODES));
  const line = (label: string, rs: readonly QueryResult[], f: (v: number[]) => number) => {
    if (rs.length === 0) return;
    console.log(row(label, MODES.map((m) => (modes.includes(m) ? f(rs.map((r) => r.byMode[m]!.ms)).toFixed(1) : '—'))));
  };
  for (const k of KINDS) line(`median, ${k} queries`, results.filter((r) => r.query.kind === k), median);
  line(`median, all ${results.length} queries`, results, median);
  line('p95, all queries', results, (v) => percentile(v, 95));
  line('max', results, (v) => Math.max(...v));
}

const ID_WIDTH = 12;

function printPerQuery(results: readonly QueryResult[], modes: readonly SearchMode[]): void {
  console.log(`\nPer query: rank of the first relevant paper (· = not in the top ${RANK_K}; 0 = no results)`);
  console.log(`  ${'id'.padEnd(ID_WIDTH)}${modes.map((m) => m.slice(0, 7).padStart(8)).join('')}  query`);
  for (const r of results) {
    const cells = modes.map((m) => {
      const o = r.byMode[m]!;
      return (o.firstRank !== null ? String(o.firstRank) : o.ranked.length === 0 ? '0' : '·').padStart(8);
    });
    console.log(`  ${r.query.id.padEnd(ID_WIDTH)}${cells.join('')}  ${r.query.query}`);
  }
}

// ------------------------------------------------------------------------------------------------------------- sample

/** Salt of the sample order; changing it gives a different (equally valid) sample. */
const SAMPLE_SALT = 'paperboy-search-eval-v1';
/** Papers with shorter abstracts are skipped: too little to paraphrase. */
const MIN_ABSTRACT_WORDS = 50;

interface RawPaper {
  id: string;
  title: string;
  abstract: string;
  primary: string;
  published: string;
}

/** Strata of the corpus, first match wins; quotas of paraphrase and then title candidates, in sample order. */
const STRATA: ReadonlyArray<{ name: string; paraphrase: number; title: number; test: (p: RawPaper) => boolean }> = [
  { name: 'old arXiv (before 2025)', paraphrase: 6, title: 6, test: (p) => p.published < '2025-01-01' },
  { name: 'cs.CV', paraphrase: 10, title: 8, test: (p) => p.primary === 'cs.CV' },
  { name: 'cs.CL', paraphrase: 10, title: 8, test: (p) => p.primary === 'cs.CL' },
  { name: 'cs.LG', paraphrase: 8, title: 6, test: (p) => p.primary === 'cs.LG' },
  { name: 'cs.AI', paraphrase: 8, title: 6, test: (p) => p.primary === 'cs.AI' },
  { name: 'astro-ph', paraphrase: 8, title: 6, test: (p) => p.primary.startsWith('astro-ph') },
];
const SEED_QUOTA = { paraphrase: 20, title: 5 };

async function* readJsonl(file: string): AsyncGenerator<Record<string, unknown>> {
  const raw = fs.createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

function toRaw(o: Record<string, unknown>): RawPaper {
  const cats = Array.isArray(o.categories) ? (o.categories as string[]) : [];
  return { id: String(o.id), title: String(o.title), abstract: String(o.abstract), primary: String(o.primary_category ?? cats[0] ?? ''), published: String(o.published ?? '') };
}

const sampleKey = (id: string) => crypto.createHash('sha256').update(`${SAMPLE_SALT}:${id}`).digest('hex');
const titleKey = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Prints the sample the evaluation set is written from: per stratum, papers in sha256(salt:id) order. */
async function printSample(corpus: string, seed: string): Promise<void> {
  const byTitle = new Map<string, string[]>();
  const strata = STRATA.map(() => [] as RawPaper[]);
  const seeds: RawPaper[] = [];
  for (const [file, isSeed] of [[corpus, false], [seed, true]] as const) {
    for await (const o of readJsonl(file)) {
      const p = toRaw(o);
      const k = titleKey(p.title);
      byTitle.set(k, [...new Set([...(byTitle.get(k) ?? []), p.id])]);
      if (p.abstract.split(/\s+/).length < MIN_ABSTRACT_WORDS) continue;
      if (isSeed) seeds.push(p);
      else {
        const i = STRATA.findIndex((s) => s.test(p));
        if (i >= 0) strata[i]!.push(p);
      }
    }
  }
  const groups = [...STRATA.map((s, i) => ({ ...s, papers: strata[i]! })), { name: 'seed papers', ...SEED_QUOTA, papers: seeds }];
  for (const g of groups) {
    const ordered = g.papers.map((p) => ({ p, key: sampleKey(p.id) })).sort((a, b) => (a.key < b.key ? -1 : 1)).map((x) => x.p);
    console.log(`\n=== ${g.name}: ${g.papers.length} papers; ${g.paraphrase} paraphrase then ${g.title} title candidates`);
    ordered.slice(0, g.paraphrase + g.title).forEach((p, i) => {
      const use = i < g.paraphrase ? `paraphrase ${i + 1}` : `title ${i - g.paraphrase + 1}`;
      const same = (byTitle.get(titleKey(p.title)) ?? []).filter((id) => id !== p.id);
      console.log(`\n[${use}] ${p.id} (${p.primary}, ${p.published})${same.length ? ` same title as ${same.join(', ')}` : ''}\n  T: ${p.title}\n  A: ${p.abstract}`);
    });
  }
}

// ------------------------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      corpus: { type: 'string', default: DEFAULT_CORPUS },
      seed: { type: 'string', default: DEFAULT_SEED },
      queries: { type: 'string', default: DEFAULT_QUERIES },
      cache: { type: 'string', default: DEFAULT_CACHE },
      'no-cache': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'keyword-only': { type: 'boolean', default: false },
      embedder: { type: 'string', default: DEFAULT_EMBEDDER_MODULE },
      'per-query': { type: 'boolean', default: false },
      json: { type: 'string' },
      sample: { type: 'boolean', default: false },
    },
  });
  const corpus = path.resolve(flags.corpus);
  const seed = path.resolve(flags.seed);
  if (flags.sample) return printSample(corpus, seed);

  const queries = loadQueries(flags.queries);
  const files = [corpus, seed];
  const dir = flags['no-cache'] ? fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-')) : cacheFolder(flags.cache, files);
  if (flags.fresh) fs.rmSync(dir, { recursive: true, force: true });
  const { embedder, note } = flags['keyword-only'] ? { embedder: null, note: '--keyword-only: keyword mode only' } : await loadEmbedder(path.resolve(flags.embedder));
  console.log(`Search evaluation: ${queries.length} queries from ${path.relative(process.cwd(), flags.queries)}; corpus ${path.basename(corpus)} + ${path.basename(seed)}`);
  console.log(`Semantic: ${note}`);

  const store = await prepareStore(dir, files);
  const index = TextIndex.open(path.join(dir, 'search.db'));
  try {
    // The vectors live in the index file; a different embedder id empties them and the sync re-embeds.
    const semantic = embedder ? { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) } : null;
    await syncIndex(store, index, semantic);

    const relevantIds = [...new Set(queries.flatMap((q) => q.relevant))];
    const found = new Set((await store.papers.getByIds(relevantIds)).map((p) => p.id));
    const missing = relevantIds.filter((id) => !found.has(id));
    if (missing.length) throw new Error(`relevant papers not in the store (wrong corpus, or a typo in the evaluation set): ${missing.join(', ')}`);

    const modes = MODES.filter((m) => m === 'keyword' || semantic);
    const results = await runQueries(new SearchService(store, index, semantic), queries, modes);
    const summaries = Object.fromEntries(KINDS.map((k) => [k, summarise(results.filter((r) => r.query.kind === k), modes)])) as Record<Kind, KindSummary>;
    for (const k of KINDS) if (summaries[k].n > 0) printKind(k, summaries[k], modes);
    printAcceptance(summaries, modes);
    printLatency(results, modes);
    if (flags['per-query']) printPerQuery(results, modes);
    console.log(
      `\nNote: keyword search requires every word, and falls back to "any of the words" when no paper has them all (SearchService); ` +
        `${summaries.paraphrase.byMode.keyword!.empty} of ${summaries.paraphrase.n} paraphrase queries get no keyword results at all.`,
    );
    if (!semantic) console.log(`Semantic and hybrid columns are empty: ${note}.`);
    if (flags.json) {
      const perQuery = results.map((r) => ({ id: r.query.id, kind: r.query.kind, query: r.query.query, byMode: Object.fromEntries(Object.entries(r.byMode).map(([m, o]) => [m, { firstRank: o.firstRank, total: o.total, ms: Number(o.ms.toFixed(2)), ranked: o.ranked, error: o.error }])) }));
      fs.writeFileSync(flags.json, JSON.stringify({ embedder: embedder ? embedder.id : null, summaries, perQuery }, null, 2));
      console.log(`Wrote ${flags.json}`);
    }
  } finally {
    index.close();
    await store.close();
    if (flags['no-cache']) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
