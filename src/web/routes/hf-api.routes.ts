/**
 * The Hugging Face-compatible papers API (DESIGN.md, "API compatibility"): what huggingface_hub's `list_daily_papers`,
 * `list_papers` and `paper_info` call. Thin handlers: validate the query, ask FeedService, present in HF's shapes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { flattenComments } from '../presenters/comment.presenter.js';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { dayPeriod, monthPeriod, type Period, weekPeriod } from '../../domain/period.js';
import type { FeedSort } from '../../store/feed.repository.js';
import { type AppDeps, HttpProblem, badRequest, notFound } from '../app.js';
import { presentHfDailyItem, presentHfPaper, presentHfSimilar } from '../presenters/hf-paper.presenter.js';
import { Type } from 'typebox';
import { errors } from '../api/schemas.js';

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
  // Control characters (a NUL, which PostgreSQL text cannot hold) are in no one's name.
  if (submitter !== undefined && (submitter.trim() === '' || submitter.length > SUBMITTER_MAX_CHARS || /[\u0000-\u001f\u007f]/.test(submitter))) {
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
  // The v1 API's list, in this API's camelCase.
  const out = flattenComments(roots).map((c) => ({
    id: c.id,
    parentId: c.parent_id,
    depth: c.depth,
    state: c.state,
    author: c.author,
    body: c.body,
    createdAt: c.created_at,
    editedAt: c.edited_at,
    upvotes: c.upvotes,
    downvotes: c.downvotes,
  }));
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

  // Documented in the OpenAPI document for people and tools, but validated by hand (the messages above say what
  // huggingface.co expects) and serialised as built: the schemas here describe, they do not change an answer.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  const tags = ['huggingface'];
  // These calls take no key, so never answer 401.
  const hfErrors = (...codes: number[]) => {
    const out = errors(...codes);
    delete out[401];
    return out;
  };
  const str = (description: string, examples?: string[]) => Type.Optional(Type.String({ description, ...(examples ? { examples } : {}) }));
  const idParams = Type.Object({ id: Type.String({ description: 'arXiv id, with or without version (2505.20278, 2505.20278v2); old-style ids as hep-th%2F9108002 or with the raw slash.' }) });

  app.get(
    '/api/daily_papers',
    {
      schema: {
        tags,
        operationId: 'hfDailyPapers',
        summary: 'Daily papers (huggingface_hub list_daily_papers, hf papers ls)',
        description:
          'At most one of date, week and month; none: the latest day with papers. A `Link` header names the next and previous pages (rel="next", rel="prev").',
        querystring: Type.Object({
          date: str('YYYY-MM-DD', ['2025-05-26']),
          week: str('ISO week YYYY-Www', ['2025-W22']),
          month: str('YYYY-MM', ['2025-05']),
          sort: str('publishedAt (newest first) or trending; absent: most upvoted first', ['trending']),
          p: str(`Page index from 0 (at most ${DAILY_MAX_PAGE})`),
          limit: str(`Papers per page, 1 to ${DAILY_MAX_LIMIT} (default ${DAILY_DEFAULT_LIMIT})`),
          submitter: str('Only papers submitted by this member'),
        }),
        response: { 200: Type.Array(Type.Ref('HfDailyItem')), ...hfErrors() },
      },
    },
    async (req: FastifyRequest, reply: FastifyReply) => {
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
    },
  );

  app.get(
    '/api/papers/search',
    {
      schema: {
        tags,
        operationId: 'hfSearchPapers',
        summary: 'Search papers (huggingface_hub list_papers, hf papers search)',
        querystring: Type.Object({
          q: Type.String({ description: `The text to search for, at most ${SEARCH_MAX_QUERY_CHARS} characters (the query language works here too)` }),
          limit: str(`Results, 1 to ${SEARCH_MAX_LIMIT} (default 50)`),
        }),
        response: { 200: Type.Array(Type.Ref('HfDailyItem')), ...hfErrors(503) },
      },
    },
    async (req: FastifyRequest, reply: FastifyReply) => {
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
    },
  );

  async function paperRoute(raw: string, reply: FastifyReply) {
    const parsed = parsePaperId(raw);
    if (!parsed) {
      throw badRequest(`${shown(raw)} is not a paper id; expected an arXiv id such as 2505.20278, 2505.20278v2 or hep-th/9108002.`);
    }
    const view = await deps.feed.paper(parsed.id);
    if (!view) throw notFound(`There is no paper ${parsed.id} here.`);
    reply.header('Cache-Control', API_CACHE_CONTROL);
    return presentHfPaper(view);
  }

  app.get<{ Params: { id: string } }>(
    '/api/papers/:id',
    { schema: { tags, operationId: 'hfPaperInfo', summary: 'One paper (huggingface_hub paper_info, hf papers info)', params: idParams, response: { 200: Type.Ref('HfPaper'), ...hfErrors(404) } } },
    async (req, reply) => paperRoute(req.params.id, reply),
  );
  app.get<{ Params: { id: string } }>(
    '/api/papers/:id/similar',
    {
      schema: {
        tags,
        operationId: 'hfSimilarPapers',
        summary: 'Papers similar to one paper, each with its score and the reason (Paperboy’s addition)',
        params: idParams,
        querystring: Type.Object({ limit: str(`1 to ${SIMILAR_MAX} (default 10)`) }),
        response: { 200: Type.Array(Type.Ref('HfSimilarItem')), ...hfErrors(404, 503) },
      },
    },
    async (req, reply) => similarRoute(deps, req, reply, req.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/api/papers/:id/comments',
    {
      schema: {
        tags,
        operationId: 'hfPaperComments',
        summary: 'A paper’s comments in thread order (Paperboy’s addition: Hugging Face has no such call)',
        params: idParams,
        querystring: Type.Object({ sort: str('best (default) or new') }),
        response: { 200: Type.Ref('HfCommentList'), ...hfErrors(404, 503) },
      },
    },
    async (req, reply) => commentsRoute(deps, req, reply, req.params.id),
  );

  // Old-style ids with a raw slash (hep-th/9108002) do not fit one path segment: a wildcard takes them. The routes
  // above are static or one segment deep, which the router prefers, so `search` is never taken for an id.
  app.get('/api/papers/*', { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = (req.params as { '*': string })['*'];
    const similarOf = /^(.+)\/similar$/.exec(raw);
    if (similarOf) return similarRoute(deps, req, reply, similarOf[1]!);
    const commentsOf = /^(.+)\/comments$/.exec(raw);
    if (commentsOf) return commentsRoute(deps, req, reply, commentsOf[1]!);
    return paperRoute(raw, reply);
  });
}
