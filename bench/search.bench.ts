/**
 * Search benchmark (issue 3, item 7): index build time, index size, peak memory, and p50/p95/p99 latency of keyword,
 * semantic and hybrid search, each next to a baseline measured in the same run on the same data:
 * - query latency: SearchService.search (what the API and the search page run) against a bare SQLite FTS5 query on the
 *   same search.db file — `select rowid from docs_fts where docs_fts match ? order by bm25(docs_fts) limit 20` with the
 *   same words quoted — run alternately, query by query, so machine noise hits both sides alike;
 * - index build: `IndexSync.syncOnce()` (what `paperboy reindex` runs) against a bare FTS5 table filled with the same
 *   title/authors/abstract text in plain transactions (the floor for any FTS5 index of this text).
 * A breakdown then times the pieces of a keyword search one by one (bm25 over all matches, the docs join for the date
 * tie-break, highlight/snippet, count(*), prefix matching, store lookups, facets) to show where the time goes.
 *
 * Corpus: the 87k real papers, and a larger one (default 1,000,000) made of the real papers plus synthetic papers built
 * from them with a fixed seed: titles and abstracts from word-bigram Markov chains over the real titles and abstracts
 * (lengths of a randomly drawn real paper), authors recombined from real given and family names, categories and date
 * copied from the same drawn real paper (so their joint distribution is the real one), ids `synth:000001`...
 * Caveat: the synthetic text reuses the real vocabulary (no new words appear as the corpus grows, unlike real text), so
 * rare words are ~N/87k times more frequent than they would be in a real corpus of N papers: a pessimistic load.
 *
 * Every build step and every measurement runs in its own child process, so peak RSS (`/usr/bin/time -v` when present)
 * belongs to that step alone. Generated corpora and built stores/indexes are cached under /tmp/paperboy-bench-cache
 * (override with PAPERBOY_BENCH_CACHE), keyed by size, generator version and a hash of the source files that shape them;
 * `--rebuild` ignores the cache. Query latencies are always measured fresh.
 *
 * Semantic and hybrid search are measured when `src/search/embedders/default.ts` exports `createDefaultEmbedder()`;
 * otherwise they are skipped, and a probe times the exact VectorIndex scan over random unit vectors instead.
 *
 * Cost on the 2-core machine (measured): the 1M corpus takes ~14 min to build from nothing (generate 1.5, ingest 1.3, text
 * index 3.2, bare baseline 2.3, vectors 4.3) and ~16 GB of cache; its query measurements take ~17 min (mostly the
 * breakdown: `--breakdown 0` skips it but for the few worst-case probes). The 87k corpus takes ~2 min in all.
 *
 * Usage: npm run bench:search [-- --papers 1000000] [--skip-1m] [--queries 200] [--warmup 30] [--breakdown 30] [--rebuild]
 *   PAPERBOY_BENCH_EMBEDDER=path/to/module.ts  measure another embedder module exporting createDefaultEmbedder()
 *   BENCH_DEBUG=1                              print each breakdown timing as it is taken (stderr)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { indexWords, type ParsedQuery, parseQuery } from '../src/domain/query-parser.js';
import { openFileSource } from '../src/ingest/file-source.js';
import type { Embedder } from '../src/search/embedder.js';
import { IndexSync, type SemanticParts } from '../src/search/index-sync.js';
import { BM25_WEIGHTS, INDEX_LAYOUT, matchExpression, TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { HYBRID_CANDIDATES, type SearchMode, SearchService } from '../src/services/search.service.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { hashFiles, PROJECT_ROOT } from './lib/hash-files.js';
import { rng } from './lib/stats.js';
import { hasGnuTime, reportResult, runMeasured } from './lib/child.js';

const THIS_FILE = import.meta.filename;
const REAL_FILE = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'arxiv-87k.jsonl.gz');
/** The embedder module (exporting `createDefaultEmbedder()`); PAPERBOY_BENCH_EMBEDDER points at another one to compare. */
const DEFAULT_EMBEDDER = path.resolve(process.env.PAPERBOY_BENCH_EMBEDDER ?? path.join(PROJECT_ROOT, 'src', 'search', 'embedders', 'default.ts'));
const CACHE_ROOT = process.env.PAPERBOY_BENCH_CACHE ?? path.join(os.tmpdir(), 'paperboy-bench-cache');
/** Bump when the generator's output changes (the cache key of corpora and query sets). */
const GENERATOR_VERSION = 'g1';
/** Bump when this file's build steps change (part of the cache key of stores and indexes). */
const BUILD_VERSION = 'b1';
const SEED = 0x5eed_2026;
/** Queries generated per set: enough for `--queries` up to this, plus warm-up. */
const QUERIES_PER_SET = 1_000;
const WARMUP_PER_SET = 60;
/** Results per page, as the HF API's default. */
const PAGE = 20;
/** Worst cases for search-as-you-type: a short prefix expands to every indexed term that starts with it. */
const TYPING_PROBES = ['con', 'transfo'];
const BARE_SQL = 'select rowid from docs_fts where docs_fts match ? order by bm25(docs_fts) limit 20';

// ------------------------------------------------------------------------------------------------------------ helpers


/** Progress on stderr: a bar on a terminal, a line every 15 s elsewhere (logs of long runs still show progress). */
function progress(label: string, total: number, unit: string) {
  const started = performance.now();
  const rate = (n: number) => Math.round(n / Math.max((performance.now() - started) / 1000, 1e-3));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `  ${label.padEnd(24)} |{bar}| {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 100,
        fps: 4,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: 0 });
    return { update: (n: number) => bar.update(Math.min(n, total), { rate: rate(n) }), stop: () => bar.stop() };
  }
  let last = performance.now();
  return {
    update(n: number) {
      const now = performance.now();
      if (now - last < 15_000) return;
      last = now;
      const r = rate(n);
      const eta = r > 0 ? Math.round((total - n) / r) : 0;
      process.stderr.write(`  ${label}: ${((100 * n) / Math.max(total, 1)).toFixed(0)}% (${fmtInt(n)}/${fmtInt(total)} ${unit}, ${fmtInt(r)}/s, ETA ${eta} s)\n`);
    },
    stop() {},
  };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtMb = (kb: number) => `${fmtInt(kb / 1024)} MB`;
const fmtBytes = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');

/** Nearest-rank percentile of unsorted values. */
function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

function table(head: string[], rows: string[][], leftCols = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}


/** What shapes the store's contents: the importer, validation, the schema. */
const storeHash = () =>
  hashFiles(['src/store', 'src/ingest', 'src/services/paper-importer.ts', 'src/domain/paper.ts', 'src/domain/paper-hash.ts', 'src/domain/paper-version.ts', 'src/domain/arxiv-id.ts'], GENERATOR_VERSION + BUILD_VERSION);
/** What shapes the text index built from a store: its layout and what the sync writes (not the query code). */
const indexHash = () => hashFiles(['src/search/index-sync.ts'], BUILD_VERSION + INDEX_LAYOUT);
/** What shapes the vectors. */
const embedderHash = () =>
  hashFiles(['src/search/embedders', 'src/search/embedder.ts', 'src/search/vector-index.ts', 'models', path.relative(PROJECT_ROOT, DEFAULT_EMBEDDER)], BUILD_VERSION);

/** Words left out of generated keyword queries: function words, boilerplate, LaTeX command names. */
const STOPWORDS = new Set(
  (
    'a about above after again against all also among an and any are as at be been being between both but by can could did do does ' +
    'doing each for from further had has have having here how however i if in into is it its itself just may more most much must no ' +
    'nor not of on one only or other our ours over own same several should since so some such than that the their them then there ' +
    'these they this those through thus to under until up upon very via was we well were what when where whether which while who whom ' +
    'why will with within without would yet paper propose proposed results show shows approach method methods study work based using ' +
    'use used uses new novel mathrm mathcal mathbf mathbb frac textbf textit emph cite href url left right'
  ).split(' '),
);

// --------------------------------------------------------------------------------------------------------- real corpus

interface RealCorpus {
  titles: string[];
  abstracts: string[];
  authors: string[][];
  categories: string[][];
  published: string[];
}

async function loadReal(file: string): Promise<RealCorpus> {
  const c: RealCorpus = { titles: [], abstracts: [], authors: [], categories: [], published: [] };
  const rl = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as { title?: string; abstract?: string; authors?: string[]; categories?: string[]; published?: string };
    if (!o.title || !o.abstract || !o.published) continue;
    c.titles.push(o.title);
    c.abstracts.push(o.abstract);
    c.authors.push(Array.isArray(o.authors) ? o.authors : []);
    c.categories.push(Array.isArray(o.categories) ? o.categories : []);
    c.published.push(o.published);
  }
  return c;
}

/**
 * A word-bigram Markov chain over whitespace tokens (punctuation and LaTeX stay attached, so the text looks like the
 * source). Successors are stored once per occurrence, so a uniform pick among them is a pick weighted by bigram count.
 */
class BigramChain {
  private constructor(
    private readonly vocab: string[],
    private readonly offsets: Uint32Array,
    private readonly succ: Uint32Array,
    /** Token count of each source text. */
    readonly lengths: Uint32Array,
  ) {}

  static build(texts: readonly string[]): BigramChain {
    const ids = new Map<string, number>();
    const vocab = ['']; // id 0: the start of a text
    let seq = new Uint32Array(1 << 20);
    let n = 0;
    const push = (v: number) => {
      if (n === seq.length) {
        const next = new Uint32Array(seq.length * 2);
        next.set(seq);
        seq = next;
      }
      seq[n++] = v;
    };
    const lengths = new Uint32Array(texts.length);
    texts.forEach((t, ti) => {
      push(0);
      let len = 0;
      for (const tok of t.split(/\s+/)) {
        if (tok === '') continue;
        let id = ids.get(tok);
        if (id === undefined) {
          id = vocab.length;
          vocab.push(tok);
          ids.set(tok, id);
        }
        push(id);
        len++;
      }
      lengths[ti] = len;
    });
    const offsets = new Uint32Array(vocab.length + 1);
    for (let i = 0; i + 1 < n; i++) if (seq[i + 1] !== 0) offsets[seq[i]! + 1]!++;
    for (let v = 0; v < vocab.length; v++) offsets[v + 1]! += offsets[v]!;
    const fill = offsets.slice(0, vocab.length);
    const succ = new Uint32Array(offsets[vocab.length]!);
    for (let i = 0; i + 1 < n; i++) if (seq[i + 1] !== 0) succ[fill[seq[i]!]!++] = seq[i + 1]!;
    return new BigramChain(vocab, offsets, succ, lengths);
  }

  /** About `target` tokens; with `sentence`, continues (up to 1.5x) to a token ending a sentence. */
  generate(r: ReturnType<typeof rng>, target: number, sentence: boolean): string {
    const out: string[] = [];
    const cap = Math.ceil(target * 1.5) + 8;
    let prev = 0;
    while (out.length < cap) {
      let lo = this.offsets[prev]!;
      let hi = this.offsets[prev + 1]!;
      if (lo === hi) {
        // A token seen only at the end of a text: start a new "text" (reads as a new sentence).
        lo = this.offsets[0]!;
        hi = this.offsets[1]!;
      }
      const next = this.succ[lo + r.int(hi - lo)]!;
      const tok = this.vocab[next]!;
      out.push(tok);
      prev = next;
      if (out.length >= target && (!sentence || /[.!?]$/.test(tok))) break;
    }
    return out.join(' ');
  }
}

// ---------------------------------------------------------------------------------------------- child: generate corpus

interface GenerateResult {
  papers: number;
  bytes: number;
  sample: { title: string; abstract: string; authors: string[] };
}

async function generateCorpus(args: { total: number; out: string }): Promise<GenerateResult> {
  const real = await loadReal(REAL_FILE);
  const count = args.total - real.titles.length;
  const titles = BigramChain.build(real.titles);
  const abstracts = BigramChain.build(real.abstracts);
  const given: string[] = [];
  const family: string[] = [];
  for (const list of real.authors)
    for (const name of list) {
      const cut = name.trim().lastIndexOf(' ');
      if (cut > 0) given.push(name.slice(0, cut).trim());
      family.push(name.slice(cut + 1).trim());
    }
  const r = rng(SEED);
  const digits = Math.max(6, String(count).length);
  const tmp = `${args.out}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  const bar = progress('generate synthetic', count, 'papers');
  let buf: string[] = [];
  let bufChars = 0;
  let bytes = 0;
  let sample: GenerateResult['sample'] | null = null;
  const flush = () => {
    const s = buf.join('');
    bytes += fs.writeSync(fd, s);
    buf = [];
    bufChars = 0;
  };
  for (let i = 0; i < count; i++) {
    // One real paper as the template: its lengths, author count, categories and date.
    const t = r.int(real.titles.length);
    const nAuthors = real.authors[t]!.length || 1;
    const authors: string[] = [];
    for (let a = 0; a < nAuthors; a++) {
      const g = given.length && r.next() < 0.97 ? `${given[r.int(given.length)]} ` : '';
      authors.push(`${g}${family[r.int(family.length)]}`);
    }
    const title = titles.generate(r, Math.max(2, titles.lengths[t]!), false).replace(/[.,;:]+$/, '');
    const abstract = abstracts.generate(r, Math.max(8, abstracts.lengths[t]!), true);
    const categories = real.categories[t]!;
    const rec = {
      id: `synth:${String(i + 1).padStart(digits, '0')}`,
      title,
      abstract,
      authors,
      categories,
      primary_category: categories[0] ?? null,
      published: real.published[t]!,
      source: 'synthetic',
    };
    sample ??= { title, abstract, authors };
    const line = JSON.stringify(rec) + '\n';
    buf.push(line);
    bufChars += line.length;
    if (bufChars > 4 << 20) flush();
    if ((i & 4095) === 0) bar.update(i);
  }
  flush();
  bar.stop();
  fs.closeSync(fd);
  fs.renameSync(tmp, args.out);
  return { papers: count, bytes, sample: sample ?? { title: '', abstract: '', authors: [] } };
}

// ----------------------------------------------------------------------------------------------- child: query sets

type SetKey = 'kw1' | 'kw2' | 'kw5' | 'phrase';
type Band = 'common' | 'mid' | 'rare';
interface QueryItem {
  q: string;
  band?: Band;
}
interface QueryFile {
  generator: string;
  seed: number;
  sets: Record<SetKey, QueryItem[]>;
  /** Worst cases, timed on their own in the breakdown. */
  probes: string[];
  vocab: { words: number; common: number; mid: number; rare: number; commonDfMin: number; rareDfMax: number; docs: number };
}

async function generateQueries(): Promise<QueryFile> {
  const real = await loadReal(REAL_FILE);
  const docs = real.titles.length;
  const df = new Map<string, number>();
  const docWords = (i: number) => indexWords(`${real.titles[i]} ${real.abstracts[i]}`);
  for (let i = 0; i < docs; i++) for (const w of new Set(docWords(i))) df.set(w, (df.get(w) ?? 0) + 1);
  const content = (w: string) => /^[a-z]{3,}$/.test(w) && !STOPWORDS.has(w) && (df.get(w) ?? 0) >= 2;
  const commonDfMin = Math.round(docs * 0.01);
  const rareDfMax = 20;
  const bands: Record<Band, string[]> = { common: [], mid: [], rare: [] };
  for (const [w, n] of [...df.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (!content(w)) continue;
    bands[n >= commonDfMin ? 'common' : n <= rareDfMax ? 'rare' : 'mid'].push(w);
  }
  const r = rng(SEED ^ 0x9e3779b9);
  const want = WARMUP_PER_SET + QUERIES_PER_SET;
  const fill = (make: (i: number) => QueryItem | null): QueryItem[] => {
    const seen = new Set<string>();
    const out: QueryItem[] = [];
    for (let i = 0, tries = 0; out.length < want && tries < want * 50; tries++) {
      const item = make(i);
      if (!item || seen.has(item.q)) continue;
      seen.add(item.q);
      out.push(item);
      i++;
    }
    return out;
  };
  const order: Band[] = ['common', 'mid', 'rare'];
  const kw1 = fill((i) => {
    const band = order[i % 3]!;
    return { q: bands[band][r.int(bands[band].length)]!, band };
  });
  // Several words from one real paper (occurrences, so its frequent words are likelier): queries that match something.
  const fromPaper = (k: number): QueryItem | null => {
    const ws = docWords(r.int(docs)).filter(content);
    if (new Set(ws).size < k) return null;
    const picked = new Set<string>();
    while (picked.size < k) picked.add(ws[r.int(ws.length)]!);
    return { q: [...picked].join(' ') };
  };
  // Half the 2-word queries are adjacent content words from a real title ("graph neural", "diffusion models").
  const titlePair = (): QueryItem | null => {
    const ws = indexWords(real.titles[r.int(docs)]!);
    const pairs: string[] = [];
    for (let i = 0; i + 1 < ws.length; i++) if (content(ws[i]!) && content(ws[i + 1]!) && ws[i] !== ws[i + 1]) pairs.push(`${ws[i]} ${ws[i + 1]}`);
    return pairs.length ? { q: pairs[r.int(pairs.length)]! } : null;
  };
  const kw2 = fill((i) => (i % 2 === 0 ? titlePair() : fromPaper(2)));
  const kw5 = fill(() => fromPaper(5));
  // Short natural phrases for semantic/hybrid: 3-6 consecutive words of a real title, at least two of them content words.
  const phrase = fill(() => {
    const ws = indexWords(real.titles[r.int(docs)]!);
    if (ws.length < 3) return null;
    const len = Math.min(ws.length, 3 + r.int(4));
    const start = r.int(ws.length - len + 1);
    const span = ws.slice(start, start + len);
    return span.filter(content).length >= 2 ? { q: span.join(' ') } : null;
  });
  const top = bands.common.slice(0, 3);
  return {
    generator: GENERATOR_VERSION,
    seed: SEED,
    sets: { kw1, kw2, kw5, phrase },
    probes: ['the', ...top, `${top[0]} ${top[1]}`],
    vocab: { words: df.size, common: bands.common.length, mid: bands.mid.length, rare: bands.rare.length, commonDfMin, rareDfMax, docs },
  };
}

// ------------------------------------------------------------------------------------------------- child: build steps

interface IngestResult {
  ms: number;
  added: number;
  rejected: number;
  bytes: number;
}

async function ingestChild(args: { db: string; files: string[] }): Promise<IngestResult> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: args.db }));
  await store.migrate();
  const t0 = performance.now();
  let added = 0;
  let rejected = 0;
  try {
    for (const file of args.files) {
      // Exactly what `paperboy ingest FILE` runs: parsing in a worker thread, writing on the main thread.
      const source = openFileSource(file);
      const bar = progress(`ingest ${path.basename(file).slice(0, 17)}`, source.size?.total ?? 0, 'bytes');
      const s = await new PaperImporter(store).run(source, { onBatch: () => bar.update(source.progress?.() ?? 0) });
      bar.stop();
      added += s.added;
      rejected += s.rejected;
    }
  } finally {
    store.db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
  }
  return { ms: performance.now() - t0, added, rejected, bytes: fs.statSync(args.db).size };
}

interface DbStats {
  bytes: number;
  /** Bytes per table or index (SQLite's dbstat). */
  parts: Record<string, number>;
  segments: number | null;
}

function dbStats(db: SQLite.Database, file: string, ftsTable: string): DbStats {
  const parts: Record<string, number> = {};
  for (const r of db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as Array<{ name: string; bytes: number }>) parts[r.name] = r.bytes;
  let segments: number | null = null;
  try {
    segments = (db.prepare(`select count(distinct segid) as n from ${ftsTable}_idx`).get() as { n: number }).n;
  } catch {
    segments = null;
  }
  return { bytes: fs.statSync(file).size, parts, segments };
}

interface IndexResult {
  ms: number;
  docs: number;
  stats: DbStats;
}

async function indexChild(args: { storeDb: string; searchDb: string }): Promise<IndexResult> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: args.storeDb }));
  const index = TextIndex.open(args.searchDb);
  try {
    const latest = await store.changes.latest();
    const bar = progress('text index (IndexSync)', latest, 'changes');
    const t0 = performance.now();
    await new IndexSync(store, index).syncOnce((done) => bar.update(done));
    const ms = performance.now() - t0;
    bar.stop();
    index.database.pragma('wal_checkpoint(TRUNCATE)');
    return { ms, docs: index.count(), stats: dbStats(index.database, args.searchDb, 'docs_fts') };
  } finally {
    index.close();
    await store.close();
  }
}

/** The baseline build: the same text into a bare FTS5 table (same tokenizer, same pragmas), nothing else. */
function bareBuildChild(args: { storeDb: string; bareDb: string }): IndexResult {
  const src = new SQLite(args.storeDb, { readonly: true });
  fs.rmSync(args.bareDb, { force: true });
  const db = new SQLite(args.bareDb);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec("create virtual table bare_fts using fts5 (title, authors, abstract, tokenize = 'porter unicode61 remove_diacritics 2')");
  const total = (src.prepare('select count(*) as n from papers').get() as { n: number }).n;
  const bar = progress('bare FTS5 build', total, 'papers');
  const insert = db.prepare('insert into bare_fts (title, authors, abstract) values (?, ?, ?)');
  const t0 = performance.now();
  let n = 0;
  let batch: Array<[string, string, string]> = [];
  const flush = db.transaction((rows: Array<[string, string, string]>) => {
    for (const row of rows) insert.run(...row);
  });
  for (const r of src.prepare('select title, authors, abstract from papers').iterate() as IterableIterator<{ title: string; authors: string; abstract: string }>) {
    batch.push([r.title, (JSON.parse(r.authors) as string[]).join(', '), r.abstract]);
    if (batch.length === 2_000) {
      flush(batch);
      n += batch.length;
      batch = [];
      bar.update(n);
    }
  }
  flush(batch);
  n += batch.length;
  const ms = performance.now() - t0;
  bar.stop();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const stats = dbStats(db, args.bareDb, 'bare_fts');
  db.close();
  src.close();
  return { ms, docs: n, stats };
}

type EmbedderModule = { createDefaultEmbedder?: (...args: unknown[]) => Embedder | Promise<Embedder> };

/** The default embedder, when another part of the project provides it; a reason otherwise. */
async function loadEmbedder(): Promise<Embedder | string> {
  if (!fs.existsSync(DEFAULT_EMBEDDER)) return `${path.relative(PROJECT_ROOT, DEFAULT_EMBEDDER)} does not exist yet`;
  try {
    const mod = (await import(pathToFileURL(DEFAULT_EMBEDDER).href)) as EmbedderModule;
    if (typeof mod.createDefaultEmbedder !== 'function') return `${path.relative(PROJECT_ROOT, DEFAULT_EMBEDDER)} does not export createDefaultEmbedder()`;
    return await mod.createDefaultEmbedder();
  } catch (e) {
    return `createDefaultEmbedder() failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

interface VectorsResult {
  ok: boolean;
  reason?: string;
  embedderId?: string;
  dimensions?: number;
  ms?: number;
  stats?: DbStats;
}

async function vectorsChild(args: { storeDb: string; searchDb: string }): Promise<VectorsResult> {
  const embedder = await loadEmbedder();
  if (typeof embedder === 'string') return { ok: false, reason: embedder };
  const store = new Store(openDatabase({ dialect: 'sqlite', file: args.storeDb }));
  const index = TextIndex.open(args.searchDb);
  try {
    const vectors = new VectorIndex(index.database, embedder.dimensions, embedder.id);
    vectors.clear();
    const latest = await store.changes.latest();
    const bar = progress('vectors (IndexSync)', latest, 'changes');
    const t0 = performance.now();
    // The text index is already caught up, so this sync embeds and stores vectors only.
    await new IndexSync(store, index, { embedder, vectors }).syncOnce((done) => bar.update(done));
    const ms = performance.now() - t0;
    bar.stop();
    index.database.pragma('wal_checkpoint(TRUNCATE)');
    return { ok: true, embedderId: embedder.id, dimensions: embedder.dimensions, ms, stats: dbStats(index.database, args.searchDb, 'docs_fts') };
  } finally {
    index.close();
    await store.close();
  }
}

/** Without an embedder: the exact VectorIndex scan over random unit vectors, to size the semantic leg anyway. */
function vectorProbeChild(args: { n: number; dims: number; queries: number }): { dims: number; n: number; loadMs: number; scans: number[] } {
  const r = rng(SEED ^ 0x1234);
  const unit = () => {
    const v = new Float32Array(args.dims);
    let s = 0;
    for (let j = 0; j < args.dims; j++) s += (v[j] = r.next() * 2 - 1) ** 2;
    const norm = Math.sqrt(s);
    for (let j = 0; j < args.dims; j++) v[j]! /= norm;
    return v;
  };
  const db = new SQLite(':memory:');
  const vectors = new VectorIndex(db, args.dims, 'bench-probe');
  const bar = progress('vector probe (random)', args.n, 'vectors');
  const t0 = performance.now();
  for (let i = 0; i < args.n; i += 10_000) {
    const batch = [];
    for (let j = i; j < Math.min(args.n, i + 10_000); j++) batch.push({ paperId: `probe:${j}`, vector: unit() });
    vectors.apply(batch, [], i);
    bar.update(i);
  }
  bar.stop();
  const loadMs = performance.now() - t0;
  const scans: number[] = [];
  for (let i = 0; i < args.queries + 3; i++) {
    const q = unit();
    const s = performance.now();
    vectors.search(q, HYBRID_CANDIDATES);
    if (i >= 3) scans.push(performance.now() - s);
  }
  return { dims: args.dims, n: args.n, loadMs, scans };
}

// ------------------------------------------------------------------------------------------------------ child: queries

interface RunSpec {
  name: string;
  set: SetKey;
  mode: SearchMode;
}
const RUNS: RunSpec[] = [
  { name: 'keyword, 1 word', set: 'kw1', mode: 'keyword' },
  { name: 'keyword, 2 words', set: 'kw2', mode: 'keyword' },
  { name: 'keyword, 5 words', set: 'kw5', mode: 'keyword' },
  { name: 'keyword, 3-6-word phrase', set: 'phrase', mode: 'keyword' },
  { name: 'semantic, phrase', set: 'phrase', mode: 'semantic' },
  { name: 'hybrid, phrase', set: 'phrase', mode: 'hybrid' },
];

interface RunResult {
  name: string;
  set: SetKey;
  mode: SearchMode;
  ours: number[];
  bare: number[];
  totals: number[];
  bareHits: number[];
  /** Queries answered by the "any of the words" fallback (no paper had every word). */
  relaxed: number;
  errors: string[];
}

/** One query's timings of each piece, ms. */
interface BreakdownRow {
  q: string;
  band?: Band;
  total: number;
  ms: Record<string, number>;
}
interface BreakdownResult {
  set: SetKey | 'probe';
  rows: BreakdownRow[];
}

interface QueryChildResult {
  semantic: { ok: boolean; reason?: string; id?: string; loadMs?: number };
  runs: RunResult[];
  breakdown: BreakdownResult[];
  docs: number;
}

/** The pieces of a keyword search, each run on its own (labels are printed as they are). */
const COMPONENTS = [
  'bare FTS5 query (baseline)',
  'bare + prefix on last word',
  'bm25 weighted, rowid only',
  'FTS5 rank column, weighted',
  '+ join docs, date tie-break',
  '+ highlight + snippet (page query)',
  'two-step: top 20, then marks for 20',
  'bm25 top 100 first, then join (idea)',
  'count(*) bare',
  'count(*) with join (ours)',
  'TextIndex.search (page + count)',
  'TextIndex.search, no prefix',
  'relaxed: any of the words (OR)',
  'present: store lookups',
  'facets (search page)',
  'SearchService keyword',
  'hybrid keyword leg (200, all then any)',
  'embed query',
  'vector scan k=200',
] as const;
type Component = (typeof COMPONENTS)[number];

async function queryChild(args: { storeDb: string; searchDb: string; queriesFile: string; queries: number; warmup: number; breakdown: number; semantic: boolean }): Promise<QueryChildResult> {
  const qf = JSON.parse(fs.readFileSync(args.queriesFile, 'utf8')) as QueryFile;
  const store = new Store(openDatabase({ dialect: 'sqlite', file: args.storeDb }));
  const index = TextIndex.open(args.searchDb);
  let semantic: SemanticParts | null = null;
  let semanticInfo: QueryChildResult['semantic'] = { ok: false, reason: 'no vectors were built' };
  if (args.semantic) {
    const t0 = performance.now();
    const embedder = await loadEmbedder();
    if (typeof embedder === 'string') semanticInfo = { ok: false, reason: embedder };
    else {
      semantic = { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
      semanticInfo = { ok: true, id: embedder.id, loadMs: performance.now() - t0 };
    }
  }
  const svc = new SearchService(store, index, semantic);
  // The baseline reads the same file through its own connection, as a separate program would.
  const bareDb = new SQLite(args.searchDb, { readonly: true });
  const bare = bareDb.prepare(BARE_SQL).pluck();
  const parsed = (q: string): ParsedQuery => {
    const p = parseQuery(q);
    if (!p.ok) throw new Error(`bench query "${q}" does not parse: ${p.reason}`);
    return p.query;
  };
  /** The same words, each quoted (implicit AND), no prefix: what a bare FTS5 user would send. */
  const bareMatch = (q: ParsedQuery) => [...q.terms, ...q.phrases.map((p) => p.join(' '))].map((w) => `"${w}"`).join(' ');
  const docs = index.count();

  const runs: RunResult[] = [];
  for (const spec of RUNS) {
    if (spec.mode !== 'keyword' && !semantic) continue;
    const items = qf.sets[spec.set];
    const warm = items.slice(0, args.warmup);
    const timed = items.slice(WARMUP_PER_SET, WARMUP_PER_SET + args.queries);
    const res: RunResult = { name: spec.name, set: spec.set, mode: spec.mode, ours: [], bare: [], totals: [], bareHits: [], relaxed: 0, errors: [] };
    for (const { q } of warm) {
      await svc.search({ q, mode: spec.mode, limit: PAGE });
      bare.all(bareMatch(parsed(q)));
    }
    const bar = progress(spec.name, timed.length, 'queries');
    for (let i = 0; i < timed.length; i++) {
      const q = timed[i]!.q;
      const match = bareMatch(parsed(q));
      const runOurs = async () => {
        const t0 = performance.now();
        const r = await svc.search({ q, mode: spec.mode, limit: PAGE });
        const ms = performance.now() - t0;
        if (!r.ok) res.errors.push(`${q}: ${r.reason}`);
        else {
          res.totals.push(r.total);
          if ((r as { relaxed?: boolean }).relaxed) res.relaxed++;
        }
        res.ours.push(ms);
      };
      const runBare = () => {
        const t0 = performance.now();
        const rows = bare.all(match);
        res.bare.push(performance.now() - t0);
        res.bareHits.push(rows.length);
      };
      // Alternate who goes first: the second runner of a pair finds the pages the first one read in the OS cache.
      if (i % 2 === 0) {
        await runOurs();
        runBare();
      } else {
        runBare();
        await runOurs();
      }
      bar.update(i + 1);
    }
    bar.stop();
    runs.push(res);
  }

  // Where the time goes: each piece of a keyword search on its own, over the first queries of each set and the probes.
  const ranked = (extra: string) => `from docs_fts join docs d on d.rowid = docs_fts.rowid where docs_fts match ? order by bm25(docs_fts, ${BM25_WEIGHTS.join(', ')}), d.published desc, d.rowid desc ${extra}`;
  const st = {
    barePrefix: bareDb.prepare(BARE_SQL).pluck(),
    weighted: bareDb.prepare(`select rowid from docs_fts where docs_fts match ? order by bm25(docs_fts, ${BM25_WEIGHTS.join(', ')}) limit ${PAGE}`).pluck(),
    rankColumn: bareDb.prepare(`select rowid from docs_fts where docs_fts match ? and rank match 'bm25(${BM25_WEIGHTS.map((w) => w.toFixed(1)).join(', ')})' order by rank limit ${PAGE}`).pluck(),
    join: bareDb.prepare(`select d.rowid ${ranked(`limit ${PAGE}`)}`).pluck(),
    page: bareDb.prepare(`select d.paper_id, highlight(docs_fts, 0, char(2), char(3)) as t, snippet(docs_fts, 2, char(2), char(3), '…', 32) as s ${ranked(`limit ${PAGE} offset 0`)}`),
    marksFor: bareDb.prepare(
      `select rowid, highlight(docs_fts, 0, char(2), char(3)) as t, snippet(docs_fts, 2, char(2), char(3), '…', 32) as s from docs_fts where docs_fts match ? and rowid in (select value from json_each(?))`,
    ),
    // Rank by bm25 alone (no per-match lookup in docs), then break ties by date among the best 100 only.
    topFirst: bareDb
      .prepare(
        `select d.rowid from (select rowid as r, bm25(docs_fts, ${BM25_WEIGHTS.join(', ')}) as s from docs_fts where docs_fts match ? order by s limit 100) t ` +
          `join docs d on d.rowid = t.r order by t.s, d.published desc, d.rowid desc limit ${PAGE}`,
      )
      .pluck(),
    countBare: bareDb.prepare('select count(*) from docs_fts where docs_fts match ?').pluck(),
    countJoin: bareDb.prepare('select count(*) from docs_fts join docs d on d.rowid = docs_fts.rowid where docs_fts match ?').pluck(),
  };
  const pieces = (q: string): Array<[Component, () => unknown]> => {
    const pq = parsed(q);
    const ours = matchExpression(pq)!;
    const plain = bareMatch(pq);
    const list: Array<[Component, () => unknown]> = [
      ['bare FTS5 query (baseline)', () => bare.all(plain)],
      ['bare + prefix on last word', () => st.barePrefix.all(ours)],
      ['bm25 weighted, rowid only', () => st.weighted.all(ours)],
      ['FTS5 rank column, weighted', () => st.rankColumn.all(ours)],
      ['+ join docs, date tie-break', () => st.join.all(ours)],
      ['+ highlight + snippet (page query)', () => st.page.all(ours)],
      ['two-step: top 20, then marks for 20', () => st.marksFor.all(ours, JSON.stringify(st.join.all(ours)))],
      ['bm25 top 100 first, then join (idea)', () => st.topFirst.all(ours)],
      ['count(*) bare', () => st.countBare.get(plain)],
      ['count(*) with join (ours)', () => st.countJoin.get(ours)],
      ['TextIndex.search (page + count)', () => index.search(pq, { sort: 'relevance', limit: PAGE, offset: 0 })],
      ['TextIndex.search, no prefix', () => index.search({ ...pq, prefixLast: false }, { sort: 'relevance', limit: PAGE, offset: 0 })],
      [
        'present: store lookups',
        async () => {
          const ids = index.search(pq, { sort: 'relevance', limit: PAGE, offset: 0 }).hits.map((h) => h.paperId);
          const t0 = performance.now();
          await Promise.all([store.papers.getByIds(ids), store.feed.states(ids)]);
          return { selfMs: performance.now() - t0 }; // timed inside: the search that finds the ids is not part of it
        },
      ],
      // The fallback SearchService runs when no paper has every word.
      ['relaxed: any of the words (OR)', () => index.search(pq, { sort: 'relevance', limit: PAGE, offset: 0, any: true })],
      ['facets (search page)', () => index.facets(pq)],
      ['SearchService keyword', () => svc.search({ q, mode: 'keyword', limit: PAGE })],
      [
        'hybrid keyword leg (200, all then any)',
        () => {
          // What hybrid search asks of the text index: 200 candidates with every word, topped up with papers having some.
          const all = index.search(pq, { sort: 'relevance', limit: HYBRID_CANDIDATES, offset: 0 });
          if (all.hits.length < HYBRID_CANDIDATES && pq.terms.length + pq.phrases.length > 1) index.search(pq, { sort: 'relevance', limit: HYBRID_CANDIDATES, offset: 0, any: true });
        },
      ],
    ];
    if (semantic) {
      const { embedder, vectors } = semantic;
      const text = [...pq.terms, ...pq.phrases.flat(), ...pq.authors.flat()].join(' ');
      list.push(['embed query', () => embedder.embed([text])]);
      list.push([
        'vector scan k=200',
        async () => {
          const [v] = await embedder.embed([text]);
          const t0 = performance.now();
          vectors.search(v!, HYBRID_CANDIDATES);
          return { selfMs: performance.now() - t0 };
        },
      ]);
    }
    return list;
  };
  const timePiece = async (fn: () => unknown): Promise<number> => {
    const t0 = performance.now();
    const inner = await fn();
    const ms = performance.now() - t0;
    return inner !== null && typeof inner === 'object' && 'selfMs' in inner ? Number(inner.selfMs) : ms;
  };
  const breakdown: BreakdownResult[] = [];
  const sets: Array<[SetKey | 'probe', QueryItem[]]> = [
    ...(['kw1', 'kw2', 'kw5', 'phrase'] as const).map((k): [SetKey, QueryItem[]] => [k, qf.sets[k].slice(WARMUP_PER_SET, WARMUP_PER_SET + args.breakdown)]),
    ['probe', [...qf.probes, ...TYPING_PROBES].map((q) => ({ q }))],
  ];
  for (const [set, items] of sets) {
    if (items.length === 0) continue;
    const bar = progress(`breakdown ${set}`, items.length, 'queries');
    const rows: BreakdownRow[] = [];
    for (let i = 0; i < items.length; i++) {
      const { q, band } = items[i]!;
      const list = pieces(q);
      const ms: Record<string, number> = {};
      // Probes are few: take the median of 3; set queries once each, the order rotated per query.
      const reps = set === 'probe' ? (docs > 300_000 ? 1 : 3) : 1;
      for (let k = 0; k < list.length; k++) {
        const [name, fn] = list[(k + i) % list.length]!;
        const xs: number[] = [];
        for (let r = 0; r < reps; r++) xs.push(await timePiece(fn));
        if (process.env.BENCH_DEBUG) process.stderr.write(`${set} ${q} | ${name}: ${xs.map((x) => x.toFixed(1)).join(' ')}\n`);
        ms[name] = pct(xs, 50);
      }
      rows.push({ q, band, total: Number(st.countBare.get(bareMatch(parsed(q)))), ms });
      bar.update(i + 1);
    }
    bar.stop();
    breakdown.push({ set, rows });
  }
  bareDb.close();
  index.close();
  await store.close();
  return { semantic: semanticInfo, runs, breakdown, docs };
}

// --------------------------------------------------------------------------------------------------- child dispatch

async function child(mode: string, args: Record<string, unknown>): Promise<void> {
  const t0 = performance.now();
  let r: unknown;
  if (mode === 'idle') r = {};
  else if (mode === 'generate') r = await generateCorpus(args as { total: number; out: string });
  else if (mode === 'queries') r = await generateQueries();
  else if (mode === 'ingest') r = await ingestChild(args as { db: string; files: string[] });
  else if (mode === 'index') r = await indexChild(args as { storeDb: string; searchDb: string });
  else if (mode === 'bare-build') r = bareBuildChild(args as { storeDb: string; bareDb: string });
  else if (mode === 'vectors') r = await vectorsChild(args as { storeDb: string; searchDb: string });
  else if (mode === 'vector-probe') r = vectorProbeChild(args as { n: number; dims: number; queries: number });
  else if (mode === 'query') r = await queryChild(args as Parameters<typeof queryChild>[0]);
  else throw new Error(`unknown child mode ${mode}`);
  reportResult({ result: r, wallMs: performance.now() - t0 });
}

// ------------------------------------------------------------------------------------------------------------- parent

interface Measured<T> {
  result: T;
  wallMs: number;
  peakRssKb: number;
  /** When the measurement was taken (cached results keep their date). */
  at: string;
}

async function runChild<T>(mode: string, args: object): Promise<Measured<T>> {
  const nodeArgs = ['--max-old-space-size=8192', '--import', 'tsx', THIS_FILE, '--child', mode, JSON.stringify(args)];
  const r = await runMeasured<{ result: T; wallMs: number }>(mode, nodeArgs, PROJECT_ROOT);
  return { result: r.result, wallMs: r.wallMs, peakRssKb: r.peakRssKb, at: new Date().toISOString() };
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Removes siblings of `keep` that start with `prefix` (older cache entries of the same size), to bound disk use. */
function pruneSiblings(keep: string, prefix: string): void {
  const dir = path.dirname(keep);
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir)) {
    const p = path.join(dir, e);
    if (p !== keep && e.startsWith(prefix) && !e.endsWith('.meta.json')) {
      console.log(`  cache: removing stale ${p}`);
      fs.rmSync(p, { recursive: true, force: true });
      fs.rmSync(`${p}.meta.json`, { force: true });
    }
  }
}

interface Size {
  label: string;
  total: number;
  files: string[];
  synthetic: number;
}

interface BuildInfo {
  ingest: Measured<IngestResult>;
  index: Measured<IndexResult>;
  bare: Measured<IndexResult>;
  vectors: (Measured<VectorsResult> & { hash: string }) | null;
  storeDb: string;
  searchDb: string;
  cached: { ingest: boolean; index: boolean; vectors: boolean };
}

async function ensureBuild(size: Size, rebuild: boolean, wantVectors: boolean): Promise<BuildInfo> {
  const storeDir = path.join(CACHE_ROOT, `store-${size.total}-${storeHash()}`);
  const storeDb = path.join(storeDir, 'paperboy.db');
  const storeMeta = path.join(storeDir, 'ingest.json');
  fs.mkdirSync(CACHE_ROOT, { recursive: true });
  pruneSiblings(storeDir, `store-${size.total}-`);
  let ingest = rebuild ? null : readJson<Measured<IngestResult>>(storeMeta);
  const cached = { ingest: ingest !== null, index: false, vectors: false };
  if (!ingest) {
    fs.rmSync(storeDir, { recursive: true, force: true });
    fs.mkdirSync(storeDir, { recursive: true });
    console.log(`  ingesting ${fmtInt(size.total)} papers into a fresh store (PaperImporter, as \`paperboy ingest\`)…`);
    ingest = await runChild<IngestResult>('ingest', { db: storeDb, files: size.files });
    fs.writeFileSync(storeMeta, JSON.stringify(ingest));
  }
  const idxDir = path.join(storeDir, `index-${indexHash()}`);
  const searchDb = path.join(idxDir, 'search.db');
  const bareDb = path.join(idxDir, 'bare.db');
  const idxMeta = path.join(idxDir, 'build.json');
  pruneSiblings(idxDir, 'index-');
  let built = rebuild || !cached.ingest ? null : readJson<Pick<BuildInfo, 'index' | 'bare' | 'vectors'>>(idxMeta);
  cached.index = built !== null;
  if (!built) {
    fs.rmSync(idxDir, { recursive: true, force: true });
    fs.mkdirSync(idxDir, { recursive: true });
    console.log('  building the text index (IndexSync.syncOnce, as `paperboy reindex`)…');
    const index = await runChild<IndexResult>('index', { storeDb, searchDb });
    console.log('  building the baseline: the same text into a bare FTS5 table…');
    const bare = await runChild<IndexResult>('bare-build', { storeDb, bareDb });
    built = { index, bare, vectors: null };
    fs.writeFileSync(idxMeta, JSON.stringify(built));
  }
  if (wantVectors) {
    const hash = embedderHash();
    if (built.vectors?.hash === hash && built.vectors.result.ok) cached.vectors = true;
    else {
      console.log('  building vectors (IndexSync with the default embedder)…');
      const v = await runChild<VectorsResult>('vectors', { storeDb, searchDb });
      built.vectors = { ...v, hash };
      fs.writeFileSync(idxMeta, JSON.stringify(built));
    }
  } else built.vectors = null;
  return { ...built, ingest, storeDb, searchDb, cached };
}

async function ensureQueries(rebuild: boolean): Promise<{ file: string; qf: QueryFile; cached: boolean }> {
  const file = path.join(CACHE_ROOT, `queries-${GENERATOR_VERSION}-${SEED.toString(16)}.json`);
  let qf = rebuild ? null : readJson<QueryFile>(file);
  const cached = qf !== null;
  if (!qf) {
    fs.mkdirSync(CACHE_ROOT, { recursive: true });
    qf = (await runChild<QueryFile>('queries', {})).result;
    fs.writeFileSync(file, JSON.stringify(qf));
  }
  return { file, qf, cached };
}

async function ensureCorpus(total: number, real: number, rebuild: boolean): Promise<string> {
  const dir = path.join(CACHE_ROOT, 'corpus');
  const file = path.join(dir, `synthetic-${GENERATOR_VERSION}-${SEED.toString(16)}-${total}.jsonl`);
  const meta = `${file}.meta.json`;
  fs.mkdirSync(dir, { recursive: true });
  const m = rebuild ? null : readJson<Measured<GenerateResult>>(meta);
  if (m && fs.existsSync(file)) {
    console.log(`  synthetic corpus: cached ${file} (${fmtInt(m.result.papers)} papers, ${fmtBytes(m.result.bytes)}, generated ${m.at} in ${fmtS(m.wallMs)})`);
    return file;
  }
  console.log(`  generating ${fmtInt(total - real)} synthetic papers (bigram chains over the real titles and abstracts, seed ${SEED.toString(16)})…`);
  const g = await runChild<GenerateResult>('generate', { total, out: file });
  fs.writeFileSync(meta, JSON.stringify(g));
  console.log(`  generated ${file}: ${fmtInt(g.result.papers)} papers, ${fmtBytes(g.result.bytes)} in ${fmtS(g.wallMs)} (peak RSS ${fmtMb(g.peakRssKb)})`);
  console.log(`  a synthetic paper: "${g.result.sample.title}" by ${g.result.sample.authors.slice(0, 3).join(', ')}: ${g.result.sample.abstract.slice(0, 220)}…`);
  return file;
}

function partsLine(stats: DbStats, prefix: string): string {
  const sum = (pred: (name: string) => boolean) => Object.entries(stats.parts).reduce((s, [n, b]) => s + (pred(n) ? b : 0), 0);
  const fts = sum((n) => n === `${prefix}_data` || n === `${prefix}_idx`);
  const content = sum((n) => n === `${prefix}_content`);
  const docsize = sum((n) => n === `${prefix}_docsize` || n === `${prefix}_config`);
  const vectors = sum((n) => n.startsWith('vector'));
  const other = stats.bytes - fts - content - docsize - vectors;
  const bits = [`inverted index ${fmtBytes(fts)}`, `text copy ${fmtBytes(content)}`, `docsize ${fmtBytes(docsize)}`];
  if (vectors) bits.push(`vectors ${fmtBytes(vectors)}`);
  bits.push(`other tables, free pages ${fmtBytes(Math.max(0, other))}`);
  return `${bits.join(', ')}${stats.segments !== null ? `; ${stats.segments} FTS5 segments` : ''}`;
}

interface SizeReport {
  size: Size;
  build: BuildInfo;
  q: Measured<QueryChildResult>;
  probe: Measured<ReturnType<typeof vectorProbeChild>> | null;
}

function printSize(rep: SizeReport, idleKb: number): void {
  const { build: b, q } = rep;
  const cachedNote = (c: boolean, m: { at: string }) => (c ? ` (cached: measured ${m.at.slice(0, 16).replace('T', ' ')})` : '');
  console.log(`\nbuild, ${rep.size.label}:`);
  const rows: string[][] = [
    ['ingest store (PaperImporter)', fmtS(b.ingest.result.ms), fmtMb(b.ingest.peakRssKb), `paperboy.db ${fmtBytes(b.ingest.result.bytes)}, ${fmtInt(b.ingest.result.added)} papers${cachedNote(b.cached.ingest, b.ingest)}`],
    ['text index (IndexSync = reindex)', fmtS(b.index.result.ms), fmtMb(b.index.peakRssKb), `search.db ${fmtBytes(b.index.result.stats.bytes)}${cachedNote(b.cached.index, b.index)}`],
    ['baseline: bare FTS5 table', fmtS(b.bare.result.ms), fmtMb(b.bare.peakRssKb), `bare.db ${fmtBytes(b.bare.result.stats.bytes)}`],
  ];
  if (b.vectors?.result.ok) rows.push([`vectors (${b.vectors.result.embedderId})`, fmtS(b.vectors.result.ms!), fmtMb(b.vectors.peakRssKb), `search.db now ${fmtBytes(b.vectors.result.stats!.bytes)}${cachedNote(b.cached.vectors, b.vectors)}`]);
  rows.push(['query process (all sets below)', fmtS(q.wallMs), fmtMb(q.peakRssKb), `startup-only floor ${fmtMb(idleKb)}`]);
  console.log(table(['step', 'time', 'peak RSS', 'output'], rows, 1).replace(/^/gm, '  '));
  console.log(`  text index / bare build: time ${fmtRatio(b.index.result.ms / b.bare.result.ms)}, size ${fmtRatio(b.index.result.stats.bytes / b.bare.result.stats.bytes)}; ${fmtInt((b.index.result.docs / b.index.result.ms) * 1000)} papers/s`);
  console.log(`  search.db: ${partsLine(b.index.result.stats, 'docs_fts')}`);
  console.log(`  bare.db:   ${partsLine(b.bare.result.stats, 'bare_fts')}`);
  if (b.vectors?.result.ok) {
    const v = b.vectors.result;
    const onDisk = Object.entries(v.stats!.parts).reduce((s, [n, x]) => s + (n.startsWith('vectors') ? x : 0), 0);
    const raw = b.index.result.docs * v.dimensions! * 4;
    console.log(`  vectors table: ${fmtBytes(onDisk)} on disk for ${fmtBytes(raw)} of float32 vectors (${fmtRatio(onDisk / raw)})`);
  }
  if (b.vectors && !b.vectors.result.ok) console.log(`  vectors: skipped (${b.vectors.result.reason})`);
  if (!q.result.semantic.ok) console.log(`  semantic and hybrid: skipped (${q.result.semantic.reason})`);
  if (rep.probe) {
    const p = rep.probe.result;
    console.log(
      `  vector probe (no embedder): exact VectorIndex scan, ${fmtInt(p.n)} random ${p.dims}-d unit vectors, k=${HYBRID_CANDIDATES}: ` +
        `p50 ${fmtMs(pct(p.scans, 50))} ms, p95 ${fmtMs(pct(p.scans, 95))} ms (${p.scans.length} scans; peak RSS ${fmtMb(rep.probe.peakRssKb)})`,
    );
  }

  console.log(`\nquery latency, ${rep.size.label} (ms; SearchService.search({q, mode, limit: ${PAGE}}) vs bare FTS5 bm25 on the same search.db, alternating, same run):`);
  const lat = q.result.runs.map((r) => {
    const perQuery = r.ours.map((o, i) => o / Math.max(r.bare[i]!, 1e-3));
    return [
      r.name,
      String(r.ours.length),
      ...latencyCells(r),
      fmtRatio(pct(perQuery, 50)),
      fmtInt(pct(r.totals, 50)),
      `${Math.round((100 * r.relaxed) / Math.max(r.ours.length, 1))}%`,
      r.errors.length ? String(r.errors.length) : '',
    ];
  });
  console.log(table(['set', 'n', 'ours p50', 'p95', 'p99', 'bare p50', 'p95', 'p99', 'ratio p50', 'ratio p95', 'median q ratio', 'median matches', 'relaxed', 'errors'], lat, 1).replace(/^/gm, '  '));
  console.log('  (relaxed: share of queries no paper matched in full, answered by the "any of the words" fallback; the bare query stops at 0 rows)');
  for (const r of q.result.runs) if (r.errors.length) console.log(`  ${r.name}: ${r.errors.length} errors, e.g. ${r.errors[0]}`);

  const byName = (rows: BreakdownRow[], c: string) => rows.map((r) => r.ms[c]).filter((x): x is number => x !== undefined);
  const comps = COMPONENTS.filter((c) => q.result.breakdown.some((b) => b.rows.some((r) => r.ms[c] !== undefined)));
  const groups: Array<[string, BreakdownRow[]]> = [];
  for (const b of q.result.breakdown) {
    if (b.set === 'probe') continue;
    groups.push([`${b.set} (${b.rows.length})`, b.rows]);
    if (b.set === 'kw1') for (const band of ['common', 'mid', 'rare'] as const) groups.push([`kw1 ${band}`, b.rows.filter((r) => r.band === band)]);
  }
  console.log(`\nwhere the time goes, ${rep.size.label} (ms, median / p95 per piece, each run on its own; kw1 split by word frequency band):`);
  const brows = comps.map((c) => [c, ...groups.map(([, rows]) => {
    const xs = byName(rows, c);
    return xs.length ? `${fmtMs(pct(xs, 50))} / ${fmtMs(pct(xs, 95))}` : '-';
  })]);
  brows.push(['(matches, median)', ...groups.map(([, rows]) => fmtInt(pct(rows.map((r) => r.total), 50)))]);
  console.log(table(['piece', ...groups.map(([g]) => g)], brows, 1).replace(/^/gm, '  '));
  const probes = q.result.breakdown.find((b) => b.set === 'probe');
  if (probes) {
    console.log(`\nworst cases, ${rep.size.label} (ms, ${q.result.docs > 300_000 ? 'one run each' : 'median of 3'}):`);
    const pc = comps.filter((c) => probes.rows.some((r) => r.ms[c] !== undefined));
    console.log(table(['piece', ...probes.rows.map((r) => `"${r.q}" (${fmtInt(r.total)})`)], pc.map((c) => [c, ...probes.rows.map((r) => (r.ms[c] === undefined ? '-' : fmtMs(r.ms[c]!)))]), 1).replace(/^/gm, '  '));
  }
}

/** p50/p95/p99 of ours and of the bare query, and the p50 and p95 ratios. */
function latencyCells(r: { ours: number[]; bare: number[] }): string[] {
  return [
    ...[50, 95, 99].map((p) => fmtMs(pct(r.ours, p))),
    ...[50, 95, 99].map((p) => fmtMs(pct(r.bare, p))),
    ...[50, 95].map((p) => fmtRatio(pct(r.ours, p) / pct(r.bare, p))),
  ];
}

function printFinal(reports: SizeReport[]): void {
  console.log('\n================================================ summary ================================================');
  const rows: string[][] = [];
  for (const rep of reports) {
    for (const r of rep.q.result.runs) {
      rows.push([
        rep.size.label,
        r.name,
        ...latencyCells(r),
      ]);
    }
  }
  console.log(table(['corpus', 'set (ms)', 'ours p50', 'p95', 'p99', 'bare p50', 'p95', 'p99', 'ratio p50', 'p95'], rows, 2));
  console.log('');
  for (const rep of reports) {
    const b = rep.build;
    const vec = b.vectors?.result.ok ? `, vectors ${fmtS(b.vectors.result.ms!)}` : '';
    console.log(
      `${rep.size.label}: index build ${fmtS(b.index.result.ms)} (bare FTS5 ${fmtS(b.bare.result.ms)}, ${fmtRatio(b.index.result.ms / b.bare.result.ms)})${vec}; ` +
        `search.db ${fmtBytes(b.index.result.stats.bytes)} (bare ${fmtBytes(b.bare.result.stats.bytes)}); peak RSS ${fmtMb(b.index.peakRssKb)} building, ${fmtMb(rep.q.peakRssKb)} serving the queries`,
    );
  }
  console.log('\nacceptance (issue 3): ');
  const check = (label: string, rep: SizeReport | undefined, modes: SearchMode[], limit: number) => {
    if (!rep) return console.log(`  ${label}: not measured`);
    const runs = rep.q.result.runs.filter((r) => modes.includes(r.mode));
    if (runs.length === 0) return console.log(`  ${label}: not measured (${rep.q.result.semantic.reason ?? 'no runs'})`);
    const worst = runs.reduce((a, r) => (pct(r.ours, 95) > pct(a.ours, 95) ? r : a));
    const p95 = pct(worst.ours, 95);
    console.log(`  ${label}: worst p95 ${fmtMs(p95)} ms (${worst.name}) vs ${limit} ms -> ${p95 <= limit ? 'PASS' : 'FAIL'}`);
  };
  const small = reports.find((r) => r.size.synthetic === 0);
  const large = reports.find((r) => r.size.synthetic > 0);
  check('87k keyword p95 <= 20 ms', small, ['keyword'], 20);
  check('87k hybrid p95 <= 50 ms', small, ['hybrid'], 50);
  check(`${large ? large.size.label : '1M'} hybrid p95 <= 150 ms${large && large.size.total < 1_000_000 ? ' (target is for 1M)' : ''}`, large, ['hybrid'], 150);
  if (large) check(`${large.size.label} keyword p95 (no target; for reference) <= 150 ms`, large, ['keyword'], 150);
}

async function parent(argv: string[]): Promise<void> {
  const flag = (name: string) => argv.includes(name);
  const opt = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return def;
    const v = Number(String(argv[i + 1]).replace(/_/g, ''));
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number, not ${argv[i + 1]}`);
    return v;
  };
  const N = opt('--papers', 1_000_000);
  const queries = Math.min(opt('--queries', 200), QUERIES_PER_SET);
  const warmup = Math.min(opt('--warmup', 30), WARMUP_PER_SET);
  const breakdownN = Math.min(opt('--breakdown', 30), QUERIES_PER_SET);
  const rebuild = flag('--rebuild');
  const skipLarge = flag('--skip-1m');
  const hasEmbedder = fs.existsSync(DEFAULT_EMBEDDER);
  console.log(`search benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${fmtBytes(os.totalmem())} RAM`);
  console.log(`cache: ${CACHE_ROOT} (corpora, query sets, stores and indexes are reused when their inputs are unchanged; --rebuild ignores it)`);
  console.log(`peak RSS via ${hasGnuTime() ? '/usr/bin/time -v' : 'getrusage'} of each step's own child process`);
  console.log(`semantic/hybrid: ${hasEmbedder ? `${path.relative(PROJECT_ROOT, DEFAULT_EMBEDDER)} found, will be measured` : `skipped (${path.relative(PROJECT_ROOT, DEFAULT_EMBEDDER)} does not exist yet)`}`);

  const { file: queriesFile, qf, cached: qCached } = await ensureQueries(rebuild);
  const v = qf.vocab;
  console.log(
    `queries: ${queries} timed + ${warmup} warm-up per set, seeded, ${qCached ? 'cached' : 'generated now'} (${queriesFile}); vocabulary of the ${fmtInt(v.docs)} real papers: ` +
      `${fmtInt(v.words)} words, ${fmtInt(v.common)} common content words (in >= ${fmtInt(v.commonDfMin)} papers), ${fmtInt(v.mid)} mid, ${fmtInt(v.rare)} rare (in <= ${v.rareDfMax})`,
  );
  const ex = (k: SetKey) => qf.sets[k].slice(WARMUP_PER_SET, WARMUP_PER_SET + 4).map((x) => `"${x.q}"`).join(', ');
  console.log(`  1 word (common/mid/rare in turn): ${ex('kw1')}`);
  console.log(`  2 words (half adjacent title words, half two words of one abstract): ${ex('kw2')}`);
  console.log(`  5 words (of one real paper): ${ex('kw5')}`);
  console.log(`  phrases for semantic/hybrid (3-6 consecutive words of a real title): ${ex('phrase')}`);
  console.log('  queries are timed as submitted searches (a word means the word); search as you type (typing=1, the last word also');
  console.log('  as a prefix) is timed in the breakdown: "bare + prefix on last word", "TextIndex.search (page + count)" and the typing probes');

  const idle = await runChild<object>('idle', {});
  const realCount = qf.vocab.docs;
  const sizes: Size[] = [{ label: '87k real', total: realCount, files: [REAL_FILE], synthetic: 0 }];
  if (!skipLarge && N > realCount) sizes.push({ label: `${fmtInt(N)} (87k real + synthetic)`, total: N, files: [REAL_FILE], synthetic: N - realCount });
  const reports: SizeReport[] = [];
  for (const size of sizes) {
    console.log(`\n=== ${size.label}: ${fmtInt(size.total)} papers ===`);
    const t0 = performance.now();
    if (size.synthetic > 0) size.files.push(await ensureCorpus(size.total, realCount, rebuild));
    const build = await ensureBuild(size, rebuild, hasEmbedder);
    const semanticBuilt = build.vectors?.result.ok === true;
    console.log(`  build ready in ${fmtS(performance.now() - t0)}${build.cached.ingest && build.cached.index ? ' (from the cache)' : ''}; measuring queries…`);
    const q = await runChild<QueryChildResult>('query', { storeDb: build.storeDb, searchDb: build.searchDb, queriesFile, queries, warmup, breakdown: breakdownN, semantic: semanticBuilt });
    let probe: SizeReport['probe'] = null;
    if (!semanticBuilt) probe = await runChild<ReturnType<typeof vectorProbeChild>>('vector-probe', { n: size.total, dims: 256, queries: 30 });
    const rep: SizeReport = { size, build, q, probe };
    reports.push(rep);
    printSize(rep, idle.peakRssKb);
  }
  printFinal(reports);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1]!, JSON.parse(argv[2] ?? '{}') as Record<string, unknown>);
else await parent(argv);
