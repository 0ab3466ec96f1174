/**
 * Reading lists as read-only JSON: `GET /api/lists/{id}` (the list and its papers, in the shape of
 * `GET /api/papers/{id}`) and `GET /api/lists/{id}/similar?limit=N` (papers like the list's, in the shape of
 * `GET /api/papers/{id}/similar`). A public list is anyone's to read; a private one only its owner's, with their
 * session cookie. Either way an unknown and a private list answer the same 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { memberName } from '../../store/account.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, HttpProblem, notFound } from '../errors.js';
import { presentHfPaperRecord, presentHfSimilar } from '../presenters/hf-paper.presenter.js';
import { API_CACHE_CONTROL, similarLimit } from './hf-api.routes.js';

export async function listApiRoutes(app: FastifyInstance, deps: AppDeps, c: CommunityDeps): Promise<void> {
  async function visibleList(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const raw = req.params.id;
    if (!/^\d{1,15}$/.test(raw)) throw badRequest(`${JSON.stringify(raw.slice(0, 40))} is not a list id; list ids are whole numbers.`);
    const view = await c.readingLists.view(req.user ?? null, Number(raw));
    if (!view) throw notFound('There is no such list, or it is private.');
    // The session hook makes every answer to a signed-in member private; a private list must never be shared-cached.
    reply.header('Cache-Control', view.list.public ? API_CACHE_CONTROL : 'private, no-cache');
    return view;
  }

  app.get<{ Params: { id: string } }>('/api/lists/:id', async (req, reply) => {
    const { list, papers } = await visibleList(req, reply);
    const [owner, states] = await Promise.all([c.store.accounts.userById(list.userId), c.store.feed.states(papers.map((p) => p.id))]);
    return {
      id: list.id,
      name: list.name,
      description: list.description,
      public: list.public,
      owner: { id: list.userId, name: memberName(owner ?? { id: list.userId, displayName: null }) },
      createdAt: list.createdAt,
      updatedAt: list.updatedAt,
      size: papers.length,
      papers: papers.map((p) => presentHfPaperRecord(p, states.get(p.id))),
    };
  });

  app.get<{ Params: { id: string } }>('/api/lists/:id/similar', async (req, reply) => {
    const limit = similarLimit(req);
    const { papers } = await visibleList(req, reply);
    if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot find similar papers.');
    return (await deps.search.similarToMany(papers.map((p) => p.id), limit)).map(presentHfSimilar);
  });
}
