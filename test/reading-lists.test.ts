/**
 * Reading lists (issue 6) over HTTP on SQLite and PostgreSQL: create, save papers from their page, reorder, remove,
 * rename, make public and share, export BibTeX/RIS, delete; other members see a list only when it is public.
 */
import { parse } from '@retorquere/bibtex-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { signedInMember, WebClient } from './helpers/web-client.js';

const member = (app: FastifyInstance, store: Store, email: string, name: string) => signedInMember(app, store, email, { name });

describe.each(dialects)('reading lists on $name', ({ name, available, open }) => {
  describe.runIf(available)(`lists (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open() }));
    });
    afterAll(() => app?.close());

    it('keeps a private, ordered list that its owner edits and then shares', async () => {
      const ada = await member(app, store, 'lists-ada@example.org', 'Ada');
      const created = await ada.post('/lists', { name: 'Grokking reading group' });
      expect(created.statusCode).toBe(303);
      const url = created.headers.location as string;
      const id = Number(/\/lists\/(\d+)$/.exec(url)![1]);

      // Save three papers from their pages (the form on each paper page).
      const page = await ada.get('/papers/2505.20278');
      expect(page.body).toContain('Save to a list');
      for (const paperId of ['2505.20278', '2502.04667', '2303.03340']) {
        const saved = await ada.post('/lists/add', { paperId, listId: String(id) });
        expect(saved.statusCode).toBe(303);
      }
      expect((await ada.post('/lists/add', { paperId: '2505.20278', listId: String(id) })).statusCode).toBe(303); // again: no duplicate
      const order = async () => (await store.readingLists.papers(id)).map((p) => p.id);
      expect(await order()).toEqual(['2505.20278', '2502.04667', '2303.03340']);

      await ada.get(url);
      await ada.post(`${url}/move`, { paperId: '2303.03340', direction: 'up' });
      expect(await order()).toEqual(['2505.20278', '2303.03340', '2502.04667']);
      await ada.post(`${url}/remove`, { paperId: '2505.20278' });
      expect(await order()).toEqual(['2303.03340', '2502.04667']);

      // Private: another member and a visitor get 404, for the page and the exports.
      const bo = await member(app, store, 'lists-bo@example.org', 'Bo');
      expect((await bo.get(url)).statusCode).toBe(404);
      expect((await new WebClient(app).get(`${url}.bib`)).statusCode).toBe(404);
      expect((await bo.post(`${url}/remove`, { paperId: '2303.03340' })).statusCode).toBe(404);

      await ada.post(`${url}/edit`, { name: 'Grokking group', description: 'Tuesdays', public: '1' });
      const shared = await new WebClient(app).get(url);
      expect(shared.statusCode).toBe(200);
      expect(shared.body).toContain('Grokking group');
      expect(shared.body).not.toContain('Delete this list');
      expect((await new WebClient(app).get('/users/' + (await store.accounts.userByEmail('lists-ada@example.org'))!.id)).statusCode).toBe(200);

      const bib = await new WebClient(app).get(`${url}.bib`);
      expect(parse(bib.body, { raw: true }).entries.map((e) => (e.fields as Record<string, unknown>).eprint)).toEqual(['2303.03340', '2502.04667']);
      const ris = await new WebClient(app).get(`${url}.ris`);
      expect(ris.body.match(/^TY {2}- /gm)).toHaveLength(2);

      expect((await ada.post(`${url}/delete`, {})).statusCode).toBe(303);
      expect((await new WebClient(app).get(url)).statusCode).toBe(404);
    });

    it('fills "for you" from upvotes and saves, with the reason, once there is something to go on', async () => {
      const dee = await member(app, store, 'lists-dee@example.org', 'Dee');
      expect((await dee.get('/for-you')).body).toContain('Nothing to go on yet');
      // The seed's latest days (to 2025-09-30) hold cs.LG and cs.CL papers; liking one brings its categories' others.
      const latest = (await store.feed.list({ from: '2025-09-17', to: '2025-09-30', sort: 'trending', limit: 50, offset: 0 }))[0]!;
      await dee.post(`/papers/${latest.paper.id}/vote`, { action: 'up' });
      const page = (await dee.get('/for-you')).body;
      expect(page).not.toContain('Nothing to go on yet');
      expect(page).toMatch(/like papers you liked|because you/);
      expect(page).not.toContain(`data-paper-id="${latest.paper.id}"`); // not what they already liked
      expect((await new WebClient(app).get('/for-you')).statusCode).toBe(303); // signed out: sign in first
    });

    it('makes a new list from the paper page, and refuses nameless lists', async () => {
      const cy = await member(app, store, 'lists-cy@example.org', 'Cy');
      const res = await cy.post('/lists/add', { paperId: '2505.20278', newList: 'To read' });
      expect(res.statusCode).toBe(303);
      const mine = await store.readingLists.ofUser((await store.accounts.userByEmail('lists-cy@example.org'))!.id);
      expect(mine.map((l) => [l.name, l.size])).toEqual([['To read', 1]]);
      // A paper that is not here leaves no empty list behind.
      expect((await cy.post('/lists/add', { paperId: '2412.99999', newList: 'Phantom' })).statusCode).toBe(404);
      expect((await store.readingLists.ofUser(mine[0]!.userId)).map((l) => l.name)).toEqual(['To read']);
      expect((await cy.post('/lists', { name: '   ' })).statusCode).toBe(400);
      expect((await new WebClient(app).post('/lists', { name: 'x' }, { csrf: false })).statusCode).toBe(403);
    });
  });
});
