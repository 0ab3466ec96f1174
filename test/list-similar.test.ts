/**
 * "More like these" over a reading list, and the lists' read-only JSON, over HTTP on SQLite and PostgreSQL: by meaning
 * (vector neighbours from a real OpenAI-compatible embeddings server) and by title words (no vectors).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { type EmbeddingsServer, startEmbeddingsServer } from './helpers/embeddings-server.js';
import { signedInMember, WebClient } from './helpers/web-client.js';

// The toy model's concepts (helpers/embeddings-server.ts): car/vehicle/automobile, fast/quick/rapid/speedy, galaxy/stars.
const paper = (id: string, title: string, abstract: string) => ({ id, title, abstract, authors: ['A B'], categories: ['cs.LG'], published: '2026-01-05', upvotes: 1 });
const CORPUS = [
  paper('2601.00001', 'Fast car detection', 'Quick vehicle finding.'),
  paper('2601.00002', 'Rapid automobile tracking', 'Speedy cars.'),
  paper('2601.00003', 'Galaxy surveys', 'Counting stars.'),
  paper('2601.00004', 'Stars in galaxies', 'Galaxy clusters.'),
  paper('2601.00005', 'Fast galaxy rotation', 'Quick stars.'),
];
const LIST = ['2601.00001', '2601.00003'];

interface SimilarItem {
  id: string;
  title: string;
  authors: Array<{ name: string }>;
  publishedAt: string;
  upvotes: number;
  numComments: number;
  score: number;
  reason: string;
}

describe.each(dialects)('more like a reading list on $name', ({ name, available, open }) => {
  describe.runIf(available)(`by meaning (${name})`, () => {
    let server: EmbeddingsServer;
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      server = await startEmbeddingsServer();
      ({ app, store } = await seededApp({ store: await open(), papers: CORPUS, embeddingsUrl: server.url }));
    });
    afterAll(async () => {
      await app?.close();
      await server?.close();
    });

    it('shows a private list\'s neighbours to its owner only, each with the list paper it is closest to, and to anyone once public', async () => {
      const ada = await signedInMember(app, store, `similar-ada-${name}@example.org`, { name: 'Ada' });
      const url = (await ada.post('/lists', { name: 'Cars and stars' })).headers.location as string;
      for (const paperId of LIST) await ada.post('/lists/add', { paperId, listId: url.split('/').pop()! });
      expect((await ada.get(url)).body).toContain(`href="${url}/similar"`);

      const page = await ada.get(`${url}/similar`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('More like these');
      const order = [...page.body.matchAll(/data-paper-id="([^"]+)"/g)].map((m) => m[1]);
      expect(order.slice(0, 2).sort()).toEqual(['2601.00002', '2601.00004']);
      expect(order).not.toContain('2601.00001');
      expect(order).not.toContain('2601.00003');
      expect(page.body).toContain('close in meaning to “Fast car detection”');
      expect(page.body).toContain('close in meaning to “Galaxy surveys”');

      const bo = await signedInMember(app, store, `similar-bo-${name}@example.org`);
      expect((await bo.get(`${url}/similar`)).statusCode).toBe(404);
      expect((await new WebClient(app).get(`${url}/similar`)).statusCode).toBe(404);
      await ada.post(`${url}/edit`, { name: 'Cars and stars', public: '1' });
      expect((await new WebClient(app).get(`${url}/similar`)).statusCode).toBe(200);
    });

    it('answers GET /api/lists/{id}/similar in the shape of /api/papers/{id}/similar, best first, without the list\'s papers', async () => {
      const cy = await signedInMember(app, store, `similar-cy-${name}@example.org`);
      const url = (await cy.post('/lists', { name: 'Mixed' })).headers.location as string;
      const id = Number(url.split('/').pop());
      await store.readingLists.addMany(id, LIST, new Date().toISOString());

      const res = await cy.get(`/api${url}/similar?limit=3`);
      expect(res.statusCode).toBe(200);
      const items = res.json() as SimilarItem[];
      expect(items).toHaveLength(3);
      expect(items.slice(0, 2).map((i) => i.id).sort()).toEqual(['2601.00002', '2601.00004']);
      expect(items.map((i) => i.id)).not.toContain('2601.00001');
      const car = items.find((i) => i.id === '2601.00002')!;
      expect(car).toMatchObject({ title: 'Rapid automobile tracking', authors: [{ name: 'A B' }], publishedAt: '2026-01-05T00:00:00.000Z', reason: 'close in meaning to “Fast car detection”' });
      expect(items.map((i) => i.score)).toEqual([...items.map((i) => i.score)].sort((a, b) => b - a));
      // Same fields as the single-paper endpoint.
      const single = (await app.inject({ url: '/api/papers/2601.00001/similar?limit=1' })).json() as SimilarItem[];
      expect(Object.keys(items[0]!).sort()).toEqual(Object.keys(single[0]!).sort());

      expect((await new WebClient(app).get(`/api${url}/similar`)).statusCode).toBe(404); // private: not for others
      expect((await cy.get(`/api${url}/similar?limit=0`)).statusCode).toBe(400);
      expect((await cy.get(`/api${url}/similar?limit=51`)).statusCode).toBe(400);
      expect((await cy.get('/api/lists/abc/similar')).statusCode).toBe(400);
      expect((await cy.get('/api/lists/999999/similar')).statusCode).toBe(404);
    });
  });

  describe.runIf(available)(`by title words, without vectors (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open(), papers: CORPUS }));
    });
    afterAll(() => app?.close());

    it('ranks first the paper sharing title words with most of the list, naming one of them', async () => {
      const dee = await signedInMember(app, store, `similar-dee-${name}@example.org`);
      const url = (await dee.post('/lists', { name: 'Words' })).headers.location as string;
      await store.readingLists.addMany(Number(url.split('/').pop()), LIST, new Date().toISOString());
      const items = (await dee.get(`/api${url}/similar?limit=5`)).json() as SimilarItem[];
      expect(items[0]!.id).toBe('2601.00005'); // "Fast galaxy rotation": a word from each list paper's title
      expect(items[0]!.reason).toMatch(/^shares title words with “(Fast car detection|Galaxy surveys)”$/);
      expect(items.map((i) => i.id)).not.toContain('2601.00001');
      expect(items.map((i) => i.id)).not.toContain('2601.00003');

      const empty = (await dee.post('/lists', { name: 'Empty' })).headers.location as string;
      expect((await dee.get(`${empty}/similar`)).body).toContain('This list is empty');
      expect((await dee.get(`/api${empty}/similar`)).json()).toEqual([]);
    });

    it('serves GET /api/lists/{id}: a public list to anyone, a private one to its owner only', async () => {
      const eve = await signedInMember(app, store, `similar-eve-${name}@example.org`, { name: 'Eve' });
      const url = (await eve.post('/lists', { name: 'Reading group' })).headers.location as string;
      const id = Number(url.split('/').pop());
      for (const paperId of ['2601.00003', '2505.20278']) await eve.post('/lists/add', { paperId, listId: String(id) });

      const mine = await eve.get(`/api${url}`);
      expect(mine.statusCode).toBe(200);
      expect(mine.headers['cache-control']).toContain('private');
      const body = mine.json() as { id: number; name: string; public: boolean; owner: { name: string }; size: number; papers: Array<{ id: string; title: string; authors: Array<{ _id: string; name: string; hidden: boolean }>; publishedAt: string; upvotes: number; summary: string }> };
      expect(body).toMatchObject({ id, name: 'Reading group', public: false, owner: { name: 'Eve' }, size: 2 });
      expect(body.papers.map((p) => p.id)).toEqual(['2601.00003', '2505.20278']);
      // The paper shape of GET /api/papers/{id}.
      const single = (await app.inject({ url: '/api/papers/2505.20278' })).json() as Record<string, unknown>;
      expect(body.papers[1]).toEqual(single);

      const visitor = new WebClient(app);
      expect((await visitor.get(`/api${url}`)).statusCode).toBe(404);
      await eve.post(`${url}/edit`, { name: 'Reading group', public: '1' });
      const shared = await visitor.get(`/api${url}`);
      expect(shared.statusCode).toBe(200);
      expect(shared.headers['cache-control']).toBe('public, max-age=60');
      expect((shared.json() as { public: boolean }).public).toBe(true);
      expect((await visitor.get('/api/lists/1x')).statusCode).toBe(400);
      expect((await visitor.get('/api/lists/987654')).statusCode).toBe(404);
    });
  });
});
