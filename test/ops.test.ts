/**
 * What operators read (issue 8): request ids, /readyz and /metrics, and `paperboy migrate --check`, on SQLite and
 * PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArraySource } from '../src/ingest/array.source.js';
import type { IndexSync } from '../src/search/index-sync.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { readiness } from '../src/web/ops.js';
import { seededApp, tempDir } from './helpers/app.js';
import { dialects } from './helpers/db.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const BIN = path.resolve(import.meta.dirname, '../bin/paperboy.mjs');

const paper = (id: string) => ({
  id, title: `Ops paper ${id}`, abstract: 'For readiness.', authors: ['Op Erator'], categories: ['cs.DC'], published: '2025-09-29', updated: null, version: 1,
  comment: null, journalRef: null, doi: null, links: { abs: `https://arxiv.org/abs/${id}`, pdf: `https://arxiv.org/pdf/${id}`, code: null, project: null },
  feed: { date: '2025-09-29', submittedBy: null, upvotes: null },
});

describe.each(dialects)('operations on $name', ({ name, available, open }) => {
  describe.runIf(available)(`request ids, readiness and metrics (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    let sync: IndexSync;
    beforeAll(async () => {
      ({ app, store, sync } = await seededApp({ store: await open(), env: { METRICS_TOKEN: TOKEN, READY_MAX_INDEX_LAG: '0' } }));
    });
    afterAll(() => app?.close());

    it('gives every answer a request id: the proxy’s when well formed, else a new UUID', async () => {
      const fresh = await app.inject({ url: '/healthz' });
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((await app.inject({ url: '/healthz' })).headers['x-request-id']).not.toBe(fresh.headers['x-request-id']);
      expect((await app.inject({ url: '/api/v1/papers/2505.20278', headers: { 'x-request-id': 'lb-7f3a9c01' } })).headers['x-request-id']).toBe('lb-7f3a9c01');
      for (const bad of ['short', 'has spaces in it', 'x'.repeat(200), 'new\nline-injected']) {
        expect((await app.inject({ url: '/healthz', headers: { 'x-request-id': bad } })).headers['x-request-id']).not.toBe(bad);
      }
      // Error answers carry it too (the id a user quotes from an error finds the log lines).
      expect((await app.inject({ url: '/api/v1/papers/nope' })).headers['x-request-id']).toBeTruthy();
    });

    it('/readyz: ready when the database answers, the schema is current and the index has caught up; 503 naming what is not', async () => {
      const ok = await app.inject({ url: '/readyz' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['cache-control']).toBe('no-store');
      expect(ok.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, search_index: { ok: true, behind: 0 } } });
      // A paper lands in the store; until this instance's index applies it, it is behind (the limit here is 0).
      await new PaperImporter(store).run(new ArraySource([paper('2509.77001')], 'ops test'));
      const behind = await app.inject({ url: '/readyz' });
      expect(behind.statusCode).toBe(503);
      expect(behind.json()).toMatchObject({ status: 'not ready', checks: { database: { ok: true }, search_index: { ok: false } } });
      expect(behind.json().checks.search_index.behind).toBeGreaterThan(0);
      await sync.syncOnce();
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      // A migration this code has that the database has not run: not ready, and it says which.
      await sql`delete from kysely_migration where name = '011_api_keys'`.execute(store.db.kysely);
      const stale = await app.inject({ url: '/readyz' });
      expect(stale.statusCode).toBe(503);
      expect(stale.json().checks.migrations).toEqual({ ok: false, pending: ['011_api_keys'], hint: 'run paperboy migrate' });
      await sql`insert into kysely_migration (name, timestamp) values ('011_api_keys', ${new Date().toISOString()})`.execute(store.db.kysely);
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    });

    it('/metrics: Prometheus text with request latency by route template and figures from the store; loopback or token only', async () => {
      await app.inject({ url: '/api/v1/papers/2505.20278' });
      await app.inject({ url: '/api/v1/papers/2310.02541' });
      const res = await app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      // One series per route template, not per id.
      const count = new RegExp('^paperboy_http_request_duration_seconds_count\\{method="GET",route="/api/v1/papers/:id",status="200"\\} (\\d+)$', 'm').exec(text);
      expect(Number(count?.[1])).toBeGreaterThanOrEqual(2);
      expect(text).not.toContain('2505.20278');
      expect(text).toMatch(new RegExp(`^paperboy_papers ${await store.papers.count()}$`, 'm'));
      expect(text).toMatch(/^paperboy_ingest_papers\{outcome="added"\} [1-9]\d*$/m);
      expect(text).toMatch(/^paperboy_digest_deliveries\{status="pending"\} 0$/m);
      expect(text).toMatch(/^paperboy_digest_queue_oldest_due_seconds 0$/m);
      expect(text).toMatch(/^paperboy_search_index_behind 0$/m);
      expect(text).toMatch(/^paperboy_jobs\{status="queued"\} \d+$/m);
      expect(text).toMatch(/^paperboy_jobs_oldest_due_seconds \d/m);
      expect(text).toMatch(/^paperboy_process_resident_memory_bytes \d+/m);
      // From another machine: refused without the token, served with it.
      const far = { remoteAddress: '203.0.113.9' };
      expect((await app.inject({ url: '/metrics', ...far })).statusCode).toBe(403);
      expect((await app.inject({ url: '/metrics', ...far, headers: { authorization: 'Bearer wrong-token-0123456789abcd' } })).statusCode).toBe(403);
      expect((await app.inject({ url: '/metrics', ...far, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    });
  });
});

describe('readiness when the database cannot be reached', () => {
  it('is not ready, and says the database check failed', async () => {
    const store = new Store(openDatabase({ dialect: 'postgres', url: 'postgres://nobody:nothing@127.0.0.1:9/none' }));
    try {
      const r = await readiness({ store, sync: null, metricsToken: null, maxIndexLag: 0 });
      expect(r.ready).toBe(false);
      expect(r.checks.database).toMatchObject({ ok: false });
      expect(String(r.checks.database!.error)).toMatch(/ECONNREFUSED|connect/);
    } finally {
      await store.close();
    }
  });
});

describe('paperboy migrate --check', () => {
  it('exits 3 naming the pending migrations, changes nothing, and exits 0 once migrated', () => {
    const data = tempDir();
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--data', data], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 });
    const before = run('migrate', '--check');
    expect(before.status, before.stderr).toBe(3);
    expect(before.stdout).toMatch(/needs 13 migrations: 001_papers_feed_imports, .*013_jobs\. Run paperboy migrate\./);
    expect(run('migrate', '--check').status).toBe(3); // still pending: the check migrated nothing
    const migrated = run('migrate');
    expect(migrated.status, migrated.stderr).toBe(0);
    const after = run('migrate', '--check');
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('is up to date');
  });
});

describe.runIf(dialects[1]!.available)('migrations from several instances at once (PostgreSQL)', () => {
  it('one migrates and the others wait, then find nothing to do', async () => {
    const { createPgSchema } = await import('./helpers/db.js');
    const db = await createPgSchema();
    const stores = [0, 1, 2].map(() => new Store(openDatabase({ dialect: 'postgres', url: db.url })));
    try {
      const ran = await Promise.all(stores.map((s) => s.migrate()));
      // Exactly one of them ran the migrations; all see a current schema.
      expect(ran.filter((r) => r.length > 0)).toHaveLength(1);
      expect(ran.find((r) => r.length > 0)![0]).toBe('001_papers_feed_imports');
      for (const s of stores) expect(await s.pendingMigrations()).toEqual([]);
    } finally {
      for (const s of stores) await s.close();
      await db.drop();
    }
  });
});
