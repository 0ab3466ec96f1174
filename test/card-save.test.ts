/**
 * "Save" from every paper card (feeds, trending, search, for-you, a list's "more like these") over HTTP on SQLite and
 * PostgreSQL: a plain form that works without JavaScript, back to the same card, with the member's lists loaded once
 * per page rather than once per card.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { signedInMember, WebClient } from './helpers/web-client.js';

/** A busy latest day (the seed's days hold one or two papers each). */
const DAY = Array.from({ length: 8 }, (_, i) => ({
  id: `2602.0000${i + 1}`,
  title: `Grokking study number ${i + 1}`,
  abstract: 'Delayed generalization in small networks.',
  authors: ['A B'],
  categories: ['cs.LG'],
  published: '2026-02-02',
  feed_date: '2026-02-02',
  upvotes: 8 - i,
}));

const cardIds = (html: string) => [...html.matchAll(/<article class="paper-card[^"]*" data-paper-id="([^"]+)"/g)].map((m) => m[1]!);
const saveMenus = (html: string) => [...html.matchAll(/<details class="card-save">([\s\S]*?)<\/details>/g)].map((m) => m[1]!);
const unescape = (s: string) => s.replaceAll('&amp;', '&');

describe.each(dialects)('save from any card on $name', ({ name, available, open }) => {
  describe.runIf(available)(`card menus (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open(), papers: DAY }));
    });
    afterAll(() => app?.close());

    it('offers a first list from a card, saves into it and comes back to the same card', async () => {
      const ada = await signedInMember(app, store, `cards-ada-${name}@example.org`);
      const page = await ada.get('/');
      const ids = cardIds(page.body);
      expect(ids.length).toBeGreaterThan(1);
      const menus = saveMenus(page.body);
      expect(menus).toHaveLength(ids.length);
      const first = menus[0]!;
      expect(first).toContain('<summary>Save<span class="visually-hidden"> ');
      expect(first).toContain('action="/lists/add"');
      expect(first).toContain('name="newList"'); // no list yet: name one
      expect(first).toContain(`name="next" value="/#paper-${ids[0]}"`);

      const res = await ada.post('/lists/add', { paperId: ids[1]!, newList: 'From the feed', next: `/#paper-${ids[1]}` });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/#paper-${ids[1]}`);
      const user = (await store.accounts.userByEmail(`cards-ada-${name}@example.org`))!;
      const [list] = await store.readingLists.ofUser(user.id);
      expect(list).toMatchObject({ name: 'From the feed', size: 1 });

      // Back on the page: that card says it is saved, and every menu now offers the list.
      const again = saveMenus((await ada.get('/')).body);
      expect(again[1]).toContain('<summary>Saved ✓');
      expect(again[1]).toContain(`<option value="${list!.id}">From the feed ✓</option>`);
      expect(again[0]).toContain('<summary>Save<span');
      expect(again[0]).toContain(`<option value="${list!.id}">From the feed</option>`);
    });

    it('is on the week, month, trending, search and "more like these" pages, each form coming back to its own card', async () => {
      const bo = await signedInMember(app, store, `cards-bo-${name}@example.org`);
      const url = (await bo.post('/lists', { name: 'Bo reads' })).headers.location as string;
      await bo.post('/lists/add', { paperId: '2505.20278', listId: url.split('/').pop()! });
      const week = (await bo.get('/papers/week')).headers.location as string;
      const month = (await bo.get('/papers/month')).headers.location as string;
      for (const path of [week, month, '/papers/trending', '/search?q=grokking&sort=relevance', `${url}/similar`]) {
        const html = (await bo.get(path)).body;
        const ids = cardIds(html);
        const menus = saveMenus(html);
        expect(ids.length, path).toBeGreaterThan(0);
        expect(menus, path).toHaveLength(ids.length);
        menus.forEach((menu, i) => {
          expect(unescape(menu)).toContain(`name="next" value="${path}#paper-${ids[i]}"`);
          expect(menu).toContain(`name="paperId" value="${ids[i]}"`);
          expect(menu).toContain('Bo reads');
        });
      }
      // A saved paper is marked wherever its card shows.
      const search = await bo.get('/search?q=%22coverage+principle%22');
      const at = cardIds(search.body).indexOf('2505.20278');
      expect(at).toBeGreaterThanOrEqual(0);
      expect(saveMenus(search.body)[at]).toContain('<summary>Saved ✓');
    });

    it('is on "for you" cards too', async () => {
      const cy = await signedInMember(app, store, `cards-cy-${name}@example.org`);
      await cy.post(`/papers/${DAY[0]!.id}/vote`, { action: 'up' });
      const html = (await cy.get('/for-you')).body;
      const ids = cardIds(html);
      expect(ids.length).toBeGreaterThan(0);
      expect(saveMenus(html)).toHaveLength(ids.length);
    });

    it('loads the member\'s lists once per page, not once per card', async () => {
      const dee = await signedInMember(app, store, `cards-dee-${name}@example.org`);
      await dee.post('/lists', { name: 'One' });
      await dee.post('/lists', { name: 'Two' });
      const calls: string[] = [];
      const repo = store.readingLists as unknown as Record<string, unknown>;
      const originals = new Map<string, (...args: unknown[]) => unknown>();
      for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(store.readingLists))) {
        const fn = repo[key];
        if (key === 'constructor' || typeof fn !== 'function') continue;
        originals.set(key, fn as (...args: unknown[]) => unknown);
        repo[key] = (...args: unknown[]) => {
          calls.push(key);
          return (fn as (...a: unknown[]) => unknown).apply(store.readingLists, args);
        };
      }
      try {
        const html = (await dee.get('/papers/month')).headers.location as string;
        calls.length = 0;
        const page = (await dee.get(html)).body;
        expect(cardIds(page).length).toBeGreaterThan(5);
        expect(saveMenus(page).every((m) => m.includes('>One</option>') && m.includes('>Two</option>'))).toBe(true);
        expect(calls).toEqual(['saveMenu']);
      } finally {
        for (const [key, fn] of originals) repo[key] = fn;
      }
    });

    it('only sends members back to this site, and shows no menu to visitors', async () => {
      const eve = await signedInMember(app, store, `cards-eve-${name}@example.org`);
      for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
        const res = await eve.post('/lists/add', { paperId: '2505.20278', newList: 'Safe', next });
        expect(res.headers.location, next).toBe('/papers/2505.20278');
      }
      // Without `next` (the paper page's own form): the paper page, saying where it went.
      expect((await eve.post('/lists/add', { paperId: '2505.20278', newList: 'Plain' })).headers.location).toMatch(/^\/papers\/2505\.20278\?saved=\d+$/);
      const visitor = await new WebClient(app).get('/');
      expect(cardIds(visitor.body).length).toBeGreaterThan(0);
      expect(saveMenus(visitor.body)).toEqual([]);
    });
  });
});
