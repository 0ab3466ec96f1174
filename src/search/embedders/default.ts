/**
 * The default embedder: corpus-trained word vectors shipped in models/ (built by `npm run embedder:build` from the 87k
 * arXiv papers' CC0 metadata; see models/README.md and docs/decisions/008-default-embedder.md). Needs no network.
 */
import type { Embedder } from '../embedder.js';
import { CorpusVectorsEmbedder } from './corpus-vectors.js';

/** Where the shipped model lives. */
export const DEFAULT_MODEL_FILE = new URL('../../../models/corpus-vectors.bin', import.meta.url);

/** Loads the shipped model (a few megabytes; well under a second). */
export function createDefaultEmbedder(): Promise<Embedder> {
  return CorpusVectorsEmbedder.load(DEFAULT_MODEL_FILE);
}
