/**
 * The default embedder (corpus-trained word vectors, models/corpus-vectors.bin): loads, is deterministic, gives unit
 * vectors, puts related words and a paper's paraphrase near each other; plus its building blocks (tokenizer, Porter
 * stemmer, model file, SVD) and a small end-to-end training run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Embedder, paperText } from '../src/search/embedder.js';
import { CorpusVectorsEmbedder } from '../src/search/embedders/corpus-vectors.js';
import { createDefaultEmbedder, DEFAULT_MODEL_FILE } from '../src/search/embedders/default.js';
import { randomizedSvd, seededRandom, symmetricEigen } from '../src/search/embedders/linalg.js';
import { decodeModel, encodeModel } from '../src/search/embedders/model-file.js';
import { porterStem } from '../src/search/embedders/porter.js';
import { tokens } from '../src/search/embedders/text.js';
import { trainModel } from '../src/search/embedders/train.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

// Real papers from the corpus (arXiv metadata, CC0), abstracts shortened.
const PAPERS = [
  { id: '2310.19470', title: 'Grokking Tickets: Lottery Tickets Accelerate Grokking', abstract: 'Grokking is one of the most surprising puzzles in neural network generalization: a network first reaches a memorization solution with perfect training accuracy and poor generalization, but with further training, it reaches a perfectly generalized solution. We aim to analyze the mechanism of grokking from the lottery ticket hypothesis.' },
  { id: '2603.21876', title: 'Thermal Topology Collapse: Universal Physical Patch Attacks on Infrared Vision Systems', abstract: 'Although infrared pedestrian detectors have been widely deployed in visual perception tasks, their vulnerability to physical adversarial attacks is becoming increasingly apparent. Existing physical attack methods predominantly rely on instance-specific online optimization and rigid pattern design.' },
  { id: '2508.14508', title: 'Machine learning revolution for exoplanet direct imaging detection: transformer architectures', abstract: 'Directly imaging exoplanets is a formidable challenge due to extreme contrast ratios and quasi-static speckle noise, motivating the exploration of advanced post-processing methods. While Convolutional Neural Networks (CNNs) have shown promise, their inherent limitations in capturing long-range dependencies in image sequences hinder their effectiveness.' },
  { id: '2605.12794', title: 'Dynamic Transaction Scheduling and Pricing in the Ethereum Mempool', abstract: 'The Ethereum blockchain utilizes the EIP-1559 algorithm to manage transaction inclusion and block assembly. However, EIP-1559 and much of the existing literature study this problem from a static perspective, focusing on price evolution without modelling transaction dynamics within the mempool.' },
  { id: '2505.08037', title: 'TiSpell: A Semi-Masked Methodology for Tibetan Spelling Correction covering Multi-Level Error with Data Augmentation', abstract: 'Multi-level Tibetan spelling correction addresses errors at both the character and syllable levels within a unified model. Existing methods focus mainly on single-level correction and lack effective integration of both levels.' },
  { id: '2511.14021', title: 'MRI Plane Orientation Detection using a Context-Aware 2.5D Model', abstract: 'Humans can easily identify anatomical planes (axial, coronal, and sagittal) on a 2D MRI slice, but automated systems struggle with this task. Missing plane orientation metadata can complicate analysis, increase domain shift when merging heterogeneous datasets, and reduce accuracy of diagnostic classifiers.' },
  { id: '2509.08119', title: 'X-ray Transmission Through Photoionized Gas with Moderate Thomson Optical Depth', abstract: 'We model the absorption of X-rays by gas obscuring the source and photoionized by it. We consider a broad range of column densities, including both Thomson-thin and Thomson-thick media.' },
  { id: '2601.03276', title: 'Topic Segmentation Using Generative Language Models', abstract: 'Topic segmentation using generative Large Language Models (LLMs) remains relatively unexplored. Previous methods use semantic similarity between sentences, but such models lack the long range dependencies and vast knowledge found in LLMs. In this work, we propose an overlapping and recursive prompting strategy using sentence enumeration.' },
  { id: '2506.02021', title: 'Dynamic-Aware Video Distillation: Optimizing Temporal Resolution Based on Video Semantics', abstract: 'With the rapid development of vision tasks and the scaling on datasets and models, redundancy reduction in vision datasets has become a key area of research. To address this issue, dataset distillation (DD) has emerged as a promising approach to generating highly compact synthetic datasets.' },
  { id: '2602.24243', title: 'Finite Block Length Rate-Distortion Theory for the Bernoulli Source with Hamming Distortion: A Tutorial', abstract: "Lossy data compression lies at the heart of modern communication and storage systems. Shannon's rate-distortion theory provides the fundamental limit on how much a source can be compressed at a given fidelity, but it assumes infinitely long block lengths that are never realized in practice." },
];

// Paraphrases that avoid each paper's distinctive title words.
const PARAPHRASES: Array<[string, string]> = [
  ['delayed generalization after memorising the training data', '2310.19470'],
  ['adversarial stickers that fool heat cameras looking for people', '2603.21876'],
  ['finding planets around other stars in high contrast pictures with neural networks', '2508.14508'],
  ['fees and ordering of pending cryptocurrency payments', '2605.12794'],
  ['fixing typos in a low resource script at character and syllable level', '2505.08037'],
  ['lossy compression limits for binary sources at short lengths', '2602.24243'],
];

describe('the default embedder (shipped model)', () => {
  let embedder: Embedder;
  let model: CorpusVectorsEmbedder;
  beforeAll(async () => {
    embedder = await createDefaultEmbedder();
    model = await CorpusVectorsEmbedder.load(DEFAULT_MODEL_FILE);
  });

  it('loads the shipped model with its id and dimensions', () => {
    expect(embedder.dimensions).toBe(256);
    expect(embedder.id).toMatch(/^corpus-vectors\/[0-9a-f]{12}$/);
    expect(model.vocabularySize).toBeGreaterThan(20_000);
  });

  it('is deterministic: the same text gives the same vector, from this instance and a fresh one', async () => {
    const text = paperText(PAPERS[0]!);
    const [a] = await embedder.embed([text]);
    const [b] = await embedder.embed([text]);
    const [c] = await model.embed([text]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(Array.from(c!)).toEqual(Array.from(a!));
    expect(model.id).toBe(embedder.id);
  });

  it('returns one unit vector per text, in order', async () => {
    const vs = await embedder.embed(PAPERS.map(paperText));
    expect(vs).toHaveLength(PAPERS.length);
    for (const v of vs) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(256);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(dot(vs[0]!, vs[1]!)).toBeLessThan(0.99);
  });

  it('gives the zero vector for empty text and for text with no known word', async () => {
    const [empty, blank, unknown, stop] = await embedder.embed(['', '   ', 'zqxjv wvvkq qqqzz 😀', 'the of and']);
    for (const v of [empty!, blank!, unknown!, stop!]) {
      expect(v.length).toBe(256);
      expect(norm(v)).toBe(0);
    }
  });

  it('skips unknown words instead of failing', async () => {
    const [a] = await embedder.embed(['galaxy clusters']);
    const [b] = await embedder.embed(['galaxy clusters zqxjvwvvkq']);
    expect(Array.from(b!)).toEqual(Array.from(a!));
  });

  it('merges spelling and inflection variants into one token', () => {
    const memorization = model.wordVector('memorization')!;
    expect(memorization).not.toBeNull();
    expect(dot(memorization, model.wordVector('memorising')!)).toBeCloseTo(1, 5);
    expect(dot(model.wordVector('galaxy')!, model.wordVector('galaxies')!)).toBeCloseTo(1, 5);
    expect(model.wordVector('zqxjvwvvkq')).toBeNull();
  });

  it('puts related words closer than unrelated ones', () => {
    const cos = (a: string, b: string) => dot(model.wordVector(a)!, model.wordVector(b)!);
    expect(cos('galaxy', 'redshift')).toBeGreaterThan(cos('galaxy', 'transformer') + 0.3);
    expect(cos('memorization', 'verbatim')).toBeGreaterThan(cos('memorization', 'telescope') + 0.3);
    expect(cos('blockchain', 'ethereum')).toBeGreaterThan(cos('blockchain', 'galaxy') + 0.3);
    expect(cos('mri', 'brain')).toBeGreaterThan(cos('mri', 'quasar') + 0.3);
  });

  it('ranks each paraphrased paper first among the others', async () => {
    const docs = await embedder.embed(PAPERS.map(paperText));
    const queries = await embedder.embed(PARAPHRASES.map(([q]) => q));
    PARAPHRASES.forEach(([q, target], i) => {
      const ranked = PAPERS.map((p, j) => ({ id: p.id, score: dot(queries[i]!, docs[j]!) })).sort((a, b) => b.score - a.score);
      expect(ranked[0]!.id, q).toBe(target);
    });
  });
});

describe('corpus embedder building blocks', () => {
  it('stems like the published Porter algorithm', () => {
    const expected: Record<string, string> = {
      caresses: 'caress', ponies: 'poni', agreed: 'agre', hopping: 'hop', filing: 'file', happy: 'happi', relational: 'relat',
      digitizer: 'digit', generalization: 'gener', adjustment: 'adjust', controll: 'control', electrical: 'electr', sky: 'sky',
    };
    for (const [w, s] of Object.entries(expected)) expect(porterStem(w), w).toBe(s);
  });

  it('tokenizes: drops LaTeX commands, function words and numbers; maps British spelling; strips diacritics', () => {
    expect(tokens('The behaviour of $\\mathcal{O}(n^2)$ colour centres in 2024, analysed')).toEqual(['behavior', 'color', 'center', 'analyz']);
    expect(tokens('Schrödinger')).toEqual(tokens('Schrodinger'));
    expect(tokens('')).toEqual([]);
  });

  it('eigen-decomposes a symmetric matrix', () => {
    const rand = seededRandom(5);
    const k = 12;
    const m = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) m[i * k + j] = m[j * k + i] = rand() - 0.5;
    const { values, vectors } = symmetricEigen(m, k);
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += m[i * k + j]! * vectors[j * k + c]!;
        expect(s).toBeCloseTo(values[c]! * vectors[i * k + c]!, 10);
      }
      if (c > 0) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
    }
  });

  it('finds the leading singular values of a sparse matrix', () => {
    // Diagonal 10, 8, 6, 4, 2, 1, 1, ...: the singular values are the diagonal.
    const n = 40;
    const diag = Array.from({ length: n }, (_, i) => [10, 8, 6, 4, 2][i] ?? 1);
    const svd = randomizedSvd(
      { rows: n, cols: n, rowStart: Int32Array.from({ length: n + 1 }, (_, i) => i), col: Int32Array.from({ length: n }, (_, i) => i), val: Float32Array.from(diag) },
      4,
      { seed: 3 },
    );
    [10, 8, 6, 4].forEach((s, i) => expect(svd.s[i]).toBeCloseTo(s, 4));
  });

  it('round-trips a model file and refuses a damaged one', () => {
    const m = {
      header: { format: 1 as const, tokenizer: 1, dimensions: 2, vocabSize: 2, vocabBytes: 0, removedComponents: 1, tf: 'count' as const, provenance: { test: true } },
      vocab: ['ab', 'cd'],
      weights: Float32Array.from([0.5, 1]),
      scales: Float32Array.from([0.01, 0.02]),
      vectors: Int8Array.from([1, -2, 3, 127]),
      removed: Float32Array.from([0.6, 0.8]),
    };
    const bytes = encodeModel(m);
    const back = decodeModel(bytes);
    expect(back.vocab).toEqual(['ab', 'cd']);
    expect(Array.from(back.vectors)).toEqual([1, -2, 3, 127]);
    expect(Array.from(back.removed)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(back.header.provenance).toEqual({ test: true });
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 1))).toThrow(/damaged/);
    expect(() => decodeModel(Buffer.from('not a model at all'))).toThrow(/magic/);
  });

  it('trains the same bytes twice from the same papers, and the model embeds them', () => {
    // A small synthetic corpus with two topics, so the vectors have structure to find.
    const rand = seededRandom(11);
    const space = ['galaxy', 'stellar', 'redshift', 'quasar', 'telescope', 'halo', 'dust', 'cluster', 'survey', 'emission'];
    const ml = ['neural', 'network', 'training', 'gradient', 'transformer', 'attention', 'token', 'layer', 'dataset', 'loss'];
    const filler = Array.from({ length: 60 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    const pick = (a: string[]) => a[Math.floor(rand() * a.length)]!;
    const papers = Array.from({ length: 300 }, (_, i) => {
      const topic = i % 2 === 0 ? space : ml;
      const text = Array.from({ length: 40 }, () => (rand() < 0.6 ? pick(topic) : pick(filler))).join(' ');
      return { title: `${pick(topic)} ${pick(topic)}`, abstract: text };
    });
    const settings = { minCount: 2, window: 4, dimensions: 8, documentBlock: 1, eigenWeight: 0, sifA: 3e-3, removedComponents: 1, powerIterations: 2, seed: 7 };
    const a = encodeModel(trainModel(papers, settings));
    const b = encodeModel(trainModel(papers, settings));
    expect(Buffer.compare(a, b)).toBe(0);
    const e = CorpusVectorsEmbedder.fromBytes(a);
    expect(e.dimensions).toBe(8);
    const cos = (x: string, y: string) => dot(e.wordVector(x)!, e.wordVector(y)!);
    expect(cos('galaxy', 'redshift')).toBeGreaterThan(cos('galaxy', 'gradient'));
  });
});
