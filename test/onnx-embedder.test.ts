/**
 * The local ONNX embedder (PAPERBOY_EMBEDDER=onnx) on a tiny BERT-like model that the test writes
 * (test/helpers/tiny-onnx-model.ts): real transformers.js, real onnxruntime-node, remote loading off and no network.
 * Runs everywhere @huggingface/transformers is installed, which `npm ci` does (it is an optional dependency).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { paperText } from '../src/search/embedder.js';
import { createEmbedder } from '../src/search/embedder-factory.js';
import { OnnxEmbedder } from '../src/search/embedders/onnx.js';
import { IndexSync } from '../src/search/index-sync.js';
import { TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { SearchService } from '../src/services/search.service.js';
import type { Store } from '../src/store/store.js';
import { sqliteStore, tempDir } from './helpers/app.js';
import { TINY_MODEL_DIMENSIONS, writeTinyOnnxModel } from './helpers/tiny-onnx-model.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(dot(a, a));

/** transformers.js, with its feature-extraction calls counted. */
let pipelineCalls = 0;
const countingLibrary = async () => {
  const lib = await import('@huggingface/transformers');
  return {
    env: lib.env,
    pipeline: async (...args: Parameters<typeof lib.pipeline>) => {
      const extractor = await lib.pipeline(...args);
      const counted = (...a: unknown[]) => {
        pipelineCalls++;
        return (extractor as unknown as (...x: unknown[]) => unknown)(...a);
      };
      return Object.assign(counted, { dispose: () => extractor.dispose() });
    },
  };
};

describe('the ONNX embedder on a tiny model', () => {
  let folder: string;
  let cacheDir: string;
  let embedder: OnnxEmbedder;
  const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in this test'));

  beforeAll(async () => {
    folder = writeTinyOnnxModel(path.join(tempDir('paperboy-onnx-'), 'tiny-bert'));
    // An empty download cache: anything fetched or cached would land here.
    const { env } = await import('@huggingface/transformers');
    cacheDir = tempDir('paperboy-hf-cache-');
    env.cacheDir = cacheDir;
    embedder = await OnnxEmbedder.load({ folder, batchSize: 3, loadLibrary: countingLibrary });
  });
  afterAll(async () => {
    await embedder?.dispose();
    fetchSpy.mockRestore();
  });

  it('loads from the folder alone: remote models off, nothing fetched, nothing cached', async () => {
    const { env } = await import('@huggingface/transformers');
    expect(env.allowRemoteModels).toBe(false);
    expect(env.allowLocalModels).toBe(true);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('learns its dimensions and names the model, pooling and files in its id', () => {
    expect(embedder.dimensions).toBe(TINY_MODEL_DIMENSIONS);
    expect(embedder.id).toMatch(/^onnx:tiny-bert:32:mean:[0-9a-f]{12}$/);
  });

  it('returns one unit float32 vector per text, the same for the same text, from this instance and a fresh one', async () => {
    const texts = ['Fast cars on the road', 'Galaxy morphology and stellar redshift', ''];
    const a = await embedder.embed(texts);
    const b = await embedder.embed(texts);
    const fresh = await OnnxEmbedder.load({ folder });
    const c = await fresh.embed(texts);
    await fresh.dispose();
    expect(a).toHaveLength(3);
    for (const [i, v] of a.entries()) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(TINY_MODEL_DIMENSIONS);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(Array.from(b[i]!)).toEqual(Array.from(v));
      expect(Array.from(c[i]!)).toEqual(Array.from(v));
    }
    expect(fresh.id).toBe(embedder.id);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('puts texts about the same things closer than unrelated texts', async () => {
    const [cars, automobiles, galaxies, recipe] = await embedder.embed([
      'fast cars on the street',
      'a quick automobile on the road',
      'the morphology of distant galaxies',
      'a recipe for tomato soup',
    ]);
    expect(dot(cars!, automobiles!)).toBeGreaterThan(dot(cars!, galaxies!) + 0.2);
    expect(dot(cars!, automobiles!)).toBeGreaterThan(dot(cars!, recipe!) + 0.2);
    expect(dot(galaxies!, recipe!)).toBeLessThan(dot(cars!, automobiles!));
  });

  it('runs in batches and keeps the order: each text gets the vector it gets alone', async () => {
    const texts = ['car', 'galaxy stars', 'bread and cheese', 'neural network training', 'guitar melody', 'mri of the brain', 'speedy trucks', 'pixels', 'delayed generalization after memorisation', 'a'];
    pipelineCalls = 0;
    const together = await embedder.embed(texts);
    expect(pipelineCalls).toBe(4); // batches of 3: 3 + 3 + 3 + 1
    for (const [i, t] of texts.entries()) {
      const [alone] = await embedder.embed([t]);
      Array.from(alone!).forEach((x, k) => expect(together[i]![k]).toBeCloseTo(x, 5));
    }
  });

  it('pools the [CLS] vector when asked, under another id', async () => {
    const cls = await OnnxEmbedder.load({ folder, pooling: 'cls' });
    try {
      expect(cls.id).toMatch(/^onnx:tiny-bert:32:cls:[0-9a-f]{12}$/);
      expect(cls.id).not.toBe(embedder.id);
      const texts = ['fast cars on the street', 'a quick automobile on the road', 'the morphology of distant galaxies'];
      const [cars, automobiles, galaxies] = await cls.embed(texts);
      const [meanCars] = await embedder.embed([texts[0]!]);
      expect(norm(cars!)).toBeCloseTo(1, 5);
      expect(dot(cars!, meanCars!)).toBeLessThan(0.9999);
      expect(dot(cars!, automobiles!)).toBeGreaterThan(dot(cars!, galaxies!));
    } finally {
      await cls.dispose();
    }
  });

  it('loads a quantized file and the flat layout of optimum-cli, each under its own id', async () => {
    const quantized = writeTinyOnnxModel(path.join(tempDir(), 'tiny-bert'), { onnxFile: 'model_quantized.onnx' });
    const q = await OnnxEmbedder.load({ folder: quantized });
    expect(q.dimensions).toBe(TINY_MODEL_DIMENSIONS);
    expect(q.id).not.toBe(embedder.id);
    await q.dispose();

    const flat = writeTinyOnnxModel(path.join(tempDir(), 'tiny-bert'));
    fs.renameSync(path.join(flat, 'onnx', 'model.onnx'), path.join(flat, 'model.onnx'));
    fs.rmdirSync(path.join(flat, 'onnx'));
    const f = await OnnxEmbedder.load({ folder: flat });
    const [a] = await f.embed(['galaxy']);
    const [b] = await embedder.embed(['galaxy']);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(f.id).not.toBe(embedder.id);
    await f.dispose();
  });

  it('says what is wrong with a folder: missing, a file, no ONNX file, a damaged model', async () => {
    const missing = path.join(tempDir(), 'no-such-model');
    await expect(OnnxEmbedder.load({ folder: missing })).rejects.toThrow(
      `the ONNX model folder ${missing} does not exist; check EMBEDDINGS_MODEL_PATH (a folder holding config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx or onnx/model_quantized.onnx`,
    );
    await expect(OnnxEmbedder.load({ folder: path.join(folder, 'config.json') })).rejects.toThrow(/config.json is a file; expected the model folder holding config.json, tokenizer.json/);

    const noOnnx = writeTinyOnnxModel(path.join(tempDir(), 'no-onnx'), { onnxFile: null });
    fs.rmSync(path.join(noOnnx, 'tokenizer.json'));
    await expect(OnnxEmbedder.load({ folder: noOnnx })).rejects.toThrow(
      `the ONNX model folder ${noOnnx} has no tokenizer.json, no onnx/model.onnx (or another onnx/model*.onnx); expected config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx or onnx/model_quantized.onnx`,
    );

    const damaged = writeTinyOnnxModel(path.join(tempDir(), 'damaged'));
    fs.writeFileSync(path.join(damaged, 'onnx', 'model.onnx'), 'not a model');
    await expect(OnnxEmbedder.load({ folder: damaged })).rejects.toThrow(/^the ONNX model in .*damaged could not be loaded \(.+\); expected a sentence-embedding \(feature-extraction\) export/);
  });

  it('says to install @huggingface/transformers when it is missing', async () => {
    const notInstalled = () => Promise.reject(Object.assign(new Error("Cannot find package '@huggingface/transformers' imported from /app/src/search/embedders/onnx.ts"), { code: 'ERR_MODULE_NOT_FOUND' }));
    await expect(OnnxEmbedder.load({ folder, loadLibrary: notInstalled })).rejects.toThrow(/^install @huggingface\/transformers to use PAPERBOY_EMBEDDER=onnx/);
    const broken = () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file'));
    await expect(OnnxEmbedder.load({ folder, loadLibrary: broken })).rejects.toThrow(
      '@huggingface/transformers is installed but could not be loaded (libonnxruntime.so.1: cannot open shared object file)',
    );
  });

  it('is what PAPERBOY_EMBEDDER=onnx builds', async () => {
    const e = await createEmbedder(loadConfig({ PAPERBOY_EMBEDDER: 'onnx', EMBEDDINGS_MODEL_PATH: folder, EMBEDDINGS_POOLING: 'cls' }));
    expect(e).toBeInstanceOf(OnnxEmbedder);
    expect(e!.id).toMatch(/^onnx:tiny-bert:32:cls:/);
    await (e as OnnxEmbedder).dispose();
  });
});

const paper = (id: string, title: string, abstract: string, over: Partial<PaperInput> = {}): PaperInput => ({
  id, title, abstract, authors: ['A B'], categories: ['cs.LG'], published: '2025-05-26', updated: null, version: 1, comment: null,
  journalRef: null, doi: null, links: { abs: null, pdf: null, code: null, project: null }, feed: { date: '2025-05-26', submittedBy: null, upvotes: 0 }, ...over,
});

describe('semantic and hybrid search with the ONNX embedder', () => {
  let store: Store;
  let index: TextIndex;
  let search: SearchService;
  let embedder: OnnxEmbedder;
  const ids = async (q: string, mode: 'keyword' | 'semantic' | 'hybrid') => {
    const r = await search.search({ q, mode });
    if (!r.ok) throw new Error(r.reason);
    return r.hits.map((h) => h.paper.id);
  };

  beforeAll(async () => {
    store = await sqliteStore();
    await new PaperImporter(store).run(
      new ArraySource([
        paper('2501.00001', 'Grokking in small transformers', 'Networks generalize long after overfitting the training data.'),
        paper('2501.00002', 'Fast automobile detection', 'We detect cars quickly in street images.', { categories: ['cs.CV'] }),
        paper('2501.00003', 'Galaxy morphology', 'Classifying stars and galaxies.', { categories: ['astro-ph.GA'], published: '2023-01-02' }),
        paper('2501.00004', 'Baking bread', 'A recipe for bread in a home oven.', { categories: ['physics.pop-ph'] }),
        paper('2501.00005', 'Guitar chords', 'Rhythm and melody for piano and guitar.', { categories: ['cs.SD'] }),
      ]),
    );
    index = TextIndex.open(path.join(tempDir(), 'search.db'));
    embedder = await OnnxEmbedder.load({ folder: writeTinyOnnxModel(path.join(tempDir('paperboy-onnx-'), 'tiny-bert')) });
    const semantic = { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
    await new IndexSync(store, index, semantic).syncOnce();
    expect(semantic.vectors.size()).toBe(5);
    search = new SearchService(store, index, semantic);
  });
  afterAll(async () => {
    index?.close();
    await store?.close();
    await embedder?.dispose();
  });

  it('finds by meaning what keywords miss, and hybrid keeps title matches first', async () => {
    expect(await ids('speedy vehicle', 'keyword')).toEqual([]);
    expect((await ids('speedy vehicle', 'semantic'))[0]).toBe('2501.00002');
    expect((await ids('speedy vehicle', 'hybrid'))[0]).toBe('2501.00002');
    expect((await ids('telescope universe', 'semantic'))[0]).toBe('2501.00003');
    expect((await ids('delayed generalization after memorisation', 'semantic'))[0]).toBe('2501.00001');
    expect((await ids('galaxy morphology', 'hybrid'))[0]).toBe('2501.00003');
  });

  it('applies filters to semantic results', async () => {
    expect(await ids('stars cat:cs.LG', 'semantic')).not.toContain('2501.00003');
    expect(await ids('kitchen year:2023', 'semantic')).toEqual(['2501.00003']);
  });

  it('embeds what a paper is about near queries about it', async () => {
    const [doc] = await embedder.embed([paperText({ title: 'Baking bread', abstract: 'A recipe for bread in a home oven.' })]);
    const [near, far] = await embedder.embed(['kitchen flour', 'galaxy redshift']);
    expect(dot(doc!, near!)).toBeGreaterThan(dot(doc!, far!));
  });
});
