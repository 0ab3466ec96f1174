/**
 * The arXiv export API (Atom) as a paper source: id lists, search queries and category listings, paged with
 * `start`/`max_results`. API manual: https://info.arxiv.org/help/api/user-manual.html
 * Parses both the current (2026) Atom layout and the older one (namespaces declared per element, wrapped summaries).
 */
import { parsePaperId } from '../domain/arxiv-id.js';
import type { PaperInput } from '../domain/paper.js';
import { HttpError, PoliteHttpClient } from './http-client.js';
import type { PaperSource, SourceItem } from './source.js';
import { type XmlNode, asArray, attr, collapse, optional, text, xmlParser as parser } from './xml.js';

export const ARXIV_API_URL = 'https://export.arxiv.org/api/query';
/** The API manual caps one response at 2,000 entries ("max_results ... in slices of at most 2000"). */
export const ARXIV_API_MAX_PAGE_SIZE = 2_000;
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_ID_BATCH_SIZE = 100;
export const DEFAULT_MAX_RESULTS = 100;

export type ArxivSortBy = 'relevance' | 'lastUpdatedDate' | 'submittedDate';
export type ArxivSortOrder = 'ascending' | 'descending';

/** What to ask the API for. */
export type ArxivApiQuery =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'search'; query: string }
  | { kind: 'category'; category: string };

export interface ArxivApiSourceOptions {
  query: ArxivApiQuery;
  /** Default `https://export.arxiv.org/api/query`. */
  baseUrl?: string;
  /** Search/category: stop after this many entries (default 100). Ids: ignored, every id is asked for. */
  maxResults?: number;
  /** Search/category: offset of the first entry (default 0). */
  start?: number;
  /** Entries per request (`max_results`), 1..2000, default 100. */
  pageSize?: number;
  /** Ids per request (`id_list`), default 100: keeps URLs short. */
  idBatchSize?: number;
  /** Default `relevance` (ids, search) or `submittedDate` (category). */
  sortBy?: ArxivSortBy;
  /** Default `descending`. */
  sortOrder?: ArxivSortOrder;
  /** `'published'`: each paper enters the daily feed on its published date. Default null (no feed entry). */
  feedDate?: 'published' | null;
  /** Share one client between sources that talk to arXiv, so the 3-second spacing holds across them. */
  http?: PoliteHttpClient;
  /** arXiv sometimes answers an empty page in the middle of a result set; ask again this many times (default 2). */
  emptyPageRetries?: number;
}

/** The API answered with its error feed (an entry titled "Error"), e.g. for a malformed id. */
export class ArxivApiError extends Error {
  override readonly name = 'ArxivApiError';
  constructor(readonly url: string, readonly apiMessage: string, readonly status: number) {
    super(
      `arXiv API rejected ${url} (HTTP ${status}): "${apiMessage}". Check the ids or the query syntax ` +
        `(https://info.arxiv.org/help/api/user-manual.html); retrying the same request will not help.`,
    );
  }
}

/** One parsed API response. */
export interface AtomPage {
  /** `opensearch:totalResults`, or null when absent. */
  totalResults: number | null;
  startIndex: number | null;
  /** Papers and unreadable entries, in feed order. */
  items: SourceItem[];
  /** The error feed's message when the response is an API error, else null. */
  error: string | null;
}

/** `2017-07-27T08:18:33Z` -> `2017-07-27` (the date as arXiv wrote it, in UTC). */
function dateOnly(node: unknown): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T|$)/.exec(text(node).trim());
  return m ? m[1]! : null;
}

function toInt(node: unknown): number | null {
  const s = text(node).trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

function parseEntry(entry: XmlNode, feedDate: 'published' | null): PaperInput | string {
  const idUrl = text(entry.id).trim();
  const parsed = parsePaperId(idUrl);
  if (!parsed || parsed.kind === 'namespaced') return `entry id ${JSON.stringify(idUrl.slice(0, 100))} is not an arXiv paper URL`;
  const title = collapse(text(entry.title));
  if (title === '') return `${parsed.id}: missing title`;
  const published = dateOnly(entry.published);
  if (!published) return `${parsed.id}: missing or malformed published date ${JSON.stringify(text(entry.published))}`;
  const authors = asArray(entry.author as XmlNode | XmlNode[]).map((a) => collapse(text(a?.name))).filter((a) => a !== '');
  const primary = attr(entry.primary_category, 'term');
  const others = asArray(entry.category).map((c) => attr(c, 'term')).filter((c): c is string => !!c);
  const categories = [...new Set([...(primary ? [primary] : []), ...others])];
  const links = asArray(entry.link);
  const abs = links.find((l) => attr(l, 'rel') === 'alternate');
  const pdf = links.find((l) => attr(l, 'title') === 'pdf' || attr(l, 'type') === 'application/pdf');
  return {
    id: parsed.id,
    title,
    abstract: collapse(text(entry.summary)),
    authors,
    categories,
    published,
    updated: dateOnly(entry.updated),
    version: parsed.version,
    comment: optional(entry.comment),
    journalRef: optional(entry.journal_ref),
    doi: optional(entry.doi),
    links: { abs: attr(abs, 'href'), pdf: attr(pdf, 'href'), code: null, project: null },
    feed: feedDate === 'published' ? { date: published, submittedBy: null, upvotes: null } : null,
  };
}

/** The error feed's single entry: titled "Error", id under `/api/errors`, the message in its summary. */
function errorMessage(entries: XmlNode[]): string | null {
  const e = entries.find((x) => /\/api\/errors/.test(text(x.id)) || (text(x.title).trim() === 'Error' && !parsePaperId(text(x.id))));
  return e ? collapse(text(e.summary)) || 'unspecified error' : null;
}

/**
 * Parses one arXiv API Atom response (2026 or legacy layout). `where` names the response (its URL); each unreadable
 * entry becomes `{kind: 'rejected', where: '<where> entry N'}` with N counted from 1. Throws when the text is not
 * an Atom feed at all.
 */
export function parseArxivAtom(xml: string, where: string, options: { feedDate?: 'published' | null } = {}): AtomPage {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (err) {
    throw new Error(`${where}: the response is not well-formed XML (${err instanceof Error ? err.message : String(err)})`);
  }
  const feed = doc.feed as XmlNode | undefined;
  if (!feed || typeof feed !== 'object') throw new Error(`${where}: the response is not an Atom feed (no <feed> element)`);
  const entries = asArray(feed.entry as XmlNode | XmlNode[]).filter((e) => e && typeof e === 'object');
  const error = errorMessage(entries);
  const base = { totalResults: toInt(feed.totalResults), startIndex: toInt(feed.startIndex) };
  if (error !== null) return { ...base, items: [], error };
  const items = entries.map((entry, i): SourceItem => {
    const at = `${where} entry ${i + 1}`;
    const result = parseEntry(entry, options.feedDate ?? null);
    return typeof result === 'string' ? { kind: 'rejected', where: at, reason: result } : { kind: 'paper', paper: result, where: at };
  });
  return { ...base, items, error: null };
}

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`ArxivApiSource: ${name} must be an integer in 1..${max} (got ${v})`);
  return v;
}

/**
 * A PaperSource over the arXiv export API. Ids are sent as given: arXiv rejects a whole request when one id is
 * malformed (the thrown ArxivApiError names it), so validate untrusted lists with parsePaperId first.
 */
export class ArxivApiSource implements PaperSource {
  readonly description: string;
  private readonly baseUrl: string;
  private readonly http: PoliteHttpClient;
  private readonly pageSize: number;
  private readonly idBatchSize: number;
  private readonly maxResults: number;
  private readonly start: number;
  private readonly sortBy: ArxivSortBy;
  private readonly sortOrder: ArxivSortOrder;
  private readonly feedDate: 'published' | null;
  private readonly emptyPageRetries: number;
  private seen = 0;
  private expected: number | null = null;

  constructor(private readonly options: ArxivApiSourceOptions) {
    const q = options.query;
    this.baseUrl = options.baseUrl ?? ARXIV_API_URL;
    this.http = options.http ?? new PoliteHttpClient();
    this.pageSize = positiveInt('pageSize', options.pageSize ?? DEFAULT_PAGE_SIZE, ARXIV_API_MAX_PAGE_SIZE);
    this.idBatchSize = positiveInt('idBatchSize', options.idBatchSize ?? DEFAULT_ID_BATCH_SIZE);
    this.maxResults = positiveInt('maxResults', options.maxResults ?? DEFAULT_MAX_RESULTS);
    this.start = options.start ?? 0;
    if (!Number.isInteger(this.start) || this.start < 0) throw new RangeError(`ArxivApiSource: start must be an integer >= 0 (got ${this.start})`);
    this.sortBy = options.sortBy ?? (q.kind === 'category' ? 'submittedDate' : 'relevance');
    this.sortOrder = options.sortOrder ?? 'descending';
    this.feedDate = options.feedDate ?? null;
    this.emptyPageRetries = options.emptyPageRetries ?? 2;
    if (q.kind === 'ids') {
      const shown = q.ids.slice(0, 5).join(',') + (q.ids.length > 5 ? `,... (${q.ids.length} ids)` : '');
      this.description = `arxiv-api id_list=${shown}`;
      this.expected = q.ids.length;
    } else if (q.kind === 'search') {
      if (q.query.trim() === '') throw new RangeError('ArxivApiSource: the search query is empty');
      this.description = `arxiv-api search_query=${q.query}`;
    } else {
      if (!/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(q.category)) throw new RangeError(`ArxivApiSource: invalid category ${JSON.stringify(q.category)} (expected e.g. cs.LG)`);
      this.description = `arxiv-api cat:${q.category}`;
    }
  }

  /** Records expected: the id count, or for queries min(maxResults, totalResults - start) once the first page is in. */
  get size(): { unit: 'records'; total: number } | undefined {
    return this.expected === null ? undefined : { unit: 'records', total: this.expected };
  }

  /** Entries read so far (papers and rejected ones). */
  progress(): number {
    return this.seen;
  }

  async *items(): AsyncIterable<SourceItem> {
    const q = this.options.query;
    const sort = { sortBy: this.sortBy, sortOrder: this.sortOrder };
    if (q.kind === 'ids') {
      const ids = q.ids.map((id) => id.trim()).filter((id) => id !== '');
      for (let i = 0; i < ids.length; i += this.idBatchSize) {
        const batch = ids.slice(i, i + this.idBatchSize);
        // At most one entry per id comes back; max_results stays at pageSize (as arxiv.py sends it) so that
        // identical batches make identical, cacheable URLs.
        yield* this.pages({ id_list: batch.join(','), ...sort }, 0, batch.length, true);
      }
      return;
    }
    const search = q.kind === 'search' ? q.query : `cat:${q.category}`;
    yield* this.pages({ search_query: search, ...sort }, this.start, this.maxResults);
  }

  /**
   * Pages through one query from `start` until `max` entries were read or `totalResults` is reached. Each request asks
   * for pageSize entries, or (unless `fullPages`) only the remainder on the last page.
   */
  private async *pages(params: Record<string, string>, start: number, max: number, fullPages = false): AsyncIterable<SourceItem> {
    let offset = start;
    let read = 0;
    let emptyRetries = 0;
    while (read < max) {
      const url = new URL(this.baseUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      url.searchParams.set('start', String(offset));
      url.searchParams.set('max_results', String(fullPages ? this.pageSize : Math.min(this.pageSize, max - read)));
      const page = await this.fetchPage(url.toString());
      const total = page.totalResults;
      if (this.options.query.kind !== 'ids' && total !== null && offset === start) this.expected = Math.max(0, Math.min(max, total - start));
      if (page.items.length === 0) {
        if (total === null || offset >= total) return;
        // Known arXiv quirk: an empty page although totalResults says there is more. Asking again usually works.
        if (emptyRetries < this.emptyPageRetries) {
          emptyRetries += 1;
          continue;
        }
        const reason = `arXiv returned no entries at start=${offset} although totalResults=${total}; stopped paging (run again later to get the rest)`;
        yield { kind: 'rejected', where: url.toString(), reason };
        return;
      }
      emptyRetries = 0;
      for (const item of page.items) {
        this.seen += 1;
        yield item;
      }
      read += page.items.length;
      offset += page.items.length;
      if (total !== null && offset >= total) return;
    }
  }

  /** GETs one page; turns the API's error feed (HTTP 400, or 200 on older deployments) into an ArxivApiError. */
  private async fetchPage(url: string): Promise<AtomPage> {
    let body: string;
    let status: number;
    try {
      ({ body, status } = await this.http.getText(url));
    } catch (err) {
      if (!(err instanceof HttpError) || err.body === null || err.status === null) throw err;
      let page: AtomPage | null = null;
      try {
        page = parseArxivAtom(err.body, url);
      } catch {
        // Not an Atom error feed (e.g. an HTML error page): the HttpError says more.
      }
      if (page?.error != null) throw new ArxivApiError(url, page.error, err.status);
      throw err;
    }
    const page = parseArxivAtom(body, url, { feedDate: this.feedDate });
    if (page.error !== null) throw new ArxivApiError(url, page.error, status);
    return page;
  }
}
