/**
 * Empty and error states (issue 9): each says what happened in a heading, and offers the ways onward as links: an
 * empty day, a search without results, a paper without comments, a member's empty lists and "for you", the 404 and
 * 500 pages. (The same pages in Chromium, both themes, with axe: e2e/theme.browser.test.ts.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { signedInMember } from './helpers/web-client.js';

/** The empty state's heading and the labels and targets of its links. */
function emptyState(html: string): { title: string; actions: string[] } | null {
  const box = /<section class="empty-state[^"]*">([\s\S]*?)<\/section>/.exec(html)?.[1];
  if (!box) return null;
  const title = /<h[12] class="empty-state-title">([\s\S]*?)<\/h[12]>/.exec(box)?.[1] ?? '';
  const actions = [...box.matchAll(/<a class="button-link" href="([^"]*)">([^<]*)<\/a>/g)].map((m) => `${m[2]} -> ${m[1]}`);
  return { title: title.replace(/<[^>]+>/g, ''), actions };
}

describe('empty and error states', () => {
  let app: FastifyInstance;
  let store: Store;

  beforeAll(async () => {
    ({ app, store } = await seededApp());
    app.get('/test-only/boom', async () => {
      throw new Error('boom');
    });
    // A failure for an address that begins with two slashes (which no route has).
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('//boom')) throw new Error('boom');
    });
    app.post('/test-only/boom', { config: { csrf: false } }, async () => {
      throw new Error('boom');
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('an empty day names itself and links to the nearest day with papers, the latest papers and trending', async () => {
    const res = await app.inject({ url: '/papers/date/2001-01-01' });
    expect(res.body).toContain('No papers entered the feed on this day');
    const state = emptyState(res.body)!;
    expect(state.title).toBe('No papers on this day');
    expect(state.actions[0]).toMatch(/^Mon 19 Jan 2015 → -> \/papers\/date\/2015-01-19$/);
    expect(state.actions.slice(1)).toEqual(['Latest papers -> /', 'Trending -> /papers/trending']);
  });

  it('a search without results suggests what to change and where to go', async () => {
    const res = await app.inject({ url: '/search?q=zzzzqqqq' });
    expect(res.body).toContain('<li>Check the spelling.</li>');
    expect(emptyState(res.body)).toEqual({ title: 'Try another search', actions: ['How to search -> /search', 'Latest papers -> /', 'Trending -> /papers/trending'] });
  });

  it('a paper without comments invites the first one', async () => {
    const anonymous = (await app.inject({ url: '/papers/2505.20278' })).body;
    expect(anonymous).toContain('No comments yet. Questions, corrections and pointers to related work are welcome.');
    expect(anonymous).toMatch(/<a href="[^"]*">Sign in<\/a> to start the discussion\./);
    const member = await signedInMember(app, store, 'empty-states@example.org', { name: 'Em' });
    const page = (await member.get('/papers/2505.20278')).body;
    expect(page).toContain('No comments yet.');
    expect(page).toContain('class="comment-form"');
  });

  it('a member with no lists and nothing liked is told how to start', async () => {
    const member = await signedInMember(app, store, 'empty-lists@example.org', { name: 'Nell' });
    expect(emptyState((await member.get('/lists')).body)?.title).toBe('No reading lists yet');
    const forYou = (await member.get('/for-you')).body;
    expect(emptyState(forYou)?.title).toBe('Nothing to go on yet');
    expect(forYou).toContain('action="/for-you/start"');
    const created = await member.post('/lists', { name: 'Empty one' });
    const listPath = String(created.headers.location).split('?')[0]!;
    expect(emptyState((await member.get(listPath)).body)).toEqual({ title: 'No papers in this list yet', actions: ['Latest papers -> /', 'Search papers -> /search'] });
  });

  it('the 404 page says what happened and links onward', async () => {
    const res = await app.inject({ url: '/no/such/page' });
    expect(res.statusCode).toBe(404);
    expect(emptyState(res.body)).toEqual({ title: '404 · Not found', actions: ['Latest papers -> /', 'Search papers -> /search', 'Trending -> /papers/trending'] });
    expect(res.body).toContain('Nothing lives at /no/such/page.');
  });

  it('the 500 page offers to try again (a GET only) without showing the error', async () => {
    const res = await app.inject({ url: '/test-only/boom?x=1' });
    expect(res.statusCode).toBe(500);
    expect(emptyState(res.body)).toEqual({ title: '500 · Server error', actions: ['Try again -> /test-only/boom?x=1', 'Latest papers -> /'] });
    expect(res.body).not.toContain('boom</');
    // Never a link a browser would read as another site's.
    const elsewhere = await app.inject({ url: '//boom.example/x' });
    expect(elsewhere.statusCode).toBe(500);
    expect(emptyState(elsewhere.body)?.actions).toEqual(['Latest papers -> /']);
    const posted = await app.inject({ method: 'POST', url: '/test-only/boom', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(posted.statusCode).toBe(500);
    expect(emptyState(posted.body)?.actions).toEqual(['Latest papers -> /']);
  });
});
