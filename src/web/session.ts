/**
 * Sessions and CSRF for the whole app. A session is a random cookie (`pb_session`, httpOnly, SameSite=Lax, Secure when
 * the site is served over https) whose hash the store keeps. Every state-changing request must carry a CSRF token
 * (double-submit: a secret in an httpOnly cookie, a token derived from it in the form's `_csrf` field or an
 * `X-CSRF-Token` header, via @fastify/csrf-protection); browsers that say the request is cross-site
 * (Sec-Fetch-Site) are refused before that. Pages seen by a signed-in member are private to them (never cached by
 * a shared cache).
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { memberName, type User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { SESSION_TTL_MS, type AccountService } from '../services/account.service.js';
import { isModerator } from '../services/moderation.service.js';
import { HttpProblem } from './errors.js';
import { themeFromCookies } from './theme.js';
import type { ViewerModel } from './viewer.js';

export const SESSION_COOKIE = 'pb_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null. */
    user: User | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionOptions {
  accounts: AccountService;
  store: Store;
  /** Cookies get `Secure` (sent over https only) when the public URL is https. */
  secureCookies: boolean;
  /** State-changing requests per client address per minute, whichever member sends them (several accounts, one machine). */
  writesPerMinutePerAddress: number;
}

export async function installSessions(app: FastifyInstance, opts: SessionOptions): Promise<void> {
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'pb_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: opts.secureCookies },
  });
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (req) => {
    const secret = req.cookies[SESSION_COOKIE];
    req.user = secret ? await opts.accounts.sessionUser(secret) : null;
  });

  // Routes limit writes per member; this limits them per client address too (their own limits replace the global one).
  const writesPerAddress = app.createRateLimit({ max: opts.writesPerMinutePerAddress, timeWindow: 60_000, keyGenerator: (req) => `writes:${req.ip}` });

  // After the body is parsed (the token may be a form field): limit, refuse cross-site writes, then check the token.
  app.addHook('preHandler', async (req, reply) => {
    if (SAFE_METHODS.has(req.method) || req.url.startsWith('/api/')) return;
    const csrfMode = (req.routeOptions.config as { csrf?: false | 'same-origin' } | undefined)?.csrf;
    const limit = await writesPerAddress(req);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('ratelimit-limit', limit.max).header('ratelimit-remaining', 0).header('ratelimit-reset', limit.ttlInSeconds).header('retry-after', limit.ttlInSeconds);
      reply.header('ratelimit-policy', `${limit.max};w=60`);
      throw new HttpProblem(429, 'Too many requests', `Too many changes from your address: at most ${limit.max} a minute. Wait ${limit.ttlInSeconds} seconds and try again.`);
    }
    // Routes whose authority is a signed token in the URL (RFC 8058 one-click unsubscribe, posted by mail clients and
    // webmail from anywhere) need neither a CSRF token nor a same-site request.
    if (csrfMode === false) return;
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      throw new HttpProblem(403, 'Refused', 'This form was sent from another site. Open Paperboy itself and try again there.');
    }
    // Forms on anonymous, cacheable pages carry no token: the browser's word that the request is same-origin suffices.
    if (csrfMode === 'same-origin' && !(req.body as { _csrf?: unknown } | undefined)?._csrf) {
      if (isSameOrigin(req)) return;
      throw new HttpProblem(403, 'Refused', 'This form was sent from another site. Open Paperboy itself and try again there.');
    }
    await new Promise<void>((resolve, reject) => app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())));
  });

  app.addHook('onSend', async (req, reply) => {
    // A member's pages are theirs alone; a page that asked not to be stored at all (a secret shown once) stays so.
    if ((req.user || req.cookies?.[SESSION_COOKIE]) && reply.getHeader('cache-control') !== 'no-store') reply.header('cache-control', 'private, no-cache');
    // Pages differ by who is signed in: a cache (the browser's, or a shared one) keeps one copy per cookie, so a member
    // who just signed in never gets the signed-out copy of a page.
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      const vary = String(reply.getHeader('vary') ?? '');
      if (!/\bcookie\b/i.test(vary)) reply.header('vary', vary ? `${vary}, Cookie` : 'Cookie');
    }
  });
}

/** Sec-Fetch-Site: same-origin, or else an Origin header naming this host (older browsers). */
function isSameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function setSessionCookie(reply: FastifyReply, secret: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** The member as views see them (name, role), or null. */
export function viewerUser(user: User | null): ViewerModel['user'] {
  return user ? { id: user.id, name: memberName(user), role: user.role, moderator: isModerator(user) } : null;
}

/**
 * The viewer model for a page: the member, a CSRF token when the page has forms (signed-in pages, sign-in forms),
 * which of `paperIds` the member upvoted, and their reading lists with those holding each of `paperIds`.
 */
export async function viewerFor(req: FastifyRequest, reply: FastifyReply, store: Store | undefined, opts: { paperIds?: readonly string[]; forms?: boolean } = {}): Promise<ViewerModel> {
  const user = req.user ?? null;
  const here = req.url.length <= 2000 ? req.url : '/';
  const canForm = typeof (reply as { generateCsrf?: unknown }).generateCsrf === 'function';
  const csrfToken = canForm && (user || opts.forms) ? reply.generateCsrf() : null;
  const withPapers = user && store && opts.paperIds?.length ? { user, store, paperIds: opts.paperIds } : null;
  // Two queries a page whatever the number of cards: the member's upvotes among them, and their lists with those holding them.
  const [upvoted, menu] = withPapers
    ? await Promise.all([withPapers.store.votes.upvotedAmong(withPapers.user.id, withPapers.paperIds), withPapers.store.readingLists.saveMenu(withPapers.user.id, withPapers.paperIds)])
    : [new Set<string>(), null];
  return {
    user: viewerUser(user),
    csrf: csrfToken,
    upvoted,
    here,
    lists: menu?.lists ?? null,
    savedIn: menu?.holding ?? new Map(),
    theme: themeFromCookies(req.headers.cookie),
  };
}
