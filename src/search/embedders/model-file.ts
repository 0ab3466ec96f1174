/**
 * The file format of a corpus-vectors model (written by scripts/build-embedder.ts, read by corpus-vectors.ts):
 *
 *   8 bytes   magic "PBWVEC01"
 *   4 bytes   header length H (uint32, little-endian)
 *   H bytes   header, UTF-8 JSON (ModelHeader)
 *   padding   to a multiple of 4
 *   vocabulary: the tokens, UTF-8, joined by "\n" (header.vocabBytes bytes), padding to a multiple of 4
 *   weights:  float32 × vocabSize   (each token's weight in a text's sum)
 *   scales:   float32 × vocabSize   (each token's int8 row scale)
 *   vectors:  int8 × vocabSize × dimensions (token vector = int8 row × scale)
 *   padding   to a multiple of 4
 *   removed:  float32 × removedComponents × dimensions (unit directions projected out of every text vector)
 *
 * Everything little-endian. Token vectors are quantised to int8 per row (scale = max |x| / 127), which keeps cosines
 * within about 1e-3 of the float values and the file a quarter of float32's size.
 */

export const MAGIC = 'PBWVEC01';

export interface ModelHeader {
  format: 1;
  /** Must equal text.ts TOKENIZER_VERSION. */
  tokenizer: number;
  dimensions: number;
  vocabSize: number;
  vocabBytes: number;
  removedComponents: number;
  /** How a token's count n in one text scales its weight: n itself, 1 + ln n, or 1. */
  tf: 'count' | 'log' | 'binary';
  /** What the model was built from and how (free-form, for people). */
  provenance: Record<string, unknown>;
}

export interface ModelData {
  header: ModelHeader;
  vocab: string[];
  weights: Float32Array;
  scales: Float32Array;
  vectors: Int8Array;
  removed: Float32Array;
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** Serialises a model. */
export function encodeModel(m: ModelData): Buffer {
  const vocabBuf = Buffer.from(m.vocab.join('\n'), 'utf8');
  const header: ModelHeader = { ...m.header, vocabSize: m.vocab.length, vocabBytes: vocabBuf.length };
  const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBuf.length);
  const afterHeader = 8 + 4 + headerBuf.length;
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1'), len, headerBuf, Buffer.alloc(pad4(afterHeader)), vocabBuf, Buffer.alloc(pad4(vocabBuf.length))];
  const bytes = (a: Float32Array | Int8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  parts.push(bytes(m.weights), bytes(m.scales), bytes(m.vectors), Buffer.alloc(pad4(m.vectors.byteLength)), bytes(m.removed));
  return Buffer.concat(parts);
}

/** Reads a model from its bytes (views into a copy aligned for typed arrays). Throws on a damaged or foreign file. */
export function decodeModel(file: Uint8Array): ModelData {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a corpus-vectors model file (bad magic)');
  const headerLength = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + headerLength)) as ModelHeader;
  if (header.format !== 1) throw new Error(`unsupported corpus-vectors model format ${String(header.format)}`);
  const { vocabSize: n, dimensions: d, vocabBytes, removedComponents: r } = header;
  let at = 12 + headerLength;
  at += pad4(at);
  const vocab = n === 0 ? [] : buf.toString('utf8', at, at + vocabBytes).split('\n');
  at += vocabBytes;
  at += pad4(vocabBytes);
  const expected = at + 8 * n + n * d + pad4(n * d) + 4 * r * d;
  if (vocab.length !== n || buf.length !== expected) throw new Error(`corpus-vectors model file is damaged (size ${buf.length}, expected ${expected})`);
  // Copy into a fresh, aligned buffer: the file's bytes may sit at any offset.
  const aligned = new ArrayBuffer(buf.length - at);
  new Uint8Array(aligned).set(buf.subarray(at));
  const weights = new Float32Array(aligned, 0, n);
  const scales = new Float32Array(aligned, 4 * n, n);
  const vectors = new Int8Array(aligned, 8 * n, n * d);
  const removed = new Float32Array(aligned, 8 * n + n * d + pad4(n * d), r * d);
  return { header, vocab, weights, scales, vectors, removed };
}

/** Quantises float rows to int8 with one scale per row. */
export function quantizeRows(rows: Float32Array, n: number, d: number): { vectors: Int8Array; scales: Float32Array } {
  const vectors = new Int8Array(n * d);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let x = 0; x < d; x++) max = Math.max(max, Math.abs(rows[i * d + x]!));
    const scale = max / 127;
    scales[i] = scale;
    if (scale === 0) continue;
    for (let x = 0; x < d; x++) vectors[i * d + x] = Math.round(rows[i * d + x]! / scale);
  }
  return { vectors, scales };
}
