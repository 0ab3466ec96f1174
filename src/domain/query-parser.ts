/**
 * Search query language, parsed into a structure (pure; no SQL here):
 *   words            all must match (stemmed); the last bare word also matches as a prefix, for search-as-you-type
 *   "a phrase"       words in this order
 *   -word, -"phrase" must not match
 *   author:hinton, author:"geoffrey hinton"   in the author list
 *   cat:cs.LG        in that category (any of the paper's categories)
 *   year:2024, year:2020-2024, year:2020..2024, from:2025-01-01, to:2025-06-30   by first-published date
 * Anything else that looks like syntax (`*`, `NEAR`, `AND`, brackets, `^`, `:`) is plain text: every word reaches the
 * index quoted, so no input can inject index syntax.
 */
import { isIsoDate } from './paper.js';

export interface ParsedQuery {
  /** Words that must all match. */
  terms: string[];
  /** Whether the last term is also matched as a prefix. */
  prefixLast: boolean;
  phrases: string[][];
  excluded: string[][];
  authors: string[][];
  categories: string[];
  /** Categories excluded with `-cat:X`. */
  excludedCategories: string[];
  /** Inclusive YYYY-MM-DD bounds on the first-published date. */
  from: string | null;
  to: string | null;
}

export type QueryParse = { ok: true; query: ParsedQuery } | { ok: false; reason: string };

export const MAX_QUERY_CHARS = 1_000;
export const MAX_QUERY_PARTS = 32;

/** Splits text into words as FTS5's unicode61 sees them: letters and digits (any script), lower-cased, without diacritics. */
export function indexWords(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The words of a part of a query (at most MAX_QUERY_PARTS). */
export function words(text: string): string[] {
  return indexWords(text).slice(0, MAX_QUERY_PARTS);
}

const FIELD_NAME = /^(author|au|cat|category|year|from|to)$/i;
const CATEGORY = /^[A-Za-z][A-Za-z-]*(\.[A-Za-z-]+)?$/;

interface Token {
  text: string;
  quoted: boolean;
  negated: boolean;
  field: string | null;
}

/** Splits on whitespace outside quotes; an unbalanced quote runs to the end. */
function tokenize(q: string): Token[] {
  const out: Token[] = [];
  const re = /(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
  for (const m of q.matchAll(re)) {
    const [, neg, field, quoted, bare] = m;
    const fieldName = field && FIELD_NAME.test(field) ? field.toLowerCase() : null;
    if (field && !fieldName) {
      // `foo:bar` is not a field: treat the whole thing as text.
      out.push({ text: `${field}:${quoted ?? bare ?? ''}`, quoted: quoted !== undefined, negated: neg === '-', field: null });
      continue;
    }
    out.push({ text: quoted ?? bare ?? '', quoted: quoted !== undefined, negated: neg === '-', field: fieldName });
  }
  return out;
}

/** The words of the query's text (not its fields, not its exclusions), in the order typed. */
export function textWords(raw: string): string[] {
  return tokenize(raw)
    .filter((t) => !t.field && !t.negated)
    .flatMap((t) => indexWords(t.text));
}

function yearRange(v: string): { from: string; to: string } | null {
  const m = /^(\d{4})(?:\s*(?:-|\.\.)\s*(\d{4}))?$/.exec(v.trim());
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (a < 1900 || b > 2999 || b < a) return null;
  return { from: `${a}-01-01`, to: `${b}-12-31` };
}

/** Parses a query; the reason says what to fix when it cannot be run. */
export function parseQuery(raw: string): QueryParse {
  if (typeof raw !== 'string') return { ok: false, reason: 'the query must be text' };
  if (raw.length > MAX_QUERY_CHARS) return { ok: false, reason: `the query is too long (${raw.length} characters; at most ${MAX_QUERY_CHARS})` };
  const q: ParsedQuery = { terms: [], prefixLast: false, phrases: [], excluded: [], authors: [], categories: [], excludedCategories: [], from: null, to: null };
  const tokens = tokenize(raw.replace(/[\u201c\u201d\u201e]/g, '"'));
  if (tokens.length > MAX_QUERY_PARTS * 2) return { ok: false, reason: `the query has too many parts (at most ${MAX_QUERY_PARTS * 2})` };
  let lastBare = false;
  for (const t of tokens) {
    lastBare = false;
    if (t.field === 'author' || t.field === 'au') {
      const w = words(t.text);
      if (w.length) (t.negated ? q.excluded : q.authors).push(w);
      continue;
    }
    if (t.field === 'cat' || t.field === 'category') {
      if (!CATEGORY.test(t.text)) return { ok: false, reason: `"${t.text.slice(0, 40)}" is not a category (expected e.g. cat:cs.LG)` };
      (t.negated ? q.excludedCategories : q.categories).push(t.text);
      continue;
    }
    if (t.negated && (t.field === 'year' || t.field === 'from' || t.field === 'to')) {
      return { ok: false, reason: `-${t.field}: cannot exclude dates; use year:, from: and to: to say which dates to keep` };
    }
    if (t.field === 'year') {
      const r = yearRange(t.text);
      if (!r) return { ok: false, reason: `"${t.text.slice(0, 40)}" is not a year or range (expected e.g. year:2024 or year:2020-2024)` };
      q.from = q.from && q.from > r.from ? q.from : r.from;
      q.to = q.to && q.to < r.to ? q.to : r.to;
      continue;
    }
    if (t.field === 'from' || t.field === 'to') {
      const shown = t.text.slice(0, 40);
      if (!isIsoDate(t.text)) return { ok: false, reason: `"${shown}" is not a date (expected ${t.field}:YYYY-MM-DD)` };
      if (t.field === 'from') q.from = q.from && q.from > t.text ? q.from : t.text;
      else q.to = q.to && q.to < t.text ? q.to : t.text;
      continue;
    }
    const w = words(t.text);
    if (w.length === 0) continue;
    if (t.negated) q.excluded.push(w);
    else if (t.quoted || w.length > 1) q.phrases.push(w);
    else {
      q.terms.push(w[0]!);
      lastBare = true;
    }
  }
  // Prefix matching only for a bare word still being typed (no trailing space).
  q.prefixLast = lastBare && !/\s$/.test(raw) && (q.terms.at(-1)?.length ?? 0) >= 2;
  if (q.from && q.to && q.from > q.to) return { ok: false, reason: `the date range is empty (from ${q.from} to ${q.to})` };
  const parts = q.terms.length + q.phrases.length + q.excluded.length + q.authors.length + q.categories.length;
  if (parts > MAX_QUERY_PARTS) return { ok: false, reason: `the query has too many parts (at most ${MAX_QUERY_PARTS})` };
  const positive = q.terms.length + q.phrases.length + q.authors.length + q.categories.length + (q.from || q.to ? 1 : 0);
  if (positive === 0 && (q.excluded.length || q.excludedCategories.length)) return { ok: false, reason: 'type some words to search for (exclusions alone match nothing)' };
  if (positive === 0) return { ok: false, reason: 'type some words to search for' };
  return { ok: true, query: q };
}

/** True when the query has words for the text index (not only filters). */
export function hasText(q: ParsedQuery): boolean {
  return q.terms.length + q.phrases.length + q.authors.length > 0;
}
