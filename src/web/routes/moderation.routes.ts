/** The public moderation log, and the moderators' pages: report queue, and acting on a paper, a comment or a member. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { isModerator } from '../../services/moderation.service.js';
import { RuleError } from '../../services/rule-error.js';
import { memberName } from '../../store/account.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, notFound } from '../errors.js';
import { sendHtml } from '../page.js';
import { paperHref } from '../presenters/paper.presenter.js';
import { type ModerateAction, ModerateView, ModerationLogView, ReportsView } from '../views/moderation.view.js';
import { field, queryField } from './form-input.js';

const LOG_PAGE_SIZE = 100;

function requireModerator(req: FastifyRequest): void {
  if (!req.user) throw new RuleError('signed-out', 'Sign in first: moderation pages are for moderators.');
  if (!isModerator(req.user)) throw new RuleError('forbidden', 'Only moderators can do this.');
}

function numericId(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound(`There is no such ${what}.`);
  return Number(raw);
}

function paperIdOf(raw: string): string {
  const parsed = parsePaperId(raw);
  if (!parsed) throw notFound(`"${raw.slice(0, 100)}" is not a paper id.`);
  return parsed.id;
}

export async function moderationRoutes(app: FastifyInstance, _deps: AppDeps, c: CommunityDeps): Promise<void> {
  app.get('/moderation', async (req, reply) => {
    const before = queryField(req, 'before');
    if (before !== undefined && !/^\d{1,15}$/.test(before)) throw badRequest('before must be an entry number.');
    const entries = await c.moderation.log(LOG_PAGE_SIZE + 1, before === undefined ? undefined : Number(before));
    const shown = entries.slice(0, LOG_PAGE_SIZE);
    const olderHref = entries.length > LOG_PAGE_SIZE ? `/moderation?before=${shown[shown.length - 1]!.id}` : null;
    return sendHtml(req, reply, h(ModerationLogView, { entries: shown, olderHref }));
  });

  app.get('/moderation/reports', async (req, reply) => {
    requireModerator(req);
    const reports = (await c.moderation.openReports(req.user)).map((r) => ({
      ...r,
      href: r.targetType === 'paper' ? paperHref(r.targetId) : r.targetType === 'user' ? `/users/${r.targetId}` : `/moderation/comments/${r.targetId}`,
      moderateHref: r.targetType === 'paper' ? `/moderation/papers/${r.targetId}` : `/moderation/${r.targetType}s/${r.targetId}`,
    }));
    return sendHtml(req, reply, h(ReportsView, { reports }));
  });

  // Papers: old-style ids hold a slash, so the id is the rest of the path.
  app.get('/moderation/papers/*', async (req, reply) => {
    requireModerator(req);
    const paperId = paperIdOf((req.params as { '*': string })['*']);
    const entry = await c.store.feed.entry(paperId);
    const paper = await c.store.papers.getById(paperId);
    if (!entry || !paper) throw notFound(`Paper ${paperId} is not in the feed.`);
    const actions: ModerateAction[] = [entry.hiddenAt ? { action: 'restore', label: 'Restore to the feeds' } : { action: 'hide', label: 'Hide from the feeds', danger: true }, { action: 'dismiss', label: 'Dismiss reports' }];
    return sendHtml(req, reply, h(ModerateView, { title: 'Moderate a paper', subject: `${paperId}: ${paper.title}`, subjectHref: paperHref(paperId), postTo: `/moderation/papers/${paperId}`, actions }));
  });

  app.post('/moderation/papers/*', async (req, reply) => {
    const paperId = paperIdOf((req.params as { '*': string })['*']);
    const action = field(req, 'action');
    if (action === 'dismiss') await c.moderation.dismissReports(req.user, 'paper', paperId, field(req, 'reason'));
    else if (action === 'hide' || action === 'restore') await c.moderation.setPaperHidden(req.user, paperId, action === 'hide', field(req, 'reason'));
    else throw badRequest('action must be hide, restore or dismiss.');
    return reply.redirect(paperHref(paperId), 303);
  });

  app.get<{ Params: { id: string } }>('/moderation/comments/:id', async (req, reply) => {
    requireModerator(req);
    const comment = await c.store.comments.byId(numericId(req.params.id, 'comment'));
    if (!comment || comment.deletedAt) throw notFound('That comment does not exist any more.');
    const actions: ModerateAction[] = [comment.hiddenAt ? { action: 'restore', label: 'Restore comment' } : { action: 'hide', label: 'Hide comment', danger: true }, { action: 'dismiss', label: 'Dismiss reports' }];
    const subject = `${comment.authorName ?? '[deleted]'}: “${comment.body.slice(0, 300)}${comment.body.length > 300 ? '…' : ''}”`;
    return sendHtml(req, reply, h(ModerateView, { title: 'Moderate a comment', subject, subjectHref: `${paperHref(comment.paperId)}#comment-${comment.id}`, postTo: `/moderation/comments/${comment.id}`, actions }));
  });

  app.post<{ Params: { id: string } }>('/moderation/comments/:id', async (req, reply) => {
    const id = numericId(req.params.id, 'comment');
    const action = field(req, 'action');
    if (action === 'dismiss') {
      await c.moderation.dismissReports(req.user, 'comment', String(id), field(req, 'reason'));
      return reply.redirect('/moderation/reports', 303);
    }
    if (action !== 'hide' && action !== 'restore') throw badRequest('action must be hide, restore or dismiss.');
    const { paperId } = await c.moderation.setCommentHidden(req.user, id, action === 'hide', field(req, 'reason'));
    return reply.redirect(`${paperHref(paperId)}#comment-${id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/moderation/users/:id', async (req, reply) => {
    requireModerator(req);
    const user = await c.store.accounts.userById(numericId(req.params.id, 'member'));
    if (!user) throw notFound('There is no such member.');
    const actions: ModerateAction[] = [user.bannedAt ? { action: 'unban', label: 'Lift the suspension' } : { action: 'ban', label: 'Suspend this member', danger: true }, { action: 'dismiss', label: 'Dismiss reports' }];
    return sendHtml(req, reply, h(ModerateView, { title: 'Moderate a member', subject: memberName(user), subjectHref: `/users/${user.id}`, postTo: `/moderation/users/${user.id}`, actions }));
  });

  app.post<{ Params: { id: string } }>('/moderation/users/:id', async (req, reply) => {
    const id = numericId(req.params.id, 'member');
    const action = field(req, 'action');
    if (action === 'dismiss') await c.moderation.dismissReports(req.user, 'user', String(id), field(req, 'reason'));
    else if (action === 'ban' || action === 'unban') await c.moderation.setBanned(req.user, id, action === 'ban', field(req, 'reason'));
    else throw badRequest('action must be ban, unban or dismiss.');
    return reply.redirect(`/users/${id}`, 303);
  });
}
