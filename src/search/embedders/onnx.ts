/**
 * A local ONNX sentence-embedding model as the embedder (PAPERBOY_EMBEDDER=onnx, EMBEDDINGS_MODEL_PATH=folder), run by
 * transformers.js (`@huggingface/transformers`, an optional dependency) on onnxruntime-node, with remote loading off:
 * nothing is downloaded, ever. The folder is laid out like a Hugging Face export:
 *
 *   config.json, tokenizer.json, tokenizer_config.json
 *   onnx/model.onnx (or onnx/model_quantized.onnx, model_int8.onnx, …; or the same files beside config.json, as
 *   `optimum-cli export onnx` writes them)
 *
 * Texts are tokenized (truncated to the tokenizer's model_max_length), run through the model, pooled (mean over the
 * tokens, or the [CLS] token) and scaled to unit length. See docs/decisions/009-onnx-embedder.md.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Embedder, normalize } from '../embedder.js';

export type OnnxPooling = 'mean' | 'cls';

export interface OnnxEmbedderOptions {
  /** The model folder (EMBEDDINGS_MODEL_PATH). */
  folder: string;
  /** Mean of the token vectors (sentence-transformers models such as all-MiniLM-L6-v2) or the [CLS] vector (bge). */
  pooling?: OnnxPooling;
  /** Texts per model run. */
  batchSize?: number;
  /** Loads transformers.js; tests replace it to see the "not installed" message. */
  loadLibrary?: () => Promise<unknown>;
}

/** The package this embedder needs, and the version package.json pins. */
export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';

/** What is expected in a model folder, for error messages. */
const EXPECTED =
  'config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx or onnx/model_quantized.onnx (the layout of a Xenova/* model repository, or of `optimum-cli export onnx --model NAME FOLDER`)';

/** Model files transformers.js can load, by preference, with the dtype that selects each. */
const MODEL_FILES: ReadonlyArray<readonly [file: string, dtype: string]> = [
  ['model.onnx', 'fp32'],
  ['model_quantized.onnx', 'q8'],
  ['model_int8.onnx', 'int8'],
  ['model_uint8.onnx', 'uint8'],
  ['model_q4.onnx', 'q4'],
  ['model_bnb4.onnx', 'bnb4'],
];
// Not the float16 exports (model_fp16.onnx, model_q4f16.onnx): slow on a CPU, and their float16 output would need
// converting before pooling.

/** The part of transformers.js this embedder uses (typed here so type-checking does not need the optional package). */
interface TransformersLibrary {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; useFSCache: boolean };
  pipeline(task: 'feature-extraction', model: string, options: Record<string, unknown>): Promise<FeatureExtractor>;
}
interface FeatureExtractor {
  (texts: string[], options: { pooling: OnnxPooling; normalize: boolean }): Promise<{ type: string; dims: number[]; data: ArrayLike<number> }>;
  dispose?(): Promise<unknown>;
}

/** A model folder checked on disk: which ONNX file, and where it is relative to the folder. */
export interface OnnxModelFolder {
  folder: string;
  /** `onnx` or `` (files beside config.json). */
  subfolder: string;
  file: string;
  dtype: string;
  bytes: number;
}

/** Checks the folder has what transformers.js will read; the error names what is missing and what is expected. */
export function inspectModelFolder(folder: string): OnnxModelFolder {
  const abs = path.resolve(folder);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new Error(`the ONNX model folder ${abs} does not exist; check EMBEDDINGS_MODEL_PATH (a folder holding ${EXPECTED})`);
  }
  if (!stat.isDirectory()) throw new Error(`EMBEDDINGS_MODEL_PATH=${abs} is a file; expected the model folder holding ${EXPECTED}`);
  const missing = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((f) => !fs.existsSync(path.join(abs, f)));
  let found: OnnxModelFolder | null = null;
  for (const subfolder of ['onnx', '']) {
    for (const [file, dtype] of MODEL_FILES) {
      const p = path.join(abs, subfolder, file);
      if (!found && fs.existsSync(p)) found = { folder: abs, subfolder, file, dtype, bytes: fs.statSync(p).size };
    }
  }
  if (!found) missing.push('onnx/model.onnx (or another onnx/model*.onnx)');
  if (missing.length > 0) throw new Error(`the ONNX model folder ${abs} has no ${missing.join(', no ')}; expected ${EXPECTED}`);
  return found!;
}

async function loadTransformers(load: () => Promise<unknown>): Promise<TransformersLibrary> {
  try {
    return (await load()) as TransformersLibrary;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(TRANSFORMERS_PACKAGE)) {
      throw new Error(`install ${TRANSFORMERS_PACKAGE} to use PAPERBOY_EMBEDDER=onnx (it is an optional dependency: npm install, without --omit=optional)`);
    }
    throw new Error(`${TRANSFORMERS_PACKAGE} is installed but could not be loaded (${message}); reinstall it (npm ci) or use another PAPERBOY_EMBEDDER`);
  }
}

export class OnnxEmbedder implements Embedder {
  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly pooling: OnnxPooling,
    private readonly batchSize: number,
    readonly dimensions: number,
    readonly id: string,
  ) {}

  /**
   * Checks the folder, loads the tokenizer and the model without touching the network, and learns the dimensions by
   * embedding one probe text. Errors say what to check.
   */
  static async load(options: OnnxEmbedderOptions): Promise<OnnxEmbedder> {
    const pooling = options.pooling ?? 'mean';
    const batchSize = options.batchSize ?? 32;
    const model = inspectModelFolder(options.folder);
    const lib = await loadTransformers(options.loadLibrary ?? (() => import(TRANSFORMERS_PACKAGE)));
    // Local files only: no hub, no download cache. The folder is passed as an absolute path, which is never a hub
    // model id, so transformers.js reads it as it is (env.localModelPath only prefixes hub-style ids).
    lib.env.allowRemoteModels = false;
    lib.env.allowLocalModels = true;
    lib.env.useFSCache = false;
    let extractor: FeatureExtractor;
    try {
      extractor = await lib.pipeline('feature-extraction', model.folder, {
        local_files_only: true,
        device: 'cpu',
        dtype: model.dtype,
        subfolder: model.subfolder,
        use_external_data_format: fs.existsSync(path.join(model.folder, model.subfolder, `${model.file}_data`)),
      });
    } catch (e) {
      throw new Error(
        `the ONNX model in ${model.folder} could not be loaded (${e instanceof Error ? e.message : String(e)}); expected a sentence-embedding (feature-extraction) export with ${EXPECTED}`,
      );
    }
    const probe = await extractor(['dimension probe'], { pooling, normalize: true });
    if (probe.type !== 'float32' || probe.dims.length !== 2 || probe.dims[0] !== 1 || !(probe.dims[1]! > 0)) {
      await extractor.dispose?.();
      throw new Error(`the ONNX model in ${model.folder} gave ${probe.type} [${probe.dims.join(', ')}] after pooling; expected float32 [1, dimensions]: is it a sentence-embedding model?`);
    }
    const dimensions = probe.dims[1]!;
    return new OnnxEmbedder(extractor, pooling, batchSize, dimensions, OnnxEmbedder.idOf(model, pooling, dimensions));
  }

  /**
   * `onnx:<folder name>:<dimensions>:<pooling>:<hash>`; the hash covers config.json, tokenizer.json and the model
   * file's name and size, so pointing at another model (or another export of it) re-embeds every paper.
   */
  private static idOf(model: OnnxModelFolder, pooling: OnnxPooling, dimensions: number): string {
    const h = createHash('sha256');
    for (const f of ['config.json', 'tokenizer.json']) h.update(fs.readFileSync(path.join(model.folder, f))).update('\0');
    h.update(`${path.posix.join(model.subfolder, model.file)}\0${model.bytes}`);
    return `onnx:${path.basename(model.folder)}:${dimensions}:${pooling}:${h.digest('hex').slice(0, 12)}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const result = await this.extractor(batch, { pooling: this.pooling, normalize: true });
      const dims = this.dimensions;
      if (result.type !== 'float32' || result.dims[0] !== batch.length || result.dims[1] !== dims) {
        throw new Error(`the ONNX model gave ${result.type} [${result.dims.join(', ')}] for ${batch.length} texts; expected float32 [${batch.length}, ${dims}]`);
      }
      const data = result.data as Float32Array;
      // A copy per text (slice copies), at unit length (the pipeline normalises already; this keeps zero vectors zero).
      for (let j = 0; j < batch.length; j++) out.push(normalize(data.slice(j * dims, (j + 1) * dims)));
    }
    return out;
  }

  /** Frees the ONNX session. */
  async dispose(): Promise<void> {
    await this.extractor.dispose?.();
  }
}
