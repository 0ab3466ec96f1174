/**
 * Maps one JSON object from a file to a PaperInput. Three layouts are recognised:
 * - Paperboy's own (and the shared crawl format): `id, title, abstract, authors[], categories[], published, updated?,
 *   version?, comment, journal_ref, doi, code_url|github_url, project_url, feed_date?, submitted_by?, upvotes?`;
 * - the arXiv metadata snapshot (Kaggle "arxiv-metadata-oai-snapshot.json"): `id, submitter, authors (string),
 *   title, comments, journal-ref, doi, categories (space-separated), abstract, versions[{version, created}],
 *   update_date, authors_parsed[[last, first, suffix]]`.
 * Returns a reason string instead when the object cannot be a paper.
 */
import type { PaperInput } from '../domain/paper.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const MONTHS: Record<string, string> = {
  Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12',
};

/** `Mon, 2 Apr 2007 19:18:42 GMT` (the snapshot's version dates) -> `2007-04-02`. */
export function rfc2822ToIsoDate(s: string): string | null {
  const m = /(\d{1,2}) ([A-Z][a-z]{2}) (\d{4})/.exec(s);
  if (!m) return null;
  const month = MONTHS[m[2]!];
  return month ? `${m[3]}-${month}-${m[1]!.padStart(2, '0')}` : null;
}

/** Names from the snapshot's `authors_parsed` ([last, first, suffix]) in byline order. */
function namesFromParsed(parsed: unknown): string[] | null {
  if (!Array.isArray(parsed)) return null;
  const names: string[] = [];
  for (const p of parsed) {
    if (!Array.isArray(p)) return null;
    const [last, first, suffix] = p.map((x) => (typeof x === 'string' ? x.trim() : ''));
    names.push([first, last, suffix].filter((x) => x).join(' '));
  }
  return names;
}

/** Splits an author string such as `A. Smith, B. Jones and C. Lee` into names. */
export function splitAuthorString(s: string): string[] {
  return s
    .replace(/\s+/g, ' ')
    .split(/,\s*(?:and\s+)?|\s+and\s+/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

function isSnapshot(o: Json): boolean {
  return Array.isArray(o.versions) || 'authors_parsed' in o || 'update_date' in o;
}

function fromSnapshot(o: Json): PaperInput | string {
  const versions = Array.isArray(o.versions) ? (o.versions as Json[]) : [];
  const dates = versions.map((v) => rfc2822ToIsoDate(str(v?.created) ?? '')).filter((d): d is string => d !== null);
  const published = dates[0] ?? str(o.update_date);
  if (!published) return 'no version dates and no update_date';
  const lastVersion = str(versions.at(-1)?.version);
  const authors = namesFromParsed(o.authors_parsed) ?? splitAuthorString(str(o.authors) ?? '');
  const categories = (str(o.categories) ?? '').split(/\s+/).filter((c) => c !== '');
  return {
    id: str(o.id) ?? '',
    title: str(o.title) ?? '',
    abstract: str(o.abstract) ?? '',
    authors,
    categories,
    published,
    updated: dates.at(-1) ?? str(o.update_date),
    version: lastVersion ? Number(lastVersion.replace(/^v/, '')) || null : null,
    comment: str(o.comments),
    journalRef: str(o['journal-ref']),
    doi: str(o.doi),
    links: { abs: null, pdf: null, code: null, project: null },
    // The snapshot's `submitter` is the arXiv submitter's real name, not a Paperboy user who put the paper in the feed.
    feed: { date: published, submittedBy: null, upvotes: null },
  };
}

function fromPaperboy(o: Json): PaperInput | string {
  const authors = Array.isArray(o.authors) ? (o.authors as unknown[]) : typeof o.authors === 'string' ? splitAuthorString(o.authors) : null;
  if (!authors) return 'authors missing';
  let categories = Array.isArray(o.categories) ? (o.categories as unknown[]) : typeof o.categories === 'string' ? o.categories.split(/\s+/) : [];
  const primary = str(o.primary_category);
  if (primary && !categories.includes(primary)) categories = [primary, ...categories];
  else if (primary) categories = [primary, ...categories.filter((c) => c !== primary)];
  const published = str(o.published) ?? '';
  const feedDate = str(o.feed_date) ?? published;
  return {
    id: str(o.id) ?? (typeof o.id === 'number' ? String(o.id) : ''),
    title: str(o.title) ?? '',
    abstract: str(o.abstract) ?? str(o.summary) ?? '',
    authors: authors as string[],
    categories: categories as string[],
    published,
    updated: str(o.updated),
    version: num(o.version),
    comment: str(o.comment),
    journalRef: str(o.journal_ref),
    doi: str(o.doi),
    links: { abs: str(o.abs_url), pdf: str(o.pdf_url), code: str(o.code_url) ?? str(o.github_url), project: str(o.project_url) },
    feed: { date: feedDate, submittedBy: str(o.submitted_by), upvotes: num(o.upvotes) },
  };
}

/** Maps a parsed JSON value to a paper, or returns why it cannot be one. Validation proper happens in the importer. */
export function mapRecord(value: unknown): PaperInput | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const o = value as Json;
  if (o.id === undefined || o.id === null || o.id === '') return 'missing id';
  if (typeof o.title !== 'string' || o.title.trim() === '') return 'missing title';
  return isSnapshot(o) ? fromSnapshot(o) : fromPaperboy(o);
}
