/**
 * "For you" signals (issue 6) on SQLite and PostgreSQL: following authors and categories (from a paper page and the
 * interests page), the cold start (categories, authors, pasted seed papers), "not interested" with undo, the JSON API,
 * the per-member cache and the refresh job. Then, with real embeddings, that a dismissed paper pushes its look-alikes down.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { OpenAiEmbedder } from '../src/search/embedders/openai.js';
import { IndexSync } from '../src/search/index-sync.js';
import { TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { RECOMMENDATIONS_LEASE, refreshOnce } from '../src/jobs/recommendations.job.js';
import { startQueue } from '../src/jobs/queue.js';
import { standardJobs } from '../src/jobs/standard.js';
import { loadConfig } from '../src/config.js';
import { VoteService } from '../src/services/vote.service.js';
import type { Job } from '../src/store/job.repository.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { dot, type Recommendation, RecommendationService, sharedTerms } from '../src/services/recommendation.service.js';
import type { Store } from '../src/store/store.js';
import { h } from 'preact';
import { render } from 'preact-render-to-string';
import { presentCard } from '../src/web/presenters/paper.presenter.js';
import { ForYouView } from '../src/web/views/for-you.view.js';
import { seededApp, sqliteStore, tempDir } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { type EmbeddingsServer, startEmbeddingsServer } from './helpers/embeddings-server.js';
import { signedInMember, WebClient } from './helpers/web-client.js';

/** Twelve more papers in the seed's last two weeks (the "for you" window), in three categories. */
const WINDOW_PAPERS = Array.from({ length: 12 }, (_, i) => ({
  id: `2509.${String(90001 + i)}`,
  title: `Window paper ${i + 1} on ${['grokking dynamics', 'language model evaluation', 'image segmentation'][i % 3]}`,
  abstract: 'We study something carefully.',
  authors: [i % 4 === 0 ? 'Yuandong Tian' : `Author ${i + 1}`, 'Co Author'],
  categories: [['cs.LG'], ['cs.CL', 'cs.LG'], ['cs.CV']][i % 3],
  published: `2025-09-${String(18 + i).padStart(2, '0')}`,
}));

const userId = async (store: Store, email: string) => (await store.accounts.userByEmail(email))!.id;

describe.each(dialects)('"for you" signals on $name', ({ name, available, open }) => {
  describe.runIf(available)(`for you (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    let recs: RecommendationService;
    // The seed's latest days (to 2025-09-30) are the "for you" window.
    const windowItems = () => store.feed.list({ from: '2025-09-17', to: '2025-09-30', sort: 'trending', limit: 500, offset: 0 });
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open(), papers: WINDOW_PAPERS }));
      recs = new RecommendationService(store, null);
    });
    afterAll(() => app?.close());

    it('follows a paper’s authors and categories from its page, and unfollows them the same way', async () => {
      const ana = await signedInMember(app, store, `fy-ana-${name}@example.org`, { name: 'Ana' });
      const paper = (await windowItems())[0]!.paper;
      const page = await ana.get(`/papers/${paper.id}`);
      expect(page.body).toContain('Follow authors or categories');
      const res = await ana.post('/follows/paper', { paperId: paper.id, author: [paper.authors[0]!], category: [paper.categories[0]!] });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/papers/${paper.id}?followed=1#follow`);
      expect(await store.interests.follows(await userId(store, `fy-ana-${name}@example.org`))).toEqual({ authors: [paper.authors[0]], categories: [paper.categories[0]] });
      const after = (await ana.get(`/papers/${paper.id}?followed=1`)).body;
      expect(after).toContain('(2 followed)');
      expect(after).toContain('Saved. New papers by them rank higher');

      // The paper they follow an author of comes first, saying why.
      const mine = (await recs.forYou(await userId(store, `fy-ana-${name}@example.org`), 50))!;
      expect(mine[0]!.item.paper.authors).toContain(paper.authors[0]);
      expect(mine[0]!.reason).toBe(`by ${paper.authors[0]}, whom you follow`);
      expect(mine.every((r) => r.item.paper.authors.includes(paper.authors[0]!) || r.item.paper.categories.includes(paper.categories[0]!))).toBe(true);

      await ana.post('/follows/paper', { paperId: paper.id });
      expect(await store.interests.follows(await userId(store, `fy-ana-${name}@example.org`))).toEqual({ authors: [], categories: [] });
    });

    it('starts a new member’s feed from picked categories, named authors and pasted seed papers', async () => {
      const email = `fy-ben-${name}@example.org`;
      const ben = await signedInMember(app, store, email, { name: 'Ben' });
      const empty = (await ben.get('/for-you')).body;
      expect(empty).toContain('Nothing to go on yet');
      expect(empty).toContain('name="category" value="cs.LG"'); // categories of the recent window are offered
      const res = await ben.post('/for-you/start', {
        category: ['cs.CL'],
        authors: 'Yuandong Tian\n\n  Ada Lovelace  \n',
        seeds: '2505.20278, https://arxiv.org/abs/2502.04667v2\n0704.0001 10.9999/nowhere',
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Followed 3 new authors and categories; saved 2 papers to “Seed papers”.');
      expect(res.body).toMatch(/2 entries not found here/);
      expect(res.body).toContain('0704.0001');
      expect(res.body).toContain('10.9999/nowhere');
      const id = await userId(store, email);
      const follows = await store.interests.follows(id);
      expect([follows.authors.sort(), follows.categories]).toEqual([['Ada Lovelace', 'Yuandong Tian'], ['cs.CL']]);
      const lists = await store.readingLists.ofUser(id);
      expect(lists.map((l) => [l.name, l.size])).toEqual([['Seed papers', 2]]);
      // BibTeX goes to the same list.
      const bib = await ben.post('/for-you/start', { seeds: '@article{p, title={Grokking}, eprint={2303.03340}, archivePrefix={arXiv}}' });
      expect(bib.body).toContain('saved 1 paper to “Seed papers”');
      expect((await store.readingLists.ofUser(id)).map((l) => [l.name, l.size])).toEqual([['Seed papers', 3]]);
      expect((await ben.post('/for-you/start', { seeds: 'x'.repeat(200_001) })).statusCode).toBe(400);

      const feed = (await ben.get('/for-you')).body;
      expect(feed).not.toContain('Nothing to go on yet');
      expect(feed).toMatch(/whom you follow|which you follow|like papers you liked/);

      // The interests page lists them, and unfollowing works.
      const interests = (await ben.get('/for-you/interests')).body;
      expect(interests).toContain('Ada Lovelace');
      expect((await ben.post('/follows/remove', { kind: 'author', value: 'Ada Lovelace' })).statusCode).toBe(303);
      expect((await store.interests.follows(id)).authors).toEqual(['Yuandong Tian']);
      expect((await ben.post('/follows', { kind: 'category', value: 'math.AG' })).statusCode).toBe(303);
      expect((await store.interests.follows(id)).categories).toEqual(['cs.CL', 'math.AG']);
    });

    it('refuses bad follows with a clear message, and cross-site or signed-out posts', async () => {
      const cy = await signedInMember(app, store, `fy-cy-${name}@example.org`, { name: 'Cy' });
      await cy.get('/for-you/interests');
      const bad = await cy.post('/follows', { kind: 'category', value: '<script>alert(1)</script>' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('is not an arXiv category');
      expect(bad.body).not.toContain('<script>alert(1)</script>');
      expect((await cy.post('/follows', { kind: 'venue', value: 'NeurIPS' })).statusCode).toBe(400);
      expect((await cy.post('/follows', { kind: 'author', value: 'x'.repeat(201) })).statusCode).toBe(400);
      expect((await cy.post('/follows', { kind: 'author', value: 'Someone' }, { csrf: false })).statusCode).toBe(403);
      expect((await new WebClient(app).post('/for-you/dismiss', { paperId: '2505.20278' }, { csrf: false })).statusCode).toBe(403);
      expect((await new WebClient(app).get('/for-you/interests')).statusCode).toBe(303);
    });

    it('hides a paper the member is not interested in, with undo, and serves the same list as JSON', async () => {
      const email = `fy-dee-${name}@example.org`;
      const dee = await signedInMember(app, store, email, { name: 'Dee' });
      await dee.post('/follows', { kind: 'category', value: 'cs.LG' });
      const first = (await dee.get('/api/for-you?limit=5')).json() as { items: Array<{ id: string; score: number; reason: string }>; computedAt: string };
      expect(first.items).toHaveLength(5);
      expect(first.items[0]!.reason).toBe('in cs.LG, which you follow');
      const top = first.items[0]!.id;

      await dee.get('/for-you');
      const res = await dee.post('/for-you/dismiss', { paperId: top });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/for-you?dismissed=${top}`);
      const page = (await dee.get(res.headers.location as string)).body;
      expect(page).toContain('papers like it move down');
      expect(page).not.toContain(`data-paper-id="${top}"`);
      expect(((await dee.get('/api/for-you')).json() as { items: Array<{ id: string }> }).items.map((i) => i.id)).not.toContain(top);
      expect((await dee.get('/for-you/interests')).body).toContain(`Show again: ${top}`);

      await dee.post('/for-you/undismiss', { paperId: top });
      expect(((await dee.get('/api/for-you?limit=5')).json() as { items: Array<{ id: string }> }).items[0]!.id).toBe(top);

      // JSON: signed out 401, bad limits 400.
      expect((await new WebClient(app).get('/api/for-you')).statusCode).toBe(401);
      expect((await dee.get('/api/for-you?limit=0')).statusCode).toBe(400);
      expect((await dee.get('/api/for-you?limit=51')).statusCode).toBe(400);
    });

    it('leaves out a paper the moderators hide, at once, from the cached list and a fresh one', async () => {
      const lu = await signedInMember(app, store, `fy-lu-${name}@example.org`, { name: 'Lu' });
      await lu.post('/follows', { kind: 'category', value: 'cs.CV' });
      const ids = async () => ((await lu.get('/api/for-you')).json() as { items: Array<{ id: string }> }).items.map((i) => i.id);
      const top = (await ids())[0]!;
      await store.feed.setHidden(top, new Date().toISOString());
      try {
        expect(await ids()).not.toContain(top);
        await lu.post('/follows', { kind: 'category', value: 'cs.CL' }); // signals change: computed afresh
        expect(await ids()).not.toContain(top);
      } finally {
        await store.feed.setHidden(top, null);
      }
    });

    it('drops the cached list of a member left with nothing to go on, on their next visit or in the job (digests read it)', async () => {
      const mo = await signedInMember(app, store, `fy-mo-${name}@example.org`, { name: 'Mo' });
      const id = await userId(store, `fy-mo-${name}@example.org`);
      await mo.post('/follows', { kind: 'category', value: 'cs.CV' });
      await mo.get('/api/for-you');
      expect(await store.interests.cached(id)).not.toBeNull();
      await mo.post('/follows/remove', { kind: 'category', value: 'cs.CV' });
      expect(((await mo.get('/api/for-you')).json() as { items: unknown }).items).toBeNull();
      expect(await store.interests.cached(id)).toBeNull();

      // Without a visit, the job drops it.
      await mo.post('/follows', { kind: 'category', value: 'cs.CV' });
      await mo.get('/api/for-you');
      await store.interests.unfollow(id, 'category', 'cs.CV');
      await recs.refreshAll();
      expect(await store.interests.cached(id)).toBeNull();
    });

    it('leaves out every paper the member dismissed, not only the latest hundred', async () => {
      const member = await store.accounts.findOrCreateUser(`fy-kit-${name}@example.org`, new Date('2025-01-01T00:00:00Z'));
      await store.interests.follow(member.id, 'category', 'cs.CV', new Date().toISOString());
      const first = (await recs.forYou(member.id, 50))!.map((r) => r.item.paper.id);
      expect(first.length).toBeGreaterThan(0);
      await store.interests.dismiss(member.id, first[0]!, '2025-10-01T00:00:00.000Z');
      // A hundred later dismissals, of older papers outside the window.
      const old = Array.from({ length: 100 }, (_, i): PaperInput => ({
        id: `2001.${String(10001 + i)}`, title: `Old paper ${i}`, abstract: 'Old.', authors: ['O P'], categories: ['cs.CV'], published: '2020-01-15', updated: null, version: 1,
        comment: null, journalRef: null, doi: null, links: { abs: null, pdf: null, code: null, project: null }, feed: { date: '2020-01-15', submittedBy: null, upvotes: 0 },
      }));
      await new PaperImporter(store).run(new ArraySource(old));
      for (const [i, p] of old.entries()) await store.interests.dismiss(member.id, p.id, new Date(Date.parse('2025-10-02T00:00:00Z') + i * 1000).toISOString());
      expect((await recs.forYou(member.id, 50))!.map((r) => r.item.paper.id)).not.toContain(first[0]);
    });

    it('caches each member’s list, recomputes it when their signals change, and refreshes everyone in a job', async () => {
      const email = `fy-eve-${name}@example.org`;
      const eve = await signedInMember(app, store, email, { name: 'Eve' });
      const id = await userId(store, email);
      await eve.post('/follows', { kind: 'category', value: 'cs.CL' });
      const a = (await eve.get('/api/for-you')).json() as { computedAt: string; items: Array<{ id: string }> };
      const cached = await store.interests.cached(id);
      expect(cached!.items.map((i) => i.id).slice(0, a.items.length)).toEqual(a.items.map((i) => i.id));
      expect(cached!.feedDay).toBe(await store.feed.latestDate());
      // Served from the cache while nothing changed…
      expect(((await eve.get('/api/for-you')).json() as { computedAt: string }).computedAt).toBe(a.computedAt);
      // …and recomputed after a vote.
      await new Promise((r) => setTimeout(r, 5));
      await eve.get(`/papers/${a.items[0]!.id}`);
      await eve.post(`/papers/${a.items[0]!.id}/vote`, { action: 'up' });
      const b = (await eve.get('/api/for-you')).json() as { computedAt: string; items: Array<{ id: string }> };
      expect(b.computedAt).not.toBe(a.computedAt);
      expect(b.items.map((i) => i.id)).not.toContain(a.items[0]!.id);

      // The job: every member with signals; a second run finds them all fresh.
      const all = await recs.refreshAll();
      expect(all.members).toBeGreaterThanOrEqual(3);
      const again = await recs.refreshAll();
      expect(again).toEqual({ members: all.members, refreshed: 0 });
      expect((await recs.refreshAll({ force: true })).refreshed).toBe(all.members);
    });

    it('lets the event loop turn between members during a refresh (requests are answered meanwhile)', async () => {
      for (const who of ['hal', 'ivy', 'jo']) {
        const member = await store.accounts.findOrCreateUser(`fy-${who}-${name}@example.org`, new Date('2025-01-01T00:00:00Z'));
        await store.interests.follow(member.id, 'category', 'cs.LG', new Date().toISOString());
      }
      let turns = 0;
      let counting = true;
      const count = () => {
        turns++;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      const seen: number[] = [];
      await recs.refreshAll({ force: true, onProgress: () => seen.push(turns) });
      counting = false;
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen.slice(1).every((t, i) => t > seen[i]!)).toBe(true);
    });

    it('runs the refresh as a job from the queue (its slot scheduled once) and stops cleanly', async () => {
      const gus = await signedInMember(app, store, `fy-gus-${name}@example.org`, { name: 'Gus' });
      await gus.post('/follows', { kind: 'category', value: 'cs.CV' });
      const id = await userId(store, `fy-gus-${name}@example.org`);
      expect(await store.interests.cached(id)).toBeNull();
      const config = loadConfig({ PAPERBOY_DATA: tempDir() });
      const queue = startQueue(store, standardJobs({ store, config, votes: new VoteService(store), recs }), { pollMs: 20, scheduleEveryMs: 60_000 });
      let job: Job | undefined;
      for (let i = 0; i < 200 && job?.status !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        job = (await store.jobs.list('recs.refresh')).at(-1);
      }
      await queue.stop();
      expect(job).toMatchObject({ status: 'done', attempts: 1 });
      expect((await store.interests.cached(id))!.items.length).toBeGreaterThan(0);
    });

    it('lets one process at a time refresh (a lease in the store), and takes an expired lease over', async () => {
      const t0 = new Date('2026-01-01T00:00:00.000Z');
      const later = (ms: number) => new Date(t0.getTime() + ms);
      expect(await store.settings.lease('probe', 'host-a:1:aa', t0, 1_000)).toBe(true);
      expect(await store.settings.lease('probe', 'host-b:2:bb', later(10), 1_000)).toBe(false);
      expect(await store.settings.lease('probe', 'host-a:1:aa', later(500), 1_000)).toBe(true); // renewed, to 1,500
      expect(await store.settings.lease('probe', 'host-b:2:bb', later(1_200), 1_000)).toBe(false);
      expect(await store.settings.lease('probe', 'host-b:2:bb', later(1_600), 1_000)).toBe(true); // expired: taken over
      await store.settings.release('probe', 'host-a:1:aa'); // not a's any more: nothing happens
      expect(await store.settings.lease('probe', 'host-a:1:aa', later(1_700), 1_000)).toBe(false);
      await store.settings.release('probe', 'host-b:2:bb');
      expect(await store.settings.lease('probe', 'host-a:1:aa', later(1_800), 1_000)).toBe(true);

      // The job's round: skipped while another process holds the lease, done (and the lease given back) otherwise.
      const other = 'other-host:99:ff';
      expect(await store.settings.lease(RECOMMENDATIONS_LEASE, other, new Date(), 60_000)).toBe(true);
      expect(await refreshOnce(recs, store.settings, 'this-host:1:01')).toBeNull();
      await store.settings.release(RECOMMENDATIONS_LEASE, other);
      const [a, b] = await Promise.all([refreshOnce(recs, store.settings, 'this-host:1:01'), refreshOnce(recs, store.settings, 'that-host:2:02')]);
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
      expect(await store.settings.get(`lease:${RECOMMENDATIONS_LEASE}`)).toBeNull();
    });

    it('recomputes after a list is renamed (the reason names the list), and refuses a 301st follow with 409', async () => {
      const email = `fy-hal-${name}@example.org`;
      const hal = await signedInMember(app, store, email, { name: 'Hal' });
      const id = await userId(store, email);
      const listId = await store.readingLists.create(id, 'Old name', new Date().toISOString());
      await store.readingLists.add(listId, '2509.90001', new Date().toISOString());
      const before = await store.interests.signature(id);
      await new Promise((r) => setTimeout(r, 5));
      await store.readingLists.update(listId, { name: 'New name' }, new Date().toISOString());
      expect(await store.interests.signature(id)).not.toBe(before);

      for (let i = 0; i < 300; i++) await store.interests.follow(id, 'author', `Author number ${i}`, new Date().toISOString());
      await hal.get('/for-you/interests');
      const refused = await hal.post('/follows', { kind: 'author', value: 'One more' });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('the most there can be; unfollow some first');
    });

    it('forgets a deleted member’s follows, dismissals and cached recommendations', async () => {
      const email = `fy-fay-${name}@example.org`;
      const fay = await signedInMember(app, store, email, { name: 'Fay' });
      const id = await userId(store, email);
      await fay.post('/follows', { kind: 'author', value: 'Yuandong Tian' });
      await fay.post('/for-you/dismiss', { paperId: '2505.20278' });
      await fay.get('/api/for-you');
      expect(await store.interests.cached(id)).not.toBeNull();
      await store.accounts.deleteUser(id);
      expect(await store.interests.follows(id)).toEqual({ authors: [], categories: [] });
      expect(await store.interests.dismissed(id, 10)).toEqual([]);
      expect(await store.interests.cached(id)).toBeNull();
    });
  });
});

describe('"for you" with embeddings', () => {
  const paper = (id: string, title: string, categories = ['cs.LG']): PaperInput => ({
    id, title, abstract: 'A study.', authors: ['A B'], categories, published: '2025-05-26', updated: null, version: 1, comment: null,
    journalRef: null, doi: null, links: { abs: null, pdf: null, code: null, project: null }, feed: { date: '2025-05-26', submittedBy: null, upvotes: 0 },
  });
  let server: EmbeddingsServer;
  let store: Store;
  let index: TextIndex;
  let recs: RecommendationService;
  beforeAll(async () => {
    server = await startEmbeddingsServer();
    store = await sqliteStore();
    await new PaperImporter(store).run(
      new ArraySource([
        paper('2505.00001', 'Learning to learn'),
        paper('2505.00002', 'Fast car detection', ['cs.CV']),
        paper('2505.00003', 'Quick automobile learning'),
        paper('2505.00004', 'Galaxy learning with stars', ['astro-ph.GA']),
      ]),
    );
    index = TextIndex.open(path.join(tempDir(), 'search.db'));
    const embedder = await OpenAiEmbedder.connect({ url: server.url, model: 'toy' });
    const semantic = { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
    await new IndexSync(store, index, semantic).syncOnce();
    recs = new RecommendationService(store, semantic);
  });
  afterAll(async () => {
    index?.close();
    await store?.close();
    await server?.close();
  });

  it('names the liked paper and the terms shared, and pushes down papers closer to a dismissed one', async () => {
    const user = await store.accounts.findOrCreateUser('emb@example.org', new Date('2025-01-01T00:00:00Z'));
    await store.votes.setPaperVote(user.id, '2505.00001', true, new Date().toISOString());
    const before = (await recs.forYou(user.id, 10))!;
    expect(before.map((r) => r.item.paper.id)).toEqual(['2505.00003', '2505.00004', '2505.00002']);
    expect(before[1]!.reason).toBe('because you upvoted “Learning to learn” · shared terms: learning');
    expect(before[1]!.basis).toMatchObject({ paperId: '2505.00001', how: 'upvoted', terms: ['learning'] });

    // "Quick automobile learning" is closer to the dismissed "Fast car detection" than to anything liked: it loses
    // ground against "Galaxy learning with stars".
    const gap = (list: Recommendation[]) => list.find((r) => r.item.paper.id === '2505.00003')!.score - list.find((r) => r.item.paper.id === '2505.00004')!.score;
    await store.interests.dismiss(user.id, '2505.00002', new Date().toISOString());
    const after = (await recs.forYou(user.id, 10))!;
    expect(after.map((r) => r.item.paper.id)).not.toContain('2505.00002');
    expect(gap(after)).toBeLessThan(gap(before));
  });

  it('says which reading list the liked paper was saved to, in the reason and on the page', async () => {
    const user = await store.accounts.findOrCreateUser('emb-saver@example.org', new Date('2025-01-01T00:00:00Z'));
    const listId = await store.readingLists.create(user.id, 'Reading group', new Date().toISOString());
    await store.readingLists.add(listId, '2505.00001', new Date().toISOString());
    const top = (await recs.forYou(user.id, 10))![0]!;
    expect(top.reason).toBe('because you saved “Learning to learn” to “Reading group” · shared terms: learning');
    const html = render(h(ForYouView, { items: [{ card: presentCard(top.item), reason: top.reason, basis: top.basis }], math: false, computedAt: null, windowDays: 14, categories: [] }));
    expect(html.replace(/<[^>]+>/g, '')).toContain('Because you saved “Learning to learn” to “Reading group” · shared terms: learning');
  });

  it('finds shared terms across plurals and ignores function words', () => {
    expect(sharedTerms({ title: 'Scaling laws for the transformers' }, { title: 'A transformer', abstract: 'New scaling law and more.' })).toEqual(['scaling', 'laws', 'transformers']);
    expect(sharedTerms({ title: 'On the with' }, { title: 'On the with', abstract: '' })).toEqual([]);
  });
});

describe('dot product', () => {
  it('equals the plain sum for every length, remainders included', () => {
    for (const n of [0, 1, 3, 4, 5, 8, 255, 256, 257]) {
      const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const b = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
      let plain = 0;
      for (let i = 0; i < n; i++) plain += a[i]! * b[i]!;
      expect(dot(a, b)).toBeCloseTo(plain, 10);
    }
  });
});
