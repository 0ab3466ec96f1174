/** The store of record behaves identically on SQLite and PostgreSQL: the same suite runs once per dialect. */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { isAbandoned, PaperImporter, STALE_RUN_MS } from '../src/services/paper-importer.js';
import type { Store } from '../src/store/store.js';
import { dialects, PG_TEST_URL } from './helpers/db.js';

function paper(id: string, over: Partial<PaperInput> = {}): PaperInput {
  return {
    id,
    title: `Title of ${id}`,
    abstract: `Abstract of ${id} with $x^2$ math.`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
    categories: ['cs.LG', 'stat.ML'],
    published: '2025-05-26',
    updated: null,
    version: 1,
    comment: '10 pages',
    journalRef: null,
    doi: null,
    links: { abs: null, pdf: null, code: 'https://github.com/example/repo', project: null },
    feed: { date: '2025-05-26', submittedBy: null, upvotes: 0 },
    ...over,
  };
}

const NOW = new Date('2025-06-01T12:00:00Z');

describe.each(dialects)('store on $name', ({ name, available, open }) => {
  describe.runIf(available)(`repositories (${name})`, () => {
    let store: Store;
    let importer: PaperImporter;
    const run = (papers: PaperInput[]) => importer.run(new ArraySource(papers), { clock: () => NOW, batchSize: 3 });

    beforeAll(async () => {
      store = await open();
      importer = new PaperImporter(store);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('migrates once; a second migrate has nothing to do', async () => {
      expect(await store.migrate()).toEqual([]);
    });

    it('stores every field of a paper and reads it back', async () => {
      const s = await run([
        paper('2505.20278', { journalRef: 'Phys. Rev. X 1, 2 (2025)', doi: '10.1000/xyz', updated: '2025-05-28', version: 2 }),
        paper('hep-th/9108002', { categories: ['hep-th'], published: '1991-08-15', feed: { date: '1991-08-15', submittedBy: 'mikovic', upvotes: 3 } }),
        paper('openreview:AbC_12-x', { feed: null }),
      ]);
      expect(s).toMatchObject({ added: 3, updated: 0, unchanged: 0, rejected: 0 });
      const p = await store.papers.getById('2505.20278');
      expect(p).toEqual({
        id: '2505.20278',
        title: 'Title of 2505.20278',
        abstract: 'Abstract of 2505.20278 with $x^2$ math.',
        authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
        categories: ['cs.LG', 'stat.ML'],
        primaryCategory: 'cs.LG',
        published: '2025-05-26',
        updated: '2025-05-28',
        version: 2,
        comment: '10 pages',
        journalRef: 'Phys. Rev. X 1, 2 (2025)',
        doi: '10.1000/xyz',
        links: { abs: 'https://arxiv.org/abs/2505.20278', pdf: 'https://arxiv.org/pdf/2505.20278', code: 'https://github.com/example/repo', project: null },
        createdAt: NOW.toISOString(),
        modifiedAt: NOW.toISOString(),
      });
      expect((await store.papers.getById('hep-th/9108002'))?.links.abs).toBe('https://arxiv.org/abs/hep-th/9108002');
      expect((await store.papers.getById('openreview:AbC_12-x'))?.links.abs).toBeNull();
      expect(await store.feed.getByPaperId('hep-th/9108002')).toMatchObject({ feedDate: '1991-08-15', submittedBy: 'mikovic', upvotes: 3 });
      expect(await store.feed.getByPaperId('openreview:AbC_12-x')).toBeNull();
      expect(await store.papers.getById('9999.99999')).toBeNull();
    });

    it('is idempotent: the same papers again change nothing', async () => {
      const before = await store.papers.getById('2505.20278');
      const s = await run([paper('2505.20278', { journalRef: 'Phys. Rev. X 1, 2 (2025)', doi: '10.1000/xyz', updated: '2025-05-28', version: 2 })]);
      expect(s).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
      expect(await store.papers.getById('2505.20278')).toEqual(before);
    });

    it('a newer version updates; an older one does not; a same-version correction does', async () => {
      const newer = await run([paper('2505.20278', { title: 'Revised title', updated: '2025-06-10', version: 3 })]);
      expect(newer).toMatchObject({ added: 0, updated: 1 });
      expect((await store.papers.getById('2505.20278'))?.title).toBe('Revised title');
      const older = await run([paper('2505.20278', { title: 'Old title', updated: '2025-05-26', version: 1 })]);
      expect(older).toMatchObject({ updated: 0, unchanged: 1 });
      expect((await store.papers.getById('2505.20278'))?.title).toBe('Revised title');
      const fix = await run([paper('2505.20278', { title: 'Revised title, typo fixed', updated: '2025-06-10', version: 3 })]);
      expect(fix).toMatchObject({ updated: 1 });
      const p = await store.papers.getById('2505.20278');
      expect(p?.title).toBe('Revised title, typo fixed');
      expect(p?.createdAt).toBe(NOW.toISOString());
    });

    it('takes imported upvotes and a submitter; keeps the day a paper entered the feed', async () => {
      const s = await run([paper('hep-th/9108002', { categories: ['hep-th'], published: '1991-08-15', feed: { date: '2001-01-01', submittedBy: 'mikovic', upvotes: 7 } })]);
      expect(s).toMatchObject({ updated: 1 });
      expect(await store.feed.getByPaperId('hep-th/9108002')).toMatchObject({ feedDate: '1991-08-15', submittedBy: 'mikovic', upvotes: 7 });
      // Fewer upvotes (an older listing) and another submitter change nothing.
      const older = await run([paper('hep-th/9108002', { categories: ['hep-th'], published: '1991-08-15', feed: { date: '1991-08-15', submittedBy: 'else', upvotes: 2 } })]);
      expect(older).toMatchObject({ updated: 0, unchanged: 1 });
      expect(await store.feed.getByPaperId('hep-th/9108002')).toMatchObject({ feedDate: '1991-08-15', submittedBy: 'mikovic', upvotes: 7 });
    });

    it('gives copies of a paper in one batch the same outcome as copies in separate batches', async () => {
      const copies = (id: string): PaperInput[] => [
        paper(id, { version: 1, feed: { date: '2024-06-10', submittedBy: 'akhaliq', upvotes: 42 } }),
        paper(id, { version: 2, title: 'Second version', updated: '2025-06-12', feed: { date: '2024-06-01', submittedBy: null, upvotes: null } }),
        paper(id, { version: 1, feed: { date: '2024-06-10', submittedBy: 'someone', upvotes: 43 } }),
      ];
      const together = await importer.run(new ArraySource(copies('2509.00001')), { clock: () => NOW, batchSize: 1000 });
      const apart = await importer.run(new ArraySource(copies('2509.00002')), { clock: () => NOW, batchSize: 1 });
      expect(together).toMatchObject({ added: 1, updated: 2, unchanged: 0 });
      expect(apart).toMatchObject({ added: 1, updated: 2, unchanged: 0 });
      for (const id of ['2509.00001', '2509.00002']) {
        expect((await store.papers.getById(id))?.title).toBe('Second version');
        expect(await store.feed.getByPaperId(id)).toMatchObject({ feedDate: '2024-06-10', submittedBy: 'akhaliq', upvotes: 43 });
      }
      const again = await importer.run(new ArraySource(copies('2509.00001')), { clock: () => NOW });
      expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    });

    it('lets two imports run at once: both complete, nothing is duplicated', async () => {
      const papers = Array.from({ length: 40 }, (_, i) => paper(`2510.${String(i + 1).padStart(5, '0')}`));
      const [a, b] = await Promise.all([
        new PaperImporter(store).run(new ArraySource(papers), { batchSize: 7 }),
        new PaperImporter(store).run(new ArraySource(papers), { batchSize: 5 }),
      ]);
      expect(a.added + b.added).toBe(40);
      expect(a.added + a.unchanged).toBe(40);
      expect(b.added + b.unchanged).toBe(40);
      expect((await store.papers.getByIds(papers.map((p) => p.id))).length).toBe(40);
    });

    it('rejects invalid records with their location and stores the rest', async () => {
      const s = await run([
        paper('not-an-id'),
        paper('2506.00001', { title: '   ' }),
        paper('2506.00002', { published: '2025-02-30' }),
        paper('2506.00003', { abstract: 'x'.repeat(50_000) }),
        paper('2506.00004'),
      ]);
      expect(s).toMatchObject({ added: 1, rejected: 4 });
      expect(s.rejects.map((r) => r.location)).toEqual(['papers in memory #1', 'papers in memory #2', 'papers in memory #3', 'papers in memory #4']);
      expect(s.rejects.map((r) => r.reason)).toEqual([
        'invalid id "not-an-id"',
        'missing title',
        'invalid published date "2025-02-30"',
        'abstract too long (50000 characters, limit 20000)',
      ]);
      const runRow = await store.importRuns.get(s.runId);
      expect(runRow).toMatchObject({ status: 'completed', added: 1, rejected: 4, source: 'papers in memory' });
      expect(await store.importRuns.rejects(s.runId)).toHaveLength(4);
    });

    it('lists a period ranked by upvotes, then newest, with counts, paging and submitter filter', async () => {
      await run([
        paper('2507.00001', { published: '2025-07-01', feed: { date: '2025-07-01', submittedBy: 'ana', upvotes: 5 } }),
        paper('2507.00002', { published: '2025-07-01', feed: { date: '2025-07-01', submittedBy: 'bo', upvotes: 9 } }),
        paper('2507.00003', { published: '2025-07-02', feed: { date: '2025-07-02', submittedBy: 'ana', upvotes: 5 } }),
        paper('2507.00004', { published: '2025-06-30', feed: { date: '2025-07-03', submittedBy: null, upvotes: 0 } }),
      ]);
      const range = { from: '2025-07-01', to: '2025-07-07' };
      const ids = async (q: Partial<Parameters<Store['feed']['list']>[0]>) =>
        (await store.feed.list({ ...range, sort: 'upvotes', limit: 10, offset: 0, ...q })).map((i) => i.paper.id);
      expect(await ids({})).toEqual(['2507.00002', '2507.00003', '2507.00001', '2507.00004']);
      expect(await ids({ sort: 'publishedAt' })).toEqual(['2507.00003', '2507.00002', '2507.00001', '2507.00004']);
      expect(await ids({ limit: 2, offset: 2 })).toEqual(['2507.00001', '2507.00004']);
      expect(await ids({ submitter: 'ana' })).toEqual(['2507.00003', '2507.00001']);
      // Stored scores (docs/trending.md): 2025-07-01 is 1,004 windows after the epoch, so 00003 = 1004.5 + log10 5,
      // 00004 = 1005 + 0, 00002 = 1004 + log10 9, 00001 = 1004 + log10 5.
      expect(await ids({ sort: 'trending' })).toEqual(['2507.00003', '2507.00004', '2507.00002', '2507.00001']);
      expect((await store.feed.entry('2507.00003'))?.trendingScore).toBe(1005.19897);
      expect((await store.feed.entry('2507.00002'))?.trendingScore).toBe(1004.9542425);
      expect((await store.feed.entry('2507.00004'))?.trendingScore).toBe(1005);
      expect(await store.feed.count(range)).toBe(4);
      expect(await store.feed.count({ ...range, submitter: 'ana' })).toBe(2);
      const [first] = await store.feed.list({ ...range, sort: 'upvotes', limit: 1, offset: 0 });
      expect(first).toMatchObject({ feedDate: '2025-07-01', submittedBy: 'bo', upvotes: 9, numComments: 0 });
      expect(first?.paper.authors).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    });

    it('finds the latest day and the nearest days with papers', async () => {
      expect(await store.feed.latestDate()).toBe('2025-07-03');
      expect(await store.feed.adjacentDate('2025-07-01', 'prev')).toBe('2025-05-26');
      expect(await store.feed.adjacentDate('2025-07-01', 'next')).toBe('2025-07-02');
      expect(await store.feed.adjacentDate('2025-07-03', 'next')).toBeNull();
      expect(await store.feed.adjacentDate('1991-08-15', 'prev')).toBeNull();
    });

    it('rolls a failed transaction back completely', async () => {
      const before = await store.papers.count();
      await expect(
        store.transaction(async (repos) => {
          await repos.papers.insertMany([{ ...paper('2508.00001'), contentHash: 'h' }], NOW.toISOString());
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.papers.count()).toBe(before);
      expect(await store.papers.getById('2508.00001')).toBeNull();
    });

    it('marks runs of dead processes as interrupted and leaves live ones alone', async () => {
      const host = os.hostname();
      const dead = await store.importRuns.start('killed run', NOW.toISOString(), `${host}:999999999`);
      const live = await store.importRuns.start('live run', NOW.toISOString(), `${host}:${process.pid}`);
      const elsewhereRecent = await store.importRuns.start('other host', new Date(Date.now() - 60_000).toISOString(), 'other-host:1');
      const elsewhereSilent = await store.importRuns.start('silent host', new Date(Date.now() - STALE_RUN_MS - 1).toISOString(), 'other-host:2');
      const running = await store.importRuns.running();
      const abandoned = running.filter((r) => isAbandoned(r, Date.now())).map((r) => r.id);
      expect(abandoned.sort()).toEqual([dead, elsewhereSilent].sort());
      expect(await store.importRuns.markInterrupted(abandoned, NOW.toISOString())).toBe(2);
      expect((await store.importRuns.get(dead))?.status).toBe('interrupted');
      expect((await store.importRuns.get(live))?.status).toBe('running');
      expect((await store.importRuns.get(elsewhereRecent))?.status).toBe('running');
      await store.importRuns.markInterrupted([live, elsewhereRecent], NOW.toISOString());
    });
  });
});

describe.runIf(dialects[1]!.available)('PostgreSQL schemas', () => {
  it("migrates its own schema even when another schema of the database has Kysely's migration tables", async () => {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    await admin.query('create schema if not exists other_app; create table if not exists other_app.kysely_migration (name text); create table if not exists other_app.kysely_migration_lock (id text)');
    try {
      const store = await dialects[1]!.open();
      expect(await store.papers.count()).toBe(0);
      await store.close();
    } finally {
      await admin.query('drop schema other_app cascade');
      await admin.end();
    }
  });
});

describe.runIf(dialects[1]!.available)('PostgreSQL connection loss', () => {
  it('survives the server dropping an idle connection and reconnects on the next query', async () => {
    const store = await dialects[1]!.open();
    try {
      const { sql } = await import('kysely');
      const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db.kysely)).rows[0]!.pid;
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: PG_TEST_URL });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await admin.end();
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.papers.count()).toBe(0);
    } finally {
      await store.close();
    }
  });
});
