/** The source for a file named on the command line or shipped as the demo corpus: parsed in a worker thread. */
import { ThreadedJsonlSource } from './threaded-jsonl.source.js';
import type { PaperSource } from './source.js';

/** Opens a JSONL/JSON file (plain or gzip) as a paper source. Throws when the file cannot be opened. */
export function openFileSource(file: string, description?: string): PaperSource {
  return new ThreadedJsonlSource(file, description);
}
