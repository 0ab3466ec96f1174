/**
 * The default embedder: word vectors trained on the paper corpus itself (scripts/build-embedder.ts; the comparison that
 * picked this design is docs/decisions/008-default-embedder.md). A text's vector is the weighted sum of its tokens'
 * vectors (smooth inverse frequency weights, Arora, Liang & Ma, "A simple but tough-to-beat baseline for sentence
 * embeddings", ICLR 2017), with the corpus's common directions projected out, scaled to unit length. Tokens the model
 * does not know are skipped; a text without known tokens gets the zero vector (similar to nothing).
 * No network, no native code: loading is reading one file of a few megabytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Embedder } from '../embedder.js';
import { decodeModel, type ModelData } from './model-file.js';
import { TOKENIZER_VERSION, tokens } from './text.js';

/** Texts embedded between yields to the event loop. */
const YIELD_EVERY = 256;

export class CorpusVectorsEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly index = new Map<string, number>();
  private readonly tfMode: ModelData['header']['tf'];
  /** Scratch token counts for one text (always zero between calls). */
  private readonly counts: Int32Array;

  private constructor(
    private readonly model: ModelData,
    digest: string,
  ) {
    if (model.header.tokenizer !== TOKENIZER_VERSION) {
      throw new Error(`the model was built with tokenizer v${model.header.tokenizer}, this code has v${TOKENIZER_VERSION}: run npm run embedder:build`);
    }
    this.dimensions = model.header.dimensions;
    this.tfMode = model.header.tf;
    this.counts = new Int32Array(model.vocab.length);
    model.vocab.forEach((t, i) => this.index.set(t, i));
    // The digest names the exact model, so vectors made by another build are re-embedded (VectorIndex compares ids).
    this.id = `corpus-vectors/${digest.slice(0, 12)}`;
  }

  /** Loads a model file written by scripts/build-embedder.ts. */
  static async load(file: string | URL): Promise<CorpusVectorsEmbedder> {
    const bytes = await fs.readFile(file);
    return CorpusVectorsEmbedder.fromBytes(bytes);
  }

  /** Builds the embedder from a model file's bytes. */
  static fromBytes(bytes: Uint8Array): CorpusVectorsEmbedder {
    const digest = createHash('sha256').update(bytes).digest('hex');
    return new CorpusVectorsEmbedder(decodeModel(bytes), digest);
  }

  /** Vocabulary size (for reports). */
  get vocabularySize(): number {
    return this.model.vocab.length;
  }

  /** The unit vector of one token, or null when the model does not know it (for tests and diagnostics). */
  wordVector(word: string): Float32Array | null {
    const [t] = tokens(word);
    const i = t === undefined ? undefined : this.index.get(t);
    if (i === undefined) return null;
    const d = this.dimensions;
    const v = new Float32Array(d);
    const s = this.model.scales[i]!;
    for (let x = 0; x < d; x++) v[x] = this.model.vectors[i * d + x]! * s;
    return unit(v);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++) {
      // Embedding is synchronous CPU work (about 0.2 ms a paper): yield now and then so a server stays responsive
      // while a sync embeds a large batch.
      if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      out.push(this.embedOne(texts[i]!));
    }
    return out;
  }

  /** Synchronous form of embed for one text. */
  embedOne(text: string): Float32Array {
    const { weights, scales, vectors, removed, header } = this.model;
    const d = this.dimensions;
    const v = new Float32Array(d);
    // Count the known tokens (a reused array and a list of those touched: cheaper than a Map per text).
    const touched: number[] = [];
    for (const t of tokens(text)) {
      const i = this.index.get(t);
      if (i === undefined) continue;
      if (this.counts[i] === 0) touched.push(i);
      this.counts[i]!++;
    }
    if (touched.length === 0) return v;
    for (const i of touched) {
      const n = this.counts[i]!;
      this.counts[i] = 0;
      const tf = this.tfMode === 'count' ? n : this.tfMode === 'log' ? 1 + Math.log(n) : 1;
      const f = weights[i]! * scales[i]! * tf;
      const base = i * d;
      for (let x = 0; x < d; x++) v[x]! += f * vectors[base + x]!;
    }
    for (let c = 0; c < header.removedComponents; c++) {
      const pc = removed.subarray(c * d, (c + 1) * d);
      let dot = 0;
      for (let x = 0; x < d; x++) dot += v[x]! * pc[x]!;
      for (let x = 0; x < d; x++) v[x]! -= dot * pc[x]!;
    }
    return unit(v);
  }
}

function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (let x = 0; x < v.length; x++) sum += v[x]! * v[x]!;
  if (sum === 0) return v;
  const f = 1 / Math.sqrt(sum);
  for (let x = 0; x < v.length; x++) v[x]! *= f;
  return v;
}
