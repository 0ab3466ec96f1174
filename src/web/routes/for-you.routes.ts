/** "For you": the signed-in member's recommendations page. */
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import type { AppDeps, CommunityDeps } from '../app.js';
import { sendHtml } from '../page.js';
import { presentCard } from '../presenters/paper.presenter.js';
import { ForYouView } from '../views/for-you.view.js';

export async function forYouRoutes(app: FastifyInstance, deps: AppDeps, c: CommunityDeps): Promise<void> {
  app.get('/for-you', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Ffor-you', 303);
    const recs = deps.recommendations ? await deps.recommendations.forYou(req.user.id, 30) : null;
    const items = recs ? recs.map((r) => ({ card: presentCard(r.item), reason: r.reason })) : null;
    const math = (items ?? []).some((i) => i.card.math);
    return sendHtml(req, reply, h(ForYouView, { items, math }), { math, paperIds: (items ?? []).map((i) => i.card.id), store: c.store });
  });
}
