/**
 * Turns text into vectors for semantic search. Implementations: the default one built from the corpus (no download, no
 * network), an OpenAI-compatible `/v1/embeddings` endpoint (Ollama, TEI, vLLM), a local ONNX model folder.
 * Vectors are L2-normalised, so a dot product is the cosine similarity.
 */
export interface Embedder {
  /** Names the model and its settings; an index built with another id must be rebuilt. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** The text of a paper that gets embedded: title, then abstract. */
export function paperText(p: { title: string; abstract: string }): string {
  return `${p.title}. ${p.abstract}`;
}
