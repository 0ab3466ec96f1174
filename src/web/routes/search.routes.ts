/**
 * The search page, `GET /search?q=…&sort=relevance|date|upvotes&p=N` (p from 1, like the feed pages). Without `q` it
 * shows the box and the query language; with one, results with highlights, facets, sort and paging. A query the
 * parser refuses, an over-long one, or a bad `sort`/`p` is a 400 page that keeps the box filled and says why.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { SearchSort } from '../../search/text-index.js';
import { type AppDeps, HttpProblem } from '../app.js';
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

/** Registers `GET /search`, and `/search.bib` / `/search.ris` (the first 200 results as citations). */
export async function searchRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
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
