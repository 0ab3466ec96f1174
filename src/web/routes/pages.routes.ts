/**
 * HTML pages: the daily/weekly/monthly feeds, the home page (the latest day) and paper pages (plus their Markdown
 * twin, `/papers/{id}.md`). Pages work without JavaScript. Handlers validate, ask FeedService, hand the result to a
 * presenter and render a view; bad input is a 400 page, unknown things a 404 page (via HttpProblem in app.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { addDays, dayPeriod, isoWeekOf, monthOf, monthPeriod, type Period, shiftPeriod, weekPeriod } from '../../domain/period.js';
import type { FeedService } from '../../services/feed.service.js';
import { type AppDeps, badRequest, notFound } from '../app.js';
import { FEED_PAGE_SIZE, periodHref, presentFeedPage } from '../presenters/feed-page.presenter.js';
import { presentThread } from '../presenters/comment.presenter.js';
import { paperMarkdown } from '../presenters/paper-markdown.js';
import { isModerator } from '../../services/moderation.service.js';
import { paperHref, presentCard, presentPaper } from '../presenters/paper.presenter.js';
import { PAGE_CACHE_CONTROL, sendCitations, sendHtml } from '../page.js';
import { FeedView } from '../views/feed.view.js';
import { PaperView } from '../views/paper.view.js';
import { WelcomeView } from '../views/welcome.view.js';

/** Papers in one citation export (a month of the feed can hold thousands). */
const EXPORT_MAX = 2_000;

/** Similar papers listed on a paper page. */
const SIMILAR_ON_PAGE = 5;

/** Highest `?p=` accepted; beyond any real period's page count, and keeps the offset a small number. */
const MAX_PAGE = 100_000;

type Query = Record<string, string | string[] | undefined>;

const PERIOD_PARSERS: Record<Period['kind'], { parse: (key: string) => Period | null; example: string; noun: string }> = {
  day: { parse: dayPeriod, example: '2025-05-26', noun: 'date' },
  week: { parse: weekPeriod, example: '2025-W22', noun: 'ISO week' },
  month: { parse: monthPeriod, example: '2025-05', noun: 'month' },
};

function queryString(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Query)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `?p=N`, 1-based; absent means 1. */
function pageNumber(req: FastifyRequest): number {
  const raw = queryString(req, 'p');
  if (raw === undefined) return 1;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
    throw badRequest(`Page "${raw.slice(0, 20)}" is not a page number: use ?p=1, ?p=2, …`);
  }
  return Number(raw);
}

function parsePeriod(kind: Period['kind'], key: string): Period {
  const spec = PERIOD_PARSERS[kind];
  const period = spec.parse(key);
  if (!period) throw badRequest(`"${key.slice(0, 40)}" is not a valid ${spec.noun}. Write it like ${spec.example}.`);
  return period;
}

/** The day the Daily/Weekly/Monthly tabs point into: the latest day with papers inside the period, else its first day. */
async function anchorDay(feed: FeedService, period: Period): Promise<string> {
  if (period.kind === 'day') return period.key;
  const { prev } = await feed.neighbours(addDays(period.to, 1));
  return prev !== null && prev >= period.from ? prev : period.from;
}

/** Previous/next links: the nearest days with papers for days; the adjacent week/month, if papers lie that way. */
async function neighbourPeriods(feed: FeedService, period: Period): Promise<{ prev: Period | null; next: Period | null }> {
  if (period.kind === 'day') {
    const n = await feed.neighbours(period.key);
    return { prev: n.prev ? dayPeriod(n.prev) : null, next: n.next ? dayPeriod(n.next) : null };
  }
  const [before, after] = await Promise.all([feed.neighbours(period.from), feed.neighbours(period.to)]);
  return { prev: before.prev ? shiftPeriod(period, -1) : null, next: after.next ? shiftPeriod(period, 1) : null };
}

async function feedPage(deps: AppDeps, req: FastifyRequest, reply: FastifyReply, period: Period, home = false) {
  const { feed } = deps;
  const page = pageNumber(req);
  const [list, nav, anchor, latest] = await Promise.all([
    feed.list(period, { sort: 'upvotes', page: page - 1, limit: FEED_PAGE_SIZE }),
    neighbourPeriods(feed, period),
    anchorDay(feed, period),
    feed.latestDay(),
  ]);
  const pages = Math.max(1, Math.ceil(list.total / FEED_PAGE_SIZE));
  if (page > pages) throw notFound(`There is no page ${page} here: this ${period.kind} has ${pages === 1 ? 'one page' : `${pages} pages`} of papers.`);
  const model = presentFeedPage({ feed: list, page, prev: nav.prev, next: nav.next, anchorDay: anchor, latestDay: latest, home });
  return sendHtml(req, reply, h(FeedView, { model }), { math: model.math, paperIds: list.items.map((i) => i.paper.id), store: deps.community?.store });
}

/** `/papers/date?date=…` (the date picker), `/papers/week?week=…`, `/papers/month?month=…`; bare: the latest one. */
function pickerRoute(app: FastifyInstance, feed: FeedService, kind: Period['kind']) {
  const segment = kind === 'day' ? 'date' : kind;
  app.get(`/papers/${segment}`, async (req, reply) => {
    const asked = queryString(req, segment);
    if (asked !== undefined) return reply.redirect(periodHref(parsePeriod(kind, asked.trim())), 302);
    const latest = await feed.latestDay();
    if (!latest) return reply.redirect('/', 302);
    const key = kind === 'day' ? latest : kind === 'week' ? isoWeekOf(latest) : monthOf(latest);
    return reply.redirect(periodHref({ kind, key }), 302);
  });
}

/** Registers `/`, the feed pages, their picker redirects and the single `/papers/*` paper route. */
/** Whether an Accept header ranks text/markdown above text/html (q-values; equal q: the first listed wins). */
export function prefersMarkdown(accept: string | undefined): boolean {
  if (!accept || !accept.includes('text/markdown')) return false;
  let md = -1;
  let html = -1;
  let mdAt = Infinity;
  let htmlAt = Infinity;
  accept.split(',').forEach((part, i) => {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) return;
    if (type === 'text/markdown' && q > md) [md, mdAt] = [q, i];
    if ((type === 'text/html' || type === 'text/*' || type === '*/*') && q > html) [html, htmlAt] = [q, i];
  });
  return md > 0 && (md > html || (md === html && mdAt < htmlAt));
}

export async function pageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { feed } = deps;

  app.get('/', async (req, reply) => {
    const latest = await feed.latestDay();
    if (!latest) return sendHtml(req, reply, h(WelcomeView, {}));
    return feedPage(deps, req, reply, dayPeriod(latest)!, true);
  });
  app.get('/papers', async (_req, reply) => reply.redirect('/', 302));

  for (const kind of ['day', 'week', 'month'] as const) pickerRoute(app, feed, kind);
  for (const [segment, kind] of [
    ['date', 'day'],
    ['week', 'week'],
    ['month', 'month'],
  ] as const) {
    app.get<{ Params: { key: string } }>(`/papers/${segment}/:key`, async (req, reply) => {
      // `/papers/date/2025-05-26.bib` (or .ris): the period's papers as citations, most upvoted first.
      const exported = /^(.+)\.(bib|ris)$/.exec(req.params.key);
      if (!exported) return feedPage(deps, req, reply, parsePeriod(kind, req.params.key));
      const period = parsePeriod(kind, exported[1]!);
      const list = await feed.list(period, { sort: 'upvotes', page: 0, limit: EXPORT_MAX });
      return sendCitations(reply, exported[2] as 'bib' | 'ris', list.items.map((i) => i.paper), `paperboy-${period.key}`);
    });
  }

  // One route for every paper id: old-style ids hold a slash (`/papers/hep-th/9108002`), and `.md` asks for Markdown.
  app.get('/papers/*', async (req, reply) => {
    const urlPath = req.url.split('?')[0] ?? '';
    let path: string;
    try {
      path = decodeURIComponent(urlPath.slice('/papers/'.length).replace(/\/+$/, ''));
    } catch {
      throw badRequest('The paper id in this address is not valid URL encoding.');
    }
    const format = /\.(md|bib|ris)$/.exec(path)?.[1] as 'md' | 'bib' | 'ris' | undefined;
    // `.md`, or a client that asks for Markdown before HTML (Accept: text/markdown) at the page's own address.
    const markdown = format === 'md' || (format === undefined && prefersMarkdown(req.headers.accept));
    if (format === undefined) reply.header('Vary', 'Accept');
    const asked = format ? path.slice(0, -(format.length + 1)) : path;
    if (asked === '') return reply.redirect('/', 302);
    const parsed = parsePaperId(asked);
    if (!parsed) {
      throw badRequest(`"${asked.slice(0, 100)}" is not a paper id. Ids look like 2505.20278 (arXiv) or hep-th/9108002 (old-style arXiv).`);
    }
    const canonical = `${paperHref(parsed.id)}${format ? `.${format}` : ''}`;
    if (urlPath !== canonical) return reply.redirect(canonical, 301);

    const view = await feed.paper(parsed.id);
    if (!view) throw notFound(`There is no paper ${parsed.id} here. It may not have been imported yet.`);
    if (markdown) return reply.header('cache-control', PAGE_CACHE_CONTROL).type('text/markdown; charset=utf-8').send(paperMarkdown(view));
    if (format === 'bib' || format === 'ris') return sendCitations(reply, format, [view.paper], parsed.id.replaceAll('/', '-'));
    const model = presentPaper(view);
    const hidden = view.feed?.hiddenAt != null;
    const c = deps.community;
    const order = queryString(req, 'comments') === 'new' ? 'new' : 'best';
    const thread = c
      ? presentThread(parsed.id, await c.comments.thread(parsed.id, req.user, order), { order, open: !hidden, nowMs: Date.now(), moderator: isModerator(req.user) })
      : undefined;
    const similar = deps.search ? ((await deps.search.similar(parsed.id, SIMILAR_ON_PAGE)) ?? []).map((hit) => ({ card: presentCard(hit), reason: hit.reason })) : [];
    const math = model.math || Boolean(thread?.math) || similar.some((s) => s.card.math);
    const save = c && req.user ? { lists: await c.readingLists.mine(req.user), holding: await c.store.readingLists.listsHolding(req.user.id, parsed.id) } : undefined;
    const follows = c && req.user ? await c.interests.follows(req.user) : undefined;
    const follow = follows ? { authors: view.paper.authors, categories: view.paper.categories, followed: new Set([...follows.authors, ...follows.categories]), done: queryString(req, 'followed') === '1' } : undefined;
    return sendHtml(req, reply, h(PaperView, { model, thread, hidden, similar, save, follow }), { math, paperIds: [parsed.id], store: c?.store });
  });
}
