/**
 * Paperboy's own search endpoint, richer than the Hugging Face one: filters in the query language, sort, paging,
 * highlights and facet counts.
 *   GET /api/v1/search?q=TEXT&mode=keyword|semantic|hybrid&sort=relevance|date|upvotes&page=0&limit=20&facets=1&typing=1
 *   (typing=1: search as you type, the unfinished last word also matches as a prefix)
 * -> { query, mode, total, page, limit, took_ms, results: [{ id, title, authors, published, categories, upvotes, feed_date,
 *      highlight: { title, snippet } }], facets?: { categories: [{value, count}], years: [{value, count}] } }
 * Highlights mark matched words with `<mark>` around HTML-escaped text.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_QUERY_CHARS } from '../../domain/query-parser.js';
import type { SearchMode } from '../../services/search.service.js';
import { escapeHtml } from '../../domain/math.js';
import { MARK_END, MARK_START } from '../../search/text-index.js';
import { type AppDeps, HttpProblem, badRequest } from '../app.js';

const SORTS = ['relevance', 'date', 'upvotes'] as const;
const MODES = ['keyword', 'semantic', 'hybrid'] as const;
export const SEARCH_API_MAX_LIMIT = 100;
const MAX_PAGE = 10_000;

type Query = Record<string, string | string[] | undefined>;

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badRequest(`${name} was given more than once.`);
  return v;
}

function wholeNumber(q: Query, name: string, min: number, max: number, fallback: number): number {
  const v = one(q, name);
  if (v === undefined) return fallback;
  const n = /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
}

/** Escaped text with the index's match markers turned into <mark> elements. */
export function markedToHtml(marked: string): string {
  return escapeHtml(marked).split(MARK_START).join('<mark>').split(MARK_END).join('</mark>');
}

export async function searchApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get('/api/v1/search', async (req: FastifyRequest, reply) => {
    const query = req.query as Query;
    const q = one(query, 'q');
    if (q === undefined || q.trim() === '') throw badRequest('q is required: the text to search for (see the query language in the README).');
    if (q.length > MAX_QUERY_CHARS) throw badRequest(`q must be at most ${MAX_QUERY_CHARS} characters; got ${q.length}.`);
    const sort = one(query, 'sort') ?? 'relevance';
    if (!(SORTS as readonly string[]).includes(sort)) throw badRequest(`sort must be one of ${SORTS.join(', ')}.`);
    const page = wholeNumber(query, 'page', 0, MAX_PAGE, 0);
    const limit = wholeNumber(query, 'limit', 1, SEARCH_API_MAX_LIMIT, 20);
    const mode = one(query, 'mode');
    if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) throw badRequest(`mode must be one of ${MODES.join(', ')}.`);
    const facets = one(query, 'facets');
    if (facets !== undefined && facets !== '0' && facets !== '1') throw badRequest('facets must be 0 or 1.');
    const typing = one(query, 'typing');
    if (typing !== undefined && typing !== '0' && typing !== '1') throw badRequest('typing must be 0 or 1.');
    if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index.');
    const r = await deps.search.search({ q, sort: sort as (typeof SORTS)[number], page, limit, facets: facets === '1', mode: mode as SearchMode | undefined, typing: typing === '1' });
    if (!r.ok) throw badRequest(`q cannot be searched: ${r.reason}.`);
    reply.header('Cache-Control', 'public, max-age=30');
    return {
      query: q,
      mode: r.mode,
      total: r.total,
      page: r.page,
      limit: r.limit,
      took_ms: Math.round(r.tookMs * 10) / 10,
      results: r.hits.map((h) => ({
        id: h.paper.id,
        title: h.paper.title,
        authors: h.paper.authors,
        published: h.paper.published,
        categories: h.paper.categories,
        upvotes: h.upvotes,
        feed_date: h.feedDate,
        highlight: { title: markedToHtml(h.titleMarked), snippet: h.snippetMarked === null ? null : markedToHtml(h.snippetMarked) },
      })),
      ...(r.facets ? { facets: r.facets } : {}),
    };
  });
}
