/**
 * Ingest benchmark: how fast a JSONL(.gz) corpus goes into a fresh SQLite store, against baselines measured in the same
 * run on the same file:
 * - startup only: the child loads the same modules and does nothing, the floor under every peak RSS below;
 * - read + gunzip only, for scale;
 * - raw parse: gunzip + split lines + JSON.parse, nothing else (the floor for any importer);
 * - source parse: JsonlFileSource iterated to the end (gunzip, line splitting, JSON.parse, record mapping);
 * - ingest: PaperImporter into a fresh SQLite file (everything above + validation, hashing, dedupe, writes);
 * - re-import: the same file again into the store the ingest just filled (expected: 0 added, 0 updated).
 * Each measurement runs in its own child process, so peak RSS (from `/usr/bin/time -v` when present, else the child's
 * own getrusage maxRSS) belongs to that measurement alone; rounds alternate their order, and medians are reported.
 *
 * Usage: npm run bench:ingest [-- <file.jsonl.gz> [rounds]]     (default: ../shared/data/arxiv-87k.jsonl.gz, 3 rounds)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import cliProgress from 'cli-progress';
import { openFileSource } from '../src/ingest/file-source.js';
import { JsonlFileSource } from '../src/ingest/jsonl.source.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { hasGnuTime, reportResult, runMeasured } from './lib/child.js';

const THIS_FILE = import.meta.filename;
const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const DEFAULT_FILE = path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'arxiv-87k.jsonl.gz');

type Mode = 'idle' | 'gunzip' | 'raw' | 'source' | 'ingest' | 'reimport';
const MODES: readonly Mode[] = ['idle', 'gunzip', 'raw', 'source', 'ingest', 'reimport'];
const LABELS: Record<Mode, string> = {
  idle: 'startup only (no work; RSS floor)',
  gunzip: 'read + gunzip only',
  raw: 'raw parse (gunzip+split+JSON.parse)',
  source: 'source parse (JsonlFileSource)',
  ingest: 'ingest, fresh SQLite store',
  reimport: 're-import, same store',
};

interface ChildResult {
  mode: Mode;
  ms: number;
  records: number;
  added?: number;
  updated?: number;
  unchanged?: number;
  rejected?: number;
  selfMaxRssKb: number;
}

interface Measurement extends ChildResult {
  peakRssKb: number;
  rssFrom: 'time -v' | 'getrusage';
}

// ---------------------------------------------------------------------------------------------------------------- child

function progressBar(label: string, totalBytes: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(10)} |{bar}| {percentage}% | {mb}/{totalMb} MB | {records} records | {rate} records/s`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const totalMb = (totalBytes / 1e6).toFixed(1);
  bar.start(totalBytes, 0, { mb: '0.0', totalMb, records: 0, rate: 0 });
  return {
    update(bytes: number, records: number) {
      const s = (performance.now() - started) / 1000;
      bar.update(bytes, { mb: (bytes / 1e6).toFixed(1), totalMb, records, rate: s > 0 ? Math.round(records / s) : 0 });
    },
    stop: () => bar.stop(),
  };
}

/**
 * The floor: gunzip, split on '\n', JSON.parse each line; no mapping, no validation. With `parseLines` false, only read
 * and gunzip (counting line breaks in the bytes), the floor under that.
 */
async function rawParse(file: string, parseLines: boolean): Promise<number> {
  const total = fs.statSync(file).size;
  const bar = progressBar(parseLines ? 'raw' : 'gunzip', total);
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  raw.on('data', (c) => (bytes += c.length));
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  // Same stream settings as JsonlFileSource, so the comparison is about the work, not the buffer sizes.
  const stream: AsyncIterable<Buffer> = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(zlib.createGunzip({ chunkSize: 1 << 18 })) : raw;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let records = 0;
  let sink = 0;
  const parse = (line: string) => {
    if (line.trim() === '') return;
    const v = JSON.parse(line) as { id?: unknown };
    if (v.id) sink++;
    records++;
  };
  if (!parseLines) {
    let lines = 0;
    for await (const chunk of stream) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      bar.update(bytes, lines);
    }
    bar.stop();
    return lines;
  }
  for await (const chunk of stream) {
    // Lines are cut from each decoded chunk; only a line that spans chunks is concatenated (prepending the carried-over
    // tail to the whole chunk instead costs ~20%).
    const text = decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      parse(pending === '' ? text.slice(start, nl) : pending + text.slice(start, nl));
      pending = '';
      start = nl + 1;
    }
    if (start < text.length) pending += text.slice(start);
    bar.update(bytes, records);
  }
  parse(pending + decoder.end());
  bar.stop();
  if (sink !== records) throw new Error('a record without id');
  return records;
}

async function sourceParse(file: string): Promise<number> {
  const source = new JsonlFileSource(file);
  const bar = progressBar('source', source.size.total);
  let records = 0;
  for await (const item of source.items()) {
    records++;
    if ((records & 1023) === 0) bar.update(source.progress(), records);
    if (item.kind !== 'paper' && item.kind !== 'rejected') throw new Error('unreachable');
  }
  bar.stop();
  return records;
}

async function ingest(mode: 'ingest' | 'reimport', file: string, dbFile: string): Promise<Omit<ChildResult, 'ms' | 'selfMaxRssKb'>> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: dbFile }));
  try {
    await store.migrate();
    // Exactly what `paperboy ingest FILE` runs: parsing in a worker thread, writing on the main thread.
    const source = openFileSource(file);
    const bar = progressBar(mode, source.size?.total ?? 0);
    const s = await new PaperImporter(store).run(source, {
      onBatch: (t) => bar.update(source.progress?.() ?? 0, t.added + t.updated + t.unchanged + t.rejected),
    });
    bar.stop();
    return { mode, records: s.added + s.updated + s.unchanged + s.rejected, added: s.added, updated: s.updated, unchanged: s.unchanged, rejected: s.rejected };
  } finally {
    await store.close();
  }
}

async function child(mode: Mode, file: string, dbFile: string): Promise<void> {
  const t0 = performance.now();
  let r: Omit<ChildResult, 'ms' | 'selfMaxRssKb'>;
  if (mode === 'idle') r = { mode, records: 0 };
  else if (mode === 'gunzip' || mode === 'raw') r = { mode, records: await rawParse(file, mode === 'raw') };
  else if (mode === 'source') r = { mode, records: await sourceParse(file) };
  else r = await ingest(mode, file, dbFile);
  reportResult({ ...r, ms: performance.now() - t0 });
}

// --------------------------------------------------------------------------------------------------------------- parent

function runChild(mode: Mode, file: string, dbFile: string): Promise<Measurement> {
  return runMeasured<ChildResult>(mode, ['--import', 'tsx', THIS_FILE, '--child', mode, file, dbFile], PROJECT_ROOT);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function parent(file: string, rounds: number): Promise<void> {
  const stat = fs.statSync(file);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-bench-'));
  console.log(`ingest benchmark: ${file} (${(stat.size / 1e6).toFixed(1)} MB), ${rounds} rounds, temp dir ${work}`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, peak RSS via ${hasGnuTime() ? '/usr/bin/time -v' : 'getrusage in the child'}\n`);
  const results: Record<Mode, Measurement[]> = { idle: [], gunzip: [], raw: [], source: [], ingest: [], reimport: [] };
  let dbBytes = 0;
  try {
    for (let round = 1; round <= rounds; round++) {
      const dbFile = path.join(work, `round-${round}.db`);
      // Alternate the order so warm caches and thermal drift do not favour one side.
      const order: Mode[] = round % 2 === 1 ? ['idle', 'gunzip', 'raw', 'source', 'ingest', 'reimport'] : ['ingest', 'reimport', 'source', 'raw', 'gunzip', 'idle'];
      for (const mode of order) {
        const m = await runChild(mode, file, dbFile);
        results[mode].push(m);
        const counts = m.added === undefined ? '' : ` (added ${m.added}, updated ${m.updated}, unchanged ${m.unchanged}, rejected ${m.rejected})`;
        console.log(`round ${round}/${rounds}  ${LABELS[mode].padEnd(36)} ${fmtS(m.ms).padStart(9)}  ${fmtInt(m.records)} records${counts}  peak RSS ${fmtMb(m.peakRssKb)}`);
        if (mode === 'reimport' && (m.added !== 0 || m.updated !== 0)) {
          console.log('  WARNING: the re-import changed the store; expected 0 added, 0 updated');
          process.exitCode = 1;
        }
      }
      dbBytes = fs.statSync(dbFile).size;
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  const med = (mode: Mode) => median(results[mode].map((r) => r.ms));
  const rows = MODES.map((mode) => {
    const ms = med(mode);
    const last = results[mode].at(-1)!;
    const perS = (mode === 'ingest' ? last.added! : last.records) / (ms / 1000);
    return [LABELS[mode], fmtS(ms), mode === 'idle' ? '-' : `${fmtInt(perS)}/s`, fmtMb(median(results[mode].map((r) => r.peakRssKb))), results[mode].map((r) => (r.ms / 1000).toFixed(2)).join(' / ')];
  });
  const head = ['measurement (median of ' + rounds + ')', 'time', 'papers/s', 'peak RSS', 'each run (s)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const ing = results.ingest.at(-1)!;
  const re = results.reimport.at(-1)!;
  console.log(`\ningest: ${fmtInt(ing.added!)} added, ${fmtInt(ing.rejected!)} rejected; SQLite file ${(dbBytes / 1e6).toFixed(0)} MB`);
  console.log(`re-import: ${re.added} added, ${re.updated} updated, ${fmtInt(re.unchanged!)} unchanged`);
  console.log(`ratio ingest / source parse: ${(med('ingest') / med('source')).toFixed(2)}x`);
  console.log(`ratio ingest / raw parse:    ${(med('ingest') / med('raw')).toFixed(2)}x`);
  console.log(`ratio source / raw parse:    ${(med('source') / med('raw')).toFixed(2)}x`);
  console.log(`ratio re-import / ingest:    ${(med('reimport') / med('ingest')).toFixed(2)}x`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, mode, file, dbFile] = argv as [string, Mode, string, string];
  if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode}`);
  await child(mode, file, dbFile);
} else {
  const file = path.resolve(argv[0] ?? DEFAULT_FILE);
  const rounds = Number(argv[1] ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, not ${argv[1]}`);
  await parent(file, rounds);
}
