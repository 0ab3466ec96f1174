/**
 * Training of the corpus-vectors model (used by scripts/build-embedder.ts). Each vocabulary token gets a row holding
 * (1) its positive pointwise mutual information with the tokens around it (Levy, Goldberg & Dagan, "Improving
 * distributional similarity with lessons learned from word embeddings", TACL 2015: context distribution smoothing 0.75)
 * and (2) beside it, scaled to the same Frobenius norm, its tf-idf in every paper (as in LSA). A seeded truncated SVD
 * of these rows gives the token vectors (rows of U Σ^p at unit length); texts are weighted sums with smooth inverse
 * frequency weights and the papers' first principal direction removed (Arora, Liang & Ma, ICLR 2017). Why both blocks:
 * docs/decisions/008-default-embedder.md. Deterministic: same papers in the same order and settings, same bytes.
 */
import { paperText } from '../embedder.js';
import { CorpusVectorsEmbedder } from './corpus-vectors.js';
import { type Csr, randomizedSvd } from './linalg.js';
import { encodeModel, type ModelData, quantizeRows } from './model-file.js';
import { TOKENIZER_VERSION, tokens } from './text.js';

/** Settings of a build. */
export interface TrainSettings {
  /** Tokens seen fewer times are left out of the model (they are skipped when embedding). */
  minCount: number;
  /** Co-occurrence window, in tokens each side. */
  window: number;
  dimensions: number;
  /** Weight of the paper (tf-idf) block relative to the word-context (PPMI) block, by Frobenius norm; 0 leaves it out. */
  documentBlock: number;
  /** Token vector = U Σ^p. */
  eigenWeight: number;
  /** SIF's a. */
  sifA: number;
  removedComponents: number;
  powerIterations: number;
  seed: number;
}

/** The shipped model's settings, chosen on the evaluation set (docs/decisions/008-default-embedder.md). */
export const DEFAULT_SETTINGS: Readonly<TrainSettings> = {
  // Stems seen at least 4 times: 41.5k of them, an 11 MB file (3 times: 54k, 14.6 MB, no better on the evaluation).
  minCount: 4,
  window: 10,
  dimensions: 256,
  documentBlock: 1,
  // p = 0 (no singular value weighting) measured best; Levy et al. found p = 0 or 0.5 best too.
  eigenWeight: 0,
  sifA: 3e-3,
  removedComponents: 1,
  powerIterations: 2,
  seed: 20_250_601,
};

/**
 * Trains a model on papers (title + abstract), in the order given: the caller fixes the order for reproducible bytes.
 * `provenance` is stored in the header as is.
 */
export function trainModel(
  papers: ReadonlyArray<{ title: string; abstract: string }>,
  settings: Readonly<TrainSettings> = DEFAULT_SETTINGS,
  provenance: Record<string, unknown> = {},
  onStep: (msg: string) => void = () => {},
): ModelData {
  const corpus = numberTokens(papers.map((p) => tokens(paperText(p))));
  let vocabSize = corpus.counts.findIndex((c) => c < settings.minCount);
  if (vocabSize < 0) vocabSize = corpus.vocab.length;
  onStep(`${corpus.stream.length.toLocaleString('en-US')} tokens; vocabulary ${vocabSize.toLocaleString('en-US')} of ${corpus.vocab.length.toLocaleString('en-US')} distinct`);
  if (vocabSize < settings.dimensions * 2) {
    throw new Error(`the corpus is too small for a ${settings.dimensions}-d model (${vocabSize} tokens seen ${settings.minCount}+ times)`);
  }
  const words = ppmi(cooccurrence(corpus, vocabSize, settings.window));
  let matrix = words;
  if (settings.documentBlock > 0) {
    const docs = termDocumentTfidf(corpus, vocabSize);
    matrix = hstack(words, docs, (settings.documentBlock * frobenius(words)) / frobenius(docs));
  }
  onStep(`matrix ${matrix.rows.toLocaleString('en-US')} × ${matrix.cols.toLocaleString('en-US')}, ${matrix.val.length.toLocaleString('en-US')} entries`);
  const vectors = wordVectors(matrix, settings.dimensions, {
    eigenWeight: settings.eigenWeight,
    seed: settings.seed,
    powerIterations: settings.powerIterations,
    onStep: (s) => onStep(`SVD: ${s}`),
  });
  onStep('SVD done');
  const { vectors: q, scales } = quantizeRows(vectors, vocabSize, settings.dimensions);
  const model: ModelData = {
    header: {
      format: 1,
      tokenizer: TOKENIZER_VERSION,
      dimensions: settings.dimensions,
      vocabSize,
      vocabBytes: 0,
      removedComponents: 0,
      tf: 'count',
      provenance: { ...provenance, papers: papers.length, settings },
    },
    vocab: corpus.vocab.slice(0, vocabSize),
    weights: sifWeights(corpus.counts, vocabSize, settings.sifA),
    scales,
    vectors: q,
    removed: new Float32Array(0),
  };
  // The common direction is measured on the papers' vectors as the runtime computes them (from quantised vectors).
  const draft = CorpusVectorsEmbedder.fromBytes(encodeModel(model));
  const d = settings.dimensions;
  const docVectors = new Float32Array(papers.length * d);
  papers.forEach((p, i) => docVectors.set(draft.embedOne(paperText(p)), i * d));
  model.removed = principalDirections(docVectors, papers.length, d, settings.removedComponents);
  model.header.removedComponents = settings.removedComponents;
  onStep('common direction measured');
  return model;
}

/** Token ids of a corpus: one stream, `docStart[i]..docStart[i+1]` are document i's tokens. */
export interface TokenizedCorpus {
  /** Tokens, most frequent first (ties in code-unit order). */
  vocab: string[];
  counts: Float64Array;
  stream: Int32Array;
  docStart: Int32Array;
}

/** Numbers the tokens of documents, most frequent first. */
export function numberTokens(docs: readonly (readonly string[])[]): TokenizedCorpus {
  const counts = new Map<string, number>();
  let total = 0;
  for (const d of docs) {
    for (const t of d) counts.set(t, (counts.get(t) ?? 0) + 1);
    total += d.length;
  }
  const vocab = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
  const id = new Map(vocab.map((t, i) => [t, i]));
  const stream = new Int32Array(total);
  const docStart = new Int32Array(docs.length + 1);
  let p = 0;
  docs.forEach((d, i) => {
    docStart[i] = p;
    for (const t of d) stream[p++] = id.get(t)!;
  });
  docStart[docs.length] = p;
  return { vocab, counts: Float64Array.from(vocab, (t) => counts.get(t)!), stream, docStart };
}

/**
 * Co-occurrence counts of the first `vocabSize` tokens (ids below it) within `window` positions of each other inside
 * one document, each pair weighted 1/distance (as GloVe and word2vec's dynamic window do). Tokens outside the vocabulary
 * still take up positions. Symmetric.
 */
export function cooccurrence(corpus: TokenizedCorpus, vocabSize: number, window: number): Csr {
  const { stream, docStart } = corpus;
  const docs = docStart.length - 1;
  // The stream with -1 between documents, so windows stop at document ends.
  const sep = new Int32Array(stream.length + docs);
  let p = 0;
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) sep[p++] = stream[i]!;
    sep[p++] = -1;
  }
  // Where each vocabulary token occurs, so each row of the matrix is accumulated at once (no sorting of pairs).
  const occStart = new Int32Array(vocabSize + 1);
  for (let i = 0; i < sep.length; i++) {
    const w = sep[i]!;
    if (w >= 0 && w < vocabSize) occStart[w + 1]!++;
  }
  for (let w = 0; w < vocabSize; w++) occStart[w + 1]! += occStart[w]!;
  const fill = occStart.slice(0, vocabSize);
  const occ = new Int32Array(occStart[vocabSize]!);
  for (let i = 0; i < sep.length; i++) {
    const w = sep[i]!;
    if (w >= 0 && w < vocabSize) occ[fill[w]!++] = i;
  }
  const acc = new Float64Array(vocabSize);
  const touched = new Int32Array(vocabSize);
  let cap = 1 << 22;
  let col = new Int32Array(cap);
  let val = new Float32Array(cap);
  let nnz = 0;
  const rowStart = new Float64Array(vocabSize + 1);
  for (let a = 0; a < vocabSize; a++) {
    let nt = 0;
    for (let o = occStart[a]!; o < occStart[a + 1]!; o++) {
      const pos = occ[o]!;
      for (const dir of [-1, 1]) {
        for (let dist = 1; dist <= window; dist++) {
          const b = sep[pos + dir * dist];
          if (b === undefined || b < 0) break;
          if (b >= vocabSize) continue;
          if (acc[b] === 0) touched[nt++] = b;
          acc[b]! += 1 / dist;
        }
      }
    }
    if (nnz + nt > cap) {
      while (nnz + nt > cap) cap *= 2;
      const c2 = new Int32Array(cap);
      c2.set(col.subarray(0, nnz));
      col = c2;
      const v2 = new Float32Array(cap);
      v2.set(val.subarray(0, nnz));
      val = v2;
    }
    for (const b of touched.subarray(0, nt).sort()) {
      col[nnz] = b;
      val[nnz++] = acc[b]!;
      acc[b] = 0;
    }
    rowStart[a + 1] = nnz;
  }
  return { rows: vocabSize, cols: vocabSize, rowStart, col: col.slice(0, nnz), val: val.slice(0, nnz) };
}

/** Positive PMI with context distribution smoothing `alpha`; entries at or below zero are dropped. */
export function ppmi(m: Csr, alpha = 0.75): Csr {
  const rowSum = new Float64Array(m.rows);
  let total = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.rowStart[i]!; p < m.rowStart[i + 1]!; p++) {
      rowSum[i]! += m.val[p]!;
      total += m.val[p]!;
    }
  }
  let smoothed = 0;
  for (let i = 0; i < m.rows; i++) smoothed += rowSum[i]! ** alpha;
  const rowStart = new Float64Array(m.rows + 1);
  const col = new Int32Array(m.col.length);
  const val = new Float32Array(m.val.length);
  let nnz = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let p = m.rowStart[i]!; p < m.rowStart[i + 1]!; p++) {
      const j = m.col[p]!;
      const pmi = Math.log((m.val[p]! * smoothed) / (rowSum[i]! * rowSum[j]! ** alpha));
      if (pmi <= 0) continue;
      col[nnz] = j;
      val[nnz++] = pmi;
    }
    rowStart[i + 1] = nnz;
  }
  return { rows: m.rows, cols: m.cols, rowStart, col: col.slice(0, nnz), val: val.slice(0, nnz) };
}

/**
 * Document-term tf-idf of the first `vocabSize` tokens, transposed: one row per token, one column per document, values
 * (1 + ln tf) · ln(N / df) with each document's vector at unit length (the usual LSA weighting).
 */
export function termDocumentTfidf(corpus: TokenizedCorpus, vocabSize: number): Csr {
  const { stream, docStart } = corpus;
  const docs = docStart.length - 1;
  const df = new Float64Array(vocabSize);
  const seen = new Int32Array(vocabSize).fill(-1);
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
      const w = stream[i]!;
      if (w < vocabSize && seen[w] !== d) {
        seen[w] = d;
        df[w]!++;
      }
    }
  }
  // Count entries per term, then fill the transposed matrix document by document (so columns come out sorted).
  const perTerm = new Float64Array(vocabSize + 1);
  const tf = new Float64Array(vocabSize);
  const touched: number[] = [];
  const docEntries: Array<{ terms: Int32Array; values: Float32Array }> = [];
  for (let d = 0; d < docs; d++) {
    for (let i = docStart[d]!; i < docStart[d + 1]!; i++) {
      const w = stream[i]!;
      if (w >= vocabSize) continue;
      if (tf[w] === 0) touched.push(w);
      tf[w]!++;
    }
    touched.sort((a, b) => a - b);
    const terms = Int32Array.from(touched);
    const values = new Float32Array(terms.length);
    let norm = 0;
    terms.forEach((w, j) => {
      const v = (1 + Math.log(tf[w]!)) * Math.log(docs / df[w]!);
      values[j] = v;
      norm += v * v;
      tf[w] = 0;
      perTerm[w + 1]!++;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let j = 0; j < values.length; j++) values[j]! /= norm;
    docEntries.push({ terms, values });
    touched.length = 0;
  }
  for (let w = 0; w < vocabSize; w++) perTerm[w + 1]! += perTerm[w]!;
  const fill = perTerm.slice(0, vocabSize);
  const col = new Int32Array(perTerm[vocabSize]!);
  const val = new Float32Array(col.length);
  docEntries.forEach(({ terms, values }, d) => {
    terms.forEach((w, j) => {
      const at = fill[w]!++;
      col[at] = d;
      val[at] = values[j]!;
    });
  });
  return { rows: vocabSize, cols: docs, rowStart: perTerm, col, val };
}

/** Frobenius norm of a sparse matrix. */
export function frobenius(m: Csr): number {
  let s = 0;
  for (const v of m.val) s += v * v;
  return Math.sqrt(s);
}

/**
 * Side by side: [a | scale · b] for two matrices with the same rows (here: a token's word contexts next to the documents
 * it occurs in, so one factorisation sees both kinds of similarity).
 */
export function hstack(a: Csr, b: Csr, scale: number): Csr {
  if (a.rows !== b.rows) throw new Error('hstack needs the same rows');
  const rowStart = new Float64Array(a.rows + 1);
  const col = new Int32Array(a.col.length + b.col.length);
  const val = new Float32Array(col.length);
  let n = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      col[n] = a.col[p]!;
      val[n++] = a.val[p]!;
    }
    for (let p = b.rowStart[i]!; p < b.rowStart[i + 1]!; p++) {
      col[n] = a.cols + b.col[p]!;
      val[n++] = scale * b.val[p]!;
    }
    rowStart[i + 1] = n;
  }
  return { rows: a.rows, cols: a.cols + b.cols, rowStart, col, val };
}

/** Word vectors: rows of U Σ^p from a rank-`dims` SVD of the matrix, scaled to unit length. */
export function wordVectors(
  m: Csr,
  dims: number,
  opts: { eigenWeight?: number; seed?: number; powerIterations?: number; onStep?: (msg: string) => void } = {},
): Float32Array {
  const svd = randomizedSvd(m, dims, { seed: opts.seed ?? 1, powerIterations: opts.powerIterations ?? 2, onStep: opts.onStep });
  const p = opts.eigenWeight ?? 0.5;
  const out = new Float32Array(m.rows * dims);
  for (let i = 0; i < m.rows; i++) {
    let norm = 0;
    for (let x = 0; x < dims; x++) {
      const v = svd.u[i * dims + x]! * svd.s[x]! ** p;
      out[i * dims + x] = v;
      norm += v * v;
    }
    if (norm > 0) for (let x = 0; x < dims; x++) out[i * dims + x]! /= Math.sqrt(norm);
  }
  return out;
}

/** Smooth inverse frequency weights a / (a + p(w)). */
export function sifWeights(counts: Float64Array, vocabSize: number, a: number): Float32Array {
  let total = 0;
  for (const c of counts) total += c;
  return Float32Array.from(counts.subarray(0, vocabSize), (c) => a / (a + c / total));
}

/**
 * The first `k` principal directions (uncentred, as in SIF) of a set of row vectors, by power iteration with deflation.
 * Rows are scaled to unit length first so long documents do not dominate.
 */
export function principalDirections(rows: Float32Array, n: number, d: number, k: number): Float32Array {
  const unitRows = new Float32Array(rows.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let x = 0; x < d; x++) s += rows[i * d + x]! ** 2;
    const f = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let x = 0; x < d; x++) unitRows[i * d + x] = rows[i * d + x]! * f;
  }
  const out = new Float32Array(k * d);
  for (let c = 0; c < k; c++) {
    let u = new Float64Array(d).fill(1 / Math.sqrt(d));
    for (let it = 0; it < 50; it++) {
      const next = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let x = 0; x < d; x++) dot += unitRows[i * d + x]! * u[x]!;
        for (let x = 0; x < d; x++) next[x]! += dot * unitRows[i * d + x]!;
      }
      let norm = 0;
      for (const v of next) norm += v * v;
      norm = Math.sqrt(norm);
      for (let x = 0; x < d; x++) next[x]! /= norm;
      u = next;
    }
    out.set(Float32Array.from(u), c * d);
    // Deflate: take this direction out of every row before looking for the next.
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let x = 0; x < d; x++) dot += unitRows[i * d + x]! * u[x]!;
      for (let x = 0; x < d; x++) unitRows[i * d + x]! -= dot * u[x]!;
    }
  }
  return out;
}
