/**
 * Builds the default embedder's model, models/corpus-vectors.bin, from the paper corpus (no network, no downloads):
 *
 *  1. tokens of every paper's title and abstract (src/search/embedders/text.ts: Porter stems, American spelling);
 *  2. for each token of the vocabulary (seen at least minCount times) a row that holds its positive PMI with the tokens
 *     near it (window ±10, weight 1/distance, context smoothing 0.75) and, scaled to the same total weight, its tf-idf in
 *     every paper: word neighbours and paper topics side by side;
 *  3. a seeded randomized SVD of that matrix to 256 dimensions; a token's vector is its row of U, at unit length;
 *  4. smooth-inverse-frequency token weights a / (a + p(token)), and the papers' dominant common direction, which every
 *     text vector has projected out (Arora et al. 2017);
 *  5. int8 quantisation per row; the file layout is in src/search/embedders/model-file.ts.
 *
 * The training code and its settings are in src/search/embedders/train.ts; why this design and not LSA or word vectors
 * alone: docs/decisions/008-default-embedder.md. Deterministic: the same corpus files give the same bytes (papers are
 * sorted by id, the SVD is seeded).
 *
 * Usage: npm run embedder:build [-- --corpus FILE.jsonl[.gz]] [--seed-papers FILE.jsonl] [--out FILE]
 * About 4.5 minutes and 1.7 GB of memory (peak resident) on the 87k corpus, single-threaded.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { encodeModel } from '../src/search/embedders/model-file.js';
import { DEFAULT_SETTINGS, trainModel } from '../src/search/embedders/train.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA = path.resolve(ROOT, '..', 'shared', 'data');

interface Paper {
  id: string;
  title: string;
  abstract: string;
}

/** Adds the papers of a JSON-lines file (gzipped or not) to `into`; the first copy of an id wins. */
async function readPapers(file: string, into: Map<string, Paper>): Promise<void> {
  const input = fs.createReadStream(file);
  const lines = readline.createInterface({ input: file.endsWith('.gz') ? input.pipe(zlib.createGunzip()) : input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as Partial<Paper>;
    if (typeof p.id !== 'string' || typeof p.title !== 'string' || typeof p.abstract !== 'string') continue;
    if (!into.has(p.id)) into.set(p.id, { id: p.id, title: p.title, abstract: p.abstract });
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      corpus: { type: 'string', default: path.join(DATA, 'arxiv-87k.jsonl.gz') },
      'seed-papers': { type: 'string', default: path.join(DATA, 'seed-papers.jsonl') },
      out: { type: 'string', default: path.join(ROOT, 'models', 'corpus-vectors.bin') },
    },
  });
  const t0 = performance.now();
  const step = (msg: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
  const sources = [args.corpus, args['seed-papers']];
  for (const f of sources) if (!fs.existsSync(f)) throw new Error(`${f} does not exist (pass --corpus / --seed-papers)`);
  const byId = new Map<string, Paper>();
  for (const f of sources) await readPapers(f, byId);
  const papers = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  step(`${papers.length.toLocaleString('en-US')} papers from ${sources.map((f) => path.basename(f)).join(', ')}`);

  const model = trainModel(
    papers,
    DEFAULT_SETTINGS,
    {
      builtBy: 'scripts/build-embedder.ts (npm run embedder:build)',
      data: 'titles and abstracts of arXiv papers; arXiv metadata is CC0 1.0 (../shared/data/SOURCES.md)',
      sources: sources.map((f) => ({ file: path.basename(f), sha256: sha256(fs.readFileSync(f)) })),
    },
    step,
  );
  const bytes = encodeModel(model);
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, bytes);
  step(`wrote ${path.relative(process.cwd(), args.out)}: ${(bytes.length / 1e6).toFixed(1)} MB, ${model.vocab.length.toLocaleString('en-US')} tokens × ${model.header.dimensions}, sha256 ${sha256(bytes).slice(0, 12)}`);
}

await main();
