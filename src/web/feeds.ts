/**
 * Syndication feeds of paper lists: RSS 2.0 and Atom 1.0 through the `feed` library (it escapes and shapes the XML),
 * JSON Feed 1.1 as plain JSON (the library writes version 1). Conditional GET: an ETag (from @fastify/etag) and
 * Last-Modified (the newest entry's date), answered 304 when unchanged.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import type { PaperRecord } from '../store/paper.repository.js';
import { paperHref } from './presenters/paper.presenter.js';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

/** Feed readers poll; ten minutes is fresh enough for papers announced once a day. */
export const FEED_CACHE_CONTROL = 'public, max-age=600';

export interface FeedEntry {
  paper: PaperRecord;
  /** When the paper entered this list (its feed day, the day it was saved…), ISO date or date-time. */
  date: string;
  upvotes?: number;
}

export interface FeedMeta {
  title: string;
  description: string;
  /** Site path of the HTML page this feed follows, e.g. /papers/trending. */
  pagePath: string;
  /** Site path of the feed without its extension, e.g. /feeds/trending. */
  feedPath: string;
  /** Extra query string for the feed links (search feeds keep their query), without `?`. */
  query?: string;
}

/** The `<link rel="alternate">` tags for a page: one per format. */
export function feedLinks(meta: Pick<FeedMeta, 'title' | 'feedPath' | 'query'>): Array<{ title: string; href: string; type: string }> {
  const q = meta.query ? `?${meta.query}` : '';
  return [
    { title: `${meta.title} (RSS)`, href: `${meta.feedPath}.rss${q}`, type: FEED_TYPES.rss },
    { title: `${meta.title} (Atom)`, href: `${meta.feedPath}.atom${q}`, type: FEED_TYPES.atom },
    { title: `${meta.title} (JSON Feed)`, href: `${meta.feedPath}.json${q}`, type: FEED_TYPES.json },
  ];
}

const asDate = (d: string) => new Date(d.length === 10 ? `${d}T00:00:00Z` : d);

/** Renders and sends a feed, or 304 when the reader's copy is current (If-Modified-Since). */
export function sendFeed(req: FastifyRequest, reply: FastifyReply, format: FeedFormat, meta: FeedMeta, entries: readonly FeedEntry[], cacheControl = FEED_CACHE_CONTROL) {
  // The site's address as the reader reached it (proxies' X-Forwarded-* count when TRUST_PROXY is set).
  const site = `${req.protocol}://${req.host}`;
  const q = meta.query ? `?${meta.query}` : '';
  const updated = entries.reduce((max, e) => Math.max(max, asDate(e.date).getTime()), 0);
  const lastModified = new Date(updated || Date.parse('2000-01-01T00:00:00Z'));
  reply.header('Cache-Control', cacheControl).header('Last-Modified', lastModified.toUTCString());
  const since = Date.parse(String(req.headers['if-modified-since'] ?? ''));
  if (!req.headers['if-none-match'] && Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)) return reply.code(304).send();
  const link = (p: PaperRecord) => `${site}${paperHref(p.id)}`;
  if (format === 'json') {
    const body = {
      version: 'https://jsonfeed.org/version/1.1',
      title: meta.title,
      description: meta.description,
      home_page_url: `${site}${meta.pagePath}`,
      feed_url: `${site}${meta.feedPath}.json${q}`,
      language: 'en',
      items: entries.map((e) => ({
        id: link(e.paper),
        url: link(e.paper),
        external_url: `https://arxiv.org/abs/${e.paper.id}`,
        title: e.paper.title,
        content_text: e.paper.abstract,
        date_published: asDate(e.date).toISOString(),
        authors: e.paper.authors.map((name) => ({ name })),
        tags: e.paper.categories,
        ...(e.upvotes !== undefined ? { _paperboy: { upvotes: e.upvotes } } : {}),
      })),
    };
    return reply.type(`${FEED_TYPES.json}; charset=utf-8`).send(JSON.stringify(body));
  }
  const feed = new Feed({
    id: `${site}${meta.pagePath}`,
    title: meta.title,
    description: meta.description,
    link: `${site}${meta.pagePath}`,
    language: 'en',
    updated: lastModified,
    generator: 'Paperboy',
    copyright: 'Paper metadata from arXiv (CC0)',
    feedLinks: { rss: `${site}${meta.feedPath}.rss${q}`, atom: `${site}${meta.feedPath}.atom${q}`, json: `${site}${meta.feedPath}.json${q}` },
  });
  for (const e of entries) {
    feed.addItem({
      title: e.paper.title,
      id: link(e.paper),
      link: link(e.paper),
      date: asDate(e.date),
      published: asDate(e.date),
      description: e.paper.abstract,
      author: e.paper.authors.slice(0, 50).map((name) => ({ name })),
      category: e.paper.categories.map((c) => ({ name: c, term: c })),
    });
  }
  return reply.type(`${FEED_TYPES[format]}; charset=utf-8`).send(format === 'rss' ? feed.rss2() : feed.atom1());
}
