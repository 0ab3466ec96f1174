/**
 * The paper record every source produces (arXiv API, OAI-PMH, JSONL files, submissions) and the rules that
 * decide whether one is acceptable. Pure: no I/O.
 */
import { parsePaperId } from './arxiv-id.js';

export interface PaperLinks {
  abs: string | null;
  pdf: string | null;
  code: string | null;
  project: string | null;
}

/** What the feed knows about a paper: the day it entered the daily feed, who submitted it, imported upvotes. */
export interface FeedInput {
  /** YYYY-MM-DD */
  date: string;
  submittedBy: string | null;
  /** Upvotes carried over from another listing (e.g. a Hugging Face Daily Papers page); null when unknown. */
  upvotes: number | null;
}

export interface PaperInput {
  /** Canonical id, never with a version suffix. */
  id: string;
  title: string;
  abstract: string;
  /** Author names in byline order. */
  authors: string[];
  /** Categories, primary first. */
  categories: string[];
  /** Date of the first version, YYYY-MM-DD. */
  published: string;
  /** Date of the latest version, YYYY-MM-DD, when known. */
  updated: string | null;
  /** Latest version number, when known. */
  version: number | null;
  comment: string | null;
  journalRef: string | null;
  doi: string | null;
  links: PaperLinks;
  /** When present, the paper enters the daily feed on that day. Sources without a notion of a feed day leave it out. */
  feed: FeedInput | null;
}

/** Limits that keep one absurd record from bloating the store. arXiv caps abstracts at 1,920 characters; we allow slack. */
export const MAX_TITLE_CHARS = 1_000;
export const MAX_ABSTRACT_CHARS = 20_000;
export const MAX_AUTHORS = 5_000; // some collaborations list ~3,000 authors
export const MAX_AUTHOR_NAME_CHARS = 1_000; // real records hold whole unsplit bylines (~700 chars)
export const MAX_CATEGORIES = 100; // real records list 30+ class codes
export const MAX_COMMENT_CHARS = 2_000;
export const MAX_URL_CHARS = 2_000;
/** Dates before this are typos (old papers that are not on arXiv still fit: the period pages start at 1900). */
export const EARLIEST_DATE = '1900-01-01';
/** A date further ahead than this is a typo; it would otherwise become "the latest day" on the home page. */
export const MAX_FUTURE_DAYS = 7;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** arXiv categories (`cs.LG`), and the MSC/ACM class codes some records list beside them (`68T45`, `I.4.0`). */
const CATEGORY = /^[^\x00-\x1f\x7f]{1,80}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Anything `collapse` would change: a control character or whitespace other than a plain space (JavaScript's \s
 * written out, so one character class does the test — measured fastest over the 87k corpus).
 */
const UNTIDY = /[\0-\x1f\x7f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
/** Control characters other than whitespace: invisible, and PostgreSQL refuses NUL in text. */
const CONTROL = /[\0-\x08\x0e-\x1f\x7f]/g;

/**
 * Removes control characters, collapses runs of whitespace to one space and trims. Most text is already tidy;
 * testing first skips the copies (`includes` finds a double space fastest).
 */
function collapse(s: string): string {
  if (!s.includes('  ') && !UNTIDY.test(s)) return s.trim();
  return s.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

function cleanUrl(u: string | null | undefined): string | null {
  if (u == null || u === '') return null;
  if (typeof u !== 'string' || u.length > MAX_URL_CHARS) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Default arXiv links for an arXiv paper id. */
export function arxivLinks(id: string): Pick<PaperLinks, 'abs' | 'pdf'> {
  return { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}` };
}

/**
 * Checks and normalises a paper record: whitespace collapsed, id canonical, dates real, sizes sane.
 * Returns the reason when the record cannot be accepted, so importers can report it and move on.
 */
export function validatePaper(p: PaperInput, nowMs: number = Date.now()): Validation<PaperInput> {
  const latest = new Date(nowMs + MAX_FUTURE_DAYS * 86_400_000).toISOString().slice(0, 10);
  const dateProblem = (name: string, d: string): string | null => {
    if (!isIsoDate(d)) return `invalid ${name} date ${JSON.stringify(d)}`;
    if (d < EARLIEST_DATE) return `${name} date ${JSON.stringify(d)} is before ${EARLIEST_DATE.slice(0, 4)}`;
    if (d > latest) return `${name} date ${JSON.stringify(d)} is in the future`;
    return null;
  };
  const parsed = typeof p.id === 'string' ? parsePaperId(p.id) : null;
  if (!p.id) return { ok: false, reason: 'missing id' };
  if (!parsed) return { ok: false, reason: `invalid id ${JSON.stringify(String(p.id).slice(0, 60))}` };
  if (typeof p.title !== 'string' || collapse(p.title) === '') return { ok: false, reason: 'missing title' };
  if (p.title.length > MAX_TITLE_CHARS) return { ok: false, reason: `title too long (${p.title.length} characters, limit ${MAX_TITLE_CHARS})` };
  if (typeof p.abstract !== 'string') return { ok: false, reason: 'missing abstract' };
  if (p.abstract.length > MAX_ABSTRACT_CHARS) {
    return { ok: false, reason: `abstract too long (${p.abstract.length} characters, limit ${MAX_ABSTRACT_CHARS})` };
  }
  if (!Array.isArray(p.authors) || p.authors.some((a) => typeof a !== 'string')) return { ok: false, reason: 'authors must be a list of names' };
  if (p.authors.length > MAX_AUTHORS) return { ok: false, reason: `too many authors (${p.authors.length}, limit ${MAX_AUTHORS})` };
  const authors = p.authors.map(collapse).filter((a) => a !== '');
  if (authors.some((a) => a.length > MAX_AUTHOR_NAME_CHARS)) return { ok: false, reason: `author name longer than ${MAX_AUTHOR_NAME_CHARS} characters` };
  if (!Array.isArray(p.categories) || p.categories.some((c) => typeof c !== 'string')) return { ok: false, reason: 'categories must be a list' };
  // Some records pack several class codes into one entry ("94A29, 94A08"); split them.
  const categories = [...new Set(p.categories.flatMap((c) => c.split(/[,;]/)).map(collapse).filter((c) => c !== ''))];
  if (categories.length > MAX_CATEGORIES) return { ok: false, reason: `too many categories (${categories.length})` };
  const badCat = categories.find((c) => !CATEGORY.test(c));
  if (badCat !== undefined) return { ok: false, reason: `invalid category ${JSON.stringify(badCat.slice(0, 60))}` };
  const publishedProblem = dateProblem('published', p.published);
  if (publishedProblem) return { ok: false, reason: publishedProblem };
  const updatedProblem = p.updated === null ? null : dateProblem('updated', p.updated);
  if (updatedProblem) return { ok: false, reason: updatedProblem };
  const version = p.version ?? parsed.version;
  if (version !== null && (!Number.isInteger(version) || version < 1 || version > 1000)) return { ok: false, reason: `invalid version ${version}` };
  for (const [name, v] of [['comment', p.comment], ['journal reference', p.journalRef], ['doi', p.doi]] as const) {
    if (v !== null && typeof v !== 'string') return { ok: false, reason: `${name} must be text` };
    if (v !== null && v.length > MAX_COMMENT_CHARS) return { ok: false, reason: `${name} too long` };
  }
  let feed: FeedInput | null = null;
  if (p.feed) {
    const feedProblem = dateProblem('feed', p.feed.date);
    if (feedProblem) return { ok: false, reason: feedProblem };
    const up = p.feed.upvotes;
    if (up !== null && (!Number.isInteger(up) || up < 0 || up > 10_000_000)) return { ok: false, reason: `invalid upvotes ${up}` };
    const by = p.feed.submittedBy === null ? null : collapse(String(p.feed.submittedBy)).slice(0, 100) || null;
    feed = { date: p.feed.date, submittedBy: by, upvotes: up };
  }
  const isArxiv = parsed.kind !== 'namespaced';
  const defaults = isArxiv ? arxivLinks(parsed.id) : { abs: null, pdf: null };
  const empty = (s: string | null) => (s === null || collapse(s) === '' ? null : collapse(s));
  return {
    ok: true,
    value: {
      id: parsed.id,
      title: collapse(p.title),
      abstract: collapse(p.abstract),
      authors,
      categories,
      published: p.published,
      updated: p.updated,
      version,
      comment: empty(p.comment),
      journalRef: empty(p.journalRef),
      doi: empty(p.doi),
      links: {
        // arXiv papers always link to the unversioned arXiv pages (the latest version); sources often give versioned ones.
        abs: defaults.abs ?? cleanUrl(p.links?.abs),
        pdf: defaults.pdf ?? cleanUrl(p.links?.pdf),
        code: cleanUrl(p.links?.code),
        project: cleanUrl(p.links?.project),
      },
      feed,
    },
  };
}
