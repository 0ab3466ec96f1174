/**
 * The search page, `GET /search?q=…&sort=relevance|date|upvotes&p=N` (p from 1, like the feed pages). Without `q` it
 * shows the box and the query language; with one, results with highlights, facets, sort and paging. A query the
 * parser refuses, an over-long one, or a bad `sort`/`p` is a 400 page that keeps the box filled and says why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { SearchSort } from '../../search/text-index.js';
import type { SearchHit } from '../../services/search.service.js';
import { type AppDeps, errorCode, HttpProblem } from '../app.js';
import { paperHref } from '../presenters/paper.presenter.js';
import { presentSearchPage, SEARCH_PAGE_SIZE, SEARCH_SORTS, type SearchPageInput } from '../presenters/search.presenter.js';
import { sendCitations, sendHtml } from '../page.js';
import { SearchView } from '../views/search.view.js';

/** Results change as papers arrive and votes move; half a minute of staleness is fine for a search page. */
const SEARCH_CACHE_CONTROL = 'public, max-age=30';
/** Highest `?p=` accepted (20 per page: two million results deep), which keeps the offset a small number. */
const MAX_PAGE = 100_000;

type Query = Record<string, string | string[] | undefined>;

function queryString(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Query)[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendSearchPage(req: FastifyRequest, reply: FastifyReply, deps: AppDeps, status: number, input: SearchPageInput) {
  const model = presentSearchPage(input);
  const paperIds = input.result?.ok ? input.result.hits.map((h) => h.paper.id) : [];
  return sendHtml(req, reply, h(SearchView, { model }), { math: model.math, status, cacheControl: SEARCH_CACHE_CONTROL, paperIds, store: deps.community?.store });
}

/** `sort` and `p` as given, or what is wrong with them. */
function parseParams(req: FastifyRequest): { sort: SearchSort; page: number; error?: string } {
  const rawSort = queryString(req, 'sort');
  const rawPage = queryString(req, 'p');
  const sort = SEARCH_SORTS.find((s) => s === rawSort) ?? 'relevance';
  if (rawSort !== undefined && rawSort !== sort) {
    return { sort, page: 1, error: `Sort "${rawSort.slice(0, 40)}" is not known: use sort=relevance, sort=date or sort=upvotes.` };
  }
  if (rawPage === undefined) return { sort, page: 1 };
  if (!/^\d{1,6}$/.test(rawPage) || Number(rawPage) < 1 || Number(rawPage) > MAX_PAGE) {
    return { sort, page: 1, error: `Page "${rawPage.slice(0, 20)}" is not a page number: use p=1, p=2, …` };
  }
  return { sort, page: Number(rawPage) };
}

/** Results in one citation export. */
const SEARCH_EXPORT_MAX = 200;

/** Suggestions in one answer of `/search/suggest`. */
export const SUGGEST_LIMIT = 6;
/** Longest `q` for suggestions (a search accepts 1,000 characters; nobody types that much before choosing). */
export const SUGGEST_MAX_CHARS = 200;
/** Shorter queries get no suggestions (one letter matches too much to say anything). */
export const SUGGEST_MIN_CHARS = 2;
/** Authors named in a suggestion before "and N more". */
const SUGGEST_AUTHORS = 3;
/** The same query gets the same suggestions for a minute (browsers and proxies may keep them that long). */
const SUGGEST_CACHE_CONTROL = 'public, max-age=60';

export interface Suggestion {
  id: string;
  /** The title as stored (LaTeX source; the client shows it as text). */
  title: string;
  href: string;
  /** "Ada Lovelace, Alan Turing and 3 more". */
  authors: string;
  /** First published, YYYY. */
  year: string;
}

/** A JSON error in the API's shape, whatever the request's Accept header (this endpoint only speaks JSON). */
function jsonProblem(reply: FastifyReply, status: number, title: string, message: string) {
  return reply.code(status).type('application/json; charset=utf-8').send({ statusCode: status, error: title, code: errorCode(status), message });
}

/** `q` for suggestions, or what is wrong with it. */
function suggestQuery(req: FastifyRequest): { q: string } | { error: string } {
  const q = queryString(req, 'q');
  if (q === undefined || q.trim() === '') return { error: 'Say what to suggest papers for: /search/suggest?q=words' };
  if (q.length > SUGGEST_MAX_CHARS) return { error: `q is too long for suggestions: at most ${SUGGEST_MAX_CHARS} characters (search itself takes more).` };
  if (/[\u0000-\u001f\u007f]/.test(q)) return { error: 'q contains control characters (such as NUL); send only text.' };
  return { q };
}

function presentSuggestion(hit: SearchHit): Suggestion {
  const p = hit.paper;
  const more = p.authors.length - SUGGEST_AUTHORS;
  return {
    id: p.id,
    title: p.title.replace(/\s+/g, ' ').trim(),
    href: paperHref(p.id),
    authors: p.authors.slice(0, SUGGEST_AUTHORS).join(', ') + (more > 0 ? ` and ${more} more` : ''),
    year: p.published.slice(0, 4),
  };
}

/**
 * Registers `GET /search`, `/search.bib` / `/search.ris` (the first 200 results as citations) and
 * `GET /search/suggest?q=…` (papers for the search boxes' suggestions as you type; JSON; app.js asks it).
 */
export async function searchRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Under the site-wide per-address limit like every page (600 a minute by default): app.js waits for a pause in
  // typing and asks once per pause, a few times a second at most.
  app.get('/search/suggest', async (req, reply) => {
    const search = deps.search;
    if (!search) return jsonProblem(reply, 503, 'Search unavailable', 'This server runs without a search index, so it cannot suggest papers.');
    const parsed = suggestQuery(req);
    if ('error' in parsed) return jsonProblem(reply, 400, 'Bad request', parsed.error);
    const q = parsed.q;
    reply.header('cache-control', SUGGEST_CACHE_CONTROL);
    if (q.trim().length < SUGGEST_MIN_CHARS) return { q, suggestions: [] };
    const result = await search.suggest(q, SUGGEST_LIMIT);
    // A query the parser refuses (too many parts…) has no suggestions; the search page says why when it is sent.
    return { q, suggestions: result.ok ? result.hits.map(presentSuggestion) : [] };
  });

  for (const format of ['bib', 'ris'] as const) {
    app.get(`/search.${format}`, async (req, reply) => {
      const search = deps.search;
      if (!search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot search papers.');
      const q = queryString(req, 'q') ?? '';
      if (q.trim() === '') throw new HttpProblem(400, 'Bad request', 'Say what to export: /search.bib?q=your+query');
      const { sort, error } = parseParams(req);
      if (error) throw new HttpProblem(400, 'Bad request', error);
      const result = await search.search({ q, sort, page: 0, limit: SEARCH_EXPORT_MAX });
      if (!result.ok) throw new HttpProblem(400, 'Bad request', result.reason);
      return sendCitations(reply, format, result.hits.map((h) => h.paper), 'paperboy-search');
    });
  }

  app.get('/search', async (req, reply) => {
    const search = deps.search;
    if (!search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot search papers.');
    const q = queryString(req, 'q') ?? '';
    const { sort, page, error } = parseParams(req);
    if (error) return sendSearchPage(req, reply, deps, 400, { q, sort, page, error });
    if (q.trim() === '') return sendSearchPage(req, reply, deps, 200, { q: '', sort, page });

    const result = await search.search({ q, sort, page: page - 1, limit: SEARCH_PAGE_SIZE, facets: true });
    if (!result.ok) return sendSearchPage(req, reply, deps, 400, { q, sort, page, result });
    // Past the last page: a 404 that still shows the box and a way back (an empty search's page 1 is the empty state).
    const pages = Math.max(1, Math.ceil(result.total / SEARCH_PAGE_SIZE));
    return sendSearchPage(req, reply, deps, page > pages ? 404 : 200, { q, sort, page, result });
  });
}
