/**
 * Builds demo/demo-papers.jsonl.gz, the corpus a fresh install loads when its store is empty (see demo/README.md).
 * Deterministic: the same inputs give the same bytes (records in a fixed order, gzip header without a timestamp).
 *
 * Selection, from ../shared/data (SOURCES.md):
 * - all 55 seed papers (seed-papers.jsonl) with their upvotes, listing day (`published`, used as feed day) and code link;
 * - every crawled paper of the latest LATEST_DAYS calendar days of the daily crawls, so the front page shows a full day
 *   and the day / week / month navigation has content;
 * - every crawled paper of each day a seed paper was listed on, when that day falls within the crawls' range;
 * - every paper from arXiv's own `.abs` files (1991–2024, old-style ids such as hep-th/9108002, all fields).
 * A paper in both the seed list and the crawl keeps the seed's fields and takes what the seed lacks from the crawl.
 *
 * Usage: npm run demo:build [-- <arxiv-87k.jsonl.gz> <seed-papers.jsonl> <out.jsonl.gz>]
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHARED_DATA = path.resolve(ROOT, '..', 'shared', 'data');
const CORPUS_FILE = process.argv[2] ?? path.join(SHARED_DATA, 'arxiv-87k.jsonl.gz');
const SEED_FILE = process.argv[3] ?? path.join(SHARED_DATA, 'seed-papers.jsonl');
const OUT_FILE = process.argv[4] ?? path.join(ROOT, 'demo', 'demo-papers.jsonl.gz');

/** Calendar days, counted back from the crawls' latest day, whose papers are all included (two full ISO weeks and more). */
const LATEST_DAYS = 14;
/** The demo ships inside the repository and loads on first start: keep it small. */
const MAX_OUT_BYTES = 5 * 1024 * 1024;
/** Crawl sources whose `published` is a daily listing day (the others are arXiv `.abs` files with v1 dates). */
const DAILY_SOURCES = new Set(['daily-arXiv-ai-enhanced', 'daily-arXiv-astro-ph']);
const ABS_SOURCE = 'arxiv-browse-abs';
/** Seed fields that only describe the captured listing page. */
const DROPPED_SEED_FIELDS = new Set(['listing_rank']);
/** Crawl fields that describe the crawl's own date, which the seed's listing day replaces. */
const CRAWL_ONLY_FIELDS = new Set(['published', 'date_source', 'source']);

type Rec = Record<string, unknown> & { id: string; published: string };

async function* readJsonl(file: string): AsyncGenerator<Rec> {
  const raw = fs.createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() !== '') yield JSON.parse(line) as Rec;
  }
}

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The seed record, completed with what only the crawl knows (comment, doi, the full category list...). */
function mergeSeed(seed: Rec, crawl: Rec | undefined): Rec {
  const out: Rec = { ...seed };
  for (const k of DROPPED_SEED_FIELDS) delete out[k];
  if (!crawl) return out;
  for (const [k, v] of Object.entries(crawl)) {
    if (CRAWL_ONLY_FIELDS.has(k) || v === null || v === undefined) continue;
    if (out[k] === undefined || out[k] === null) out[k] = v;
  }
  // The seed lists only the primary category; the crawl's list starts with it and adds the cross-lists.
  const sc = seed.categories;
  const cc = crawl.categories;
  if (Array.isArray(sc) && Array.isArray(cc) && cc[0] === sc[0] && sc.every((c) => cc.includes(c))) out.categories = cc;
  return out;
}

async function main(): Promise<void> {
  const seeds: Rec[] = [];
  for await (const r of readJsonl(SEED_FILE)) seeds.push(r);
  const seedIds = new Set(seeds.map((s) => s.id));

  // Pass 1: the crawls' date range.
  let firstDay = '9999-12-31';
  let lastDay = '0000-01-01';
  for await (const r of readJsonl(CORPUS_FILE)) {
    if (!DAILY_SOURCES.has(String(r.source))) continue;
    if (r.published < firstDay) firstDay = r.published;
    if (r.published > lastDay) lastDay = r.published;
  }
  const latestFrom = addDays(lastDay, -(LATEST_DAYS - 1));
  const seedDays = new Set(seeds.map((s) => s.published).filter((d) => d >= firstDay && d <= lastDay));

  // Pass 2: select.
  const crawlOfSeed = new Map<string, Rec>();
  const picked: Rec[] = [];
  const counts = { latest: 0, seedDays: 0, abs: 0 };
  for await (const r of readJsonl(CORPUS_FILE)) {
    if (seedIds.has(r.id)) {
      crawlOfSeed.set(r.id, r);
      continue;
    }
    const daily = DAILY_SOURCES.has(String(r.source));
    if (daily && r.published >= latestFrom) counts.latest++;
    else if (daily && seedDays.has(r.published)) counts.seedDays++;
    else if (r.source === ABS_SOURCE) counts.abs++;
    else continue;
    picked.push(r);
  }

  const records = [...seeds.map((s) => mergeSeed(s, crawlOfSeed.get(s.id))), ...picked];
  const ids = new Set<string>();
  for (const r of records) {
    if (ids.has(r.id)) throw new Error(`duplicate id ${r.id}`);
    ids.add(r.id);
  }
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  // Node writes a gzip header with mtime 0, so the output depends on the records only.
  const gz = zlib.gzipSync(text, { level: 9 });
  if (gz.length > MAX_OUT_BYTES) throw new Error(`demo corpus is ${gz.length} bytes, over the ${MAX_OUT_BYTES}-byte limit`);
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  fs.writeFileSync(OUT_FILE, gz);

  const feedDays = new Set(records.map((r) => r.published));
  console.log(`crawl days ${firstDay} .. ${lastDay}; latest ${LATEST_DAYS} days from ${latestFrom}; seed days in range: ${[...seedDays].sort().join(', ')}`);
  console.log(
    `${records.length} papers: ${seeds.length} seed (${crawlOfSeed.size} also crawled), ${counts.latest} latest days, ` +
      `${counts.seedDays} on seed days, ${counts.abs} arXiv .abs (1991-2024); ${feedDays.size} distinct days`,
  );
  console.log(`wrote ${path.relative(process.cwd(), OUT_FILE)}: ${gz.length} bytes gzipped (${text.length} plain)`);
}

await main();
