/**
 * Paperboy's own JSON API, version 1, under `/api/v1/`: papers, the feed by day/week/month, trending, search with
 * filters, similar papers, comments, votes, reading lists, follows and the member's digest subscription. Every route
 * declares its schemas, from which `/api/v1/openapi.json` is generated (and shown at `/api/docs`).
 *
 * - Reading needs nothing; writing needs a personal API key (`Authorization: Bearer pb_…`, made on the account page).
 *   Cookies are never read here, so no cross-site page can write through a visitor's session (no CSRF surface).
 * - Lists page with opaque cursors (`next_cursor` → `cursor`), keyset-based where the ranking allows it, so a page
 *   never repeats or skips papers because new ones arrived.
 * - Limits: anonymous requests count per client address, keyed requests per key; writes also per key. Every answer
 *   carries `RateLimit` / `RateLimit-Policy` (and the draft's `RateLimit-Limit/-Remaining/-Reset`); a 429 adds
 *   `Retry-After`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { Type } from 'typebox';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { dayPeriod, monthPeriod, type Period, weekPeriod } from '../../domain/period.js';
import { parseFollowKind } from '../../services/interest.service.js';
import { LIST_DESCRIPTION_MAX_CHARS, LIST_NAME_MAX_CHARS } from '../../services/reading-list.service.js';
import { COMMUNITY_RATES } from '../routes/community.routes.js';
import type { ApiKey } from '../../store/api-key.repository.js';
import { memberName, type User } from '../../store/account.repository.js';
import { feedKey, type FeedItem, type FeedSort, type FeedState } from '../../store/feed.repository.js';
import type { PaperRecord } from '../../store/paper.repository.js';
import type { Subscriber } from '../../store/subscriber.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, HttpProblem, notFound } from '../errors.js';
import { escapeHtml } from '../../domain/math.js';
import { MARK_END, MARK_START } from '../../search/text-index.js';
import { presentHfPaper } from '../presenters/hf-paper.presenter.js';
import { flattenComments } from '../presenters/comment.presenter.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { errors, OneOf } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key a v1 request was made with, and its member. */
    apiKey: { key: ApiKey; user: User } | null;
  }
}

export interface ApiLimits {
  /** Requests per minute per client address without a key. */
  perAddress: number;
  /** Requests per minute per key. */
  perKey: number;
  /** Writes per minute per key. */
  writesPerKey: number;
  /** The window the counts are over (a minute; tests shorten it). */
  windowMs?: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { perAddress: 300, perKey: 1200, writesPerKey: 60 };
const FEED_MAX_LIMIT = 100;
const SEARCH_MAX_LIMIT = 100;
const SEARCH_MAX_OFFSET = 10_000;
const CACHE = 'public, max-age=60';

const BEARER = [{ apiKey: [] as string[] }];
const Limit = (max: number, def: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: def, description: `Items per page, 1 to ${max}.` }));
const Cursor = Type.Optional(Type.String({ maxLength: 1000, description: 'next_cursor from the previous page.' }));
const IdParams = Type.Object({ id: Type.String({ maxLength: 200, description: 'arXiv id, with or without version. Old-style ids keep their slash encoded: hep-th%2F9108002.' }) });
/** Ids are 32-bit integer keys on PostgreSQL. */
const MAX_ID = 2_147_483_647;
const ListParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Reading list id.' }) });

/** A paper in the API's shape. */
export function presentPaper(p: PaperRecord, state: Pick<FeedState, 'feedDate' | 'submittedBy' | 'upvotes' | 'numComments'> | null | undefined) {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors,
    categories: p.categories,
    primary_category: p.primaryCategory,
    published: p.published,
    updated: p.updated,
    version: p.version,
    comment: p.comment,
    journal_ref: p.journalRef,
    doi: p.doi,
    links: { abs: p.links.abs, pdf: p.links.pdf, code: p.links.code ?? null, project: p.links.project ?? null },
    feed_date: state?.feedDate ?? null,
    submitted_by: state?.submittedBy ?? null,
    upvotes: state?.upvotes ?? 0,
    comments: state?.numComments ?? 0,
  };
}

const presentItem = (i: FeedItem) => presentPaper(i.paper, i);

function presentSubscription(s: Subscriber) {
  return { status: s.status, frequency: s.frequency, daily_mode: s.dailyMode, categories: s.categories, keywords: s.keywords, authors: s.authors };
}

function paperId(raw: string): string {
  const parsed = parsePaperId(raw);
  if (!parsed) throw badRequest(`${JSON.stringify(raw.slice(0, 40))} is not a paper id; expected an arXiv id such as 2505.20278 or hep-th%2F9108002.`);
  return parsed.id;
}

/** A 429 in the API's shape, with Retry-After. */
function refuse(reply: FastifyReply, v: { max: number; ttlInSeconds: number; windowMs: number }, what: string): never {
  const wait = Math.max(1, v.ttlInSeconds);
  reply.header('Retry-After', wait);
  throw new HttpProblem(429, 'Too many requests', `Too many ${what}: at most ${v.max} ${v.windowMs === 60_000 ? 'a minute' : `per ${humanWindow(v.windowMs)}`}. Wait ${wait} seconds and try again.`);
}

/** Sets the rate-limit headers of one limiter's verdict (IETF httpapi draft: the combined field and the older three). */
function limitHeaders(reply: FastifyReply, v: { max: number; remaining: number; ttlInSeconds: number }, windowMs: number) {
  const reset = Math.max(0, v.ttlInSeconds);
  reply.header('RateLimit', `limit=${v.max}, remaining=${v.remaining}, reset=${reset}`);
  reply.header('RateLimit-Policy', `${v.max};w=${Math.max(1, Math.round(windowMs / 1000))}`);
  reply.header('RateLimit-Limit', v.max).header('RateLimit-Remaining', v.remaining).header('RateLimit-Reset', reset);
}

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (a: Ajv) => Ajv;

/** Escaped text with the index's match markers turned into <mark> elements. */
export function markedToHtml(marked: string): string {
  return escapeHtml(marked).split(MARK_START).join('<mark>').split(MARK_END).join('</mark>');
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
interface Verdict {
  windowMs: number;
  max: number;
  remaining: number;
  ttlInSeconds: number;
  isExceeded: boolean;
}

/** One limiter's verdict on a request (the allow-list case, unused here, counts as unlimited). */
async function check(limiter: Limiter, req: FastifyRequest): Promise<Verdict> {
  const v = await limiter(req);
  if (!('max' in v)) return { windowMs: 60_000, max: Number.MAX_SAFE_INTEGER, remaining: Number.MAX_SAFE_INTEGER, ttlInSeconds: 0, isExceeded: false };
  return { windowMs: v.timeWindow, max: v.max, remaining: v.remaining, ttlInSeconds: v.ttlInSeconds, isExceeded: v.isExceeded };
}

function humanWindow(ms: number): string {
  if (ms === 60_000) return 'minute';
  if (ms === 3_600_000) return 'hour';
  return `${Math.round(ms / 1000)} seconds`;
}

export async function v1Routes(scope: FastifyInstance, deps: AppDeps, limits: ApiLimits = DEFAULT_API_LIMITS): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  // Query strings and paths are text, so their numbers and booleans are coerced; JSON bodies have types of their own
  // and are taken as sent ({"name": 123} is refused, not turned into "123").
  const ajvFor = (coerceTypes: false | 'array') => addFormats(new Ajv({ coerceTypes, useDefaults: true, removeAdditional: true, allErrors: false, strict: false }));
  const [ajvBody, ajvText] = [ajvFor(false), ajvFor('array')];
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajvBody : ajvText).compile(schema));
  // Routes that take a body may also refuse one that is too large (413) or of a type they do not read (415).
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const response = route.schema?.response as Record<number, unknown> | undefined;
    if (response && methods.some((m) => m !== 'GET' && m !== 'HEAD')) Object.assign(response, errors(413, 415));
  });
  const community = deps.community;
  app.decorateRequest('apiKey', null);

  const WINDOW_MS = limits.windowMs ?? 60_000;
  const byAddress = app.createRateLimit({ max: limits.perAddress, timeWindow: WINDOW_MS, keyGenerator: (req) => `v1:ip:${req.ip}` });
  const byKey = app.createRateLimit({ max: limits.perKey, timeWindow: WINDOW_MS, keyGenerator: (req) => `v1:key:${req.apiKey?.key.id}` });
  // Writes count per member, not per key: more keys must not mean more writes.
  const writesByMember = app.createRateLimit({ max: limits.writesPerKey, timeWindow: WINDOW_MS, keyGenerator: (req) => `v1:write:u${req.apiKey?.user.id}` });
  // The site's own limits per member on votes and comments hold through the API too.
  const perAction = {
    vote: app.createRateLimit({ ...COMMUNITY_RATES.vote, keyGenerator: (req) => `v1:vote:u${req.apiKey?.user.id}` }),
    comment: app.createRateLimit({ ...COMMUNITY_RATES.comment, keyGenerator: (req) => `v1:comment:u${req.apiKey?.user.id}` }),
    // Indexing asks arXiv, through the one client every member's submissions share (one request every 3 s):
    // a member may fetch 10 papers an hour, and the whole site 60.
    index: app.createRateLimit({ max: 10, timeWindow: 3_600_000, keyGenerator: (req) => `v1:index:u${req.apiKey?.user.id}` }),
    indexAll: app.createRateLimit({ max: 60, timeWindow: 3_600_000, keyGenerator: () => 'v1:index:all' }),
  };
  /** Spends one unit of a per-action limit; a 429 in the API's shape when it is used up. */
  async function spend(limiter: Limiter, req: FastifyRequest, reply: FastifyReply, what: string) {
    const v = await check(limiter, req);
    if (!v.isExceeded) return;
    reply.header('Retry-After', Math.max(1, v.ttlInSeconds));
    throw new HttpProblem(429, 'Too many requests', `Too many ${what}: at most ${v.max} per ${humanWindow(v.windowMs)}. Wait ${Math.max(1, v.ttlInSeconds)} seconds and try again.`);
  }

  // Who is asking, then whether they may. A key that does not work counts against the address's anonymous budget, so
  // guessing keys is limited like any anonymous traffic.
  app.addHook('onRequest', async (req, reply) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      const found = m && community ? await community.apiKeys.authenticate(m[1]!) : null;
      if (!found) {
        const v = await check(byAddress, req);
        limitHeaders(reply, v, WINDOW_MS);
        if (v.isExceeded) refuse(reply, v, 'requests from your address without a working key');
        reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new HttpProblem(401, 'Unauthorized', 'This API key is not valid: it was revoked, mistyped, or its account is suspended. Make a new one on your account page (/account).');
      }
      req.apiKey = found;
    }
    const write = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    const verdicts = [await check(req.apiKey ? byKey : byAddress, req)];
    if (write && req.apiKey) verdicts.push(await check(writesByMember, req));
    // Report the tightest limit; refuse on any exceeded one.
    const shown = verdicts.find((v) => v.isExceeded) ?? verdicts.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    limitHeaders(reply, shown, WINDOW_MS);
    if (shown.isExceeded) {
      refuse(reply, shown, req.apiKey ? (verdicts.length > 1 && shown === verdicts[1] ? 'writes from your account' : 'requests with this key') : 'requests from your address without a key');
    }
  });

  // Input that passed the schemas but that no database takes: numbers that are not finite ("Infinity", "1e400"
  // coerce to them) and NUL characters (PostgreSQL text cannot hold one).
  app.addHook('preHandler', async (req) => {
    const bad = (v: unknown, depth: number): string | null => {
      if (typeof v === 'number') return Number.isFinite(v) ? null : 'must be a finite number';
      if (typeof v === 'string') return v.includes('\u0000') ? 'must not contain a NUL character' : null;
      if (depth > 4 || v === null || typeof v !== 'object') return null;
      for (const [k, x] of Object.entries(v)) {
        const why = bad(x, depth + 1);
        if (why) return depth === 0 ? `${k} ${why}` : why;
      }
      return null;
    };
    for (const part of [req.query, req.params, req.body]) {
      const why = bad(part, 0);
      if (why) throw badRequest(`${why}.`);
    }
  });

  /** The member a write is made for; 401 without a key. */
  function member(req: FastifyRequest): { user: User; c: CommunityDeps } {
    if (!community) throw new HttpProblem(503, 'Unavailable', 'This server runs without its community features.');
    if (!req.apiKey) {
      throw new HttpProblem(401, 'Unauthorized', 'This needs a personal API key: make one on your account page (/account) and send it as "Authorization: Bearer pb_…".');
    }
    return { user: req.apiKey.user, c: community };
  }

  const noGlobalLimit = { rateLimit: false as const };

  // ---- Papers ----

  app.get(
    '/api/v1/papers/:id',
    { config: noGlobalLimit, schema: { tags: ['papers'], summary: 'One paper', operationId: 'getPaper', params: IdParams, response: { 200: Type.Ref('Paper'), ...errors(400, 404, 429) } } },
    async (req, reply) => {
      const id = paperId(req.params.id);
      const view = await deps.feed.paper(id);
      if (!view) throw notFound(`There is no paper ${id} here.`);
      reply.header('Cache-Control', CACHE);
      return presentPaper(view.paper, view.feed && { ...view.feed, upvotes: view.upvotes, numComments: view.numComments });
    },
  );

  app.get(
    '/api/v1/papers/:id/similar',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['papers'],
        summary: 'Papers similar to one paper, each with its score and the reason',
        operationId: 'similarPapers',
        params: IdParams,
        querystring: Type.Object({ limit: Limit(50, 10) }),
        response: { 200: Type.Object({ data: Type.Array(Type.Ref('SimilarPaper')) }), ...errors(400, 404, 429, 503) },
      },
    },
    async (req, reply) => {
      const id = paperId(req.params.id);
      if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot find similar papers.');
      const hits = await deps.search.similar(id, req.query.limit ?? 10);
      if (!hits) throw notFound(`There is no paper ${id} here.`);
      reply.header('Cache-Control', CACHE);
      const states = await deps.feed.states(hits.map((h) => h.paper.id));
      return { data: hits.map((h) => ({ paper: presentPaper(h.paper, states.get(h.paper.id)), score: h.score, reason: h.reason })) };
    },
  );

  app.get(
    '/api/v1/papers/:id/comments',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['comments'],
        summary: "A paper's comments in thread order",
        operationId: 'listComments',
        params: IdParams,
        querystring: Type.Object({ sort: Type.Optional(OneOf(['best', 'new'], { default: 'best' })) }),
        response: { 200: Type.Ref('CommentList'), ...errors(400, 404, 429) },
      },
    },
    async (req, reply) => {
      const id = paperId(req.params.id);
      if (!community) throw new HttpProblem(503, 'Unavailable', 'This server runs without its community features.');
      if (!(await deps.feed.paper(id))) throw notFound(`There is no paper ${id} here.`);
      const sort = req.query.sort ?? 'best';
      const data = flattenComments(await community.comments.thread(id, null, sort));
      reply.header('Cache-Control', CACHE);
      return { paper_id: id, sort, count: data.filter((c) => c.state === 'live').length, data };
    },
  );

  app.post(
    '/api/v1/papers/:id/comments',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['comments'],
        summary: 'Comment on a paper, or reply to a comment',
        operationId: 'addComment',
        security: BEARER,
        params: IdParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 10_000, description: 'Markdown; math in $…$.' }), parent_id: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ID })) }),
        response: { 201: Type.Ref('Comment'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (req, reply) => {
      const { user, c } = member(req);
      const id = paperId(req.params.id);
      await spend(perAction.comment, req, reply, 'comments from your account');
      const commentId = await c.comments.add(user, id, { body: req.body.body, parentId: req.body.parent_id });
      const made = flattenComments(await c.comments.thread(id, user, 'new')).find((x) => x.id === commentId);
      return reply.code(201).header('Location', `/api/v1/papers/${encodeURIComponent(id)}/comments`).send(made);
    },
  );

  const VoteRoute = { tags: ['votes'], security: BEARER, params: IdParams, response: { 200: Type.Ref('Vote'), ...errors(400, 401, 403, 404, 429) } };
  app.put('/api/v1/papers/:id/vote', { config: noGlobalLimit, schema: { ...VoteRoute, summary: 'Upvote a paper (idempotent)', operationId: 'upvote' } }, async (req, reply) => {
    const { user, c } = member(req);
    const id = paperId(req.params.id);
    await spend(perAction.vote, req, reply, 'votes from your account');
    const r = await c.votes.votePaper(user, id, true);
    return { paper_id: id, upvoted: r.upvoted, upvotes: r.upvotes };
  });
  app.delete('/api/v1/papers/:id/vote', { config: noGlobalLimit, schema: { ...VoteRoute, summary: 'Withdraw an upvote (idempotent)', operationId: 'withdrawUpvote' } }, async (req, reply) => {
    const { user, c } = member(req);
    const id = paperId(req.params.id);
    await spend(perAction.vote, req, reply, 'votes from your account');
    const r = await c.votes.votePaper(user, id, false);
    return { paper_id: id, upvoted: r.upvoted, upvotes: r.upvotes };
  });

  // ---- Feed, trending, search ----

  app.get(
    '/api/v1/feed',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['feed'],
        summary: 'The papers of a day, an ISO week or a month',
        description: 'Give at most one of date, week and month; none means the latest day with papers.',
        operationId: 'feed',
        querystring: Type.Object({
          date: Type.Optional(Type.String({ description: 'YYYY-MM-DD', examples: ['2025-05-26'] })),
          week: Type.Optional(Type.String({ description: 'ISO week YYYY-Www', examples: ['2025-W22'] })),
          month: Type.Optional(Type.String({ description: 'YYYY-MM', examples: ['2025-05'] })),
          sort: Type.Optional(OneOf(['upvotes', 'published', 'trending'], { default: 'upvotes' })),
          submitter: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f]+$', description: 'Only papers submitted by this member (their display name).' })),
          limit: Limit(FEED_MAX_LIMIT, 50),
          cursor: Cursor,
        }),
        response: { 200: Type.Ref('FeedPage'), ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const given = (['date', 'week', 'month'] as const).filter((k) => q[k] !== undefined);
      if (given.length > 1) throw badRequest(`Give at most one of date, week and month; got ${given.join(' and ')}.`);
      let period: Period | null = null;
      if (q.date !== undefined && !(period = dayPeriod(q.date))) throw badRequest('date must be a real calendar day written YYYY-MM-DD, e.g. 2025-05-26.');
      if (q.week !== undefined && !(period = weekPeriod(q.week))) throw badRequest('week must be an ISO 8601 week written YYYY-Www, e.g. 2025-W22.');
      if (q.month !== undefined && !(period = monthPeriod(q.month))) throw badRequest('month must be written YYYY-MM, e.g. 2025-05.');
      if (!period) {
        const latest = await deps.feed.latestDay();
        period = latest ? dayPeriod(latest) : null;
      }
      const sortName = q.sort ?? 'upvotes';
      const sort: FeedSort = sortName === 'published' ? 'publishedAt' : sortName;
      const limit = q.limit ?? 50;
      reply.header('Cache-Control', CACHE);
      if (!period) return { period: null, sort: sortName, total: 0, data: [], next_cursor: null };
      const listing = `feed:${period.kind}:${period.key}:${sort}:${q.submitter ?? ''}`;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, listing, sort).key;
      const { items, total } = await deps.feed.listAfter(period, { sort, limit: limit + 1, after, submitter: q.submitter });
      const page = items.slice(0, limit);
      const last = page.at(-1);
      return {
        period: { kind: period.kind, key: period.key, from: period.from, to: period.to },
        sort: sortName,
        total,
        data: page.map(presentItem),
        next_cursor: items.length > limit && last ? encodeCursor(listing, { key: feedKey(last, sort) }) : null,
      };
    },
  );

  app.get(
    '/api/v1/trending',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['feed'],
        summary: 'Every paper by trending score (upvotes decayed by age)',
        operationId: 'trending',
        querystring: Type.Object({ limit: Limit(FEED_MAX_LIMIT, 30), cursor: Cursor }),
        response: { 200: Type.Ref('PaperList'), ...errors(400, 429) },
      },
    },
    async (req, reply) => {
      const limit = req.query.limit ?? 30;
      const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor, 'trending', 'trending').key;
      const items = await deps.feed.trendingAfter(limit + 1, after);
      const page = items.slice(0, limit);
      const last = page.at(-1);
      reply.header('Cache-Control', CACHE);
      return { data: page.map(presentItem), next_cursor: items.length > limit && last ? encodeCursor('trending', { key: feedKey(last, 'trending') }) : null };
    },
  );

  app.get(
    '/api/v1/search',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['search'],
        summary: 'Search papers: keyword, semantic or hybrid, with filters, facets and highlights',
        description:
          'q takes the query language: words (all must match), "a phrase", -word, author:hinton, cat:cs.LG, year:2020-2024, from:2025-01-01, to:2025-06-30. The filter parameters add the same filters. Page with cursor (or page).',
        operationId: 'search',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 1000 }),
          category: Type.Optional(Type.String({ pattern: '^[a-z][a-z-]{0,19}(\\.[A-Za-z][A-Za-z-]{0,19})?$', description: 'Only papers in this arXiv category.' })),
          author: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only papers with this author.' })),
          from: Type.Optional(Type.String({ format: 'date', description: 'First published on or after.' })),
          to: Type.Optional(Type.String({ format: 'date', description: 'First published on or before.' })),
          mode: Type.Optional(OneOf(['keyword', 'semantic', 'hybrid'])),
          sort: Type.Optional(OneOf(['relevance', 'date', 'upvotes'], { default: 'relevance' })),
          limit: Limit(SEARCH_MAX_LIMIT, 20),
          cursor: Cursor,
          page: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Page index from 0 (cursor is preferred).' })),
          facets: Type.Optional(OneOf(['0', '1'], { description: '1: counts by category and year.' })),
          typing: Type.Optional(OneOf(['0', '1'], { description: '1: search as you type (the unfinished last word matches as a prefix).' })),
        }),
        response: { 200: Type.Ref('SearchPage'), ...errors(400, 429, 503) },
      },
    },
    async (req, reply) => {
      const qp = req.query;
      if (qp.q.trim() === '') throw badRequest('q is required: the text to search for (see the query language in the README).');
      const quoted = (s: string) => `"${s.replace(/"/g, ' ').trim()}"`;
      const q = [qp.q, qp.category && `cat:${qp.category}`, qp.author && `author:${quoted(qp.author)}`, qp.from && `from:${qp.from}`, qp.to && `to:${qp.to}`].filter(Boolean).join(' ');
      const sort = qp.sort ?? 'relevance';
      const limit = qp.limit ?? 20;
      const listing = `search:${sort}:${qp.mode ?? ''}:${q}`;
      if (qp.cursor !== undefined && qp.page !== undefined) throw badRequest('Give cursor or page, not both.');
      const offset = qp.cursor !== undefined ? (decodeCursor(qp.cursor, listing).offset ?? 0) : (qp.page ?? 0) * limit;
      if (offset > SEARCH_MAX_OFFSET) throw badRequest(`Search results go ${SEARCH_MAX_OFFSET} deep; narrow the query instead.`);
      if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index.');
      // The service pages by index; an offset that is not a whole page (never from our cursors) is rounded down.
      const r = await deps.search.search({ q, sort, page: Math.floor(offset / limit), limit, facets: qp.facets === '1', mode: qp.mode, typing: qp.typing === '1' });
      if (!r.ok) throw badRequest(`q cannot be searched: ${r.reason}.`);
      reply.header('Cache-Control', 'public, max-age=30');
      const nextOffset = (r.page + 1) * r.limit;
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
        next_cursor: nextOffset < r.total && nextOffset <= SEARCH_MAX_OFFSET ? encodeCursor(listing, { offset: nextOffset }) : null,
      };
    },
  );

  if (!community) return;
  const c = community;

  // ---- Reading lists ----

  /** A list in the API's shape; `owner` when the caller has the member already (their own lists). */
  async function presentList(list: Awaited<ReturnType<typeof c.readingLists.mine>>[number], papers?: PaperRecord[], knownOwner?: User) {
    const owner = knownOwner ?? (await c.store.accounts.userById(list.userId));
    const states = papers ? await c.store.feed.states(papers.map((p) => p.id)) : null;
    return {
      id: list.id,
      name: list.name,
      description: list.description,
      public: list.public,
      owner: { id: list.userId, name: memberName(owner ?? { id: list.userId, displayName: null }) },
      created_at: list.createdAt,
      updated_at: list.updatedAt,
      size: papers ? papers.length : list.size,
      ...(papers && states ? { papers: papers.map((p) => presentPaper(p, states.get(p.id))) } : {}),
    };
  }

  app.get(
    '/api/v1/lists/:id',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['lists'],
        summary: 'A reading list with its papers',
        description: 'Public lists are anyone’s to read; a private list only with its owner’s key. Unknown and private lists answer the same 404.',
        operationId: 'getList',
        // A key is optional: it lets the owner read their private list.
        security: [{}, { apiKey: [] }],
        params: ListParams,
        response: { 200: Type.Ref('ReadingList'), ...errors(400, 404, 429) },
      },
    },
    async (req, reply) => {
      const view = await c.readingLists.view(req.apiKey?.user ?? null, req.params.id);
      if (!view) throw notFound('There is no such list, or it is private.');
      reply.header('Cache-Control', view.list.public ? CACHE : 'private, no-store');
      return presentList(view.list, view.papers);
    },
  );

  app.get(
    '/api/v1/me/lists',
    { config: noGlobalLimit, schema: { tags: ['lists'], summary: 'Your reading lists', operationId: 'myLists', security: BEARER, response: { 200: Type.Object({ data: Type.Array(Type.Ref('ReadingList')) }), ...errors(401, 429) } } },
    async (req, reply) => {
      const { user } = member(req);
      reply.header('Cache-Control', 'private, no-store');
      return { data: await Promise.all((await c.readingLists.mine(user)).map((l) => presentList(l, undefined, user))) };
    },
  );

  const ListBody = {
    name: Type.String({ minLength: 1, maxLength: LIST_NAME_MAX_CHARS }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: LIST_DESCRIPTION_MAX_CHARS }), Type.Null()])),
    public: Type.Optional(Type.Boolean()),
  };
  app.post(
    '/api/v1/lists',
    {
      config: noGlobalLimit,
      schema: { tags: ['lists'], summary: 'Make a reading list', operationId: 'createList', security: BEARER, body: Type.Object(ListBody), response: { 201: Type.Ref('ReadingList'), ...errors(400, 401, 403, 409, 429) } },
    },
    async (req, reply) => {
      const { user } = member(req);
      const id = await c.readingLists.create(user, req.body.name);
      if (req.body.description !== undefined || req.body.public !== undefined) {
        await c.readingLists.update(user, id, { description: req.body.description ?? '', public: req.body.public ? '1' : '0' });
      }
      const view = (await c.readingLists.view(user, id))!;
      return reply.code(201).header('Location', `/api/v1/lists/${id}`).send(await presentList(view.list, view.papers));
    },
  );

  app.patch(
    '/api/v1/lists/:id',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['lists'],
        summary: 'Rename a list, describe it, or make it public or private',
        operationId: 'updateList',
        security: BEARER,
        params: ListParams,
        body: Type.Partial(Type.Object(ListBody), { minProperties: 1 }),
        response: { 200: Type.Ref('ReadingList'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (req) => {
      const { user } = member(req);
      const current = await c.readingLists.view(user, req.params.id);
      if (!current?.owner) throw notFound('You have no such list.');
      const b = req.body;
      await c.readingLists.update(user, req.params.id, {
        name: b.name ?? current.list.name,
        description: b.description === undefined ? (current.list.description ?? '') : (b.description ?? ''),
        public: (b.public ?? current.list.public) ? '1' : '0',
      });
      const view = (await c.readingLists.view(user, req.params.id))!;
      return presentList(view.list, view.papers);
    },
  );

  app.delete(
    '/api/v1/lists/:id',
    { config: noGlobalLimit, schema: { tags: ['lists'], summary: 'Delete a list', operationId: 'deleteList', security: BEARER, params: ListParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 429) } } },
    async (req, reply) => {
      const { user } = member(req);
      await c.readingLists.delete(user, req.params.id);
      return reply.code(204).send(null);
    },
  );

  const ListPaperParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: MAX_ID }), paperId: Type.String({ maxLength: 200, description: 'arXiv id (old-style ids with %2F).' }) });
  app.put(
    '/api/v1/lists/:id/papers/:paperId',
    {
      config: noGlobalLimit,
      schema: { tags: ['lists'], summary: 'Add a paper to the end of a list (idempotent)', operationId: 'addToList', security: BEARER, params: ListPaperParams, response: { 200: Type.Ref('ReadingList'), ...errors(400, 401, 403, 404, 429) } },
    },
    async (req) => {
      const { user } = member(req);
      await c.readingLists.add(user, req.params.id, paperId(req.params.paperId));
      const view = (await c.readingLists.view(user, req.params.id))!;
      return presentList(view.list, view.papers);
    },
  );
  app.delete(
    '/api/v1/lists/:id/papers/:paperId',
    {
      config: noGlobalLimit,
      schema: { tags: ['lists'], summary: 'Take a paper off a list (idempotent)', operationId: 'removeFromList', security: BEARER, params: ListPaperParams, response: { 200: Type.Ref('ReadingList'), ...errors(400, 401, 403, 404, 429) } },
    },
    async (req) => {
      const { user } = member(req);
      await c.readingLists.remove(user, req.params.id, paperId(req.params.paperId));
      const view = (await c.readingLists.view(user, req.params.id))!;
      return presentList(view.list, view.papers);
    },
  );

  // ---- Hugging Face: index a paper by id ----

  app.post(
    '/api/papers/index',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['huggingface'],
        summary: 'Index a paper by arXiv id (as Hugging Face’s POST /api/papers/index)',
        description: 'Fetches the paper from arXiv when it is not here yet, so its page and API entries exist; it does not enter the daily feed (submit it on the site for that). Answers the paper in the shape of GET /api/papers/{id}: 201 when it was fetched, 200 when it was already here.',
        operationId: 'indexPaper',
        security: BEARER,
        body: Type.Object({ arxivId: Type.String({ minLength: 1, maxLength: 300, examples: ['2505.20278'] }) }),
        response: { 200: Type.Ref('HfPaper'), 201: Type.Ref('HfPaper'), ...errors(400, 401, 403, 404, 429, 503) },
      },
    },
    async (req, reply) => {
      const { user } = member(req);
      const known = parsePaperId(req.body.arxivId.trim());
      if (known && !(await deps.feed.paper(known.id))) {
        // Only fetching from arXiv is limited; answering for a paper already here costs nothing.
        await spend(perAction.index, req, reply, 'papers indexed from arXiv by your account');
        await spend(perAction.indexAll, req, reply, 'papers indexed from arXiv on this site');
      }
      const { paperId: id, created } = await c.submissions.index(user, req.body.arxivId);
      const view = await deps.feed.paper(id);
      if (!view) throw notFound(`There is no paper ${id} here.`);
      return reply.code(created ? 201 : 200).header('Location', `/api/papers/${id}`).send(presentHfPaper(view));
    },
  );

  // ---- The member: who, follows, digest subscription ----

  app.get(
    '/api/v1/me',
    { config: noGlobalLimit, schema: { tags: ['me'], summary: 'Who this key belongs to', operationId: 'me', security: BEARER, response: { 200: Type.Ref('Me'), ...errors(401, 429) } } },
    async (req, reply) => {
      const { user } = member(req);
      const key = req.apiKey!.key;
      reply.header('Cache-Control', 'private, no-store');
      return { id: user.id, name: memberName(user), affiliation: user.affiliation, role: user.role, created_at: user.createdAt, key: { id: key.id, name: key.name, prefix: key.prefix } };
    },
  );

  app.get(
    '/api/v1/me/for-you',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['me'],
        summary: 'Papers picked for you from the last 14 feed days, each with the reason',
        description: 'What /for-you shows: ranked from what you upvoted, saved to lists and follow (docs/recommendations.md).',
        operationId: 'forYou',
        security: BEARER,
        querystring: Type.Object({ limit: Limit(50, 30) }),
        response: { 200: Type.Ref('ForYou'), ...errors(400, 401, 429) },
      },
    },
    async (req, reply) => {
      const { user } = member(req);
      reply.header('Cache-Control', 'private, no-store');
      const result = deps.recommendations ? await deps.recommendations.cachedForYou(user.id, req.query.limit ?? 30) : null;
      return {
        computed_at: result?.computedAt ?? null,
        data: (result?.recs ?? []).map((r) => ({ paper: presentItem(r.item), score: r.score, reason: r.reason })),
      };
    },
  );

  app.get(
    '/api/v1/me/follows',
    { config: noGlobalLimit, schema: { tags: ['me'], summary: 'Authors and categories you follow', operationId: 'myFollows', security: BEARER, response: { 200: Type.Ref('Follows'), ...errors(401, 429) } } },
    async (req, reply) => {
      const { user } = member(req);
      reply.header('Cache-Control', 'private, no-store');
      return c.interests.follows(user);
    },
  );
  const FollowBody = Type.Object({
    kind: OneOf(['author', 'category']),
    value: Type.String({ minLength: 1, maxLength: 200, description: 'An author’s name as papers give it, or an arXiv category such as cs.LG.' }),
  });
  app.post(
    '/api/v1/me/follows',
    {
      config: noGlobalLimit,
      schema: { tags: ['me'], summary: 'Follow an author or a category (idempotent)', operationId: 'follow', security: BEARER, body: FollowBody, response: { 200: Type.Ref('Follows'), ...errors(400, 401, 403, 409, 429) } },
    },
    async (req) => {
      const { user } = member(req);
      await c.interests.follow(user, parseFollowKind(req.body.kind), req.body.value);
      return c.interests.follows(user);
    },
  );
  app.delete(
    '/api/v1/me/follows',
    {
      config: noGlobalLimit,
      schema: { tags: ['me'], summary: 'Stop following an author or a category (idempotent)', operationId: 'unfollow', security: BEARER, querystring: FollowBody, response: { 200: Type.Ref('Follows'), ...errors(400, 401, 403, 429) } },
    },
    async (req) => {
      const { user } = member(req);
      await c.interests.unfollow(user, parseFollowKind(req.query.kind), req.query.value);
      return c.interests.follows(user);
    },
  );

  app.get(
    '/api/v1/me/subscription',
    {
      config: noGlobalLimit,
      schema: { tags: ['me'], summary: 'Your email digest subscription', operationId: 'mySubscription', security: BEARER, response: { 200: Type.Ref('Subscription'), ...errors(401, 404, 429) } },
    },
    async (req, reply) => {
      const { user } = member(req);
      const sub = await c.digests.ofMember(user);
      if (!sub) throw notFound('You have no digest subscription; PUT one to subscribe.');
      reply.header('Cache-Control', 'private, no-store');
      return presentSubscription(sub);
    },
  );
  const Topics = (what: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 20, description: what }));
  app.put(
    '/api/v1/me/subscription',
    {
      config: noGlobalLimit,
      schema: {
        tags: ['me'],
        summary: 'Subscribe your account’s address to the digest, or change what it brings',
        description: 'Your address was proved when you signed in, so no confirmation mail is sent. No topics: every paper, by trending.',
        operationId: 'subscribe',
        security: BEARER,
        body: Type.Object({
          frequency: OneOf(['daily', 'weekly']),
          daily_mode: Type.Optional(OneOf(['merge', 'skip'])),
          categories: Topics('arXiv categories such as cs.LG.'),
          keywords: Topics('Words or phrases in the title or abstract.'),
          authors: Topics('Author names.'),
        }),
        response: { 200: Type.Ref('Subscription'), ...errors(400, 401, 403, 429) },
      },
    },
    async (req) => {
      const { user } = member(req);
      const b = req.body;
      const sub = await c.digests.subscribeMember(user, { frequency: b.frequency, dailyMode: b.daily_mode, categories: b.categories, keywords: b.keywords, authors: b.authors });
      return presentSubscription(sub);
    },
  );
  app.delete(
    '/api/v1/me/subscription',
    {
      config: noGlobalLimit,
      schema: { tags: ['me'], summary: 'Unsubscribe from the digest (idempotent)', operationId: 'unsubscribe', security: BEARER, response: { 204: Type.Null(), ...errors(401, 429) } },
    },
    async (req, reply) => {
      const { user } = member(req);
      await c.digests.unsubscribeMember(user);
      return reply.code(204).send(null);
    },
  );
}

