/**
 * What every ingest source produces: an async stream of papers (not yet validated) and of records it could not
 * read, each with a location (`file:line`, or a URL and entry number) so the import summary can point at it.
 * Sources do no database access; the importer (services/paper-importer.ts) validates and stores.
 */
import type { PreparedPaper } from '../domain/paper-hash.js';
import type { PaperInput } from '../domain/paper.js';

export type SourceItem =
  | { kind: 'paper'; paper: PaperInput; where: string }
  /** Already validated and hashed with `preparePaper` (e.g. in a worker thread); the importer trusts it. */
  | { kind: 'prepared'; paper: PreparedPaper; where: string }
  | { kind: 'rejected'; where: string; reason: string };

export interface PaperSource {
  /** Human-readable description, stored with the import run (e.g. `file data/x.jsonl.gz`, `arxiv-api id_list=...`). */
  readonly description: string;
  /** Total number of bytes or records when known, for progress bars. */
  readonly size?: { unit: 'bytes' | 'records'; total: number };
  items(): AsyncIterable<SourceItem>;
  /** Progress so far in the unit of `size` (bytes read, records seen). */
  progress?(): number;
}
