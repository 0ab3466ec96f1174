/**
 * Feed autodiscovery (issue 7) in real Chromium, on SQLite and on PostgreSQL: each feed type is announced in its
 * page's head by `<link rel="alternate">` in RSS 2.0, Atom 1.0 and JSON Feed 1.1, read from `document.head` as a
 * feed reader's browser extension would, then fetched and parsed back (RSS and Atom with @rowanmanning/feed-parser,
 * JSON Feed against the 1.1 spec's required fields):
 *   home and day pages → daily; trending → trending; a category's page (the search `cat:cs.LG` alone) → that
 *   category, then the search; any search → that search; a public list → the list (a private one has none);
 *   the interests page right after a member makes their private address → their "for you" (only there, no-store).
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import parser from '@rowanmanning/feed-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, signInBrowser, useBrowser, VIEWPORTS } from '../helpers/browser.js';
import { dialects } from '../helpers/db.js';

/** Six cs.LG papers about grokking in the seed's last week (its latest feed day is 2025-09-30), with upvotes. */
const PAPERS = Array.from({ length: 6 }, (_, i) => ({
  id: `2509.7100${i + 1}`,
  title: `Grokking in feed readers, part ${i + 1}`,
  abstract: 'Why grokking <happens> & when “it” does not.',
  authors: [`Feed Author ${i + 1}`],
  categories: i % 2 === 0 ? ['cs.LG'] : ['cs.LG', 'stat.ML'],
  published: `2025-09-${String(24 + i).padStart(2, '0')}`,
  upvotes: 6 - i,
}));

const FORMATS = [
  { type: 'application/rss+xml', suffix: 'RSS', ext: 'rss' },
  { type: 'application/atom+xml', suffix: 'Atom', ext: 'atom' },
  { type: 'application/feed+json', suffix: 'JSON Feed', ext: 'json' },
] as const;

interface HeadLink {
  type: string;
  title: string;
  /** As written in the page. */
  href: string;
  /** Resolved against the page's address. */
  url: string;
}

/** The feeds the page announces, read from `document.head` in the browser. */
const headFeeds = (page: Page): Promise<HeadLink[]> =>
  page.evaluate(() =>
    Array.from(document.head.querySelectorAll<HTMLLinkElement>('link[rel="alternate"]'), (l) => ({ type: l.type, title: l.title, href: l.getAttribute('href') ?? '', url: l.href })),
  );

interface JsonFeed {
  version: string;
  title: string;
  home_page_url: string;
  feed_url: string;
  items: Array<{ id: string; url: string; title: string; content_text?: string; content_html?: string; date_published: string; tags?: string[] }>;
}

/** A parsed feed, whatever its format: title, its items' paper ids and categories. */
interface ReadFeed {
  title: string;
  ids: string[];
  categories: string[][];
}

/**
 * Checks the three links are one feed in the three formats (titles, types, paths), fetches each over HTTP (without
 * cookies, as a feed reader does) and parses it: RSS and Atom with the feed-parsing library, JSON Feed by its spec.
 */
async function readAnnounced(links: HeadLink[], title: string, path: string): Promise<ReadFeed[]> {
  expect(links.map((l) => [l.type, l.title])).toEqual(FORMATS.map((f) => [f.type, `${title} (${f.suffix})`]));
  const [bare, query = ''] = path.split('?');
  expect(links.map((l) => l.href)).toEqual(FORMATS.map((f) => `${bare}.${f.ext}${query ? `?${query}` : ''}`));
  const out: ReadFeed[] = [];
  for (const [i, l] of links.entries()) {
    const res = await fetch(l.url);
    expect(res.status, l.url).toBe(200);
    expect(res.headers.get('content-type'), l.url).toBe(`${FORMATS[i]!.type}; charset=utf-8`);
    const body = await res.text();
    if (l.type === 'application/feed+json') {
      const feed = JSON.parse(body) as JsonFeed;
      expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
      expect(feed.feed_url).toBe(l.url);
      expect(() => new URL(feed.home_page_url)).not.toThrow();
      for (const item of feed.items) {
        expect(typeof item.id === 'string' && item.id !== '', l.url).toBe(true);
        expect(Boolean(item.content_text ?? item.content_html), l.url).toBe(true);
        expect(new Date(item.date_published).toISOString(), l.url).toBe(item.date_published);
      }
      out.push({ title: feed.title, ids: feed.items.map((it) => it.url.split('/papers/')[1]!), categories: feed.items.map((it) => it.tags ?? []) });
    } else {
      const feed = parser.parseFeed(body);
      expect(feed.meta.type, l.url).toBe(l.type === 'application/rss+xml' ? 'rss' : 'atom');
      expect(feed.self, l.url).toBe(l.url);
      for (const item of feed.items) expect(item.published, l.url).toBeInstanceOf(Date);
      out.push({ title: feed.title!, ids: feed.items.map((it) => it.url!.split('/papers/')[1]!), categories: feed.items.map((it) => it.categories.map((c) => c.term)) });
    }
  }
  // One feed in three formats: the same title and papers, in the same order.
  expect(out.map((f) => f.title)).toEqual([title, title, title]);
  expect(out[1]!.ids).toEqual(out[0]!.ids);
  expect(out[2]!.ids).toEqual(out[0]!.ids);
  return out;
}

for (const { name, available, open } of dialects) {
  describe.skipIf(browserSuite.skip || !available).each(VIEWPORTS)(browserSuite.title(`browser: feeds announced in the page head, fetched and parsed (${name}, $name)`), (viewport) => {
    let server: { baseUrl: string; close: () => Promise<void> } | undefined;
    let store: Store;

    beforeAll(async () => {
      const built = await seededApp({ store: await open(), papers: PAPERS });
      store = built.store;
      server = await listen(built.app);
    });
    afterAll(async () => {
      await server?.close();
    });

    const browser = useBrowser(() => server!.baseUrl, { viewport });

    /** Signs the browser in as a new member (a session row and its cookie). */
    const signInAs = (email: string) => signInBrowser(store, browser.context, server!.baseUrl, email);

    it('announces the daily, trending, category, search and public-list feeds on their pages, and each parses', async () => {
      const { page } = browser;
      const daily = 'Paperboy: daily papers';
      for (const path of ['/', '/papers/date/2025-09-29', `/papers/${PAPERS[0]!.id}`]) {
        await page.goto(path);
        const [rss] = await readAnnounced(await headFeeds(page), daily, '/feeds/daily');
        expect(rss!.ids, path).toEqual(expect.arrayContaining(PAPERS.map((p) => p.id)));
      }

      await page.goto('/papers/trending');
      const [trending] = await readAnnounced(await headFeeds(page), 'Paperboy: trending papers', '/feeds/trending');
      expect(trending!.ids.slice(0, 6)).toEqual((await store.feed.listTrendingAll(6, 0)).map((i) => i.paper.id));

      // A category's page: the search for `cat:cs.LG` alone (its facet link), offering the category's feed first.
      await page.goto('/search?q=grokking');
      await page.locator('a.facet-link', { has: page.locator('.facet-value', { hasText: /^cs\.LG$/ }) }).click();
      await page.waitForURL((u) => u.searchParams.get('q') === 'grokking cat:cs.LG');
      const narrowed = await headFeeds(page);
      await readAnnounced(narrowed, 'Paperboy: “grokking cat:cs.LG”', '/feeds/search?q=grokking+cat%3Acs.LG');
      await page.goto('/search?q=cat%3Acs.LG');
      const catLinks = await headFeeds(page);
      expect(catLinks).toHaveLength(6);
      const category = await readAnnounced(catLinks.slice(0, 3), 'Paperboy: cs.LG', '/feeds/category/cs.LG');
      for (const f of category) {
        expect(f.ids).toEqual(expect.arrayContaining(PAPERS.map((p) => p.id)));
        expect(f.categories.every((cs) => cs.includes('cs.LG'))).toBe(true);
      }
      await readAnnounced(catLinks.slice(3), 'Paperboy: “cat:cs.LG”', '/feeds/search?q=cat%3Acs.LG');

      // Any search, typed in the header's box.
      await page.goto('/');
      await page.getByRole('search', { name: 'Site search' }).getByLabel('Search papers').fill('grokking readers');
      await page.getByRole('search', { name: 'Site search' }).getByRole('button', { name: 'Search' }).click();
      await page.waitForURL((u) => u.pathname === '/search');
      const search = await readAnnounced(await headFeeds(page), 'Paperboy: “grokking readers”', '/feeds/search?q=grokking+readers');
      expect([...search[0]!.ids].sort()).toEqual(PAPERS.map((p) => p.id).sort());

      // A public reading list announces its feed; a private one does not, even to its owner.
      const owner = await signInAs(`lists-${name}@example.org`);
      const now = new Date().toISOString();
      const publicId = await store.readingLists.create(owner, 'Grokking <club>', now);
      await store.readingLists.addMany(publicId, [PAPERS[3]!.id, PAPERS[1]!.id, '2505.20278'], now);
      await store.readingLists.update(publicId, { public: true }, now);
      const privateId = await store.readingLists.create(owner, 'Secret reading', now);
      await store.readingLists.add(privateId, PAPERS[0]!.id, now);
      await page.goto(`/lists/${privateId}`);
      await page.getByRole('heading', { name: 'Secret reading' }).waitFor();
      expect((await headFeeds(page)).map((l) => l.href)).toEqual(['/feeds/daily.rss', '/feeds/daily.atom', '/feeds/daily.json']);
      expect((await fetch(`${server!.baseUrl}/lists/${privateId}/feed.rss`)).status).toBe(404);
      await browser.context.clearCookies();
      await page.goto(`/lists/${publicId}`);
      await page.getByRole('heading', { name: 'Grokking <club>' }).waitFor();
      const list = await readAnnounced(await headFeeds(page), 'Paperboy list: Grokking <club>', `/lists/${publicId}/feed`);
      for (const f of list) expect(f.ids).toEqual([PAPERS[3]!.id, PAPERS[1]!.id, '2505.20278']);
      expect(browser.problems.errors).toEqual([]);
    });

    it('announces a member\'s private "for you" feed to them alone, on the page that shows its secret address, and it parses without a session', async () => {
      const { page } = browser;
      const userId = await signInAs(`for-you-${name}@example.org`);
      await store.interests.follow(userId, 'category', 'cs.LG', new Date().toISOString());
      await page.goto('/for-you/interests');
      expect((await headFeeds(page)).map((l) => l.title)).not.toContain('Paperboy: for you (RSS)');
      const [made] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/for-you/feed-token'),
        page.getByRole('button', { name: 'Make a private feed address' }).click(),
      ]);
      expect(made.status()).toBe(200);
      expect(made.headers()['cache-control']).toBe('no-store');
      const links = await headFeeds(page);
      const secret = /^\/for-you\/feed\/([A-Za-z0-9_-]{43})\.rss$/.exec(links[0]?.href ?? '')?.[1];
      expect(secret, JSON.stringify(links)).toBeTruthy();
      expect(await page.locator('code.secret-url').textContent()).toBe(`/for-you/feed/${secret}.rss`);
      // Fetched without the session cookie, as a feed reader would: the member's recommendations, in each format.
      const feeds = await readAnnounced(links, 'Paperboy: for you', `/for-you/feed/${secret}`);
      const api = (await (await page.request.get('/api/for-you?limit=50')).json()) as { items: Array<{ id: string }> };
      expect(api.items.length).toBeGreaterThan(0);
      for (const f of feeds) expect(f.ids).toEqual(api.items.map((i) => i.id));
      const res = await fetch(links[0]!.url);
      expect([res.headers.get('cache-control'), res.headers.get('x-robots-tag')]).toEqual(['private, max-age=600', 'noindex']);

      // Nowhere else: not on the interests page seen again, nor on /for-you, nor to anyone else.
      for (const path of ['/for-you/interests', '/for-you']) {
        await page.goto(path);
        expect((await headFeeds(page)).some((l) => l.href.includes(secret!)), path).toBe(false);
        expect(await page.content(), path).not.toContain(secret!);
      }
      await browser.context.clearCookies();
      await signInAs(`someone-else-${name}@example.org`);
      await page.goto('/for-you/interests');
      expect((await headFeeds(page)).map((l) => l.href)).toEqual(['/feeds/daily.rss', '/feeds/daily.atom', '/feeds/daily.json']);
      expect(browser.problems.errors).toEqual([]);
    });
  });
}
