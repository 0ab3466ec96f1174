/** Similar papers over HTTP: `GET /api/papers/{id}/similar` and the paper page's list (keyword fallback here). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp } from './helpers/app.js';

describe('similar papers', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await seededApp({
      papers: [
        { id: '2505.90101', title: 'Zorblax grokking and delayed generalization in transformers', abstract: 'A study.', authors: ['A B'], categories: ['cs.LG'], published: '2025-05-20', upvotes: 2 },
        { id: '2505.90102', title: 'Why Zorblax grokking happens: generalization after memorization', abstract: 'Another.', authors: ['C D'], categories: ['cs.LG'], published: '2025-05-21', upvotes: 1 },
        { id: '2505.90103', title: 'Galaxy surveys', abstract: 'Stars.', authors: ['E F'], categories: ['astro-ph.GA'], published: '2025-05-21', upvotes: 1 },
      ],
    }));
  });
  afterAll(() => app.close());

  it('answers a JSON list with scores and reasons, without the paper itself', async () => {
    const res = await app.inject({ url: '/api/papers/2505.90101/similar?limit=3' });
    expect(res.statusCode).toBe(200);
    const list = res.json() as Array<{ id: string; title: string; score: number; reason: string; authors: Array<{ name: string }> }>;
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(3);
    expect(list.map((p) => p.id)).not.toContain('2505.90101');
    expect(list[0]).toMatchObject({ id: '2505.90102', reason: 'shares title words, also in cs.LG' });
    expect(typeof list[0]!.score).toBe('number');
    expect(list.map((p) => p.id)).not.toContain('2505.90103');
  });

  it('refuses a bad limit and an unknown paper', async () => {
    expect((await app.inject({ url: '/api/papers/2505.90101/similar?limit=0' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/papers/2505.90101/similar?limit=abc' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/papers/2505.99999/similar' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/papers/nope/similar' })).statusCode).toBe(400);
  });

  it('lists them on the paper page', async () => {
    const html = (await app.inject({ url: '/papers/2505.90101' })).body;
    expect(html).toContain('<h2 id="similar-heading">Similar papers</h2>');
    expect(html).toContain('href="/papers/2505.90102"');
  });
});
