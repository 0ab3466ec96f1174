/**
 * "For you": the signed-in member's recommendations (page and JSON), "not interested", following authors and
 * categories, and the cold start (pick categories, name authors, paste seed papers).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { parseFollowKind } from '../../services/interest.service.js';
import { FOR_YOU_DAYS, type Recommendation } from '../../services/recommendation.service.js';
import { RULE_STATUS, RuleError } from '../../services/rule-error.js';
import type { User } from '../../store/account.repository.js';
import { hfDateTime } from '../presenters/hf-paper.presenter.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, HttpProblem, notFound } from '../errors.js';
import { type FeedFormat, sendFeed } from '../feeds.js';
import { sendHtml } from '../page.js';
import { paperHref, presentCard } from '../presenters/paper.presenter.js';
import { ForYouView, InterestsView, type StartResult } from '../views/for-you.view.js';
import { field, fieldList, localPath, queryField } from './form-input.js';
import { IMPORT_RATE } from './lists.routes.js';

const FOR_YOU_ON_PAGE = 30;
const FOR_YOU_API_MAX = 50;
/** Categories offered on the cold-start form: the most common in the recent window. */
const START_CATEGORIES = 24;
/** The reading list that cold-start seed papers go to. */
const SEED_LIST = 'Seed papers';
const SEEDS_MAX_CHARS = 200_000;

function paperIdField(req: FastifyRequest): string {
  const parsed = parsePaperId(field(req, 'paperId') ?? '');
  if (!parsed) throw badRequest('Say which paper (paperId).');
  return parsed.id;
}

/** A recommendation as JSON: the paper's essentials (as in /api/papers/{id}/similar), its score and its reason. */
function recommendationJson(r: Recommendation) {
  return {
    id: r.item.paper.id,
    title: r.item.paper.title,
    authors: r.item.paper.authors.map((name) => ({ name })),
    publishedAt: hfDateTime(r.item.paper.published),
    upvotes: r.item.upvotes,
    numComments: r.item.numComments,
    score: r.score,
    reason: r.reason,
    basis: r.basis,
  };
}

export async function forYouRoutes(app: FastifyInstance, deps: AppDeps, c: CommunityDeps): Promise<void> {
  const recs = deps.recommendations;

  const categoriesToOffer = async () => (recs ? recs.recentCategories(START_CATEGORIES) : []);

  app.get('/for-you', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Ffor-you', 303);
    const result = recs ? await recs.cachedForYou(req.user.id, FOR_YOU_ON_PAGE) : null;
    const items = result ? result.recs.map((r) => ({ card: presentCard(r.item), reason: r.reason, basis: r.basis })) : null;
    const math = (items ?? []).some((i) => i.card.math);
    const dismissedId = parsePaperId(queryField(req, 'dismissed') ?? '')?.id;
    const dismissedPaper = dismissedId ? await c.store.papers.getById(dismissedId) : null;
    return sendHtml(
      req,
      reply,
      h(ForYouView, {
        items,
        math,
        computedAt: result?.computedAt ?? null,
        dismissed: dismissedPaper ? { paperId: dismissedPaper.id, title: dismissedPaper.title } : undefined,
        windowDays: FOR_YOU_DAYS,
        categories: items === null ? await categoriesToOffer() : [],
      }),
      { math, paperIds: (items ?? []).map((i) => i.card.id), store: c.store },
    );
  });

  // JSON for scripts and feed readers' helpers: the signed-in member's recommendations (session cookie).
  app.get('/api/for-you', async (req, reply) => {
    reply.header('Cache-Control', 'private, no-store');
    if (!req.user) throw new HttpProblem(401, 'Unauthorized', 'Sign in first: /auth/signin. “For you” is personal (programs: GET /api/v1/me/for-you with an API key).');
    const raw = queryField(req, 'limit');
    const limit = raw === undefined ? FOR_YOU_ON_PAGE : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > FOR_YOU_API_MAX) throw badRequest(`limit must be a whole number from 1 to ${FOR_YOU_API_MAX}.`);
    const result = recs ? await recs.cachedForYou(req.user.id, limit) : null;
    return { computedAt: result?.computedAt ?? null, windowDays: FOR_YOU_DAYS, items: result ? result.recs.map(recommendationJson) : null };
  });

  // The member's "for you" in a feed reader: a secret address (no session), made on the interests page.
  app.get<{ Params: { file: string } }>('/for-you/feed/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9_-]{20,100})\.(rss|atom|json)$/.exec(req.params.file);
    const userId = m ? await c.store.interests.userIdByFeedToken(m[1]!) : null;
    if (!m || userId === null) throw notFound('This private feed address is unknown or was replaced: make a new one on your interests page.');
    const result = recs ? await recs.cachedForYou(userId, FOR_YOU_API_MAX) : null;
    reply.header('X-Robots-Tag', 'noindex');
    const meta = { title: 'Paperboy: for you', description: 'Recent papers picked for you.', pagePath: '/for-you', feedPath: `/for-you/feed/${m[1]}` };
    const entries = (result?.recs ?? []).map((r) => ({ paper: r.item.paper, date: r.item.feedDate, upvotes: r.item.upvotes }));
    // Personal: no shared cache may keep it.
    return sendFeed(req, reply, m[2] as FeedFormat, meta, entries, 'private, max-age=600');
  });

  app.post('/for-you/feed-token', async (req, reply) => {
    if (!req.user) throw new RuleError('signed-out', 'Sign in first: we mail you a link, no password needed.');
    if (field(req, 'action') === 'delete') {
      await c.store.interests.deleteFeedToken(req.user.id);
      return interestsPage(req, reply, req.user, {});
    }
    const secret = await c.store.interests.newFeedToken(req.user.id, new Date().toISOString());
    return interestsPage(req, reply, req.user, { feedSecret: secret });
  });

  app.post('/for-you/dismiss', async (req, reply) => {
    const paperId = paperIdField(req);
    await c.interests.dismiss(req.user, paperId);
    return reply.redirect(`/for-you?dismissed=${encodeURIComponent(paperId)}`, 303);
  });

  app.post('/for-you/undismiss', async (req, reply) => {
    await c.interests.undismiss(req.user, paperIdField(req));
    return reply.redirect(localPath(field(req, 'next'), '/for-you'), 303);
  });

  const interestsPage = async (req: FastifyRequest, reply: FastifyReply, user: User, extra: { error?: string; started?: StartResult; feedSecret?: string } = {}, status = 200) =>
    sendHtml(
      req,
      reply,
      h(InterestsView, {
        follows: await c.interests.follows(user),
        dismissed: await c.interests.dismissed(user),
        categories: await categoriesToOffer(),
        feed: { createdAt: await c.store.interests.feedTokenCreatedAt(user.id), secret: extra.feedSecret },
        ...extra,
      }),
      // A page showing the secret feed address must not be kept anywhere.
      { status, cacheControl: extra.feedSecret ? 'no-store' : undefined },
    );

  app.get('/for-you/interests', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Ffor-you%2Finterests', 303);
    return interestsPage(req, reply, req.user);
  });

  const followRoute = (remove: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const kind = parseFollowKind(field(req, 'kind'));
      if (remove) await c.interests.unfollow(req.user, kind, field(req, 'value'));
      else await c.interests.follow(req.user, kind, field(req, 'value'));
    } catch (e) {
      if (!(e instanceof RuleError) || (e.kind !== 'invalid' && e.kind !== 'conflict') || !req.user) throw e;
      return interestsPage(req, reply, req.user, { error: e.message }, RULE_STATUS[e.kind]);
    }
    return reply.redirect(localPath(field(req, 'next'), '/for-you/interests'), 303);
  };
  app.post('/follows', followRoute(false));
  app.post('/follows/remove', followRoute(true));

  // From a paper page: which of its authors and categories to follow (checked) or not (unchecked).
  app.post('/follows/paper', async (req, reply) => {
    const paperId = paperIdField(req);
    await c.interests.setFromPaper(req.user, paperId, fieldList(req, 'author'), fieldList(req, 'category'));
    return reply.redirect(`${paperHref(paperId)}?followed=1#follow`, 303);
  });

  // Cold start: categories ticked, authors one per line, seed papers pasted (saved to a list named "Seed papers").
  const startRate = { ...IMPORT_RATE, keyGenerator: (req: FastifyRequest) => (req.user ? `start:u${req.user.id}` : `start:${req.ip}`) };
  app.post('/for-you/start', { config: { rateLimit: startRate } }, async (req, reply) => {
    if (!req.user) throw new RuleError('signed-out', 'Sign in first: we mail you a link, no password needed.');
    const user = req.user;
    let followed = 0;
    try {
      for (const cat of fieldList(req, 'category', 100)) if (await c.interests.follow(user, 'category', cat)) followed++;
      const authors = (field(req, 'authors') ?? '').split(/\r?\n/).map((a) => a.trim()).filter((a) => a !== '');
      if (authors.length > 100) throw new RuleError('invalid', 'Name at most 100 authors at once.');
      for (const a of authors) if (await c.interests.follow(user, 'author', a)) followed++;
    } catch (e) {
      if (!(e instanceof RuleError) || (e.kind !== 'invalid' && e.kind !== 'conflict')) throw e;
      // What was followed before the refusal stays followed; the page shows it.
      return interestsPage(req, reply, user, { error: e.message }, RULE_STATUS[e.kind]);
    }
    const seeds = field(req, 'seeds') ?? '';
    if (seeds.length > SEEDS_MAX_CHARS) return interestsPage(req, reply, user, { error: `Paste at most ${SEEDS_MAX_CHARS.toLocaleString('en-GB')} characters here; import a larger BibTeX file into a reading list instead.` }, 400);
    let seeded = 0;
    const unmatched: StartResult['unmatched'] = [];
    if (seeds.trim() !== '') {
      // Into a list named "Seed papers" (made if needed) through the list importer: arXiv ids and links, DOIs, BibTeX.
      try {
        const listId = (await c.readingLists.mine(user)).find((l) => l.name === SEED_LIST)?.id ?? (await c.readingLists.create(user, SEED_LIST));
        const result = await c.readingLists.importInto(user, listId, seeds);
        seeded = result.added.length;
        unmatched.push(...result.unmatched.map((u) => ({ entry: u.entry, reason: u.reason })), ...result.errors.map((e) => ({ entry: 'BibTeX', reason: e })));
      } catch (e) {
        if (!(e instanceof RuleError) || (e.kind !== 'invalid' && e.kind !== 'limit')) throw e;
        return interestsPage(req, reply, user, { error: e.message }, 400);
      }
    }
    return interestsPage(req, reply, user, { started: { followed, seeded, unmatched } });
  });
}
