/** Content hashes and the step every paper takes before it is stored: validate, normalise, hash. Pure (no I/O). */
import { createHash } from 'node:crypto';
import { type PaperInput, type Validation, validatePaper } from './paper.js';

/** A validated, normalised paper with the hash of its own fields: what the store writes. */
export type PreparedPaper = PaperInput & { contentHash: string };

/** Hash of a paper's own fields (not its feed entry): equal hashes mean an import has nothing to change. */
export function contentHash(p: PaperInput): string {
  // Fields fed one by one with separators that cannot occur in them: cheaper than JSON-encoding 160 MB of abstracts.
  const h = createHash('sha1');
  const l = p.links;
  const small = [p.published, p.updated, p.version, p.comment, p.journalRef, p.doi, l.abs, l.pdf, l.code, l.project];
  h.update(p.title).update('\0').update(p.abstract).update('\0').update(p.authors.join('\u0001')).update('\0').update(p.categories.join('\u0001'));
  h.update('\0').update(small.map((v) => (v === null ? '\u0002' : String(v))).join('\0'));
  return h.digest('base64url');
}

/** Validates and hashes a paper from any source; the reason says why it cannot be stored. */
export function preparePaper(input: PaperInput): Validation<PreparedPaper> {
  const v = validatePaper(input);
  if (!v.ok) return v;
  return { ok: true, value: { ...v.value, contentHash: contentHash(v.value) } };
}
