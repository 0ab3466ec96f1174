/**
 * arXiv's OAI-PMH interface as a paper source: `ListRecords` in the `arXivRaw` (default) or `arXiv` metadata format,
 * following resumption tokens until the list is exhausted. Protocol: https://www.openarchives.org/OAI/openarchivesprotocol.html
 * arXiv's notes: https://info.arxiv.org/help/oa/index.html. arXiv answers OAI errors with HTTP 200 and an <error> element,
 * and uses HTTP 503 + Retry-After for flow control, which the PoliteHttpClient honours.
 */
import { parsePaperId } from '../domain/arxiv-id.js';
import { arxivLinks, isIsoDate, type PaperInput } from '../domain/paper.js';
import { HttpError, PoliteHttpClient } from './http-client.js';
import type { PaperSource, SourceItem } from './source.js';
import { type XmlNode, asArray, attr, collapse, optional, text, xmlParser as parser } from './xml.js';

export const ARXIV_OAI_URL = 'https://oaipmh.arxiv.org/oai';
export type OaiMetadataPrefix = 'arXivRaw' | 'arXiv';

export interface OaiPmhSourceOptions {
  /** Default `https://oaipmh.arxiv.org/oai`. */
  baseUrl?: string;
  /** Default `arXivRaw` (has every version's date); `arXiv` has structured author names but no version list. */
  metadataPrefix?: OaiMetadataPrefix;
  /** Records changed on or after this day, YYYY-MM-DD (arXiv's granularity is a day). */
  from?: string;
  /** Records changed on or before this day, YYYY-MM-DD. */
  until?: string;
  /** A set spec such as `cs` or `physics:hep-th`. */
  set?: string;
  /** Share one client between sources that talk to arXiv, so the request spacing holds across them. */
  http?: PoliteHttpClient;
}

/** An OAI-PMH error answer (other than noRecordsMatch, which simply means an empty list). */
export class OaiPmhError extends Error {
  override readonly name = 'OaiPmhError';
  constructor(readonly url: string, readonly code: string, readonly oaiMessage: string) {
    super(`arXiv OAI-PMH answered ${code} for ${url}: "${oaiMessage}". ${OAI_ADVICE[code] ?? 'Check the request parameters.'}`);
  }
}

const OAI_ADVICE: Record<string, string> = {
  badArgument: 'Check from/until (YYYY-MM-DD, from <= until), set and metadataPrefix.',
  badResumptionToken: 'The resumption token expired or is invalid; start the harvest again from its from date.',
  badVerb: 'The verb is not an OAI-PMH verb; this is a bug in the caller.',
  idDoesNotExist: 'Check the arXiv id; the paper may not exist or may not be public yet.',
  cannotDisseminateFormat: 'Use metadataPrefix arXivRaw or arXiv.',
  noSetHierarchy: 'Leave out the set option.',
};

/** One parsed OAI-PMH response. */
export interface OaiPage {
  /** Papers and unreadable records, in response order; deleted records are left out. */
  items: SourceItem[];
  /** Records marked deleted in their header (skipped). */
  deleted: number;
  /** The token for the next page; null when the list is complete (absent or empty token). */
  resumptionToken: string | null;
  completeListSize: number | null;
  /** The OAI error, when the response is one (including noRecordsMatch). */
  error: { code: string; message: string } | null;
}

/** `Tue, 3 Apr 2007 22:04:11 GMT` (arXivRaw) or `2007-04-03` (arXiv) -> `2007-04-03` in UTC. */
function toIsoDate(s: string): string | null {
  const t = s.trim();
  if (isIsoDate(t)) return t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** arXivRaw's `<doi>` may hold several DOIs separated by spaces (paper, then errata); the first is the paper's. */
function firstDoi(node: unknown): string | null {
  return optional(node)?.split(' ')[0] ?? null;
}

const NAME_SUFFIX = /^(Jr\.?|Sr\.?|II|III|IV)$/;

/**
 * Splits an arXivRaw author string into names: `A. One, B. Two, and C. Three` -> three names. Commas and the word
 * `and` separate names; parenthesised affiliations are dropped first (they may contain commas), and a trailing
 * `Jr.`-style piece is joined to the name before it.
 */
export function splitAuthors(raw: string): string[] {
  let s = raw;
  // Remove (possibly nested) parentheses innermost first.
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\([^()]*\)/g, ' ');
  }
  const pieces = collapse(s)
    .split(/\s*,\s*|\s+and\s+|^and\s+/)
    .map((p) => p.replace(/^and\s+/, '').trim())
    .filter((p) => p !== '');
  const names: string[] = [];
  for (const p of pieces) {
    if (NAME_SUFFIX.test(p) && names.length > 0) names[names.length - 1] += `, ${p}`;
    else names.push(p);
  }
  return names;
}

function fromArxivRaw(m: XmlNode): PaperInput | string {
  const parsed = parsePaperId(text(m.id).trim());
  if (!parsed) return `invalid arXiv id ${JSON.stringify(text(m.id).slice(0, 60))}`;
  const versions = asArray(m.version as XmlNode | XmlNode[])
    .map((v) => ({ n: Number(/^v(\d+)$/.exec(attr(v, 'version') ?? '')?.[1] ?? NaN), date: toIsoDate(text(v.date)) }))
    .filter((v) => Number.isInteger(v.n))
    .sort((a, b) => a.n - b.n);
  const first = versions[0];
  const last = versions[versions.length - 1];
  if (!first?.date || !last) return `${parsed.id}: no readable v1 date in the version list`;
  return finish(m, parsed.id, {
    authors: splitAuthors(text(m.authors)),
    published: first.date,
    updated: last.date,
    version: last.n,
  });
}

function fromArxiv(m: XmlNode): PaperInput | string {
  const parsed = parsePaperId(text(m.id).trim());
  if (!parsed) return `invalid arXiv id ${JSON.stringify(text(m.id).slice(0, 60))}`;
  const published = toIsoDate(text(m.created));
  if (!published) return `${parsed.id}: missing or malformed created date`;
  const authors = asArray((m.authors as XmlNode | undefined)?.author as XmlNode | XmlNode[])
    .map((a) => {
      const name = collapse(`${text(a.forenames)} ${text(a.keyname)}`);
      const suffix = collapse(text(a.suffix));
      return suffix ? `${name} ${suffix}` : name;
    })
    .filter((a) => a !== '');
  // The arXiv format carries no version list: `updated` is the latest version's date when there is more than one.
  return finish(m, parsed.id, { authors, published, updated: toIsoDate(text(m.updated)) ?? published, version: null });
}

function finish(m: XmlNode, id: string, rest: Pick<PaperInput, 'authors' | 'published' | 'updated' | 'version'>): PaperInput | string {
  const title = collapse(text(m.title));
  if (title === '') return `${id}: missing title`;
  return {
    id,
    title,
    abstract: collapse(text(m.abstract)),
    ...rest,
    categories: [...new Set(collapse(text(m.categories)).split(' ').filter((c) => c !== ''))],
    comment: optional(m.comments),
    journalRef: optional(m['journal-ref']),
    doi: firstDoi(m.doi),
    links: { ...arxivLinks(id), code: null, project: null },
    feed: null,
  };
}

/**
 * Parses one OAI-PMH response (ListRecords or GetRecord; arXivRaw or arXiv metadata). `where` names the response
 * (its URL); an unreadable record becomes `{kind: 'rejected', where: '<where> record N (<identifier>)'}`.
 * Throws when the text is not an OAI-PMH document.
 */
export function parseOaiPmh(xml: string, where: string): OaiPage {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (err) {
    throw new Error(`${where}: the response is not well-formed XML (${err instanceof Error ? err.message : String(err)})`);
  }
  const root = doc['OAI-PMH'] as XmlNode | undefined;
  if (!root || typeof root !== 'object') throw new Error(`${where}: the response is not an OAI-PMH document (no <OAI-PMH> element)`);
  const empty: OaiPage = { items: [], deleted: 0, resumptionToken: null, completeListSize: null, error: null };
  const err = asArray(root.error)[0];
  if (err !== undefined) return { ...empty, error: { code: attr(err, 'code') ?? 'unknown', message: collapse(text(err)) } };
  const list = (root.ListRecords ?? root.GetRecord) as XmlNode | undefined;
  if (!list || typeof list !== 'object') return empty;
  const page: OaiPage = { ...empty, items: [] };
  asArray(list.record as XmlNode | XmlNode[]).forEach((record, i) => {
    const header = (record?.header ?? {}) as XmlNode;
    if (attr(header, 'status') === 'deleted') {
      page.deleted += 1;
      return;
    }
    const identifier = text(header.identifier).trim();
    const at = `${where} record ${i + 1}${identifier ? ` (${identifier})` : ''}`;
    const metadata = (record?.metadata ?? {}) as XmlNode;
    const raw = metadata.arXivRaw as XmlNode | undefined;
    const arxiv = metadata.arXiv as XmlNode | undefined;
    const result = raw ? fromArxivRaw(raw) : arxiv ? fromArxiv(arxiv) : 'no arXivRaw or arXiv metadata in the record';
    page.items.push(typeof result === 'string' ? { kind: 'rejected', where: at, reason: result } : { kind: 'paper', paper: result, where: at });
  });
  const token = list.resumptionToken;
  page.resumptionToken = text(token).trim() || null;
  const size = attr(token, 'completeListSize');
  page.completeListSize = size !== null && /^\d+$/.test(size) ? Number(size) : null;
  return page;
}

/**
 * Sends one OAI-PMH request and parses the answer. Throws OaiPmhError for OAI errors except `noRecordsMatch`,
 * which comes back as an empty page.
 */
export async function fetchOaiPage(
  params: Record<string, string>,
  options: { baseUrl?: string; http?: PoliteHttpClient } = {},
): Promise<OaiPage> {
  const url = new URL(options.baseUrl ?? ARXIV_OAI_URL);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const href = url.toString();
  const http = options.http ?? new PoliteHttpClient();
  let body: string;
  try {
    ({ body } = await http.getText(href));
  } catch (e) {
    // Some OAI-PMH servers send their error document with a 4xx status; read it rather than report a bare status.
    if (!(e instanceof HttpError) || e.body === null) throw e;
    let page: OaiPage | null = null;
    try {
      page = parseOaiPmh(e.body, href);
    } catch {
      // Not an OAI-PMH document: the HttpError says more.
    }
    if (page?.error == null) throw e;
    body = e.body;
  }
  const page = parseOaiPmh(body, href);
  if (page.error && page.error.code !== 'noRecordsMatch') throw new OaiPmhError(href, page.error.code, page.error.message);
  return page;
}

/**
 * Fetches one paper with `GetRecord`. Returns the parsed record (a paper, or a rejection when it cannot be read),
 * or null when the record is deleted. Throws OaiPmhError (code `idDoesNotExist`) for an unknown id.
 */
export async function fetchOaiRecord(
  id: string,
  options: { baseUrl?: string; metadataPrefix?: OaiMetadataPrefix; http?: PoliteHttpClient } = {},
): Promise<SourceItem | null> {
  const params = { verb: 'GetRecord', identifier: `oai:arXiv.org:${id}`, metadataPrefix: options.metadataPrefix ?? 'arXivRaw' };
  const page = await fetchOaiPage(params, options);
  return page.items[0] ?? null;
}

/** A PaperSource over arXiv OAI-PMH ListRecords. Deleted records are skipped; `noRecordsMatch` yields nothing. */
export class OaiPmhSource implements PaperSource {
  readonly description: string;
  private readonly http: PoliteHttpClient;
  private readonly baseUrl: string;
  private readonly params: Record<string, string>;
  private seen = 0;
  private total: number | null = null;

  constructor(options: OaiPmhSourceOptions = {}) {
    for (const key of ['from', 'until'] as const) {
      const v = options[key];
      if (v !== undefined && !isIsoDate(v)) throw new RangeError(`OaiPmhSource: ${key} must be a date written YYYY-MM-DD (got ${JSON.stringify(v)})`);
    }
    if (options.from && options.until && options.from > options.until) {
      throw new RangeError(`OaiPmhSource: from (${options.from}) is after until (${options.until})`);
    }
    const prefix = options.metadataPrefix ?? 'arXivRaw';
    if (prefix !== 'arXivRaw' && prefix !== 'arXiv') throw new RangeError(`OaiPmhSource: metadataPrefix must be arXivRaw or arXiv (got ${String(prefix)})`);
    this.http = options.http ?? new PoliteHttpClient();
    this.baseUrl = options.baseUrl ?? ARXIV_OAI_URL;
    this.params = { verb: 'ListRecords', metadataPrefix: prefix };
    if (options.from) this.params.from = options.from;
    if (options.until) this.params.until = options.until;
    if (options.set) this.params.set = options.set;
    const parts = Object.entries(this.params).filter(([k]) => k !== 'verb').map(([k, v]) => `${k}=${v}`);
    this.description = `oai-pmh ${parts.join(' ')}`;
  }

  /** `completeListSize` from the first page, when the server gave one. */
  get size(): { unit: 'records'; total: number } | undefined {
    return this.total === null ? undefined : { unit: 'records', total: this.total };
  }

  /** Records read so far, deleted ones included (they count towards completeListSize). */
  progress(): number {
    return this.seen;
  }

  async *items(): AsyncIterable<SourceItem> {
    let params: Record<string, string> = this.params;
    const tokens = new Set<string>();
    for (;;) {
      const page = await fetchOaiPage(params, { baseUrl: this.baseUrl, http: this.http });
      this.total ??= page.completeListSize;
      this.seen += page.deleted;
      for (const item of page.items) {
        this.seen += 1;
        yield item;
      }
      const token = page.resumptionToken;
      if (token === null) return;
      // A server that hands out the same token twice would keep us harvesting forever.
      if (tokens.has(token)) throw new Error(`arXiv OAI-PMH repeated resumptionToken ${JSON.stringify(token)}; stopping to avoid a loop. Start the harvest again later.`);
      tokens.add(token);
      // The OAI-PMH spec makes resumptionToken an exclusive argument: the verb and the token only.
      params = { verb: 'ListRecords', resumptionToken: token };
    }
  }
}
