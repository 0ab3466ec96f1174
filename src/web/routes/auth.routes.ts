/**
 * Sign-in by emailed link, sign-out, the account page and public profiles. Requesting a link and using one are rate
 * limited per client address (on top of the per-address mail limit in AccountService).
 */
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { RuleError } from '../../services/rule-error.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { notFound } from '../errors.js';
import { sendHtml } from '../page.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { AccountDeletedView, AccountView, ProfileView } from '../views/account.view.js';
import { CheckMailView, ConfirmSignInView, LinkProblemView, SignInView } from '../views/auth.view.js';
import { field, localPath, queryField } from './form-input.js';

/** Sign-in requests per client address: 10 per 15 minutes. */
export const SIGN_IN_RATE = { max: 10, timeWindow: 15 * 60_000 };

export async function authRoutes(app: FastifyInstance, _deps: AppDeps, c: CommunityDeps): Promise<void> {
  const perIp = { rateLimit: { ...SIGN_IN_RATE, keyGenerator: (req: { ip: string }) => `signin:${req.ip}` } };
  const secure = c.secureCookies;

  app.get('/auth/signin', async (req, reply) => {
    const next = localPath(queryField(req, 'next'));
    return sendHtml(req, reply, h(SignInView, { next }), { forms: true });
  });

  app.post('/auth/signin', { config: perIp }, async (req, reply) => {
    const next = localPath(field(req, 'next'));
    const email = field(req, 'email');
    try {
      await c.accounts.requestLink(email, next);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      return sendHtml(req, reply, h(SignInView, { next, error: e.message, email: (email ?? '').slice(0, 254) }), { forms: true, status: 400 });
    }
    return sendHtml(req, reply, h(CheckMailView, { next }), { cacheControl: 'no-store' });
  });

  // The link in the mail opens a page with a button: mail scanners that follow links do not use the link up.
  app.get('/auth/verify', async (req, reply) => {
    const token = queryField(req, 'token') ?? '';
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return sendHtml(req, reply, h(LinkProblemView, { next: localPath(queryField(req, 'next')) }), { status: 400, cacheControl: 'no-store' });
    return sendHtml(req, reply, h(ConfirmSignInView, { token, next: localPath(queryField(req, 'next')) }), { forms: true });
  });

  app.post('/auth/verify', { config: perIp }, async (req, reply) => {
    const result = await c.accounts.signIn(field(req, 'token'));
    if (!result) return sendHtml(req, reply, h(LinkProblemView, { next: localPath(field(req, 'next')) }), { status: 400, cacheControl: 'no-store' });
    setSessionCookie(reply, result.sessionSecret, secure);
    const next = localPath(field(req, 'next'));
    // A first sign-in: ask for the name shown with comments and submissions, then go on.
    if (!result.user.displayName) return reply.redirect(`/account?welcome=1&next=${encodeURIComponent(next)}`, 303);
    return reply.redirect(next, 303);
  });

  app.post('/auth/signout', async (req, reply) => {
    const secret = req.cookies[SESSION_COOKIE];
    if (secret) await c.accounts.signOut(secret);
    clearSessionCookie(reply, secure);
    return reply.redirect('/', 303);
  });

  app.get('/account', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    const welcome = queryField(req, 'welcome') === '1';
    const sub = await c.digests.ofMember(req.user);
    const digest = sub ? { status: sub.status, frequency: sub.frequency, manageUrl: c.digests.link('manage', sub) } : null;
    return sendHtml(
      req,
      reply,
      h(AccountView, { user: req.user, saved: queryField(req, 'saved') === '1' || queryField(req, 'digest') === '1', welcome, next: welcome ? localPath(queryField(req, 'next')) : undefined, digest }),
    );
  });

  app.post('/account', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    try {
      await c.accounts.updateProfile(req.user.id, { displayName: field(req, 'displayName'), affiliation: field(req, 'affiliation'), emailOnReply: field(req, 'emailOnReply') });
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      const next = field(req, 'next');
      return sendHtml(req, reply, h(AccountView, { user: req.user, saved: false, error: e.message, welcome: next !== undefined, next: next === undefined ? undefined : localPath(next) }), { status: 400 });
    }
    const next = field(req, 'next');
    return reply.redirect(next ? localPath(next) : '/account?saved=1', 303);
  });

  app.post('/account/signout-everywhere', async (req, reply) => {
    if (req.user) await c.accounts.signOutEverywhere(req.user.id);
    clearSessionCookie(reply, secure);
    return reply.redirect('/', 303);
  });

  app.post('/account/delete', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    if (field(req, 'confirm') !== 'DELETE') {
      return sendHtml(req, reply, h(AccountView, { user: req.user, saved: false, error: 'Type DELETE (in capitals) to confirm deleting your account.' }), { status: 400 });
    }
    await c.accounts.deleteAccount(req.user.id);
    clearSessionCookie(reply, secure);
    req.user = null;
    return sendHtml(req, reply, h(AccountDeletedView, {}), { cacheControl: 'no-store' });
  });

  app.get<{ Params: { id: string } }>('/users/:id', async (req, reply) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : NaN;
    const profile = Number.isSafeInteger(id) ? await c.accounts.profile(id) : null;
    if (!profile) throw notFound('There is no such member.');
    return sendHtml(req, reply, h(ProfileView, { profile }));
  });
}
