/**
 * `GET /api/papers/{id}/comments` (issue 7): a paper's discussion as JSON, in thread order, as a signed-out reader
 * sees it (a deleted comment with replies is a tombstone without author or body).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommunityDeps } from '../src/web/app.js';
import type { Store } from '../src/store/store.js';
import { prefersMarkdown } from '../src/web/routes/pages.routes.js';
import { seededApp } from './helpers/app.js';

describe('comments API', () => {
  let app: FastifyInstance;
  let store: Store;
  let community: CommunityDeps;
  beforeAll(async () => {
    ({ app, store, community } = await seededApp());
  });
  afterAll(() => app?.close());
  const get = (url: string) => app.inject({ method: 'GET', url });

  it('lists comments in thread order with depth, keeps tombstones that have replies, and refuses bad requests', async () => {
    const ada = await store.accounts.findOrCreateUser('api-ada@example.org', new Date('2025-01-01T00:00:00Z'));
    await store.accounts.updateProfile(ada.id, { displayName: 'Ada', affiliation: null });
    const bo = await store.accounts.findOrCreateUser('api-bo@example.org', new Date('2025-01-01T00:00:00Z'));
    const first = await community.comments.add(ada, '2505.20278', { body: 'First, with $x^2$ and **bold**.' });
    const reply = await community.comments.add(bo, '2505.20278', { body: 'A reply.', parentId: String(first) });
    const second = await community.comments.add(bo, '2505.20278', { body: 'Second, deleted later.' });
    await community.comments.add(ada, '2505.20278', { body: 'Reply to the deleted one.', parentId: String(second) });
    await community.comments.delete(bo, second);

    const res = await get('/api/papers/2505.20278/comments?sort=new');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { paperId: string; sort: string; count: number; comments: Array<{ id: number; parentId: number | null; depth: number; state: string; author: { name: string } | null; body: string | null }> };
    expect([body.paperId, body.sort, body.count]).toEqual(['2505.20278', 'new', 3]);
    const tomb = body.comments.find((c) => c.id === second)!;
    expect(tomb).toMatchObject({ state: 'deleted', author: null, body: null, depth: 0 });
    expect(body.comments[body.comments.indexOf(tomb) + 1]).toMatchObject({ parentId: second, depth: 1, body: 'Reply to the deleted one.' });
    const firstJson = body.comments.find((c) => c.id === first)!;
    expect(firstJson).toMatchObject({ author: { name: 'Ada' }, body: 'First, with $x^2$ and **bold**.', depth: 0 });
    expect(body.comments[body.comments.indexOf(firstJson) + 1]).toMatchObject({ id: reply, parentId: first, depth: 1 });

    expect(((await get('/api/papers/2502.04667/comments')).json() as { comments: unknown[] }).comments).toEqual([]);
    expect((await get('/api/papers/2505.20278/comments?sort=top')).statusCode).toBe(400);
    expect((await get('/api/papers/2501.99999/comments')).statusCode).toBe(404);
    expect((await get('/api/papers/not-an-id/comments')).statusCode).toBe(400);
  });
});

describe('a paper as Markdown by content negotiation', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await seededApp());
  });
  afterAll(() => app?.close());

  it('answers Accept: text/markdown at the page address with the same Markdown as .md, and HTML otherwise', async () => {
    const md = await app.inject({ method: 'GET', url: '/papers/2505.20278.md' });
    const negotiated = await app.inject({ method: 'GET', url: '/papers/2505.20278', headers: { accept: 'text/markdown' } });
    expect(negotiated.statusCode).toBe(200);
    expect(negotiated.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(negotiated.headers.vary).toMatch(/Accept/);
    expect(negotiated.body).toBe(md.body);
    const browser = await app.inject({ method: 'GET', url: '/papers/2505.20278', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.headers['content-type']).toMatch(/^text\/html/);
    expect(prefersMarkdown('text/html;q=0.5, text/markdown')).toBe(true);
    expect(prefersMarkdown('text/markdown;q=0.1, */*;q=0.9')).toBe(false);
    expect(prefersMarkdown('text/markdown;q=0')).toBe(false);
    expect(prefersMarkdown(undefined)).toBe(false);
  });
});
