/**
 * The v1 JSON API against its own OpenAPI document: every response these tests get is validated against the schema
 * the document gives for that path, method and status (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), and the last
 * test checks that every operation in the document was exercised with a success. Runs on SQLite and PostgreSQL (the
 * keyset paging is SQL of its own on each).
 */
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArraySource } from '../src/ingest/array.source.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import type { User } from '../src/store/account.repository.js';
import type { Store } from '../src/store/store.js';
import type { CommunityDeps } from '../src/web/app.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { type ReplayServer, startReplayServer } from './helpers/replay-server.js';

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin) as unknown as (a: Ajv2020) => Ajv2020;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Partial<Record<Method, { operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>>;
  components: { schemas: Record<string, unknown> };
}

/** 24 papers in March 2024 with ties on upvotes and days, so every ranking has pages and tie breaks to get right. */
const MARCH = Array.from({ length: 24 }, (_, i) => ({
  id: `2403.${String(90000 + i).padStart(5, '0')}`,
  title: `March paper ${i}: ${i % 3 === 0 ? 'diffusion' : 'transformers'} ${i % 2 === 0 ? 'for graphs' : 'for text'}`,
  abstract: `Abstract ${i}. We study ${i % 3 === 0 ? 'diffusion models' : 'attention'} carefully.`,
  authors: [i % 4 === 0 ? 'Quinn Keyset' : `Author ${i}`, 'Co Author'],
  categories: [i % 2 === 0 ? 'cs.LG' : 'cs.CL'],
  published: `2024-03-${String(1 + (i % 6) * 4).padStart(2, '0')}`,
  upvotes: i % 5,
  ...(i % 7 === 0 ? { submitted_by: 'grace' } : {}),
}));

const OLD_STYLE = { id: 'hep-th/9108002', title: 'An old-style paper', abstract: 'Strings, 1991.', authors: ['Old Author'], categories: ['hep-th'], published: '1991-08-01', upvotes: 4 };

describe.each(dialects)('v1 API on $name', ({ name, available, open }) => {
  describe.runIf(available)(`v1 API against its OpenAPI document (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    let community: CommunityDeps;
    let replay: ReplayServer;
    let doc: OpenApiDoc;
    let ajv: Ajv2020;
    let ada: User;
    let adaKey: string;
    let bobKey: string;
    /** `METHOD /path/{template}` → statuses seen and validated. */
    const covered = new Map<string, Set<number>>();

    function template(path: string): string {
      const matches = Object.keys(doc.paths).filter((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
      if (matches.length === 0) throw new Error(`${path} is not in the OpenAPI document`);
      // A static segment beats a parameter (none overlap today; keep the most specific if they ever do).
      return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0]!;
    }

    /** Calls the API and validates the answer against the document's schema for its path, method and status. */
    async function call(method: Method, url: string, opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
      const path = template(new URL(url, 'http://x').pathname);
      const op = doc.paths[path]?.[method];
      if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
      const spec = op.responses[String(res.statusCode)];
      if (!spec) throw new Error(`${method.toUpperCase()} ${url} answered ${res.statusCode}, which the document does not list: ${res.body.slice(0, 300)}`);
      if (res.statusCode === 204) {
        expect(res.body).toBe('');
      } else {
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const pointer = `doc#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${res.statusCode}/content/application~1json/schema`;
        const check = ajv.getSchema(pointer) ?? (ajv.addSchema({ $ref: pointer }, pointer), ajv.getSchema(pointer)!);
        if (!check(res.json())) throw new Error(`${method.toUpperCase()} ${url} ${res.statusCode} does not match the document: ${ajv.errorsText(check.errors)}\n${res.body.slice(0, 500)}`);
      }
      const k = `${method.toUpperCase()} ${path}`;
      covered.set(k, (covered.get(k) ?? new Set()).add(res.statusCode));
      return res;
    }

    beforeAll(async () => {
      replay = await startReplayServer();
      const seeded = await seededApp({ store: await open(), papers: [...MARCH, OLD_STYLE], env: { ARXIV_API_URL: `${replay.origin}/api/query` } });
      ({ app, store, community } = seeded);
      doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(doc as object, 'doc');
      const member = async (email: string, displayName: string) => {
        const u = await store.accounts.findOrCreateUser(email, new Date(Date.now() - 30 * 86_400_000));
        await store.accounts.updateProfile(u.id, { displayName, affiliation: 'Keyset University' });
        return (await store.accounts.userById(u.id))!;
      };
      ada = await member(`ada-${name}@example.org`, 'Ada');
      const bob = await member(`bob-${name}@example.org`, 'Bob');
      adaKey = (await community.apiKeys.create(ada, 'laptop script')).secret;
      bobKey = (await community.apiKeys.create(bob, 'bob')).secret;
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await replay?.close();
    });

    it('serves a valid OpenAPI 3.1 document with the shared schemas as components, and Swagger UI at /api/docs', async () => {
      expect(doc.openapi).toBe('3.1.0');
      const result = await new OpenApiValidator().validate(doc as never);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Error', 'Paper', 'FeedPage', 'Comment', 'ReadingList', 'Subscription']));
      expect(doc.paths['/api/v1/me']?.get?.security).toEqual([{ apiKey: [] }]);
      const ui = await app.inject({ url: '/api/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.body).toContain('swagger-ui-bundle.js');
      const init = await app.inject({ url: '/api/docs/static/swagger-initializer.js' });
      expect(init.statusCode).toBe(200);
      expect(init.body).toContain('SwaggerUIBundle');
      expect((await app.inject({ url: '/api/docs/json' })).json().paths).toEqual(doc.paths);
    });

    it('GET /api/v1/papers/{id}: new-style, versioned and old-style ids; 404 and 400 in the error shape', async () => {
      const p = (await call('get', '/api/v1/papers/2505.20278v2')).json();
      const stored = (await store.papers.getById('2505.20278'))!;
      expect(p).toMatchObject({ id: '2505.20278', title: stored.title, authors: stored.authors, published: stored.published, upvotes: 1, comments: 0 });
      expect(p.feed_date).toBe((await store.feed.entry('2505.20278'))!.feedDate);
      expect((await call('get', '/api/v1/papers/hep-th%2F9108002v1')).json()).toMatchObject({ id: 'hep-th/9108002', title: 'An old-style paper', upvotes: 4, links: { abs: 'https://arxiv.org/abs/hep-th/9108002' } });
      const missing = await call('get', '/api/v1/papers/2505.99999');
      expect(missing.json()).toEqual({ statusCode: 404, error: 'Not found', code: 'not_found', message: 'There is no paper 2505.99999 here.' });
      expect((await call('get', '/api/v1/papers/not-an-id')).json().code).toBe('bad_request');
    });

    it('GET /api/v1/feed pages a month with cursors, for every sort, exactly as the store ranks it', async () => {
      for (const [sort, storeSort] of [['upvotes', 'upvotes'], ['published', 'publishedAt'], ['trending', 'trending']] as const) {
        const expected = (await store.feed.list({ from: '2024-03-01', to: '2024-03-31', sort: storeSort, limit: 1000, offset: 0 })).map((i) => i.paper.id);
        expect(expected.length).toBeGreaterThanOrEqual(24);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await call('get', `/api/v1/feed?month=2024-03&sort=${sort}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
          const body: { data: Array<{ id: string }>; next_cursor: string | null } = res.json();
          expect(body).toMatchObject({ period: { kind: 'month', key: '2024-03', from: '2024-03-01', to: '2024-03-31' }, sort, total: expected.length });
          seen.push(...body.data.map((p: { id: string }) => p.id));
          cursor = body.next_cursor;
          pages++;
        } while (cursor && pages < 20);
        expect(seen, sort).toEqual(expected);
      }
      // Only one submitter's papers, paged the same way.
      const grace = (await store.feed.list({ from: '2024-03-01', to: '2024-03-31', sort: 'upvotes', limit: 1000, offset: 0, submitter: 'grace' })).map((i) => i.paper.id);
      expect(grace).toHaveLength(4);
      const g1 = (await call('get', '/api/v1/feed?month=2024-03&submitter=grace&limit=3')).json();
      const g2 = (await call('get', `/api/v1/feed?month=2024-03&submitter=grace&limit=3&cursor=${g1.next_cursor}`)).json();
      expect([...g1.data, ...g2.data].map((p: { id: string; submitted_by: string }) => `${p.id}:${p.submitted_by}`)).toEqual(grace.map((id) => `${id}:grace`));
      expect(g2.next_cursor).toBeNull();
      // The latest day when no period is given.
      const latest = (await call('get', '/api/v1/feed')).json();
      expect(latest.period).toMatchObject({ kind: 'day', key: await store.feed.latestDate() });
    });

    it('a cursor resumes after the last paper seen even when papers arrive before it (no repeats, unlike offsets)', async () => {
      const first = (await call('get', '/api/v1/feed?month=2024-03&sort=published&limit=4')).json();
      // A newer paper arrives in the same month: it ranks first, before everything already seen.
      await new PaperImporter(store).run(
        new ArraySource(
          [{ id: '2403.99999', title: 'Arrived late', abstract: 'New.', authors: ['Late Comer'], categories: ['cs.LG'], published: '2024-03-30', updated: null, version: 1, comment: null, journalRef: null, doi: null, links: { abs: 'https://arxiv.org/abs/2403.99999', pdf: 'https://arxiv.org/pdf/2403.99999', code: null, project: null }, feed: { date: '2024-03-30', submittedBy: null, upvotes: null } }],
          'test',
        ),
      );
      const second = (await call('get', `/api/v1/feed?month=2024-03&sort=published&limit=4&cursor=${first.next_cursor}`)).json();
      const firstIds = first.data.map((p: { id: string }) => p.id);
      for (const p of second.data) expect(firstIds).not.toContain(p.id);
      expect(second.total).toBe(first.total + 1);
      // The same position by offset would have repeated the last paper of the first page.
      const byOffset = await store.feed.list({ from: '2024-03-01', to: '2024-03-31', sort: 'publishedAt', limit: 4, offset: 4 });
      expect(byOffset[0]!.paper.id).toBe(firstIds[3]);
    });

    it('refuses cursors from another listing and damaged ones, and bad periods, naming the parameter', async () => {
      const c = (await call('get', '/api/v1/feed?month=2024-03&limit=2')).json().next_cursor as string;
      expect((await call('get', `/api/v1/feed?month=2024-02&limit=2&cursor=${c}`)).json().message).toContain('cursor belongs to another listing');
      expect((await call('get', '/api/v1/feed?month=2024-03&cursor=garbage!')).json().message).toContain('cursor is not one this API gave out');
      expect((await call('get', '/api/v1/feed?month=2024-13')).json().message).toContain('month must be written YYYY-MM');
      expect((await call('get', '/api/v1/feed?month=2024-03&date=2024-03-01')).statusCode).toBe(400);
      const bad = (await call('get', '/api/v1/feed?sort=best&limit=0')).json();
      expect(bad.code).toBe('bad_request');
      expect(bad.errors[0]).toMatchObject({ in: 'querystring' });
    });

    it('GET /api/v1/trending pages every paper by trending score', async () => {
      const expected = (await store.feed.listTrendingAll(1000, 0)).map((i) => i.paper.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body: { data: Array<{ id: string }>; next_cursor: string | null } = (await call('get', `/api/v1/trending?limit=40${cursor ? `&cursor=${cursor}` : ''}`)).json();
        seen.push(...body.data.map((p: { id: string }) => p.id));
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('GET /api/v1/search with filters, facets and cursor paging', async () => {
      const all = (await call('get', '/api/v1/search?q=march&category=cs.LG&limit=100')).json();
      expect(all.query).toBe('march cat:cs.LG');
      expect(all.total).toBe(MARCH.filter((p) => p.categories[0] === 'cs.LG').length);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body: { facets: { categories: unknown }; results: Array<{ id: string }>; next_cursor: string | null } = (await call('get', `/api/v1/search?q=march&category=cs.LG&limit=5&facets=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
        expect(body.facets.categories).toEqual([{ value: 'cs.LG', count: all.total }]);
        seen.push(...body.results.map((r: { id: string }) => r.id));
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all.results.map((r: { id: string }) => r.id));
      const byAuthor = (await call('get', '/api/v1/search?q=march&author=Quinn%20Keyset&from=2024-03-05&to=2024-03-31')).json();
      expect(byAuthor.results.map((r: { id: string }) => r.id).sort()).toEqual(MARCH.filter((p, i) => i % 4 === 0 && p.published >= '2024-03-05').map((p) => p.id).sort());
      expect((await call('get', '/api/v1/search?q=march&category=not%20a%20category')).json().errors[0].name).toBe('category');
      expect((await call('get', '/api/v1/search?q=march&cursor=x&page=1')).statusCode).toBe(400);
    });

    it('GET /api/v1/papers/{id}/similar and /comments', async () => {
      const similar = (await call('get', '/api/v1/papers/2403.90000/similar?limit=3')).json();
      expect(similar.data).toHaveLength(3);
      expect(similar.data.map((s: { paper: { id: string } }) => s.paper.id)).not.toContain('2403.90000');
      expect((await call('get', '/api/v1/papers/2403.99998/similar')).statusCode).toBe(404);
      // Each similar paper is the same object /api/v1/papers/{id} gives (its real feed day and submitter).
      for (const s of similar.data) expect(s.paper).toEqual((await call('get', `/api/v1/papers/${encodeURIComponent(s.paper.id)}`)).json());
      const withGrace = (await call('get', '/api/v1/papers/2403.90007/similar?limit=20')).json();
      expect(withGrace.data.some((x: { paper: { submitted_by: string | null } }) => x.paper.submitted_by === 'grace')).toBe(true);
      const none = (await call('get', '/api/v1/papers/2403.90001/comments')).json();
      expect(none).toEqual({ paper_id: '2403.90001', sort: 'best', count: 0, data: [] });
    });

    it('writes need a key: 401 without one, 401 with WWW-Authenticate for a bad or revoked one', async () => {
      const none = await call('put', '/api/v1/papers/2403.90001/vote');
      expect(none.statusCode).toBe(401);
      expect(none.json().message).toContain('personal API key');
      const bad = await call('get', '/api/v1/me', { key: 'pb_wrong' });
      expect(bad.statusCode).toBe(401);
      expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      const spare = await community.apiKeys.create(ada, 'to revoke');
      expect((await call('get', '/api/v1/me', { key: spare.secret })).json()).toMatchObject({ id: ada.id, name: 'Ada', key: { name: 'to revoke', prefix: spare.secret.slice(0, 9) } });
      await community.apiKeys.revoke(ada, spare.key.id);
      expect((await call('get', '/api/v1/me', { key: spare.secret })).statusCode).toBe(401);
      // Cookies are never read by the v1 API: a session alone writes nothing.
      expect((await call('put', '/api/v1/papers/2403.90001/vote', { headers: { cookie: 'pb_session=whatever' } })).statusCode).toBe(401);
    });

    it('votes with a key: PUT and DELETE are idempotent and move the store’s count', async () => {
      const before = (await store.feed.entry('2403.90001'))!.upvotes;
      const up = (await call('put', '/api/v1/papers/2403.90001/vote', { key: adaKey })).json();
      expect(up).toEqual({ paper_id: '2403.90001', upvoted: true, upvotes: before + 1 });
      expect((await call('put', '/api/v1/papers/2403.90001/vote', { key: adaKey })).json().upvotes).toBe(before + 1);
      expect((await store.feed.entry('2403.90001'))!.upvotes).toBe(before + 1);
      expect((await call('delete', '/api/v1/papers/2403.90001/vote', { key: adaKey })).json()).toEqual({ paper_id: '2403.90001', upvoted: false, upvotes: before });
      expect((await call('put', '/api/v1/papers/2403.99998/vote', { key: adaKey })).statusCode).toBe(404);
    });

    it('comments with a key: a comment and a reply appear in the thread', async () => {
      const made = await call('post', '/api/v1/papers/2403.90002/comments', { key: adaKey, body: { body: 'Which **graphs**?' } });
      expect(made.statusCode).toBe(201);
      expect(made.json()).toMatchObject({ parent_id: null, depth: 0, state: 'live', author: { name: 'Ada' }, body: 'Which **graphs**?' });
      const reply = await call('post', '/api/v1/papers/2403.90002/comments', { key: bobKey, body: { body: 'Citation graphs.', parent_id: made.json().id } });
      expect(reply.json()).toMatchObject({ parent_id: made.json().id, depth: 1, author: { name: 'Bob' } });
      const thread = (await call('get', '/api/v1/papers/2403.90002/comments?sort=new')).json();
      expect(thread.data.map((c: { body: string }) => c.body)).toEqual(['Which **graphs**?', 'Citation graphs.']);
      expect((await call('post', '/api/v1/papers/2403.90002/comments', { key: adaKey, body: { body: '' } })).json().errors[0]).toMatchObject({ in: 'body', name: 'body' });
      // The site's limit of 10 comments a minute per member holds through the API.
      const eve = await store.accounts.findOrCreateUser(`eve-${name}@example.org`, new Date(Date.now() - 30 * 86_400_000));
      const eveKey = (await community.apiKeys.create(eve, 'eve')).secret;
      const answers: number[] = [];
      for (let i = 0; i < 11; i++) answers.push((await call('post', '/api/v1/papers/2403.90006/comments', { key: eveKey, body: { body: `Note ${i}` } })).statusCode);
      expect(answers).toEqual([...Array(10).fill(201), 429]);
    });

    it('reading lists with a key: make, fill, rename, publish, read, empty and delete', async () => {
      const made = await call('post', '/api/v1/lists', { key: adaKey, body: { name: 'Keyset reading', description: 'For Tuesday' } });
      expect(made.statusCode).toBe(201);
      const id = made.json().id as number;
      expect(made.json()).toMatchObject({ name: 'Keyset reading', description: 'For Tuesday', public: false, owner: { id: ada.id, name: 'Ada' }, size: 0, papers: [] });
      for (const p of ['2403.90003', '2403.90004', '2403.90003']) await call('put', `/api/v1/lists/${id}/papers/${p}`, { key: adaKey });
      // Private: the owner's key reads it, nobody else.
      expect((await call('get', `/api/v1/lists/${id}`, { key: adaKey })).json().papers.map((p: { id: string }) => p.id)).toEqual(['2403.90003', '2403.90004']);
      expect((await call('get', `/api/v1/lists/${id}`)).statusCode).toBe(404);
      expect((await call('get', `/api/v1/lists/${id}`, { key: bobKey })).statusCode).toBe(404);
      expect((await call('put', `/api/v1/lists/${id}/papers/2403.90005`, { key: bobKey })).statusCode).toBe(404);
      const patched = (await call('patch', `/api/v1/lists/${id}`, { key: adaKey, body: { name: 'Keyset reading group', public: true } })).json();
      expect(patched).toMatchObject({ name: 'Keyset reading group', description: 'For Tuesday', public: true });
      expect((await call('get', `/api/v1/lists/${id}`)).json().size).toBe(2);
      expect((await call('delete', `/api/v1/lists/${id}/papers/2403.90003`, { key: adaKey })).json().papers.map((p: { id: string }) => p.id)).toEqual(['2403.90004']);
      expect((await call('get', '/api/v1/me/lists', { key: adaKey })).json().data.map((l: { name: string }) => l.name)).toContain('Keyset reading group');
      expect((await call('patch', `/api/v1/lists/${id}`, { key: adaKey, body: {} })).statusCode).toBe(400);
      // JSON bodies are taken as typed: a number is not a name, a string is not a boolean.
      expect((await call('post', '/api/v1/lists', { key: adaKey, body: { name: 123 } })).json().errors[0]).toMatchObject({ in: 'body', name: 'name' });
      expect((await call('patch', `/api/v1/lists/${id}`, { key: adaKey, body: { public: 'true' } })).statusCode).toBe(400);
      // Too long a description is refused before the list is made (no half-made list left behind).
      const before = (await store.readingLists.ofUser(ada.id)).length;
      expect((await call('post', '/api/v1/lists', { key: adaKey, body: { name: 'half made', description: 'x'.repeat(600) } })).statusCode).toBe(400);
      expect((await store.readingLists.ofUser(ada.id)).length).toBe(before);
      expect((await call('delete', `/api/v1/lists/${id}`, { key: adaKey })).statusCode).toBe(204);
      expect((await call('get', `/api/v1/lists/${id}`, { key: adaKey })).statusCode).toBe(404);
    });

    it('follows and the digest subscription with a key', async () => {
      expect((await call('post', '/api/v1/me/follows', { key: adaKey, body: { kind: 'author', value: 'Quinn Keyset' } })).json()).toEqual({ authors: ['Quinn Keyset'], categories: [] });
      await call('post', '/api/v1/me/follows', { key: adaKey, body: { kind: 'category', value: 'cs.LG' } });
      expect((await call('get', '/api/v1/me/follows', { key: adaKey })).json()).toEqual({ authors: ['Quinn Keyset'], categories: ['cs.LG'] });
      expect((await call('delete', '/api/v1/me/follows?kind=author&value=Quinn%20Keyset', { key: adaKey })).json()).toEqual({ authors: [], categories: ['cs.LG'] });
      expect((await call('post', '/api/v1/me/follows', { key: adaKey, body: { kind: 'category', value: 'Not A Category' } })).statusCode).toBe(400);

      expect((await call('get', '/api/v1/me/subscription', { key: adaKey })).statusCode).toBe(404);
      const sub = (await call('put', '/api/v1/me/subscription', { key: adaKey, body: { frequency: 'weekly', categories: ['cs.LG'], keywords: ['diffusion'] } })).json();
      expect(sub).toEqual({ status: 'active', frequency: 'weekly', daily_mode: 'merge', categories: ['cs.LG'], keywords: ['diffusion'], authors: [] });
      const stored = await store.subscribers.byUser(ada.id);
      expect(stored).toMatchObject({ email: ada.email, status: 'active', frequency: 'weekly', categories: ['cs.LG'] });
      expect((await call('delete', '/api/v1/me/subscription', { key: adaKey })).statusCode).toBe(204);
      expect((await call('get', '/api/v1/me/subscription', { key: adaKey })).json().status).toBe('unsubscribed');
    });

    it('GET /api/v1/me/for-you: the member’s picks with reasons (here from the category they follow)', async () => {
      const picks = (await call('get', '/api/v1/me/for-you?limit=5', { key: adaKey })).json();
      expect(picks.data.length).toBeGreaterThan(0);
      for (const p of picks.data) {
        expect(p.paper.categories).toContain('cs.LG');
        expect(p.reason).toMatch(/cs\.LG/);
      }
      expect((await call('get', '/api/v1/me/for-you', { key: bobKey })).json().data).toEqual([]);
      expect((await call('get', '/api/v1/me/for-you?limit=51', { key: adaKey })).statusCode).toBe(400);
    });

    it('POST /api/papers/index fetches an unknown paper from arXiv (201) and answers a known one (200)', async () => {
      const fresh = await call('post', '/api/papers/index', { key: adaKey, body: { arxivId: '1707.08567' } });
      expect(fresh.statusCode).toBe(201);
      expect(fresh.json()).toMatchObject({ id: '1707.08567', upvotes: 0 });
      expect(await store.papers.getById('1707.08567')).not.toBeNull();
      expect(await store.feed.entry('1707.08567')).toBeNull(); // indexed, not submitted to the feed
      expect((await call('post', '/api/papers/index', { key: adaKey, body: { arxivId: '2505.20278' } })).statusCode).toBe(200);
      expect((await call('post', '/api/papers/index', { body: { arxivId: '2505.20278' } })).statusCode).toBe(401);
      expect((await call('post', '/api/papers/index', { key: adaKey, body: { arxivId: 'nonsense' } })).statusCode).toBe(400);
      // The paper is readable through the Hugging Face-compatible call too.
      expect((await app.inject({ url: '/api/papers/1707.08567' })).statusCode).toBe(200);
    });

    it('the Hugging Face-compatible calls are in the document, and answer as it says', async () => {
      const month = (await call('get', '/api/daily_papers?month=2024-03&limit=5&sort=trending')).json();
      expect(month.map((i: { paper: { id: string } }) => i.paper.id)).toEqual((await store.feed.list({ from: '2024-03-01', to: '2024-03-31', sort: 'trending', limit: 5, offset: 0 })).map((i) => i.paper.id));
      expect((await call('get', '/api/papers/search?q=march%20diffusion&limit=3')).json()).toHaveLength(3);
      expect((await call('get', '/api/papers/2403.90000')).json()).toMatchObject({ id: '2403.90000', submittedOnDailyBy: { user: 'grace' } });
      expect((await call('get', '/api/papers/hep-th%2F9108002')).json().id).toBe('hep-th/9108002');
      expect((await app.inject({ url: '/api/papers/hep-th/9108002' })).json().id).toBe('hep-th/9108002');
      expect((await call('get', '/api/papers/2403.90000/similar?limit=2')).json()).toHaveLength(2);
      expect((await call('get', '/api/papers/2403.90002/comments')).json()).toMatchObject({ paperId: '2403.90002', sort: 'best' });
      expect((await call('get', '/api/daily_papers?date=2025-02-30')).headers['x-error-message']).toContain('real calendar day');
    });

    it('a member at the list limit hears 409 (a conflict to resolve), not 429 (wait and retry)', async () => {
      const carl = await store.accounts.findOrCreateUser(`carl-${name}@example.org`, new Date(Date.now() - 30 * 86_400_000));
      const carlKey = (await community.apiKeys.create(carl, 'carl')).secret;
      for (let i = 0; i < 100; i++) await community.readingLists.create(carl, `List ${i}`);
      const full = await call('post', '/api/v1/lists', { key: carlKey, body: { name: 'One too many' } });
      expect(full.statusCode).toBe(409);
      expect(full.json()).toMatchObject({ code: 'conflict', message: 'You can keep 100 lists; delete one first.' });
    });

    it('hostile input never gives a 5xx, and every refusal is one the document lists', async () => {
      const cursor = (body: object) => Buffer.from(JSON.stringify(body)).toString('base64url');
      const values = ['Infinity', '-Infinity', '1e400', '-1', '0', '2147483648', '1.5', '%00', 'a%00b', '', '%20', 'x'.repeat(1200), 'hep-th%2F%2F', '__proto__', '[]', 'true'];
      const cursors = [
        cursor({ l: 'feed:month:2024-03:upvotes:', k: { values: ['abc', '2024-03-01', '2024-03-01'], id: 'x' } }),
        cursor({ l: 'feed:month:2024-03:upvotes:', k: { values: [3000000000, '2024-03-01', '2024-03-01'], id: 'x' } }),
        cursor({ l: 'feed:month:2024-03:upvotes:', k: { values: [1.5, '2024-03-01', '2024-03-01'], id: "' or 1=1 --" } }),
        cursor({ l: 'trending', k: { values: ['zz', 1, '2024'], id: 'x' } }),
        cursor({ l: 'trending', k: { values: [1e308, 1, '2024-01-01'], id: '2403.90000' } }),
        cursor({ l: 'trending', o: -1 }),
      ];
      const urls: Array<[Method, string, unknown?]> = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops) as Array<[Method, { parameters?: Array<{ in: string; name: string }> }]>) {
          const params = op.parameters ?? [];
          const concrete = (v: string) => path.replace(/\{id\}/, path.includes('/lists/') ? '1' : '2403.90000').replace(/\{paperId\}/, '2403.90000').replace(/\{[^}]+\}/g, v);
          for (const v of values) {
            for (const p of params) {
              if (p.in === 'path' && v !== '') urls.push([method, path.replace(`{${p.name}}`, v).replace(/\{id\}/, '1').replace(/\{paperId\}/, '2403.90000')]);
              if (p.in === 'query') urls.push([method, `${concrete(v)}?q=march&${p.name}=${v}`]);
            }
          }
          if (params.some((p) => p.name === 'cursor')) for (const c of cursors) urls.push([method, `${concrete('x')}?q=march&month=2024-03&cursor=${c}`]);
          if (method !== 'get' && method !== 'delete') {
            for (const body of [{}, { name: 'x', body: 'a\u0000b', parent_id: 2147483648 }, { name: 123, kind: 'author', value: ['a'] }, { frequency: 'daily', keywords: 5 }, { arxivId: 'x'.repeat(301) }, { parent_id: 1e308, body: 'hi' }, [], 'text']) {
              urls.push([method, concrete('1'), body]);
            }
          }
        }
      }
      const statuses = new Map<number, number>();
      for (const [method, url, body] of urls) {
        for (const key of [undefined, bobKey]) {
          const res = await call(method, url, { key, body });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500) throw new Error(`${method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
        }
      }
      expect(urls.length).toBeGreaterThan(500);
      expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    });

    it('fetching papers from arXiv is limited per member (10 an hour); papers already here are not counted', async () => {
      const dee = await store.accounts.findOrCreateUser(`dee-${name}@example.org`, new Date(Date.now() - 30 * 86_400_000));
      const deeKey = (await community.apiKeys.create(dee, 'dee')).secret;
      for (let i = 0; i < 3; i++) expect((await call('post', '/api/papers/index', { key: deeKey, body: { arxivId: '2505.20278' } })).statusCode).toBe(200);
      const answers: number[] = [];
      for (let i = 0; i < 11; i++) answers.push((await call('post', '/api/papers/index', { key: deeKey, body: { arxivId: `2403.8${String(i).padStart(4, '0')}` } })).statusCode);
      expect(answers.slice(0, 10).every((s) => s !== 429)).toBe(true);
      expect(answers[10]).toBe(429);
    });

    it('every operation in the document was exercised with a success and validated', () => {
      const missing: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          const k = `${method.toUpperCase()} ${path}`;
          if (![...(covered.get(k) ?? [])].some((s) => s >= 200 && s < 300)) missing.push(k);
        }
      }
      expect(missing).toEqual([]);
      expect(covered.size).toBeGreaterThanOrEqual(20);
    });
  });
});
