/**
 * Paper identifiers. A paper id is one of:
 * - a new-style arXiv id, `YYMM.NNNN` (2007–2014) or `YYMM.NNNNN` (2015 on), e.g. `2505.20278`;
 * - an old-style arXiv id, `archive[.SUBJ]/YYMMNNN`, e.g. `hep-th/9108002` or `math.GT/0309136`;
 * - a namespaced id `source:local-id` for papers that are not on arXiv, e.g. `openreview:abc123`.
 * Versions (`v2`) are never part of a paper id; they are split off and kept separately.
 * Format source: https://info.arxiv.org/help/arxiv_identifier.html
 */

const NEW_STYLE = /^(\d{2})(\d{2})\.(\d{4,5})$/;
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)*)(\.[A-Z]{2})?\/(\d{2})(\d{2})(\d{3})$/;
// A local id may not end in `.md`: `/papers/{id}.md` is the Markdown of paper {id}, so such an id would be unreachable.
const NAMESPACED = /^([a-z][a-z0-9-]{1,31}):(?![A-Za-z0-9._~-]*\.md$)([A-Za-z0-9._~-]{1,128})$/;
const VERSION_SUFFIX = /v(\d{1,4})$/;

export type PaperIdKind = 'arxiv-new' | 'arxiv-old' | 'namespaced';

export interface ParsedPaperId {
  /** Canonical id without version. */
  id: string;
  /** Version number when the input carried one (`2505.20278v3` -> 3). */
  version: number | null;
  kind: PaperIdKind;
}

/**
 * Parses a paper id, accepting the forms people paste: `arXiv:2505.20278v2`, `https://arxiv.org/abs/2505.20278`,
 * `http://arxiv.org/pdf/hep-th/9108002v1.pdf`. Returns null when the input is not a valid id.
 */
export function parsePaperId(input: string): ParsedPaperId | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 200) return null;
  let s = input.trim();
  s = s.replace(/^https?:\/\/(?:export\.|www\.)?arxiv\.org\/(?:abs|pdf|html)\//i, '');
  s = s.replace(/\.pdf$/i, '');
  s = s.replace(/^arxiv:/i, '');

  const ns = NAMESPACED.exec(s);
  if (ns && !OLD_STYLE.test(s)) return { id: s, version: null, kind: 'namespaced' };

  let version: number | null = null;
  const v = VERSION_SUFFIX.exec(s);
  if (v) {
    version = Number(v[1]);
    if (version < 1) return null;
    s = s.slice(0, -v[0].length);
  }
  const n = NEW_STYLE.exec(s);
  if (n) {
    const month = Number(n[2]);
    if (month < 1 || month > 12) return null;
    // Five-digit sequence numbers started in January 2015 (1501); four-digit ones ended with 1412.
    const yymm = Number(n[1]) * 100 + month;
    if (yymm >= 1501 && n[3]!.length !== 5) return null;
    if (yymm < 1501 && n[3]!.length !== 4) return null;
    if (yymm < 704) return null; // new-style ids began in April 2007
    return { id: s, version, kind: 'arxiv-new' };
  }
  const o = OLD_STYLE.exec(s);
  if (o) {
    const month = Number(o[4]);
    if (month < 1 || month > 12) return null;
    return { id: s, version, kind: 'arxiv-old' };
  }
  return null;
}

/** True when `id` is already a canonical paper id (valid and without a version suffix). */
export function isCanonicalPaperId(id: string): boolean {
  const p = parsePaperId(id);
  return p !== null && p.id === id && p.version === null;
}

/** True for ids that name an arXiv paper (as opposed to a namespaced one). */
export function isArxivId(id: string): boolean {
  const p = parsePaperId(id);
  return p !== null && p.kind !== 'namespaced';
}
