/**
 * The Hugging Face-compatible papers API (DESIGN.md, "API compatibility"): what huggingface_hub's `list_daily_papers`,
 * `list_papers` and `paper_info` call. Thin handlers: validate the query, ask FeedService, present in HF's shapes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CommentNode } from '../../services/comment.service.js';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { dayPeriod, monthPeriod, type Period, weekPeriod } from '../../domain/period.js';
import type { FeedSort } from '../../store/feed.repository.js';
import { type AppDeps, HttpProblem, badRequest, notFound } from '../app.js';
import { presentHfDailyItem, presentHfPaper, presentHfSimilar } from '../presenters/hf-paper.presenter.js';

/** Short shared caching: the feed changes a few times a day, votes more often; ETags make revalidation cheap. */
export const API_CACHE_CONTROL = 'public, max-age=60';
export const DAILY_DEFAULT_LIMIT = 50;
export const DAILY_MAX_LIMIT = 100;
/** Deep enough for any real period (a month is a few thousand papers), small enough that offsets stay sane. */
export const DAILY_MAX_PAGE = 100_000;
/** HF's limits for `/api/papers/search`. */
export const SEARCH_MAX_QUERY_CHARS = 250;
export const SEARCH_MAX_LIMIT = 120;
const SUBMITTER_MAX_CHARS = 100;

type Query = Record<string, string | string[] | undefined>;

/** Shows a bit of what the client sent, quoted and cut short, inside an error message. */
const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

/** A query parameter given at most once; repeated parameters are ambiguous, so they are an error. */
function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw badRequest(`Give ${name} at most once.`);
  return v;
}

function intParam(q: Query, name: string, min: number, max: number, fallback: number, what: string): number {
  const v = single(q, name);
  if (v === undefined) return fallback;
  const n = /^\d{1,7}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(`${what}: a whole number from ${min} to ${max}; got ${shown(v)}.`);
  return n;
}

export interface DailyQuery {
  /** Undefined: the latest day that has papers. */
  period: Period | undefined;
  sort: FeedSort;
  page: number;
  limit: number;
  submitter: string | undefined;
}

/** Validates `/api/daily_papers` parameters, saying what is expected when one is wrong. Unknown parameters are ignored, as HF does. */
export function parseDailyQuery(q: Query): DailyQuery {
  const given = (['date', 'week', 'month'] as const).filter((k) => q[k] !== undefined);
  if (given.length > 1) throw badRequest(`Give at most one of date, week and month; got ${given.join(' and ')}.`);
  let period: Period | undefined;
  const date = single(q, 'date');
  const week = single(q, 'week');
  const month = single(q, 'month');
  if (date !== undefined) {
    period = dayPeriod(date) ?? undefined;
    if (!period) throw badRequest(`date must be a real calendar day written YYYY-MM-DD, e.g. 2025-05-26; got ${shown(date)}.`);
  } else if (week !== undefined) {
    period = weekPeriod(week) ?? undefined;
    if (!period) throw badRequest(`week must be an ISO 8601 week written YYYY-Www, e.g. 2025-W22 (week 01 to 52, or 53 in long years); got ${shown(week)}.`);
  } else if (month !== undefined) {
    period = monthPeriod(month) ?? undefined;
    if (!period) throw badRequest(`month must be written YYYY-MM, e.g. 2025-05; got ${shown(month)}.`);
  }

  const sortParam = single(q, 'sort');
  let sort: FeedSort = 'upvotes';
  if (sortParam === 'publishedAt' || sortParam === 'trending') sort = sortParam;
  else if (sortParam !== undefined) {
    throw badRequest(`sort must be publishedAt (newest first) or trending; leave it out for most upvoted first. Got ${shown(sortParam)}.`);
  }

  const page = intParam(q, 'p', 0, DAILY_MAX_PAGE, 0, 'p is the page index, counted from 0');
  const limit = intParam(q, 'limit', 1, DAILY_MAX_LIMIT, DAILY_DEFAULT_LIMIT, 'limit is the number of papers per page');

  const submitter = single(q, 'submitter');
  if (submitter !== undefined && (submitter.trim() === '' || submitter.length > SUBMITTER_MAX_CHARS)) {
    throw badRequest(`submitter must be a username of 1 to ${SUBMITTER_MAX_CHARS} characters.`);
  }
  return { period, sort, page, limit, submitter };
}

/** The query string of another page of the same listing. The period is always pinned, so paging a default listing stays on one day. */
function pageQuery(q: DailyQuery, period: Period, page: number): string {
  const params = new URLSearchParams();
  params.set(period.kind === 'day' ? 'date' : period.kind, period.key);
  if (q.sort !== 'upvotes') params.set('sort', q.sort);
  if (q.submitter !== undefined) params.set('submitter', q.submitter);
  params.set('limit', String(q.limit));
  params.set('p', String(page));
  return params.toString();
}

/**
 * HF's error body carries the message in `error`; ours (sendProblem) has a title there and the message beside it.
 * huggingface_hub also shows an `X-Error-Message` header, so put the message there too (ASCII only: it is a header).
 */
function errorMessageHeader(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
}

/** Most similar papers one request may ask for (`limit`). */
export const SIMILAR_MAX = 50;

/** `?limit=` of a similar-papers request: 1 to SIMILAR_MAX, 10 when absent. */
export function similarLimit(req: FastifyRequest): number {
  const rawLimit = (req.query as Record<string, unknown>).limit;
  const limit = rawLimit === undefined ? 10 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SIMILAR_MAX) throw badRequest(`limit must be a whole number from 1 to ${SIMILAR_MAX}.`);
  return limit;
}

async function similarRoute(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, raw: string) {
  const parsed = parsePaperId(raw);
  if (!parsed) throw badRequest(`${shown(raw)} is not a paper id; expected an arXiv id such as 2505.20278.`);
  const limit = similarLimit(req);
  if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot find similar papers.');
  const hits = await deps.search.similar(parsed.id, limit);
  if (!hits) throw notFound(`There is no paper ${parsed.id} here.`);
  reply.header('Cache-Control', API_CACHE_CONTROL);
  return hits.map(presentHfSimilar);
}

/**
 * A paper's comments as a flat list in thread order (a reply follows its parent), as a signed-out reader sees them:
 * deleted and hidden comments with replies stay as tombstones (`state`, no body or author), others are left out.
 * `body` is the Markdown source; `depth` is the nesting as the page shows it (0 for top-level comments; replies deeper
 * than the page nests sit at its deepest level), `parentId` the true parent.
 */
async function commentsRoute(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, raw: string) {
  const parsed = parsePaperId(raw);
  if (!parsed) throw badRequest(`${shown(raw)} is not a paper id; expected an arXiv id such as 2505.20278.`);
  const rawSort = (req.query as Record<string, unknown>).sort;
  if (rawSort !== undefined && rawSort !== 'best' && rawSort !== 'new') throw badRequest('sort must be best (the default) or new.');
  if (!deps.community) throw new HttpProblem(503, 'Comments unavailable', 'This server runs without its community features.');
  if (!(await deps.feed.paper(parsed.id))) throw notFound(`There is no paper ${parsed.id} here.`);
  const roots = await deps.community.comments.thread(parsed.id, null, rawSort === 'new' ? 'new' : 'best');
  const out: Array<Record<string, unknown>> = [];
  const walk = (nodes: CommentNode[], depth: number) => {
    for (const n of nodes) {
      const live = n.state === 'live';
      out.push({
        id: n.comment.id,
        parentId: n.comment.parentId,
        depth,
        state: live ? 'live' : 'deleted',
        author: live ? { name: n.comment.authorName ?? '[deleted]' } : null,
        body: live ? n.comment.body : null,
        createdAt: n.comment.createdAt,
        editedAt: live ? n.comment.editedAt : null,
        upvotes: n.comment.upvotes,
        downvotes: n.comment.downvotes,
      });
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  reply.header('Cache-Control', API_CACHE_CONTROL);
  return { paperId: parsed.id, sort: rawSort === 'new' ? 'new' : 'best', count: out.filter((c) => c.state === 'live').length, comments: out };
}

export async function hfApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.setErrorHandler((err, _req, reply) => {
    const status = err instanceof HttpProblem ? err.status : (err as { statusCode?: number }).statusCode;
    if (err instanceof HttpProblem || (status !== undefined && status >= 400 && status < 500 && err instanceof Error)) {
      reply.header('X-Error-Message', errorMessageHeader(err.message));
    }
    throw err; // the app's error handler renders it (JSON under /api/)
  });

  app.get('/api/daily_papers', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = parseDailyQuery(req.query as Query);
    let period = q.period;
    if (!period) {
      // Like HF: no period means the latest day that has papers.
      const latest = await deps.feed.latestDay();
      if (latest === null) return reply.header('Cache-Control', API_CACHE_CONTROL).send([]);
      period = dayPeriod(latest)!;
    }
    const result = await deps.feed.list(period, { sort: q.sort, page: q.page, limit: q.limit, submitter: q.submitter });
    const links: string[] = [];
    // Relative targets (RFC 8288 section 3.1 resolves them against the request URL): an absolute URL would echo the
    // Host header into a publicly cacheable response.
    if ((q.page + 1) * q.limit < result.total) links.push(`</api/daily_papers?${pageQuery(q, period, q.page + 1)}>; rel="next"`);
    const lastPage = Math.max(0, Math.ceil(result.total / q.limit) - 1);
    if (q.page > 0) links.push(`</api/daily_papers?${pageQuery(q, period, Math.min(q.page - 1, lastPage))}>; rel="prev"`);
    if (links.length > 0) reply.header('Link', links.join(', '));
    reply.header('Cache-Control', API_CACHE_CONTROL);
    return result.items.map(presentHfDailyItem);
  });

  app.get('/api/papers/search', async (req: FastifyRequest, reply: FastifyReply) => {
    const query = req.query as Query;
    const q = single(query, 'q');
    if (q === undefined || q.trim() === '') throw badRequest('q is required: the text to search for.');
    if (q.length > SEARCH_MAX_QUERY_CHARS) throw badRequest(`q must be at most ${SEARCH_MAX_QUERY_CHARS} characters; got ${q.length}.`);
    const limit = intParam(query, 'limit', 1, SEARCH_MAX_LIMIT, 50, 'limit is the number of results');
    if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index.');
    const result = await deps.search.search({ q, limit });
    if (!result.ok) throw badRequest(`q cannot be searched: ${result.reason}.`);
    reply.header('Cache-Control', API_CACHE_CONTROL);
    return result.hits.map(presentHfDailyItem);
  });

  // A wildcard: old-style arXiv ids contain a slash (hep-th/9108002). `/api/papers/search` above is a static route,
  // which the router prefers, so `search` is never taken for an id.
  app.get('/api/papers/*', async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = (req.params as { '*': string })['*'];
    // `/api/papers/{id}/similar?limit=N`: papers like this one, each with a score and the reason.
    const similarOf = /^(.+)\/similar$/.exec(raw);
    if (similarOf) return similarRoute(deps, req, reply, similarOf[1]!);
    // `/api/papers/{id}/comments?sort=best|new`: the discussion, in thread order (Hugging Face has no such call).
    const commentsOf = /^(.+)\/comments$/.exec(raw);
    if (commentsOf) return commentsRoute(deps, req, reply, commentsOf[1]!);
    const parsed = parsePaperId(raw);
    if (!parsed) {
      throw badRequest(`${shown(raw)} is not a paper id; expected an arXiv id such as 2505.20278, 2505.20278v2 or hep-th/9108002.`);
    }
    const view = await deps.feed.paper(parsed.id);
    if (!view) throw notFound(`There is no paper ${parsed.id} here.`);
    reply.header('Cache-Control', API_CACHE_CONTROL);
    return presentHfPaper(view);
  });
}
