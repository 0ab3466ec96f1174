/**
 * Digest subscriptions on the web: subscribe (from any page's box or the full form), confirm, preferences and
 * unsubscribe by signed link (no sign-in), RFC 8058 one-click unsubscribe, and a browser preview of a digest.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { addDays, isoWeekOf, weekPeriod } from '../../domain/period.js';
import { parsePrefs } from '../../services/digest.service.js';
import { RuleError } from '../../services/rule-error.js';
import { renderDigest } from '../../mail/digest-template.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest } from '../errors.js';
import { sendHtml } from '../page.js';
import { ConfirmDigestView, DigestMessageView, PreferencesView, SubscribeView, UnsubscribeView } from '../views/digest.view.js';
import { field, queryField } from './form-input.js';

/** Subscription requests per client address: 10 an hour (and 3 confirmation mails per address a day). */
export const SUBSCRIBE_RATE = { max: 10, timeWindow: 3_600_000 };

function formFields(req: FastifyRequest): Record<string, unknown> {
  const pick = (name: string) => field(req, name);
  return { frequency: pick('frequency'), dailyMode: pick('dailyMode'), categories: pick('categories'), keywords: pick('keywords'), authors: pick('authors') };
}

/** A signed link as a path on this site (pages link within the site; mail needs the absolute URL). */
const local = (absolute: string) => {
  const u = new URL(absolute);
  return `${u.pathname}${u.search}`;
};

const LINK_PROBLEM = 'This link is not valid any more (or was copied incompletely). Use the newest link from your mail, or subscribe again.';

export async function digestRoutes(app: FastifyInstance, _deps: AppDeps, c: CommunityDeps): Promise<void> {
  const d = c.digests;

  app.get('/digest/subscribe', async (req, reply) => sendHtml(req, reply, h(SubscribeView, { error: undefined }), { forms: true }));

  // The box on every page has no CSRF token (those pages are cached and anonymous): this route accepts a same-origin
  // request instead (session.ts). Subscribing only ever sends a confirmation mail, so a forged request gains nothing.
  app.post('/digest/subscribe', { config: { csrf: 'same-origin', rateLimit: { ...SUBSCRIBE_RATE, keyGenerator: (req: FastifyRequest) => `subscribe:${req.ip}` } } }, async (req, reply) => {
    const email = field(req, 'email');
    try {
      await d.subscribe(email, formFields(req), { userId: req.user?.email === email?.trim().toLowerCase() ? req.user?.id : null });
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid') throw e;
      return sendHtml(req, reply, h(SubscribeView, { error: e.message, email: (email ?? '').slice(0, 254) }), { forms: true, status: 400 });
    }
    return sendHtml(
      req,
      reply,
      h(DigestMessageView, { title: 'Check your mail', children: h('p', { role: 'status' }, 'If that address can receive mail, a message with a confirmation link is on its way. Nothing else is sent until you confirm.') }),
      { cacheControl: 'no-store' },
    );
  });

  // A member subscribes from the account page: their address is proven, so it is active at once.
  app.post('/account/digest', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Faccount', 303);
    try {
      await d.subscribeMember(req.user, formFields(req));
    } catch (e) {
      if (e instanceof RuleError && e.kind === 'invalid') throw badRequest(`${e.message} Go back and correct it.`);
      throw e;
    }
    return reply.redirect('/account?digest=1#digest', 303);
  });

  app.get('/digest/confirm', async (req, reply) => {
    const token = queryField(req, 'token') ?? '';
    if (!(await d.fromToken('confirm', token))) throw badRequest(LINK_PROBLEM);
    return sendHtml(req, reply, h(ConfirmDigestView, { token }), { forms: true });
  });

  app.post('/digest/confirm', async (req, reply) => {
    const sub = await d.confirm(field(req, 'token'));
    if (!sub) throw badRequest(LINK_PROBLEM);
    return reply.redirect(`${local(d.link('manage', sub))}&confirmed=1`, 303);
  });

  app.get('/digest/preferences', async (req, reply) => {
    const token = queryField(req, 'token') ?? '';
    const sub = await d.fromToken('manage', token);
    if (!sub) throw badRequest(LINK_PROBLEM);
    return sendHtml(
      req,
      reply,
      h(PreferencesView, { sub, token, unsubscribeHref: local(d.link('unsubscribe', sub)), saved: queryField(req, 'saved') === '1', confirmed: queryField(req, 'confirmed') === '1' }),
      { forms: true },
    );
  });

  app.post('/digest/preferences', async (req, reply) => {
    const token = field(req, 'token') ?? '';
    try {
      const sub = await d.updatePrefs(token, formFields(req), true);
      if (!sub) throw badRequest(LINK_PROBLEM);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid') throw e;
      const sub = await d.fromToken('manage', token);
      if (!sub) throw badRequest(LINK_PROBLEM);
      return sendHtml(req, reply, h(PreferencesView, { sub, token, unsubscribeHref: local(d.link('unsubscribe', sub)), error: e.message }), { forms: true, status: 400 });
    }
    return reply.redirect(`/digest/preferences?token=${encodeURIComponent(token)}&saved=1`, 303);
  });

  app.get('/digest/unsubscribe', async (req, reply) => {
    const token = queryField(req, 'token') ?? '';
    if (!(await d.fromToken('unsubscribe', token))) throw badRequest(LINK_PROBLEM);
    return sendHtml(req, reply, h(UnsubscribeView, { token, done: false, manageUrl: null }), { cacheControl: 'no-store' });
  });

  // RFC 8058: mail clients POST `List-Unsubscribe=One-Click` to the header's URL, without cookies or a CSRF token; the
  // signed token in the URL is the authority. The page's own button posts here too.
  app.post('/digest/unsubscribe', { config: { csrf: false } }, async (req, reply) => {
    const sub = await d.unsubscribe(queryField(req, 'token') ?? field(req, 'token'));
    if (!sub) throw badRequest(LINK_PROBLEM);
    return sendHtml(req, reply, h(UnsubscribeView, { token: '', done: true, manageUrl: local(d.link('manage', sub)) }), { cacheControl: 'no-store' });
  });

  // A digest in the browser: the latest day (or week) for the topics in the query, exactly as the mail's HTML part.
  app.get('/digest/preview', async (req, reply) => {
    let prefs;
    try {
      prefs = parsePrefs({ frequency: queryField(req, 'frequency'), categories: queryField(req, 'categories'), keywords: queryField(req, 'keywords'), authors: queryField(req, 'authors') });
    } catch (e) {
      if (e instanceof RuleError) throw badRequest(e.message);
      throw e;
    }
    const latest = await c.store.feed.latestDate();
    const isDate = (s: string | undefined) => s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s);
    const to = isDate(queryField(req, 'to')) ? queryField(req, 'to')! : (latest ?? new Date().toISOString().slice(0, 10));
    const week = weekPeriod(isoWeekOf(to))!;
    const from = isDate(queryField(req, 'from')) ? queryField(req, 'from')! : prefs.frequency === 'weekly' ? week.from : to;
    if (from > to || from < addDays(to, -31)) throw badRequest('from must be on or before to, at most a month earlier.');
    const built = await d.buildFor({ frequency: prefs.frequency, from, to: prefs.frequency === 'weekly' && !isDate(queryField(req, 'to')) ? week.to : to, topics: prefs, userId: req.user?.id ?? null, links: null });
    if (!built) {
      return sendHtml(req, reply, h(DigestMessageView, { title: 'Nothing to show', children: h('p', null, 'No papers in this period match these topics, so no digest would be sent.') }));
    }
    // The mail's own HTML: inline styles and a <style> block of media queries (dark mode), which this page's CSP allows.
    const csp = String(reply.getHeader('content-security-policy') ?? '').replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    return reply.header('content-security-policy', csp).header('cache-control', 'public, max-age=300').type('text/html; charset=utf-8').send(renderDigest(built.model).html);
  });
}
