/**
 * Reading references that people paste or upload: a BibTeX file (parsed with @retorquere/bibtex-parser, the parser of
 * Better BibTeX for Zotero), or plain text holding arXiv ids, arXiv URLs and DOIs. Pure: finds identifiers only;
 * services/reference-resolver.ts matches them to stored papers.
 *
 * Where an arXiv id hides in a BibTeX entry: `eprint` (+ `archivePrefix`/`eprinttype`, the biblatex convention),
 * `arxivId`/`arxiv`, an arxiv.org `url`, an arXiv DOI (10.48550/arXiv.ID, which arXiv assigns since 2022), DBLP's
 * `journal = {CoRR}, volume = {abs/ID}`, or text such as "arXiv preprint arXiv:ID" in `journal`/`note`/`howpublished`.
 */
import { parse as parseBibtex, type Entry } from '@retorquere/bibtex-parser';
import { parsePaperId } from './arxiv-id.js';

/** One reference found: at least one of its arXiv id (canonical, without version) and its DOI (lower case). */
export interface Reference {
  /** How the person would recognise it: the BibTeX key and title, or the pasted token. */
  entry: string;
  arxivId: string | null;
  doi: string | null;
}

export interface UnmatchedReference {
  entry: string;
  reason: string;
}

export interface ParsedReferences {
  format: 'bibtex' | 'text';
  references: Reference[];
  /** Entries or lines in which no usable identifier was found, with why. */
  unmatched: UnmatchedReference[];
  /** Parts of a BibTeX file the parser could not read (the rest is still returned). */
  errors: string[];
}

/** An entry's label is cut to this many characters (it is shown back to the person). */
export const REFERENCE_LABEL_MAX_CHARS = 160;

/** Crossref's recommended pattern for modern DOIs (https://www.crossref.org/blog/dois-and-matching-regular-expressions/). */
const DOI_BODY = /^10\.\d{4,9}\/[-._;()/:a-z0-9<>[\]]+$/i;
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;
const LOOKS_LIKE_BIBTEX = /^\s*@[a-z]+\s*[{(]/im;

function label(s: string): string {
  const t = s.normalize('NFC').replace(/\s+/g, ' ').trim();
  return t.length > REFERENCE_LABEL_MAX_CHARS ? `${t.slice(0, REFERENCE_LABEL_MAX_CHARS - 1)}…` : t;
}

const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', "'", '"']);
const OPENING: Record<string, string> = { ')': '(', ']': '[', '>': '<' };

/**
 * Drops punctuation that ends a sentence or closes a bracket around an identifier. Linear in the token's length: the
 * brackets are counted once (a token of 80,000 closing brackets took ~1 minute when each step counted them again).
 */
function trimTrailing(s: string): string {
  let end = s.length;
  const dropPunctuation = () => {
    while (end > 0 && TRAILING_PUNCTUATION.has(s[end - 1]!)) end--;
  };
  dropPunctuation();
  const count = new Map<string, number>();
  for (let i = 0; i < end; i++) {
    const ch = s[i]!;
    if ('()[]<>'.includes(ch)) count.set(ch, (count.get(ch) ?? 0) + 1);
  }
  // A closing bracket belongs to the identifier only when it opened inside it (DOIs such as 10.1002/(SICI)...).
  while (end > 0) {
    const close = s[end - 1]!;
    const open = OPENING[close];
    if (open === undefined || (count.get(open) ?? 0) >= count.get(close)!) break;
    count.set(close, count.get(close)! - 1);
    end--;
    dropPunctuation();
  }
  return s.slice(0, end);
}

/**
 * A DOI in the forms people write it (`10.1145/…`, `doi:10.1145/…`, `https://doi.org/10.1145/…`), lower-cased (DOIs
 * are case-insensitive: https://www.doi.org/the-identifier/resources/handbook/2_numbering), or null.
 */
export function normalizeDoi(raw: string): string | null {
  const s = trimTrailing(
    raw
      .trim()
      .replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '')
      .replace(/^doi:\s*/i, ''),
  );
  let decoded = s;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    // not percent-encoded after all
  }
  return DOI_BODY.test(decoded) ? decoded.toLowerCase() : null;
}

/** The arXiv id of an arXiv-assigned DOI (10.48550/arXiv.2501.01234 -> 2501.01234), else null. */
export function arxivIdFromDoi(doi: string): string | null {
  const m = ARXIV_DOI.exec(doi);
  return m ? (parsePaperId(m[1]!)?.id ?? null) : null;
}

/** A canonical arXiv id (new- or old-style, not a namespaced id), or null. */
function arxivId(raw: string): string | null {
  const p = parsePaperId(trimTrailing(raw.trim()));
  return p && p.kind !== 'namespaced' ? p.id : null;
}

const ID_NEW = String.raw`\d{4}\.\d{4,5}(?:v\d+)?`;
const ID_OLD = String.raw`[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?`;

/** Scanners over free text, in the order they are tried; each claims its span so later ones do not see it again. */
const SCANNERS: Array<{ re: RegExp; kind: 'doi' | 'arxiv' | 'bare' }> = [
  { re: /(?:https?:\/\/(?:dx\.)?doi\.org\/|\bdoi:\s*)?\b10\.\d{4,9}\/[^\s"'<>{}]+/gi, kind: 'doi' },
  { re: /(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/[^\s"'<>?#{}]+/gi, kind: 'arxiv' },
  { re: /\barxiv:\s*[^\s"'<>,;{}]+/gi, kind: 'arxiv' },
  { re: new RegExp(String.raw`(?<![\w./-])(?:${ID_NEW}|${ID_OLD})(?![\w/])`, 'g'), kind: 'bare' },
];

interface Found {
  reference?: Reference;
  invalid?: UnmatchedReference;
}

/** Every identifier in a piece of free text, in order of appearance. */
function scanText(text: string): Found[] {
  // One flag a character (not a list of spans to search): a line of 30,000 ids took seconds with the list.
  const claimedAt = new Uint8Array(text.length);
  const isClaimed = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (claimedAt[i]) return true;
    return false;
  };
  const claim = (start: number, end: number) => claimedAt.fill(1, start, end);
  const found: Array<{ at: number; item: Found }> = [];
  for (const { re, kind } of SCANNERS) {
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (isClaimed(start, end)) continue;
      const token = trimTrailing(m[0]);
      if (kind === 'doi') {
        const doi = normalizeDoi(token);
        if (!doi) continue;
        claim(start, end);
        found.push({ at: start, item: { reference: { entry: label(token), arxivId: arxivIdFromDoi(doi), doi } } });
        continue;
      }
      const raw = kind === 'arxiv' ? token.replace(/^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\//i, '').replace(/^arxiv:\s*/i, '').replace(/\.pdf$/i, '') : token;
      const id = arxivId(raw);
      // A bare number that is not a valid id (a year range, a page number) is just text; an explicit arXiv link is not.
      if (!id && kind === 'bare') continue;
      claim(start, end);
      found.push({ at: start, item: id ? { reference: { entry: label(token), arxivId: id, doi: null } } : { invalid: { entry: label(token), reason: `“${label(raw)}” is not a valid arXiv id` } } });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.item);
}

/** Plain text: identifiers anywhere, one or more a line; a non-empty line with none is reported. */
function parseText(text: string): ParsedReferences {
  const references: Reference[] = [];
  const unmatched: UnmatchedReference[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '' || /^\s*[#%]/.test(line)) continue; // blank lines and comments
    const found = scanText(line);
    if (found.length === 0) unmatched.push({ entry: label(line), reason: 'no arXiv id or DOI found in this line' });
    for (const f of found) {
      if (f.reference) references.push(f.reference);
      else if (f.invalid) unmatched.push(f.invalid);
    }
  }
  return { format: 'text', references, unmatched, errors: [] };
}

type Fields = Record<string, unknown>;

function text(fields: Fields, name: string): string | null {
  const v = fields[name];
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ').trim() || null;
  return null;
}

/** The arXiv id and DOI of one BibTeX entry, looking where reference managers put them. */
function entryIds(fields: Fields): { arxivId: string | null; doi: string | null; invalid: string | null } {
  let invalid: string | null = null;
  const tryId = (raw: string | null): string | null => {
    if (!raw) return null;
    const found = scanText(raw).find((f) => f.reference?.arxivId || f.invalid);
    if (found?.invalid && !invalid) invalid = found.invalid.reason;
    return found?.reference?.arxivId ?? arxivId(raw);
  };

  const doiField = text(fields, 'doi');
  const doi = doiField ? normalizeDoi(doiField) : null;
  const prefix = text(fields, 'archiveprefix') ?? text(fields, 'eprinttype');
  const eprint = text(fields, 'eprint');
  let id: string | null = null;
  if (eprint && (!prefix || /arxiv/i.test(prefix))) {
    id = arxivId(eprint.replace(/^arxiv:\s*/i, ''));
    if (!id) invalid = `eprint “${label(eprint)}” is not a valid arXiv id`;
  }
  id ??= tryId(text(fields, 'arxivid') ?? text(fields, 'arxiv') ?? text(fields, 'arxiv_id'));
  id ??= doi ? arxivIdFromDoi(doi) : null;
  id ??= tryId(text(fields, 'url'));
  // DBLP writes arXiv papers as journal = {CoRR}, volume = {abs/2303.03340}.
  const journal = text(fields, 'journal') ?? text(fields, 'journaltitle');
  const volume = text(fields, 'volume');
  if (!id && journal && /^corr$/i.test(journal) && volume) id = arxivId(volume.replace(/^abs\//i, ''));
  for (const name of ['journal', 'journaltitle', 'note', 'howpublished', 'booktitle', 'pubstate']) {
    if (id) break;
    const v = text(fields, name);
    if (v && /arxiv/i.test(v)) id = tryId(v);
  }
  // A DOI given only as a link.
  const url = text(fields, 'url');
  const doiFromUrl = !doi && url && /doi\.org\//i.test(url) ? normalizeDoi(url) : null;
  return { arxivId: id, doi: doi ?? doiFromUrl, invalid };
}

function entryLabel(e: Entry): string {
  // The parser marks up rich text (<i>, <span class="nocase">); a label is plain text.
  const title = text(e.fields as Fields, 'title')?.replace(/<\/?[a-z][^>]*>/gi, '');
  return label(title ? `${e.key || e.type} “${title}”` : e.key || `@${e.type} entry`);
}

/**
 * Entries of one BibTeX text that are read; the rest is reported. The parser's recovery from broken entries grows with
 * the square of their number (20,000 `@a{` took 2.3 s, 50,000 took 22 s), while a 1 MB bibliography holds ~2,000.
 */
export const BIBTEX_MAX_ENTRIES = 5_000;
const ENTRY_START = /@\s*[a-z]+\s*[{(]/gi;
/**
 * `@string` macros are not expanded: each may concatenate others (`@string{b = a # a}`), so 16 lines of 25 bytes
 * expanded to a 650 KB title and 2 GB of memory, and a few more would take the server down. Identifiers are never
 * macros in practice; a macro used in a title or journal stays as its name.
 */
const STRING_DEFINITION = /@(\s*)string(\s*[{(])/gi;
const UNRESOLVED_MACRO = /^Unresolved @string reference/;

/**
 * Measured here: the parser takes ~1 ms an entry (its LaTeX tokenizer dominates, raw mode included), so the largest
 * import (IMPORT_MAX_BYTES, ~2,000 entries with abstracts) costs ~2 s of CPU.
 */
function parseBibtexText(whole: string): ParsedReferences {
  let input = whole.replace(STRING_DEFINITION, '@$1comment$2');
  const tooMany: string[] = [];
  let entries = 0;
  for (const m of input.matchAll(ENTRY_START)) {
    if (++entries <= BIBTEX_MAX_ENTRIES) continue;
    input = input.slice(0, m.index);
    const n = BIBTEX_MAX_ENTRIES.toLocaleString('en-GB');
    tooMany.push(`Only the first ${n} entries were read (an import reads at most ${n}); import the rest separately.`);
    break;
  }
  let lib: ReturnType<typeof parseBibtex>;
  try {
    // `unsupported: 'ignore'`: an unknown TeX command in a title must not lose the entry; no sentence-casing either.
    lib = parseBibtex(input, { unsupported: 'ignore', english: false });
  } catch {
    // The LaTeX conversion failed on something; the raw fields still hold the identifiers.
    lib = parseBibtex(input, { raw: true });
  }
  const references: Reference[] = [];
  const unmatched: UnmatchedReference[] = [];
  for (const e of lib.entries) {
    const fields = e.fields as Fields;
    const entry = entryLabel(e);
    if (Object.keys(fields).length === 0) {
      unmatched.push({ entry, reason: 'this entry could not be read (see the BibTeX errors)' });
      continue;
    }
    const ids = entryIds(fields);
    if (ids.arxivId || ids.doi) references.push({ entry, arxivId: ids.arxivId, doi: ids.doi });
    else unmatched.push({ entry, reason: ids.invalid ?? 'no arXiv id or DOI (looked in eprint, arxivId, doi, url, journal and note)' });
  }
  const errors = [...lib.errors.filter((e) => !UNRESOLVED_MACRO.test(e.error)).map((e) => label(e.error)), ...tooMany];
  return { format: 'bibtex', references, unmatched, errors };
}

/**
 * Finds the references in pasted text or an uploaded file: BibTeX when it has `@type{` entries, else plain text with
 * arXiv ids (2501.01234v2, hep-th/9901001, arXiv:…, arxiv.org/abs|pdf/… URLs) and DOIs (10.48550/arXiv.… counts as
 * an arXiv id). Malformed BibTeX yields the entries that could be read plus `errors`.
 */
export function parseReferences(input: string): ParsedReferences {
  const text = input.replace(/^\uFEFF/, '');
  return LOOKS_LIKE_BIBTEX.test(text) ? parseBibtexText(text) : parseText(text);
}
