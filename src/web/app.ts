/**
 * The web application: HTML pages, the Hugging Face-compatible JSON API, static files. `createApp(deps)` builds it
 * from its dependencies (no hidden singletons) so tests run it in-process with `app.inject` or on a real port.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import etag from '@fastify/etag';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { h } from 'preact';
import type { AccountService } from '../services/account.service.js';
import type { CommentService } from '../services/comment.service.js';
import type { DigestService } from '../services/digest.service.js';
import type { ReadingListService } from '../services/reading-list.service.js';
import type { RecommendationService } from '../services/recommendation.service.js';
import type { FeedService } from '../services/feed.service.js';
import type { ModerationService } from '../services/moderation.service.js';
import { RULE_STATUS, RuleError } from '../services/rule-error.js';
import type { SubmissionService } from '../services/submission.service.js';
import type { VoteService } from '../services/vote.service.js';
import type { Store } from '../store/store.js';
import type { SearchService } from '../services/search.service.js';
import { renderPage } from './render.js';
import { registerStylesheet } from './stylesheet.js';
import { feedRoutes } from './routes/feeds.routes.js';
import { hfApiRoutes } from './routes/hf-api.routes.js';
import { pageRoutes } from './routes/pages.routes.js';
import { registerApiDocs } from './api/openapi.js';
import { type OpsDeps, registerOps, requestId } from './ops.js';
import { databaseRateLimitStore } from './rate-limit-store.js';
import { isDatabaseUnavailable } from '../store/db.js';
import type { RateLimitRepository } from '../store/rate-limit.repository.js';
import { SHARED_SCHEMAS } from './api/schemas.js';
import { type ApiLimits, v1Routes } from './api/v1.routes.js';
import { searchRoutes } from './routes/search.routes.js';
import { installSessions, viewerUser } from './session.js';
import { ANONYMOUS, type ViewerModel } from './viewer.js';
import { themeFromCookies } from './theme.js';
import type { User } from '../store/account.repository.js';
import { authRoutes } from './routes/auth.routes.js';
import { communityRoutes } from './routes/community.routes.js';
import { moderationRoutes } from './routes/moderation.routes.js';
import { digestRoutes } from './routes/digest.routes.js';
import type { InterestService } from '../services/interest.service.js';
import type { ApiKeyService } from '../services/api-key.service.js';
import { forYouRoutes } from './routes/for-you.routes.js';
import { listRoutes } from './routes/lists.routes.js';
import { listApiRoutes } from './routes/lists-api.routes.js';
import { ErrorView } from './views/error.view.js';
import { HttpProblem } from './errors.js';

export { HttpProblem, badRequest, notFound } from './errors.js';

export interface AppDeps {
  feed: FeedService;
  /** Search; absent in apps built without an index (some tests), where search routes answer 503. */
  search?: SearchService;
  /** Pino log level; 'silent' in tests. */
  logLevel?: string;
  /** Requests per minute per client address. */
  rateLimitPerMinute?: number;
  /** Proxy hops to trust for the client address (Config.trustProxy). */
  trustProxy?: boolean | number;
  /** Accounts, votes, comments, submissions and moderation; absent in apps built for read-only tests. */
  community?: CommunityDeps;
  /** "For you" (needs community). */
  recommendations?: RecommendationService;
  /** Limits of the v1 JSON API (defaults in v1.routes.ts). */
  apiLimits?: ApiLimits;
  /** Keep rate-limit counters here (shared by every instance) instead of in this process. */
  rateLimitStore?: RateLimitRepository;
  /** Readiness and metrics (/readyz, /metrics); absent in apps built for narrow tests. */
  ops?: OpsDeps;
}

export interface CommunityDeps {
  store: Store;
  accounts: AccountService;
  votes: VoteService;
  comments: CommentService;
  submissions: SubmissionService;
  moderation: ModerationService;
  digests: DigestService;
  readingLists: ReadingListService;
  interests: InterestService;
  apiKeys: ApiKeyService;
  /** Cookies are `Secure` when the site's public URL is https. */
  secureCookies: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const katexDist = path.join(path.dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');

const PROBLEM_TITLES: Record<RuleError['kind'], string> = {
  invalid: 'Bad request',
  'signed-out': 'Sign in first',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  limit: 'Too many requests',
  unavailable: 'Try again shortly',
};

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || (req.headers.accept ?? '').startsWith('application/json');
}

/** The stable machine-readable code of an error status (the `code` of every JSON error). */
export function errorCode(status: number): string {
  const codes: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 406: 'not_acceptable', 409: 'conflict', 413: 'too_large', 415: 'unsupported_media_type', 429: 'rate_limited', 503: 'unavailable' };
  return codes[status] ?? (status >= 500 ? 'server_error' : 'bad_request');
}

export interface FieldError {
  in: string;
  name: string;
  message: string;
}

/**
 * Sends an error as JSON for API routes and as an HTML page elsewhere; never a stack trace. Every JSON error has one
 * shape: `{statusCode, error, code, message}` (Fastify's own and the Hugging Face API's), plus `errors` for bad input.
 */
export function sendProblem(req: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string, fields?: FieldError[]) {
  reply.code(status);
  if (wantsJson(req)) {
    return reply.type('application/json; charset=utf-8').send({ statusCode: status, error: title, code: errorCode(status), message, ...(fields?.length ? { errors: fields } : {}) });
  }
  // The header still shows who is signed in (no CSRF token: error pages carry no forms that change state).
  const viewer: ViewerModel = { ...ANONYMOUS, user: viewerUser((req as { user?: User | null }).user ?? null), here: req.url.length <= 2000 ? req.url : '/', theme: themeFromCookies(req.headers.cookie) };
  // The page's own path to load again; never one a browser would read as another host's (`//host/…`, `/\\host/…`).
  const retry = req.method === 'GET' && req.url.length <= 2000 && /^\/(?![/\\])/.test(req.url) ? req.url : null;
  return reply.type('text/html; charset=utf-8').send(renderPage(h(ErrorView, { status, title, message, retry }), viewer));
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel ?? 'info' },
    // Each request's id: the proxy's X-Request-Id when well formed, else a UUID; in every log line and in the answer.
    genReqId: requestId,
    // Old-style arXiv ids contain a slash (hep-th/9108002); routes take the rest of the path and parse it.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // A hop count trusts that many proxies in front (proxy-addr calls the function per hop, nearest first).
    trustProxy: typeof deps.trustProxy === 'number' ? (_addr: string, hop: number) => hop < (deps.trustProxy as number) : (deps.trustProxy ?? false),
    // A malformed URL (bad percent-encoding) never reaches a route: answer it like any other bad request.
    frameworkErrors: (err, req, reply) => {
      sendProblem(req, reply, 400, 'Bad request', 'The address is not valid (check its percent-encoding).');
      req.log.debug({ err }, 'framework error');
    },
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    // The API is read by scripts and other sites; pages are same-origin anyway.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  const perMinute = deps.rateLimitPerMinute ?? 600;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: '1 minute',
    enableDraftSpec: true, // RateLimit-Limit / -Remaining / -Reset headers (IETF draft "RateLimit header fields for HTTP")
    ...(deps.rateLimitStore ? { store: databaseRateLimitStore(deps.rateLimitStore), skipOnError: true } : {}),
  });
  // The same draft's policy header, which the plugin does not send and the Hugging Face API does: quota;w=window-seconds.
  // Routes with limits of their own (sign-in, votes, comments…) state theirs.
  app.addHook('onSend', async (req, reply) => {
    if (reply.hasHeader('ratelimit-policy')) return;
    const own = req.routeOptions.config?.rateLimit;
    if (own && typeof own === 'object' && typeof own.max === 'number' && typeof own.timeWindow === 'number') {
      reply.header('ratelimit-policy', `${own.max};w=${Math.round(own.timeWindow / 1000)}`);
    } else {
      reply.header('ratelimit-policy', `${perMinute};w=60`);
    }
  });
  await app.register(compress, { threshold: 1024 });
  await app.register(etag, { weak: true });
  // CORS for reading: scripts on any site may GET the JSON API and the feeds (no cookies cross-site, so personal
  // endpoints such as /api/for-you answer 401 there). Pages and every write stay same-origin.
  await app.register(cors, {
    delegator: (req, cb) => {
      const url = req.url ?? '';
      const read = req.method === 'GET' || req.method === 'HEAD' || (req.method === 'OPTIONS' && req.headers['access-control-request-method'] === 'GET');
      cb(null, read && (url.startsWith('/api/') || url.startsWith('/feeds/')) ? { origin: '*', methods: ['GET', 'HEAD'], maxAge: 86_400 } : { origin: false });
    },
  });
  await app.register(formbody);
  // Before any route: the OpenAPI document is generated from the routes' schemas as they are added.
  await registerApiDocs(app);
  // The API's shared schemas (Paper, Error…), which the v1 and the Hugging Face-compatible routes refer to.
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  // /static/app.css is modern-normalize and static/app.css joined (a route of its own, before the static files').
  registerStylesheet(app, path.join(here, 'static'));
  await app.register(fastifyStatic, { root: path.join(here, 'static'), prefix: '/static/', maxAge: '1h', decorateReply: false });
  await app.register(fastifyStatic, { root: katexDist, prefix: '/static/katex/', maxAge: '7d', decorateReply: false });

  app.setNotFoundHandler((req, reply) => sendProblem(req, reply, 404, 'Not found', `Nothing lives at ${req.url.slice(0, 200)}.`));
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpProblem) return sendProblem(req, reply, err.status, err.title, err.message);
    if (err instanceof RuleError) return sendProblem(req, reply, RULE_STATUS[err.kind], PROBLEM_TITLES[err.kind], err.message);
    const code = (err as { code?: string }).code;
    if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') {
      return sendProblem(req, reply, 403, 'Form expired', 'This form has expired or did not come from this site. Go back, reload the page and send it again.');
    }
    const status = (err as { statusCode?: number }).statusCode;
    const message = err instanceof Error ? err.message : String(err);
    // Schema validation (the v1 API): say which parameter is wrong and why, each one.
    const validation = (err as { validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string }).validation;
    if (validation) {
      const where = (err as { validationContext?: string }).validationContext ?? 'request';
      const fields = validation.map((v) => {
        const missing = v.params?.missingProperty;
        const name = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), typeof missing === 'string' ? missing : ''].filter(Boolean).join('.');
        const allowed = Array.isArray(v.params?.allowedValues) ? (v.params.allowedValues as unknown[]).join(', ') : null;
        const message = typeof missing === 'string' ? 'is required' : allowed ? `must be one of ${allowed}` : (v.message ?? 'is not valid');
        return { in: where, name, message };
      });
      const text = fields.map((f) => (f.name ? `${f.name} ${f.message}` : `the ${f.in} ${f.message}`)).join('; ');
      return sendProblem(req, reply, 400, 'Bad request', `${text}.`, fields);
    }
    if (status && status >= 400 && status < 500) {
      const titles: Record<number, string> = { 404: 'Not found', 405: 'Method not allowed', 406: 'Not acceptable', 413: 'Too large', 415: 'Unsupported media type', 429: 'Too many requests' };
      return sendProblem(req, reply, status, titles[status] ?? 'Bad request', message);
    }
    // The database is down or restarting: a 503 a load balancer can route around and a client can retry.
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err }, 'database unavailable');
      reply.header('Retry-After', '5');
      return sendProblem(req, reply, 503, 'Try again shortly', 'The database is not answering just now. Try again in a few seconds.');
    }
    req.log.error({ err }, 'request failed');
    return sendProblem(req, reply, 500, 'Server error', 'Something went wrong on our side. Try again in a moment.');
  });

  if (deps.community) {
    await installSessions(app, {
      accounts: deps.community.accounts,
      store: deps.community.store,
      secureCookies: deps.community.secureCookies,
      writesPerMinutePerAddress: Math.max(1, Math.floor(perMinute / 4)),
    });
  }

  app.get('/healthz', { config: { rateLimit: false } }, async () => ({ ok: true }));
  if (deps.ops) registerOps(app, deps.ops);
  // Pages declare an empty icon; documents without the layout (a digest preview) make browsers ask anyway.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  await app.register(async (scope) => pageRoutes(scope, deps));
  await app.register(async (scope) => hfApiRoutes(scope, deps));
  await app.register(async (scope) => searchRoutes(scope, deps));
  await app.register(async (scope) => feedRoutes(scope, deps));
  await app.register(async (scope) => v1Routes(scope, deps, deps.apiLimits));
  if (deps.community) {
    const community = deps.community;
    await app.register(async (scope) => authRoutes(scope, deps, community));
    await app.register(async (scope) => communityRoutes(scope, deps, community));
    await app.register(async (scope) => moderationRoutes(scope, deps, community));
    await app.register(async (scope) => digestRoutes(scope, deps, community));
    await app.register(async (scope) => listRoutes(scope, deps, community));
    await app.register(async (scope) => listApiRoutes(scope, deps, community));
    await app.register(async (scope) => forYouRoutes(scope, deps, community));
  }
  return app;
}
