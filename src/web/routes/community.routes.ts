/**
 * Votes, comments, submissions, reports and the trending page. Every write is a plain form POST that answers with a
 * redirect (303) back to where the member was, or with JSON when app.js sent it (Accept: application/json). Each is
 * rate limited per member (per address when signed out), on top of the global per-address limit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { RULE_STATUS, RuleError } from '../../services/rule-error.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, notFound } from '../errors.js';
import { sendHtml } from '../page.js';
import { paperHref, presentCard } from '../presenters/paper.presenter.js';
import { AboutTrendingView, EditCommentView, ReportView, SubmitView, TrendingView } from '../views/community.view.js';
import { field, localPath, queryField, wantsJson } from './form-input.js';

/** Limits per member per window (docs: README "Abuse and rate limits"). */
export const COMMUNITY_RATES = {
  vote: { max: 60, timeWindow: 60_000 },
  comment: { max: 10, timeWindow: 60_000 },
  submit: { max: 10, timeWindow: 3_600_000 },
  report: { max: 20, timeWindow: 3_600_000 },
};

const TRENDING_PAGE_SIZE = 30;
const TRENDING_MAX_PAGE = 100;

function perMember(name: keyof typeof COMMUNITY_RATES) {
  return { rateLimit: { ...COMMUNITY_RATES[name], keyGenerator: (req: FastifyRequest) => (req.user ? `${name}:u${req.user.id}` : `${name}:${req.ip}`) } };
}

function commentId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound('There is no such comment.');
  return Number(raw);
}

/** `/papers/{id}/{action}` with old-style ids holding a slash: the paper id and the action. */
function paperAction(req: FastifyRequest): { paperId: string; action: string } {
  const path = (req.url.split('?')[0] ?? '').slice('/papers/'.length);
  const cut = path.lastIndexOf('/');
  let id: string;
  try {
    id = decodeURIComponent(path.slice(0, cut));
  } catch {
    throw badRequest('The paper id in this address is not valid URL encoding.');
  }
  const parsed = parsePaperId(id);
  if (!parsed) throw notFound(`"${id.slice(0, 100)}" is not a paper id.`);
  return { paperId: parsed.id, action: path.slice(cut + 1) };
}

/** Back where the form was (its `next` field), or `fallback`. */
function back(req: FastifyRequest, reply: FastifyReply, fallback: string) {
  return reply.redirect(localPath(field(req, 'next'), fallback), 303);
}

export async function communityRoutes(app: FastifyInstance, _deps: AppDeps, c: CommunityDeps): Promise<void> {
  app.post('/papers/*', { config: perMember('vote') }, async (req, reply) => {
    const { paperId, action } = paperAction(req);
    if (action === 'vote') {
      const want = field(req, 'action');
      if (want !== 'up' && want !== 'withdraw') throw badRequest('Say action=up or action=withdraw.');
      const result = await c.votes.votePaper(req.user, paperId, want === 'up');
      if (wantsJson(req)) return reply.send(result);
      return back(req, reply, paperHref(paperId));
    }
    if (action === 'comments') return addComment(req, reply, paperId);
    throw notFound(`Nothing to do at ${paperHref(paperId)}/${action.slice(0, 40)}.`);
  });

  // Commenting shares the vote route (old-style ids need the wildcard); a stricter limit of its own applies here.
  const commentLimit = app.createRateLimit({ ...COMMUNITY_RATES.comment, keyGenerator: (req) => (req.user ? `comment:u${req.user.id}` : `comment:${req.ip}`) });
  async function addComment(req: FastifyRequest, reply: FastifyReply, paperId: string) {
    const limit = await commentLimit(req);
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('ratelimit-limit', limit.max).header('ratelimit-remaining', 0).header('ratelimit-reset', limit.ttlInSeconds).header('retry-after', limit.ttlInSeconds);
      throw new RuleError('limit', `You can post ${limit.max} comments a minute; wait ${limit.ttlInSeconds} seconds and send it again.`);
    }
    try {
      const id = await c.comments.add(req.user, paperId, { body: field(req, 'body'), parentId: field(req, 'parentId') });
      if (wantsJson(req)) return reply.code(201).send({ id });
      return reply.redirect(`${paperHref(paperId)}#comment-${id}`, 303);
    } catch (e) {
      if (e instanceof RuleError && e.kind === 'invalid' && !wantsJson(req)) {
        throw new RuleError('invalid', `${e.message} Go back to edit your comment.`);
      }
      throw e;
    }
  }

  app.get<{ Params: { id: string } }>('/comments/:id/edit', async (req, reply) => {
    const comment = await c.store.comments.byId(commentId(req.params.id));
    if (!comment || comment.deletedAt) throw notFound('That comment does not exist any more.');
    if (!req.user || comment.userId !== req.user.id) throw new RuleError('forbidden', 'Only its author can edit a comment.');
    return sendHtml(req, reply, h(EditCommentView, { id: comment.id, body: comment.body, paperHrefWithAnchor: `${paperHref(comment.paperId)}#comment-${comment.id}` }));
  });

  app.post<{ Params: { id: string } }>('/comments/:id/edit', { config: perMember('comment') }, async (req, reply) => {
    const id = commentId(req.params.id);
    try {
      const updated = await c.comments.edit(req.user, id, { body: field(req, 'body') });
      return reply.redirect(`${paperHref(updated.paperId)}#comment-${id}`, 303);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid') throw e;
      const comment = await c.store.comments.byId(id);
      return sendHtml(req, reply, h(EditCommentView, { id, body: field(req, 'body') ?? '', paperHrefWithAnchor: comment ? paperHref(comment.paperId) : '/', error: e.message }), { status: 400 });
    }
  });

  app.post<{ Params: { id: string } }>('/comments/:id/delete', { config: perMember('comment') }, async (req, reply) => {
    const deleted = await c.comments.delete(req.user, commentId(req.params.id));
    return reply.redirect(`${paperHref(deleted.paperId)}#comments`, 303);
  });

  app.post<{ Params: { id: string } }>('/comments/:id/vote', { config: perMember('vote') }, async (req, reply) => {
    const id = commentId(req.params.id);
    const raw = field(req, 'value');
    if (raw !== '1' && raw !== '0' && raw !== '-1') throw badRequest('Say value=1 (up), value=-1 (down) or value=0 (none).');
    const result = await c.votes.voteComment(req.user, id, Number(raw) as -1 | 0 | 1);
    if (wantsJson(req)) return reply.send(result);
    const comment = await c.store.comments.byId(id);
    return back(req, reply, comment ? `${paperHref(comment.paperId)}#comment-${id}` : '/');
  });

  app.get('/submit', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Fsubmit', 303);
    return sendHtml(req, reply, h(SubmitView, { rules: c.submissions.rules, value: queryField(req, 'paper')?.slice(0, 300) }));
  });

  app.post('/submit', { config: perMember('submit') }, async (req, reply) => {
    const value = field(req, 'paper');
    try {
      const { paperId } = await c.submissions.submit(req.user, value);
      if (wantsJson(req)) return reply.code(201).send({ id: paperId });
      return reply.redirect(paperHref(paperId), 303);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind === 'signed-out' || wantsJson(req)) throw e;
      const status = RULE_STATUS[e.kind];
      return sendHtml(req, reply, h(SubmitView, { rules: c.submissions.rules, error: e.message, value: (value ?? '').slice(0, 300) }), { status });
    }
  });

  app.get('/report', async (req, reply) => {
    if (!req.user) return reply.redirect(`/auth/signin?next=${encodeURIComponent(req.url)}`, 303);
    const type = queryField(req, 'type') ?? '';
    const id = (queryField(req, 'id') ?? '').slice(0, 100);
    if (!['paper', 'comment', 'user'].includes(type) || id === '') throw badRequest('Report a paper, a comment or a member: /report?type=paper&id=2505.20278.');
    const label = type === 'paper' ? `paper ${id}` : type === 'comment' ? 'a comment' : 'a member';
    return sendHtml(req, reply, h(ReportView, { type, id, label }));
  });

  app.post('/report', { config: perMember('report') }, async (req, reply) => {
    const type = field(req, 'type') ?? '';
    const id = field(req, 'id') ?? '';
    const label = type === 'paper' ? `paper ${id.slice(0, 100)}` : type === 'comment' ? 'a comment' : 'a member';
    try {
      await c.moderation.report(req.user, type, id, field(req, 'reason'));
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid') throw e;
      return sendHtml(req, reply, h(ReportView, { type, id: id.slice(0, 100), label, error: e.message }), { status: 400 });
    }
    if (wantsJson(req)) return reply.code(201).send({ ok: true });
    return sendHtml(req, reply, h(ReportView, { type, id, label, done: true }));
  });

  app.get('/papers/trending', async (req, reply) => {
    const raw = queryField(req, 'p') ?? '1';
    if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > TRENDING_MAX_PAGE) throw badRequest(`Page "${raw.slice(0, 20)}" is not a page number: use ?p=1 … ?p=${TRENDING_MAX_PAGE}.`);
    const page = Number(raw);
    const items = await c.store.feed.listTrendingAll(TRENDING_PAGE_SIZE + 1, (page - 1) * TRENDING_PAGE_SIZE);
    const cards = items.slice(0, TRENDING_PAGE_SIZE).map(presentCard);
    const nextHref = items.length > TRENDING_PAGE_SIZE && page < TRENDING_MAX_PAGE ? `/papers/trending?p=${page + 1}` : null;
    const prevHref = page > 1 ? `/papers/trending?p=${page - 1}` : null;
    const math = cards.some((card) => card.math);
    return sendHtml(req, reply, h(TrendingView, { cards, firstRank: (page - 1) * TRENDING_PAGE_SIZE + 1, nextHref, prevHref, math }), {
      math,
      paperIds: cards.map((card) => card.id),
      store: c.store,
    });
  });

  app.get('/about/trending', async (req, reply) => sendHtml(req, reply, h(AboutTrendingView, {})));
}
