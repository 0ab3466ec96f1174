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
import type { User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { SESSION_TTL_MS, type AccountService } from '../services/account.service.js';
import { isModerator } from '../services/moderation.service.js';
import { HttpProblem } from './errors.js';
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

  // After the body is parsed (the token may be a form field): refuse cross-site writes, then check the token.
  app.addHook('preHandler', (req, reply, done) => {
    if (SAFE_METHODS.has(req.method) || req.url.startsWith('/api/')) return done();
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return done(new HttpProblem(403, 'Refused', 'This form was sent from another site. Open Paperboy itself and try again there.'));
    }
    app.csrfProtection(req, reply, done);
  });

  app.addHook('onSend', async (req, reply) => {
    if (req.user || req.cookies[SESSION_COOKIE]) {
      reply.header('cache-control', 'private, no-cache');
      reply.header('vary', 'Cookie');
    }
  });
}

export function setSessionCookie(reply: FastifyReply, secret: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, secret, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/**
 * The viewer model for a page: the member, a CSRF token when the page has forms (signed-in pages, sign-in forms), and
 * which of `paperIds` the member upvoted.
 */
export async function viewerFor(req: FastifyRequest, reply: FastifyReply, store: Store | undefined, opts: { paperIds?: readonly string[]; forms?: boolean } = {}): Promise<ViewerModel> {
  const user = req.user ?? null;
  const here = req.url.length <= 2000 ? req.url : '/';
  const canForm = typeof (reply as { generateCsrf?: unknown }).generateCsrf === 'function';
  const csrfToken = canForm && (user || opts.forms) ? reply.generateCsrf() : null;
  const upvoted = user && store && opts.paperIds?.length ? await store.votes.upvotedAmong(user.id, opts.paperIds) : new Set<string>();
  return {
    user: user ? { id: user.id, name: user.displayName ?? `member ${user.id}`, role: user.role, moderator: isModerator(user) } : null,
    csrf: csrfToken,
    upvoted,
    here,
  };
}
