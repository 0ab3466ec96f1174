/**
 * Feeds for feed readers, each as RSS 2.0, Atom 1.0 and JSON Feed 1.1 (`.rss`, `.atom`, `.json`):
 * - `/feeds/daily`: the papers of the latest 7 feed days, newest day first, most upvoted first within a day;
 * - `/feeds/trending`: the trending page's first 50;
 * - `/feeds/category/{cat}`: the latest 7 feed days' papers in an arXiv category (cs.LG, or an archive such as math);
 * - `/feeds/search?q=…`: the newest 50 papers matching a search (its filters included);
 * - `/lists/{id}/feed`: a public reading list, in its order.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CATEGORY_PATTERN } from '../../services/interest.service.js';
import type { AppDeps } from '../app.js';
import { badRequest, HttpProblem, notFound } from '../errors.js';
import { FEED_FORMATS, type FeedEntry, type FeedFormat, type FeedMeta, sendFeed } from '../feeds.js';
import { queryField } from './form-input.js';

const FEED_DAYS = 7;
const FEED_MAX_ITEMS = 200;
const TRENDING_ITEMS = 50;
const SEARCH_ITEMS = 50;

function formatOf(raw: string): FeedFormat {
  if ((FEED_FORMATS as readonly string[]).includes(raw)) return raw as FeedFormat;
  throw notFound('Feeds come as .rss, .atom or .json.');
}


export async function feedRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const store = () => {
    if (!deps.community) throw new HttpProblem(503, 'Feeds unavailable', 'This server runs without its store of papers.');
    return deps.community.store;
  };
  const recentDays = async () => {
    const latest = await store().feed.latestDate();
    if (!latest) return null;
    const from = new Date(Date.parse(`${latest}T00:00:00Z`) - (FEED_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    return { from, to: latest };
  };
  const send = (req: FastifyRequest, reply: FastifyReply, format: string, meta: FeedMeta, entries: FeedEntry[]) => sendFeed(req, reply, formatOf(format), meta, entries);

  app.get<{ Params: { format: string } }>('/feeds/daily.:format', async (req, reply) => {
    const days = await recentDays();
    const items = days ? await store().feed.list({ ...days, sort: 'publishedAt', limit: FEED_MAX_ITEMS, offset: 0 }) : [];
    items.sort((a, b) => (a.feedDate !== b.feedDate ? (a.feedDate < b.feedDate ? 1 : -1) : b.upvotes - a.upvotes));
    const meta = { title: 'Paperboy: daily papers', description: `New papers of the latest ${FEED_DAYS} feed days.`, pagePath: '/', feedPath: '/feeds/daily' };
    return send(req, reply, req.params.format, meta, items.map((i) => ({ paper: i.paper, date: i.feedDate, upvotes: i.upvotes })));
  });

  app.get<{ Params: { format: string } }>('/feeds/trending.:format', async (req, reply) => {
    const items = await store().feed.listTrendingAll(TRENDING_ITEMS, 0);
    const meta = { title: 'Paperboy: trending papers', description: 'Papers ranked by recent upvotes.', pagePath: '/papers/trending', feedPath: '/feeds/trending' };
    return send(req, reply, req.params.format, meta, items.map((i) => ({ paper: i.paper, date: i.feedDate, upvotes: i.upvotes })));
  });

  app.get<{ Params: { category: string } }>('/feeds/category/:category', async (req, reply) => {
    const m = /^(.+)\.(rss|atom|json)$/.exec(req.params.category);
    if (!m || !CATEGORY_PATTERN.test(m[1]!)) throw notFound('Feeds by category look like /feeds/category/cs.LG.rss (or .atom, .json).');
    const category = m[1]!;
    const days = await recentDays();
    const items = (days ? await store().feed.list({ ...days, sort: 'publishedAt', limit: 20_000, offset: 0 }) : [])
      .filter((i) => i.paper.categories.some((c) => c === category || c.startsWith(`${category}.`)))
      .sort((a, b) => (a.feedDate !== b.feedDate ? (a.feedDate < b.feedDate ? 1 : -1) : b.upvotes - a.upvotes))
      .slice(0, FEED_MAX_ITEMS);
    const q = encodeURIComponent(`cat:${category}`);
    const meta = { title: `Paperboy: ${category}`, description: `New papers in ${category} of the latest ${FEED_DAYS} feed days.`, pagePath: `/search?q=${q}&sort=date`, feedPath: `/feeds/category/${category}` };
    return send(req, reply, m[2]!, meta, items.map((i) => ({ paper: i.paper, date: i.feedDate, upvotes: i.upvotes })));
  });

  app.get<{ Params: { format: string } }>('/feeds/search.:format', async (req, reply) => {
    const q = queryField(req, 'q') ?? '';
    if (q.trim() === '') throw badRequest('Say what to follow: /feeds/search.rss?q=your+query');
    if (!deps.search) throw new HttpProblem(503, 'Search unavailable', 'This server runs without a search index, so it cannot search papers.');
    const result = await deps.search.search({ q, sort: 'date', page: 0, limit: SEARCH_ITEMS });
    if (!result.ok) throw badRequest(result.reason);
    const query = new URLSearchParams({ q }).toString();
    const meta = { title: `Paperboy: “${q}”`, description: `The newest papers matching “${q}”.`, pagePath: `/search?${query}&sort=date`, feedPath: '/feeds/search', query };
    return send(req, reply, req.params.format, meta, result.hits.map((h) => ({ paper: h.paper, date: h.feedDate, upvotes: h.upvotes })));
  });

  app.get<{ Params: { id: string; format: string } }>('/lists/:id/feed.:format', async (req, reply) => {
    if (!/^\d{1,15}$/.test(req.params.id)) throw notFound('There is no such list.');
    const list = await store().readingLists.byId(Number(req.params.id));
    // Feed readers have no session: only public lists have a feed.
    if (!list || !list.public) throw notFound('There is no such list, or it is private.');
    const papers = await store().readingLists.papers(list.id);
    const meta = { title: `Paperboy list: ${list.name}`, description: list.description ?? `A reading list of ${papers.length} papers.`, pagePath: `/lists/${list.id}`, feedPath: `/lists/${list.id}/feed` };
    return send(req, reply, req.params.format, meta, papers.map((p) => ({ paper: p, date: list.updatedAt })));
  });
}
