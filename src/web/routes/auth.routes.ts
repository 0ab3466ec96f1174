/**
 * Sign-in by emailed link, sign-out, the account page (profile, digest, personal API keys, sessions, deletion) and
 * public profiles. Requesting a link and using one are rate limited per client address (on top of the per-address
 * mail limit in AccountService).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { RULE_STATUS, RuleError } from '../../services/rule-error.js';
import type { User } from '../../store/account.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { notFound } from '../errors.js';
import { sendHtml } from '../page.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../session.js';
import { type AccountApiKeysModel, AccountDeletedView, AccountView, type AccountViewProps, ProfileView } from '../views/account.view.js';
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

  /**
   * The account page with the member's digest and API keys as they are now. A page showing a new key's secret is
   * `no-store` (the session hook leaves that alone), so neither the browser nor anything between keeps it.
   */
  const accountPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    user: User,
    props: Omit<AccountViewProps, 'user' | 'saved' | 'digest' | 'apiKeys'> & { saved?: boolean },
    keys: Omit<AccountApiKeysModel, 'keys'> = {},
    status = 200,
  ) => {
    const sub = await c.digests.ofMember(user);
    const digest = sub ? { status: sub.status, frequency: sub.frequency, manageUrl: c.digests.link('manage', sub) } : null;
    const apiKeys: AccountApiKeysModel = { keys: await c.apiKeys.list(user), ...keys };
    return sendHtml(req, reply, h(AccountView, { saved: false, ...props, user, digest, apiKeys }), { status, cacheControl: keys.created ? 'no-store' : undefined });
  };

  app.get('/account', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    const welcome = queryField(req, 'welcome') === '1';
    return accountPage(req, reply, req.user, {
      saved: queryField(req, 'saved') === '1' || queryField(req, 'digest') === '1',
      welcome,
      next: welcome ? localPath(queryField(req, 'next')) : undefined,
    }, { revoked: queryField(req, 'revoked') === '1' });
  });

  app.post('/account', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    try {
      await c.accounts.updateProfile(req.user.id, { displayName: field(req, 'displayName'), affiliation: field(req, 'affiliation'), emailOnReply: field(req, 'emailOnReply') });
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      const next = field(req, 'next');
      return accountPage(req, reply, req.user, { error: e.message, welcome: next !== undefined, next: next === undefined ? undefined : localPath(next) }, {}, 400);
    }
    const next = field(req, 'next');
    return reply.redirect(next ? localPath(next) : '/account?saved=1', 303);
  });

  // Personal API keys for the JSON API. Making one answers with the page showing its secret, once (no redirect: the
  // secret must not travel in a URL or be kept for a later page); revoking redirects back to the page.
  app.post('/account/api-keys', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    const name = field(req, 'name');
    try {
      const { key, secret } = await c.apiKeys.create(req.user, name);
      return accountPage(req, reply, req.user, {}, { created: { name: key.name, secret } });
    } catch (e) {
      if (!(e instanceof RuleError) || (e.kind !== 'invalid' && e.kind !== 'conflict')) throw e;
      return accountPage(req, reply, req.user, {}, { error: e.message, typedName: (name ?? '').slice(0, 200) }, RULE_STATUS[e.kind]);
    }
  });

  app.post<{ Params: { id: string } }>('/account/api-keys/:id/revoke', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    try {
      await c.apiKeys.revoke(req.user, req.params.id);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'not-found') throw e;
      return accountPage(req, reply, req.user, {}, { error: e.message }, RULE_STATUS[e.kind]);
    }
    return reply.redirect('/account?revoked=1#api-keys', 303);
  });

  app.post('/account/signout-everywhere', async (req, reply) => {
    if (req.user) await c.accounts.signOutEverywhere(req.user.id);
    clearSessionCookie(reply, secure);
    return reply.redirect('/', 303);
  });

  app.post('/account/delete', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    if (field(req, 'confirm') !== 'DELETE') {
      return accountPage(req, reply, req.user, { error: 'Type DELETE (in capitals) to confirm deleting your account.' }, {}, 400);
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
