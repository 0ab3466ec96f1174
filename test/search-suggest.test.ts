/**
 * `GET /search/suggest?q=…`, the search boxes' suggestions as you type (app.js), over the real app, a real SQLite store
 * and a real search index: the seed papers plus a few of our own. Papers by title and author words, the unfinished last
 * word as a prefix, filters honoured, hidden papers left out, at most SUGGEST_LIMIT; always JSON, errors in the API's
 * shape (`{statusCode, error, code, message}`) whatever the Accept header.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedService } from '../src/services/feed.service.js';
import type { Store } from '../src/store/store.js';
import { createApp } from '../src/web/app.js';
import { SUGGEST_LIMIT, SUGGEST_MAX_CHARS, type Suggestion } from '../src/web/routes/search.routes.js';
import { seededApp, sqliteStore } from './helpers/app.js';

type Rec = Record<string, unknown>;
const paper = (o: Rec): Rec => ({ authors: ['Ann Author'], categories: ['cs.LG'], abstract: 'An abstract.', published: '2025-09-20', ...o });

const EXTRA: Rec[] = [
  paper({ id: '2509.98001', title: 'Wombat burrows as   shelters', authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Emmy Noether', 'Kurt Gödel'], categories: ['q-bio.PE'] }),
  paper({ id: '2509.98002', title: 'Wombats and wildfire', categories: ['q-bio.PE', 'cs.LG'], published: '2024-03-01' }),
  paper({ id: '2509.98003', title: 'A wombat census by drone', categories: ['cs.RO'] }),
  paper({ id: '2509.98004', title: 'Hidden wombat spam', categories: ['cs.RO'] }),
  paper({ id: '2509.98005', title: '<img src=x onerror=alert(1)> wombat markup', categories: ['cs.CR'] }),
  // Only its abstract speaks of wombats: suggestions look at titles and authors.
  paper({ id: '2509.98006', title: 'Marsupial digging', abstract: 'Wombats dig.', categories: ['q-bio.PE'] }),
  ...Array.from({ length: 10 }, (_, i) => paper({ id: `2509.981${String(i).padStart(2, '0')}`, title: `Numbat note ${i + 1}` })),
];

let app: FastifyInstance;
let store: Store;

beforeAll(async () => {
  ({ app, store } = await seededApp({ papers: EXTRA }));
  await store.feed.setHidden('2509.98004', new Date().toISOString());
});
afterAll(async () => {
  await app?.close();
});

const suggest = (q: string | null, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: q === null ? '/search/suggest' : `/search/suggest?q=${encodeURIComponent(q)}`, headers });
const ids = (body: string) => (JSON.parse(body) as { suggestions: Suggestion[] }).suggestions.map((s) => s.id);

describe('search suggestions', () => {
  it('suggests papers whose title has the words, the unfinished last word as a prefix', async () => {
    const res = await suggest('womb');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const body = JSON.parse(res.body) as { q: string; suggestions: Suggestion[] };
    expect(body.q).toBe('womb');
    // "wombat" and "wombats" (the stemmer's "wombat"), not the hidden paper, not the abstract-only one.
    expect(new Set(body.suggestions.map((s) => s.id))).toEqual(new Set(['2509.98001', '2509.98002', '2509.98003', '2509.98005']));
    const first = body.suggestions.find((s) => s.id === '2509.98001')!;
    expect(first).toEqual({
      id: '2509.98001',
      title: 'Wombat burrows as shelters',
      href: '/papers/2509.98001',
      authors: 'Ada Lovelace, Alan Turing, Grace Hopper and 2 more',
      year: '2025',
    });
    // Markup in a title is data: sent as the text it is (app.js shows it with textContent).
    expect(body.suggestions.find((s) => s.id === '2509.98005')!.title).toBe('<img src=x onerror=alert(1)> wombat markup');
  });

  it('ranks whole words of the title first, matches authors, and honours filters', async () => {
    expect(ids((await suggest('wombat census')).body)).toEqual(['2509.98003']);
    expect(ids((await suggest('lovelace')).body)).toContain('2509.98001');
    expect(ids((await suggest('wombat cat:cs.LG')).body)).toEqual(['2509.98002']);
    expect(ids((await suggest('wombat year:2024')).body)).toEqual(['2509.98002']);
    expect(ids((await suggest('wombat -wildfire')).body)).not.toContain('2509.98002');
    // An exclusion keeps suggestions on titles and authors: the paper whose abstract alone names wombats stays out.
    expect(ids((await suggest('wombat -zzz')).body)).not.toContain('2509.98006');
    expect(ids((await suggest('wombat -zzz')).body)).toContain('2509.98003');
  });

  it('keeps the list while a new word has only one or two letters (not yet a prefix), then narrows by it', async () => {
    const wombat = ids((await suggest('wombat')).body);
    expect(wombat.length).toBeGreaterThan(1);
    expect(ids((await suggest('wombat c')).body)).toEqual(wombat);
    expect(ids((await suggest('wombat ce')).body)).toEqual(wombat);
    expect(ids((await suggest('wombat cen')).body)).toEqual(['2509.98003']);
  });

  it(`answers at most ${SUGGEST_LIMIT}`, async () => {
    const res = await suggest('numbat');
    expect(ids(res.body)).toHaveLength(SUGGEST_LIMIT);
  });

  it('has nothing to say for one letter or a query the parser refuses, without an error', async () => {
    expect(JSON.parse((await suggest('w')).body)).toEqual({ q: 'w', suggestions: [] });
    const tooManyParts = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const res = await suggest(tooManyParts);
    expect(res.statusCode).toBe(200);
    expect(ids(res.body)).toEqual([]);
    expect(ids((await suggest('zzzyzzy')).body)).toEqual([]);
  });

  it('refuses a missing, blank, over-long or NUL-holding q with a 400 in the API error shape, whatever Accept says', async () => {
    const cases: Array<[string | null, RegExp]> = [
      [null, /Say what to suggest papers for/],
      ['', /Say what to suggest papers for/],
      ['   ', /Say what to suggest papers for/],
      ['w'.repeat(SUGGEST_MAX_CHARS + 1), new RegExp(`at most ${SUGGEST_MAX_CHARS} characters`)],
      ['wom\u0000bat', /control characters/],
      ['wom\u001bbat', /control characters/],
    ];
    for (const [q, message] of cases) {
      for (const accept of ['application/json', 'text/html']) {
        const res = await suggest(q, { accept });
        expect(res.statusCode, String(q)).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const body = JSON.parse(res.body) as Record<string, unknown>;
        expect(body).toMatchObject({ statusCode: 400, error: 'Bad request', code: 'bad_request' });
        expect(body.message).toMatch(message);
      }
    }
    // Exactly the longest allowed is fine.
    expect((await suggest('w'.repeat(SUGGEST_MAX_CHARS))).statusCode).toBe(200);
  });

  it('answers 503 in JSON when the app has no search index', async () => {
    const bare = await sqliteStore();
    const noSearch = await createApp({ feed: new FeedService(bare), logLevel: 'silent' });
    try {
      const res = await noSearch.inject({ method: 'GET', url: '/search/suggest?q=wombat' });
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 503, code: 'unavailable', message: expect.stringContaining('without a search index') });
    } finally {
      await noSearch.close();
      await bare.close();
    }
  });
});
