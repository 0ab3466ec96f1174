/**
 * Importing damaged and unusual files through the real pipeline (JsonlFileSource -> PaperImporter -> a real SQLite
 * file): truncated and corrupt gzip, bad lines of every kind, JSON arrays, the arXiv metadata snapshot layout,
 * re-imports and version order, and an import killed with SIGKILL half-way through the 87k corpus.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlFileSource } from '../src/ingest/jsonl.source.js';
import { type ImportSummary, PaperImporter, type Reject } from '../src/services/paper-importer.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { CORPUS_87K, sqliteStore, tempDir } from './helpers/app.js';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS_87K_PAPERS = 87_272;

const dir = tempDir('paperboy-damaged-');
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function freshStore(): Promise<Store> {
  const s = await sqliteStore();
  stores.push(s);
  return s;
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function importFile(store: Store, file: string): Promise<ImportSummary> {
  return new PaperImporter(store).run(new JsonlFileSource(file));
}

/** `damaged.jsonl:3` from `/tmp/.../damaged.jsonl:3`: the label is relative or absolute depending on the working directory. */
const at = (r: Reject) => path.basename(r.location);

/** A valid record in Paperboy's own layout. */
function paper(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Paper ${id}`,
    abstract: `The abstract of ${id}.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.LG', 'stat.ML'],
    published: '2026-01-05',
    ...extra,
  };
}

function without(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}

const J = (v: unknown) => JSON.stringify(v);
const TEN_MB_ABSTRACT = 'x'.repeat(10_000_000);
const UNICODE_TITLE = 'Naïve Bayes — ∑ over 😀 tokens';

/** The damaged JSONL: one entry per line (1-based line = index + 1); `reject` is the expected reason, when rejected. */
const DAMAGED_LINES: Array<{ text: string; reject?: string }> = [
  { text: J(paper('2601.00001')) }, // 1, preceded by a UTF-8 BOM
  { text: J(paper('2601.00002')) }, // 2
  { text: '{"id": "2601.00009", "title": "cut off', reject: 'invalid JSON' }, // 3
  { text: '' }, // 4
  { text: J(without(paper('2601.00010'), 'title')), reject: 'missing title' }, // 5
  { text: J(without(paper('2601.00011'), 'id')), reject: 'missing id' }, // 6
  { text: J(paper('not-an-id')), reject: 'invalid id "not-an-id"' }, // 7
  { text: J(paper('2513.00001')), reject: 'invalid id "2513.00001"' }, // 8
  { text: J(paper('2601.00012', { published: '2025-02-30' })), reject: 'invalid published date "2025-02-30"' }, // 9
  { text: J(paper('2601.00013', { abstract: TEN_MB_ABSTRACT })), reject: 'record larger than 1000000 bytes' }, // 10
  { text: '[1,2]', reject: 'not a JSON object' }, // 11
  { text: J(paper('2601.00003')) }, // 12
  { text: '   \t' }, // 13
  { text: J(paper('2601.00014', { abstract: 'y'.repeat(30_000) })), reject: 'abstract too long (30000 characters' }, // 14
  { text: J(paper('2601.00004', { title: UNICODE_TITLE })) }, // 15
  { text: J(paper('2601.00005')) }, // 16: last line, no line break after it
];
const GOOD_IDS = ['2601.00001', '2601.00002', '2601.00003', '2601.00004', '2601.00005'];
const DAMAGED_JSONL = '\uFEFF' + DAMAGED_LINES.map((l) => l.text).join('\r\n');

function expectedLineRejects(name: string) {
  return DAMAGED_LINES.flatMap((l, i) => (l.reject ? [{ at: `${name}:${i + 1}`, reason: l.reject }] : []));
}

function expectRejects(summary: ImportSummary, expected: Array<{ at: string; reason: string }>) {
  expect(summary.rejects.map((r) => at(r))).toEqual(expected.map((e) => e.at));
  summary.rejects.forEach((r, i) => expect(r.reason, r.location).toContain(expected[i]!.reason));
  expect(summary.rejected).toBe(expected.length);
}

async function expectGoodPapersStored(store: Store) {
  expect(await store.papers.count()).toBe(GOOD_IDS.length);
  const stored = await store.papers.getByIds(GOOD_IDS);
  expect(stored.map((p) => p.id)).toEqual(GOOD_IDS);
  const first = stored[0]!;
  expect(first).toMatchObject({ title: 'Paper 2601.00001', authors: ['Ada Lovelace', 'Alan Turing'], categories: ['cs.LG', 'stat.ML'], published: '2026-01-05' });
  expect(stored.find((p) => p.id === '2601.00004')!.title).toBe(UNICODE_TITLE);
}

/** The first `n` lines of the 87k corpus, without its line breaks. */
async function corpusLines(n: number): Promise<string[]> {
  const input = fs.createReadStream(CORPUS_87K).pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  const out: string[] = [];
  for await (const line of rl) {
    out.push(line);
    if (out.length === n) break;
  }
  rl.close();
  input.destroy();
  return out;
}

const idOf = (line: string) => (JSON.parse(line) as { id: string }).id;

describe('(a) truncated and corrupt files', () => {
  let lines: string[];
  beforeAll(async () => {
    lines = await corpusLines(3000);
  });

  it('a gzip cut at 70% of its bytes: every record before the break is stored, the break is reported with file:line', async () => {
    const gz = zlib.gzipSync(lines.join('\n') + '\n');
    const cut = gz.subarray(0, Math.floor(gz.length * 0.7));
    const file = write('cut.jsonl.gz', cut);
    // What survives the cut, decoded independently of the importer: zlib told to flush instead of failing at the end.
    const survived = zlib.gunzipSync(cut, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
    const complete = survived.split('\n').length - 1;
    expect(complete).toBeGreaterThan(1500);
    expect(complete).toBeLessThan(3000);

    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(complete);
    expect(summary.rejects).toHaveLength(1);
    expect(at(summary.rejects[0]!)).toBe(`cut.jsonl.gz:${complete + 1}`);
    expect(summary.rejects[0]!.reason).toContain(`file is truncated or corrupt after line ${complete}`);
    expect(await store.papers.count()).toBe(complete);
    expect(await store.papers.getById(idOf(lines[complete - 1]!))).not.toBeNull();
    expect(await store.papers.getById(idOf(lines[complete]!))).toBeNull();
    expect((await store.importRuns.get(summary.runId))!.status).toBe('completed');
  });

  it('a plain JSONL cut mid-line: the complete lines are stored, the partial last line is rejected as invalid JSON', async () => {
    const text = lines.slice(0, 500).join('\n') + '\n';
    const cutAt = Math.floor(Buffer.byteLength(text) * 0.7);
    const cut = Buffer.from(text).subarray(0, cutAt);
    const complete = cut.toString('utf8').split('\n').length - 1;
    const file = write('cut.jsonl', cut);
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(complete);
    expect(summary.rejects.map(at)).toEqual([`cut.jsonl:${complete + 1}`]);
    expect(summary.rejects[0]!.reason).toContain('invalid JSON');
  });

  it('a gzip with a corrupted middle: the import finishes and reports the damage', async () => {
    const gz = Buffer.from(zlib.gzipSync(lines.join('\n') + '\n'));
    gz.fill(0xff, Math.floor(gz.length / 2), Math.floor(gz.length / 2) + 4096);
    const file = write('corrupt.jsonl.gz', gz);
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBeGreaterThan(500);
    expect(summary.added).toBeLessThan(3000);
    expect(summary.rejects.at(-1)!.reason).toMatch(/file is truncated or corrupt after line \d+/);
    expect(await store.papers.count()).toBe(summary.added);
  });
});

describe('progress of a gzip file', () => {
  it('counts each compressed byte once: the format sniffing must not read the whole file a second time', async () => {
    const lines = await corpusLines(3000);
    // Several 1 MB read chunks, so a stray background read of the sniffing stream would show.
    const file = write('progress.jsonl.gz', zlib.gzipSync((lines.join('\n') + '\n').repeat(3)));
    const source = new JsonlFileSource(file);
    let n = 0;
    for await (const item of source.items()) if (item.kind === 'paper') n++;
    expect(n).toBe(9000);
    expect(source.size.total).toBeGreaterThan(3_000_000);
    expect(source.progress()).toBe(source.size.total);
  });
});

describe('(b) a JSONL file with every kind of bad line, a BOM and CRLF line endings', () => {
  it('stores the valid records and rejects each bad one with file:line and a reason', async () => {
    const file = write('damaged.jsonl', DAMAGED_JSONL);
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(5);
    expect(summary.updated).toBe(0);
    expectRejects(summary, expectedLineRejects('damaged.jsonl'));
    await expectGoodPapersStored(store);
    // The rejects are kept with the run, too.
    const kept = await store.importRuns.rejects(summary.runId);
    expect(kept.map((r) => path.basename(r.location))).toEqual(expectedLineRejects('damaged.jsonl').map((e) => e.at));
  });
});

describe('(c) the same damage as a JSON array and gzip-compressed', () => {
  const values: Array<{ value: unknown; reject?: string }> = [
    { value: paper('2601.00001') },
    { value: paper('2601.00002') },
    { value: without(paper('2601.00010'), 'title'), reject: 'missing title' },
    { value: without(paper('2601.00011'), 'id'), reject: 'missing id' },
    { value: paper('not-an-id'), reject: 'invalid id "not-an-id"' },
    { value: paper('2513.00001'), reject: 'invalid id "2513.00001"' },
    { value: paper('2601.00012', { published: '2025-02-30' }), reject: 'invalid published date "2025-02-30"' },
    // Arrays have the same per-record limit as lines (json-size-guard.ts).
    { value: paper('2601.00013', { abstract: TEN_MB_ABSTRACT }), reject: 'record larger than 1000000 bytes' },
    { value: [1, 2], reject: 'not a JSON object' },
    { value: paper('2601.00003') },
    { value: paper('2601.00014', { abstract: 'y'.repeat(30_000) }), reject: 'abstract too long (30000 characters' },
    { value: paper('2601.00004', { title: UNICODE_TITLE }) },
    { value: paper('2601.00005') },
  ];
  const arrayText = '\uFEFF[\r\n' + values.map((v) => '  ' + J(v.value)).join(',\r\n') + '\r\n]\r\n';
  const arrayRejects = (name: string) => values.flatMap((v, i) => (v.reject ? [{ at: `${name}[${i}]`, reason: v.reject }] : []));

  it.each([
    ['damaged.json', false],
    ['damaged.json.gz', true],
  ] as const)('%s: valid items stored, bad items rejected as file[index]', async (name, gzip) => {
    const file = write(name, gzip ? zlib.gzipSync(arrayText) : arrayText);
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(5);
    expectRejects(summary, arrayRejects(name));
    await expectGoodPapersStored(store);
  });

  it('damaged.jsonl.gz: the JSONL of (b), gzipped, gives the same result', async () => {
    const file = write('damaged.jsonl.gz', zlib.gzipSync(DAMAGED_JSONL));
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(5);
    expectRejects(summary, expectedLineRejects('damaged.jsonl.gz'));
    await expectGoodPapersStored(store);
  });

  it('a truncated JSON array: the items before the break are stored, the break is reported', async () => {
    const full = '[' + [1, 2, 3, 4].map((n) => J(paper(`2601.0000${n}`))).join(',') + ']';
    const cut = full.slice(0, full.indexOf('{"id":"2601.00004"') + 20); // the fourth item is cut short
    const file = write('cut.json', cut);
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary.added).toBe(3);
    expect(summary.rejects.map(at)).toEqual(['cut.json[3]']);
    expect(summary.rejects[0]!.reason).toContain('file is truncated or not valid JSON after item 3');
  });
});

describe('(d) the arXiv metadata snapshot layout', () => {
  // Written after records of arXiv's metadata snapshot (the Kaggle "arxiv-metadata-oai-snapshot.json" layout).
  const SNAPSHOT = [
    {
      id: '0704.0001',
      submitter: 'Pavel Nadolsky',
      authors: "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies',
      comments: '37 pages, 15 figures; published version',
      'journal-ref': 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      'report-no': 'ANL-HEP-PR-07-12',
      categories: 'hep-ph',
      license: null,
      abstract: '  A fully differential calculation in perturbative quantum chromodynamics is\npresented for the production of massive photon pairs at hadron colliders.\n',
      versions: [
        { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
        { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
      ],
      update_date: '2008-11-13',
      authors_parsed: [
        ['Balázs', 'C.', ''],
        ['Berger', 'E. L.', ''],
        ['Nadolsky', 'P. M.', ''],
        ['Yuan', 'C. -P.', ''],
      ],
    },
    {
      id: '0704.0002',
      submitter: 'Louis Theran',
      authors: 'Ileana Streinu and Louis Theran',
      title: 'Sparsity-certifying Graph Decompositions',
      comments: 'To appear in Graphs and Combinatorics',
      'journal-ref': null,
      doi: null,
      'report-no': null,
      categories: 'math.CO cs.CG',
      license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
      abstract: '  We describe a new algorithm, the $(k,\\ell)$-pebble game with colors, and use\nit obtain a characterization of the family of $(k,\\ell)$-sparse graphs.\n',
      versions: [
        { version: 'v1', created: 'Sat, 31 Mar 2007 02:26:18 GMT' },
        { version: 'v2', created: 'Sat, 13 Dec 2008 17:26:00 GMT' },
      ],
      update_date: '2008-12-13',
      authors_parsed: [
        ['Streinu', 'Ileana', ''],
        ['Theran', 'Louis', ''],
      ],
    },
    {
      id: 'hep-th/9108002',
      submitter: 'Aleksandar Mikovic',
      authors: 'A. Mikovic',
      title: 'Hamiltonian construction of W-gravity actions',
      comments: '9 pages',
      'journal-ref': 'Phys.Lett.B278:51-55,1992',
      doi: '10.1016/0370-2693(92)90710-L',
      'report-no': 'QMW/PH/91/14',
      categories: 'hep-th',
      license: null,
      abstract: '  We show that all W-gravity actions can be easilly constructed and understood\nfrom the point of view of the Hamiltonian formalism for the constrained systems.\n',
      versions: [{ version: 'v1', created: 'Thu, 15 Aug 1991 12:00:00 GMT' }],
      update_date: '2009-10-30',
      authors_parsed: [['Mikovic', 'A.', '']],
    },
  ];

  it('maps ids, versions, dates, authors and the other fields', async () => {
    const file = write('snapshot.json', SNAPSHOT.map((r) => J(r)).join('\n') + '\n');
    const store = await freshStore();
    const summary = await importFile(store, file);
    expect(summary).toMatchObject({ added: 3, updated: 0, rejected: 0 });

    const [a, b, c] = await store.papers.getByIds(['0704.0001', '0704.0002', 'hep-th/9108002']);
    expect(a).toMatchObject({
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: 'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders.',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      categories: ['hep-ph'],
      published: '2007-04-02',
      updated: '2007-07-24',
      version: 2,
      comment: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      links: { abs: 'https://arxiv.org/abs/0704.0001', pdf: 'https://arxiv.org/pdf/0704.0001', code: null, project: null },
    });
    expect(b).toMatchObject({ authors: ['Ileana Streinu', 'Louis Theran'], categories: ['math.CO', 'cs.CG'], primaryCategory: 'math.CO' });
    expect(b).toMatchObject({ published: '2007-03-31', updated: '2008-12-13', version: 2, journalRef: null, doi: null });
    expect(c).toMatchObject({ authors: ['A. Mikovic'], published: '1991-08-15', updated: '1991-08-15', version: 1 });
    expect(c!.links.abs).toBe('https://arxiv.org/abs/hep-th/9108002');
    // The v1 date is the feed day; the snapshot's submitter (an arXiv author's name) is not a feed submitter.
    expect(await store.feed.getByPaperId('0704.0001')).toMatchObject({ feedDate: '2007-04-02', submittedBy: null, upvotes: 0 });

    // An older copy of 0704.0001 (only v1 known, different title) arriving later changes nothing.
    const v1Only = { ...SNAPSHOT[0], title: 'Calculation of prompt diphoton production (first version)', versions: [SNAPSHOT[0]!.versions[0]] };
    const again = await importFile(store, write('snapshot-v1.json', J(v1Only) + '\n'));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 1, rejected: 0 });
    expect((await store.papers.getById('0704.0001'))!.version).toBe(2);
  });
});

describe('(e) re-imports and versions', () => {
  it('importing the same file twice changes nothing the second time', async () => {
    const file = write('twice.jsonl', DAMAGED_JSONL);
    const store = await freshStore();
    const first = await importFile(store, file);
    expect(first).toMatchObject({ added: 5, updated: 0, unchanged: 0, rejected: 9 });
    const second = await importFile(store, file);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 5, rejected: 9 });
    expect(await store.papers.count()).toBe(5);
    expect(await store.feed.countAll()).toBe(5);
  });

  it('a newer version updates the paper; an older one arriving later does not', async () => {
    const store = await freshStore();
    await importFile(store, write('v2.jsonl', J(paper('2601.00001', { version: 2, updated: '2026-01-10', title: 'Second version' })) + '\n'));
    const newer = await importFile(store, write('v3.jsonl', J(paper('2601.00001', { version: 3, updated: '2026-02-01', title: 'Third version' })) + '\n'));
    expect(newer).toMatchObject({ added: 0, updated: 1, unchanged: 0 });
    expect(await store.papers.getById('2601.00001')).toMatchObject({ title: 'Third version', version: 3, updated: '2026-02-01' });

    const older = await importFile(store, write('v1.jsonl', J(paper('2601.00001', { version: 1, title: 'First version' })) + '\n'));
    expect(older).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    expect(await store.papers.getById('2601.00001')).toMatchObject({ title: 'Third version', version: 3 });

    // Within one file too: the later, older copy loses.
    const mixed = [paper('2601.00002', { version: 4, title: 'v4' }), paper('2601.00002', { version: 2, title: 'v2' })];
    const inFile = await importFile(store, write('mixed.jsonl', mixed.map(J).join('\n')));
    expect(inFile).toMatchObject({ added: 1, unchanged: 1 });
    expect(await store.papers.getById('2601.00002')).toMatchObject({ title: 'v4', version: 4 });
  });
});

describe('(f) an import killed with SIGKILL', () => {
  it('leaves a consistent store, and importing again completes the corpus without duplicates', { timeout: 180_000 }, async () => {
    const dbFile = path.join(dir, 'killed.db');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/helpers/import-child.ts'), dbFile, CORPUS_87K], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let childErr = '';
    child.stderr.on('data', (d: Buffer) => (childErr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));

    // Wait until a few batches have committed (about a second into the import), reading the run's counters from the file.
    // No fixed delay: a faster importer would finish before it, and the kill must land mid-import.
    const spawnedAt = Date.now();
    let committedAtKill = 0;
    let statusAtKill = '';
    for (;;) {
      if (Date.now() - spawnedAt > 60_000) throw new Error(`the child committed nothing within 60 s: ${childErr}`);
      if (child.exitCode !== null) throw new Error(`the child exited early (${child.exitCode}): ${childErr}`);
      const run = readRunCounters(dbFile);
      if (run && run.added >= 5000) {
        child.kill('SIGKILL');
        committedAtKill = run.added;
        statusAtKill = run.status;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await exited).toBe('SIGKILL');
    expect(statusAtKill).toBe('running');

    const store = new Store(openDatabase({ dialect: 'sqlite', file: dbFile }));
    stores.push(store);
    const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(store.db.kysely);
    expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);
    const [killedRun] = await store.importRuns.recent(1);
    expect(killedRun!.status).toBe('running');
    const before = await store.papers.count();
    // Whole batches only: the stored papers are exactly what the committed counters say, each with its feed entry.
    expect(before).toBe(killedRun!.added + killedRun!.updated);
    expect(before).toBeGreaterThanOrEqual(committedAtKill);
    expect(before).toBeLessThan(CORPUS_87K_PAPERS);
    expect(await store.feed.countAll()).toBe(before);

    await store.migrate();
    const summary = await importFile(store, CORPUS_87K);
    expect(summary).toMatchObject({ added: CORPUS_87K_PAPERS - before, updated: 0, unchanged: before, rejected: 0 });
    expect(await store.papers.count()).toBe(CORPUS_87K_PAPERS);
    expect(await store.feed.countAll()).toBe(CORPUS_87K_PAPERS);
    expect((await store.importRuns.get(killedRun!.id))!.status).toBe('interrupted');
  });
});

/** The latest import run's counters, read through a separate connection; null until the child has created and started one. */
function readRunCounters(dbFile: string): { added: number; updated: number; status: string } | null {
  if (!fs.existsSync(dbFile)) return null;
  let db: SQLite.Database | null = null;
  try {
    db = new SQLite(dbFile, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 1000');
    const row = db.prepare('SELECT added, updated, status FROM import_runs ORDER BY id DESC LIMIT 1').get() as
      | { added: number; updated: number; status: string }
      | undefined;
    return row ?? null;
  } catch {
    return null; // not migrated yet, or locked for a moment
  } finally {
    db?.close();
  }
}
