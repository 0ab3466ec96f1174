/**
 * Matching pasted or uploaded references (domain/references.ts) to the papers in the store: by arXiv id first, then
 * by DOI against the papers' `doi` column. Used by reading-list import; also the building block for a cold-start page
 * ("paste your arXiv ids or a BibTeX file").
 */
import { parseReferences, type UnmatchedReference } from '../domain/references.js';
import type { Store } from '../store/store.js';

export interface ResolvedReferences {
  format: 'bibtex' | 'text';
  /** Ids of stored papers, in the order the references came, each once. */
  ids: string[];
  /** References that match no stored paper, and entries with no identifier, each with the reason. */
  unmatched: UnmatchedReference[];
  /** Parts of a BibTeX file that could not be read (what could be read is in `ids` and `unmatched`). */
  errors: string[];
}

/** Parses `text` (BibTeX or plain text with arXiv ids, URLs and DOIs) and finds the stored paper of each reference. */
export async function resolveReferences(store: Pick<Store, 'papers'>, text: string): Promise<ResolvedReferences> {
  const parsed = parseReferences(text);
  const arxivIds = [...new Set(parsed.references.flatMap((r) => (r.arxivId ? [r.arxivId] : [])))];
  const known = new Set((await store.papers.states(arxivIds)).keys());
  const needDoi = parsed.references.filter((r) => r.doi && !(r.arxivId && known.has(r.arxivId))).map((r) => r.doi!);
  const byDoi = await store.papers.idsByDoi(needDoi);

  const ids: string[] = [];
  const seen = new Set<string>();
  const unmatched: UnmatchedReference[] = [];
  for (const r of parsed.references) {
    const id = r.arxivId && known.has(r.arxivId) ? r.arxivId : r.doi ? (byDoi.get(r.doi) ?? null) : null;
    if (id) {
      if (!seen.has(id)) ids.push(id);
      seen.add(id);
      continue;
    }
    const why = [r.arxivId ? `arXiv:${r.arxivId} is not on this server yet` : null, r.doi ? `no paper here has the DOI ${r.doi}` : null].filter(Boolean);
    unmatched.push({ entry: r.entry, reason: why.join(', and ') });
  }
  return { format: parsed.format, ids, unmatched: [...parsed.unmatched, ...unmatched], errors: parsed.errors };
}
