/**
 * Feeds (issue 7): RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the daily papers, trending, a category, a search and a
 * public reading list, parsed back with a feed-parsing library; autodiscovery links on the matching pages; conditional
 * GET (ETag and Last-Modified answered 304).
 */
import parser from '@rowanmanning/feed-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { WebClient } from './helpers/web-client.js';

const { parseFeed } = parser;

describe('feeds', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp());
  });
  afterAll(() => app?.close());
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('serves the daily papers as RSS, Atom and JSON Feed that parse back with the same papers', async () => {
    const latest = (await store.feed.latestDate())!;
    const from = new Date(Date.parse(`${latest}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    const expected = (await store.feed.list({ from, to: latest, sort: 'publishedAt', limit: 500, offset: 0 })).map((i) => i.paper.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    for (const format of ['rss', 'atom'] as const) {
      const res = await get(`/feeds/daily.${format}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(`application/${format}+xml; charset=utf-8`);
      const feed = parseFeed(res.body);
      expect(feed.title).toBe('Paperboy: daily papers');
      const ids = feed.items.map((i) => i.url!.split('/papers/')[1]!).sort();
      expect(ids).toEqual(expected);
      const first = feed.items[0]!;
      const paper = (await store.papers.getById(first.url!.split('/papers/')[1]!))!;
      expect(first.title).toBe(paper.title);
      expect(first.authors.map((a) => a.name)).toEqual(paper.authors.slice(0, 50));
      expect(first.published).toBeInstanceOf(Date);
    }
    const json = await get('/feeds/daily.json');
    expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const body = json.json() as { version: string; title: string; feed_url: string; items: Array<{ id: string; url: string; title: string; date_published: string; authors: Array<{ name: string }> }> };
    expect(body.version).toBe('https://jsonfeed.org/version/1.1');
    expect(body.feed_url).toMatch(/^http:\/\/[^/]+\/feeds\/daily\.json$/);
    expect(body.items.map((i) => i.url.split('/papers/')[1]).sort()).toEqual(expected);
    expect(body.items.every((i) => i.id && i.title && !Number.isNaN(Date.parse(i.date_published)) && i.authors.length > 0)).toBe(true);
  });

  it('has trending, category, search and public-list feeds; private lists and bad formats are 404, an empty search 400', async () => {
    const trending = parseFeed((await get('/feeds/trending.atom')).body);
    expect(trending.items.map((i) => i.url!.split('/papers/')[1])).toEqual((await store.feed.listTrendingAll(50, 0)).map((i) => i.paper.id));
    const lg = parseFeed((await get('/feeds/category/cs.LG.rss')).body);
    expect(lg.items.length).toBeGreaterThan(0);
    expect(lg.items.every((i) => i.categories.some((c) => c.term === 'cs.LG' || c.label === 'cs.LG'))).toBe(true);
    const search = parseFeed((await get('/feeds/search.rss?q=grokking')).body);
    expect(search.items.length).toBeGreaterThan(0);
    expect(search.items.every((i) => /grok/i.test(`${i.title} ${i.description}`))).toBe(true);
    expect((await get('/feeds/search.rss?q=')).statusCode).toBe(400);
    expect((await get('/feeds/daily.xml')).statusCode).toBe(404);
    expect((await get('/feeds/category/not a category.rss')).statusCode).toBe(404);

    const user = await store.accounts.findOrCreateUser('feeds@example.org', new Date('2025-01-01T00:00:00Z'));
    const listId = await store.readingLists.create(user.id, 'Feed <list>', new Date().toISOString());
    await store.readingLists.add(listId, '2505.20278', new Date().toISOString());
    expect((await get(`/lists/${listId}/feed.rss`)).statusCode).toBe(404); // private
    await store.readingLists.update(listId, { public: true }, new Date().toISOString());
    const list = parseFeed((await get(`/lists/${listId}/feed.rss`)).body);
    expect(list.title).toBe('Paperboy list: Feed <list>');
    expect(list.items.map((i) => i.url!.split('/papers/')[1])).toEqual(['2505.20278']);
    expect((await get(`/lists/${listId}`)).body).toContain(`<link rel="alternate" type="application/rss+xml" title="Paperboy list: Feed &lt;list> (RSS)" href="/lists/${listId}/feed.rss"/>`);
  });

  it('answers a reader whose copy is current with 304 (ETag and Last-Modified)', async () => {
    const first = await get('/feeds/daily.rss');
    expect(first.headers['cache-control']).toBe('public, max-age=600');
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    expect(etag).toBeTruthy();
    expect(Number.isNaN(Date.parse(lastModified))).toBe(false);
    expect((await get('/feeds/daily.rss', { 'if-none-match': etag })).statusCode).toBe(304);
    expect((await get('/feeds/daily.rss', { 'if-modified-since': lastModified })).statusCode).toBe(304);
    expect((await get('/feeds/daily.rss', { 'if-modified-since': new Date(Date.parse(lastModified) - 86_400_000).toUTCString() })).statusCode).toBe(200);
  });

  it('announces the feeds in the page head: daily everywhere, trending and search on their pages', async () => {
    const client = new WebClient(app);
    const home = (await client.get('/')).body;
    expect(home).toContain('<link rel="alternate" type="application/rss+xml" title="Paperboy: daily papers (RSS)" href="/feeds/daily.rss"/>');
    expect(home).toContain('type="application/feed+json"');
    expect((await client.get('/papers/trending')).body).toContain('href="/feeds/trending.atom"');
    expect((await client.get('/search?q=grokking')).body).toContain('href="/feeds/search.rss?q=grokking"');
    // A category's page is the search for that category alone: its feed first, then the search's.
    const category = (await client.get('/search?q=cat%3Acs.LG')).body;
    expect(category.indexOf('href="/feeds/category/cs.LG.rss"')).toBeGreaterThan(0);
    expect(category.indexOf('href="/feeds/category/cs.LG.rss"')).toBeLessThan(category.indexOf('href="/feeds/search.rss?q=cat%3Acs.LG"'));
    for (const q of ['grokking cat:cs.LG', 'cat:cs.LG cat:stat.ML', 'cat:cs.LG year:2025', 'cat:cs.LG -cat:stat.ML']) {
      expect((await client.get(`/search?q=${encodeURIComponent(q)}`)).body, q).not.toContain('/feeds/category/');
    }
  });
});

describe('a member’s private "for you" feed', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp());
  });
  afterAll(() => app?.close());

  it('is made on the interests page, read without a session by its secret address, replaced and turned off', async () => {
    const { signedInMember } = await import('./helpers/web-client.js');
    const ada = await signedInMember(app, store, 'feed-ada@example.org', { name: 'Ada' });
    await ada.post('/follows', { kind: 'category', value: 'cs.LG' });
    const page = await ada.get('/for-you/interests');
    expect(page.body).toContain('Make a private feed address');
    const made = await ada.post('/for-you/feed-token', {});
    expect(made.statusCode).toBe(200);
    expect(made.headers['cache-control']).toBe('no-store');
    const path = /\/for-you\/feed\/([A-Za-z0-9_-]{43})\.rss/.exec(made.body)![0];
    // Announced in the head of this page only (it is not stored, so no later page can).
    expect(made.body).toContain(`<link rel="alternate" type="application/rss+xml" title="Paperboy: for you (RSS)" href="${path}"/>`);
    expect((await ada.get('/for-you')).body).not.toContain('/for-you/feed/');
    const res = await app.inject({ method: 'GET', url: path }); // no cookie: a feed reader
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, max-age=600');
    const feed = parseFeed(res.body);
    expect(feed.title).toBe('Paperboy: for you');
    const api = (await ada.get('/api/for-you?limit=50')).json() as { items: Array<{ id: string }> };
    expect(feed.items.map((i) => i.url!.split('/papers/')[1])).toEqual(api.items.map((i) => i.id));
    expect((await app.inject({ method: 'GET', url: path.replace('.rss', '.json') })).json().version).toBe('https://jsonfeed.org/version/1.1');

    // Nobody else's: a wrong secret is 404; a new address turns the old one off; "off" removes it.
    expect((await app.inject({ method: 'GET', url: `/for-you/feed/${'x'.repeat(43)}.rss` })).statusCode).toBe(404);
    await ada.get('/for-you/interests');
    const again = await ada.post('/for-you/feed-token', {});
    const path2 = /\/for-you\/feed\/([A-Za-z0-9_-]{43})\.rss/.exec(again.body)![0];
    expect(path2).not.toBe(path);
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: path2 })).statusCode).toBe(200);
    await ada.get('/for-you/interests');
    await ada.post('/for-you/feed-token', { action: 'delete' });
    expect((await app.inject({ method: 'GET', url: path2 })).statusCode).toBe(404);
    expect((await new WebClient(app).post('/for-you/feed-token', {}, { csrf: false })).statusCode).toBe(403);
  });
});

describe('CORS for reading', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await seededApp());
  });
  afterAll(() => app?.close());
  const origin = { origin: 'https://elsewhere.example' };

  it('lets scripts on other sites read the JSON API and the feeds, not the pages or writes', async () => {
    for (const url of ['/api/daily_papers?date=2025-05-26', '/api/papers/2505.20278', '/feeds/daily.json']) {
      const res = await app.inject({ method: 'GET', url, headers: origin });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    const preflight = await app.inject({ method: 'OPTIONS', url: '/api/papers/2505.20278', headers: { ...origin, 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, HEAD');
    const page = await app.inject({ method: 'GET', url: '/', headers: origin });
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const writePreflight = await app.inject({ method: 'OPTIONS', url: '/api/papers/2505.20278', headers: { ...origin, 'access-control-request-method': 'POST' } });
    expect(writePreflight.headers['access-control-allow-origin']).toBeUndefined();
    // Personal data never leaves cross-site: no cookies go with a CORS read, so "for you" is 401.
    expect((await app.inject({ method: 'GET', url: '/api/for-you', headers: origin })).statusCode).toBe(401);
  });
});
