/** Reading lists on the web: the member's lists, one list (public or the owner's), editing, saving from a paper. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { RuleError } from '../../services/rule-error.js';
import { memberName } from '../../store/account.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, notFound } from '../errors.js';
import { sendCitations, sendHtml } from '../page.js';
import { paperHref, presentCard } from '../presenters/paper.presenter.js';
import { ListView, MyListsView } from '../views/lists.view.js';
import { field } from './form-input.js';

function listId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound('There is no such list.');
  return Number(raw);
}

function paperIdField(req: FastifyRequest): string {
  const parsed = parsePaperId(field(req, 'paperId') ?? '');
  if (!parsed) throw badRequest('Say which paper (paperId).');
  return parsed.id;
}

export async function listRoutes(app: FastifyInstance, deps: AppDeps, c: CommunityDeps): Promise<void> {
  const lists = c.readingLists;

  app.get('/lists', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Flists', 303);
    return sendHtml(req, reply, h(MyListsView, { lists: await lists.mine(req.user) }));
  });

  app.post('/lists', async (req, reply) => {
    try {
      const id = await lists.create(req.user, field(req, 'name'));
      return reply.redirect(`/lists/${id}`, 303);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid' || !req.user) throw e;
      return sendHtml(req, reply, h(MyListsView, { lists: await lists.mine(req.user), error: e.message }), { status: 400 });
    }
  });

  // Save a paper from its page: into a chosen list, or a new one named in the same form.
  app.post('/lists/add', async (req, reply) => {
    const paperId = paperIdField(req);
    const newName = field(req, 'newList');
    const id = newName !== undefined ? await lists.create(req.user, newName) : listId(field(req, 'listId') ?? '');
    await lists.add(req.user, id, paperId);
    return reply.redirect(`${paperHref(paperId)}?saved=${id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/lists/:id', async (req, reply) => {
    const exported = /^(\d{1,15})\.(bib|ris)$/.exec(req.params.id);
    const view = await lists.view(req.user ?? null, listId(exported ? exported[1]! : req.params.id));
    if (!view) throw notFound('There is no such list, or it is private.');
    if (exported) return sendCitations(reply, exported[2] as 'bib' | 'ris', view.papers, `paperboy-list-${view.list.id}`);
    const cards = view.papers.map((paper) => presentCard({ paper, feedDate: paper.published, submittedBy: null, upvotes: 0, numComments: 0 }));
    const owner = await c.store.accounts.userById(view.list.userId);
    return sendHtml(
      req,
      reply,
      h(ListView, { list: view.list, cards, owner: view.owner, ownerName: memberName(owner ?? { id: view.list.userId, displayName: null }), math: cards.some((card) => card.math) }),
      // A private list is the owner's page only; a public one may be cached like other pages.
      { math: cards.some((card) => card.math), cacheControl: view.list.public ? undefined : 'private, no-cache' },
    );
  });

  app.post<{ Params: { id: string } }>('/lists/:id/edit', async (req, reply) => {
    const id = listId(req.params.id);
    await lists.update(req.user, id, { name: field(req, 'name'), description: field(req, 'description') ?? '', public: field(req, 'public') === '1' });
    return reply.redirect(`/lists/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/delete', async (req, reply) => {
    await lists.delete(req.user, listId(req.params.id));
    return reply.redirect('/lists', 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/remove', async (req, reply) => {
    const id = listId(req.params.id);
    await lists.remove(req.user, id, paperIdField(req));
    return reply.redirect(`/lists/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/move', async (req, reply) => {
    const id = listId(req.params.id);
    const direction = field(req, 'direction');
    if (direction !== 'up' && direction !== 'down') throw badRequest('direction must be up or down.');
    await lists.move(req.user, id, paperIdField(req), direction);
    return reply.redirect(`/lists/${id}`, 303);
  });
}
