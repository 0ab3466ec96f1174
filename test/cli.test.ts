/** The `paperboy` command as a user runs it: a real child process, a real SQLite file, a replay server for arXiv. */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_87K, SEED_PAPERS, tempDir } from './helpers/app.js';
import { PG_TEST_URL, POSTGRES_AVAILABLE } from './helpers/db.js';
import { type ReplayServer, startReplayServer } from './helpers/replay-server.js';
import { serverUrl } from './helpers/serve.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';

const exec = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/paperboy.mjs');

async function paperboy(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function count(dataDir: string, sql: string): number {
  const db = new Database(path.join(dataDir, 'paperboy.db'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}


/** The first 3,000 papers of the 87k corpus, as a file of its own. */
let CORPUS_SLICE = '';

describe('paperboy CLI', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer();
    CORPUS_SLICE = path.join(tempDir(), 'slice.jsonl');
    const lines = zlib.gunzipSync(fs.readFileSync(CORPUS_87K)).toString('utf8').split('\n').slice(0, 3000);
    fs.writeFileSync(CORPUS_SLICE, lines.join('\n'));
  });
  afterAll(async () => {
    await replay?.close();
  });

  it('shows help with serve, migrate and ingest', async () => {
    const r = await paperboy(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'migrate', 'ingest', '--database-url', '--no-demo', '--port', '--data']) expect(r.stdout).toContain(c);
  });

  it('stops on invalid configuration with every bad value listed', async () => {
    const r = await paperboy(['migrate', '--port', 'eighty'], { PAPERBOY_DEMO: 'perhaps', PAPERBOY_DATA: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT="eighty": expected a port number 0–65535');
    expect(r.stderr).toContain('PAPERBOY_DEMO="perhaps": expected 0 or 1 (or true/false)');
  });

  it('migrates, then imports a file twice: the second run changes nothing', async () => {
    const data = tempDir();
    expect((await paperboy(['migrate', '--data', data])).stdout).toContain('is up to date');
    const first = await paperboy(['ingest', SEED_PAPERS, '--data', data]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/55 added, 0 updated, 0 unchanged, 0 rejected/);
    const second = await paperboy(['ingest', SEED_PAPERS], { PAPERBOY_DATA: data });
    expect(second.stdout).toMatch(/0 added, 0 updated, 55 unchanged, 0 rejected/);
    expect(count(data, 'select count(*) n from papers')).toBe(55);
  });

  it('runs two imports into one SQLite file at once: both complete, nothing is duplicated', async () => {
    const data = tempDir();
    await paperboy(['migrate', '--data', data]);
    const [a, b] = await Promise.all([paperboy(['ingest', CORPUS_SLICE, '--data', data, '--batch-size', '50']), paperboy(['ingest', CORPUS_SLICE, '--data', data, '--batch-size', '70'])]);
    expect(a.stderr + b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    const added = [a.stdout, b.stdout].map((o) => Number(/(\d+) added/.exec(o)?.[1]));
    expect(added[0]! + added[1]!).toBe(3000);
    expect(count(data, 'select count(*) n from papers')).toBe(3000);
    expect(count(data, "select count(*) n from import_runs where status = 'completed'")).toBe(2);
  });

  it.runIf(POSTGRES_AVAILABLE)('imports into PostgreSQL with DATABASE_URL, idempotently, NUL characters and all', async () => {
    const schema = `cli_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_TEST_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const url = new URL(PG_TEST_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const env = { DATABASE_URL: url.toString(), PAPERBOY_DATA: tempDir() };
      expect((await paperboy(['ingest', CORPUS_SLICE], env)).stdout).toMatch(/3000 added, 0 updated, 0 unchanged, 0 rejected/);
      expect((await paperboy(['ingest', CORPUS_SLICE], env)).stdout).toMatch(/0 added, 0 updated, 3000 unchanged, 0 rejected/);
      const nul = path.join(tempDir(), 'nul.jsonl');
      fs.writeFileSync(nul, `${JSON.stringify({ id: '2511.00001', title: 'Zero\u0000byte', abstract: 'A\u0000.', authors: ['A'], categories: ['cs.LG'], published: '2025-11-01' })}\n`);
      expect((await paperboy(['ingest', nul], env)).stdout).toMatch(/1 added, 0 updated, 0 unchanged, 0 rejected/);
      const { rows } = await admin.query(`select title from ${schema}.papers where id = '2511.00001'`);
      expect(rows).toEqual([{ title: 'Zerobyte' }]);
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });

  it('refreshes every member\'s "for you" and shows one member\'s list with reasons', async () => {
    const data = tempDir();
    expect((await paperboy(['ingest', SEED_PAPERS, '--data', data])).code).toBe(0);
    const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(data, 'paperboy.db') }));
    const user = await store.accounts.findOrCreateUser('reader@example.org', new Date('2025-01-01T00:00:00Z'));
    await store.votes.setPaperVote(user.id, '2509.21519', true, new Date().toISOString());
    await store.interests.follow(user.id, 'category', 'cs.LG', new Date().toISOString());
    await store.close();
    const first = await paperboy(['recs', 'refresh', '--data', data], { PAPERBOY_EMBEDDER: 'none' });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/"For you" refreshed: 1 of 1 members recomputed in [\d.]+ s/);
    expect(count(data, 'select count(*) n from recommendation_cache')).toBe(1);
    const again = await paperboy(['recs', 'refresh', '--data', data], { PAPERBOY_EMBEDDER: 'none' });
    expect(again.stdout).toMatch(/0 of 1 members recomputed/);
    const shown = await paperboy(['recs', 'show', 'reader@example.org', '--limit', '3', '--data', data], { PAPERBOY_EMBEDDER: 'none' });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/ {2}1\. \S+ {2}[\d.]+ {2}.+\n {6}in cs\.LG, which you follow/);
    const unknown = await paperboy(['recs', 'show', 'nobody@example.org', '--data', data], { PAPERBOY_EMBEDDER: 'none' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No member has the address nobody@example.org');
  });

  it('explains a missing file and an empty command', async () => {
    const data = tempDir();
    const missing = await paperboy(['ingest', 'no-such-file.jsonl', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('file not found: no-such-file.jsonl');
    const none = await paperboy(['ingest', '--data', data]);
    expect(none.stderr).toContain('nothing to import');
  });

  it('fetches papers by id from the arXiv API, into the feed on their first-version day', async () => {
    const data = tempDir();
    const r = await paperboy(['ingest', '--arxiv-id', '1707.08567', '--data', data], { ARXIV_API_URL: replay.apiUrl, ARXIV_INTERVAL_MS: '50' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/1 added, 0 updated, 0 unchanged, 0 rejected/);
    expect(count(data, "select count(*) n from papers where id = '1707.08567' and abs_url = 'https://arxiv.org/abs/1707.08567'")).toBe(1);
    expect(count(data, "select count(*) n from feed_entries f join papers p on p.id = f.paper_id where f.feed_date = p.published")).toBe(1);
    const bad = await paperboy(['ingest', '--arxiv-id', 'abc', '--data', data], { ARXIV_API_URL: replay.apiUrl });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not arXiv ids: abc');
  });

  it('harvests OAI-PMH following the resumption token', async () => {
    const data = tempDir();
    const r = await paperboy(['ingest', '--oai', '--data', data], { ARXIV_OAI_URL: replay.oaiUrl, ARXIV_INTERVAL_MS: '50' });
    expect(r.code).toBe(0);
    const n = count(data, 'select count(*) n from papers');
    expect(n).toBeGreaterThanOrEqual(6);
    expect(r.stdout).toContain(`${n} added`);
  });

  it('makes a paper imported by another process searchable within seconds', async () => {
    const data = tempDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--no-demo'], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    try {
      const url = await serverUrl(child);
      const file = path.join(tempDir(), 'new.jsonl');
      fs.writeFileSync(file, `${JSON.stringify({ id: '2511.01234', title: 'Quokka behaviour under moonlight', abstract: 'Marsupials at night.', authors: ['A B'], categories: ['q-bio.PE'], published: '2025-11-20' })}\n`);
      expect((await paperboy(['ingest', file, '--data', data])).stdout).toContain('1 added');
      const imported = Date.now();
      let found: Array<{ id: string }> = [];
      while (found.length === 0 && Date.now() - imported < 15_000) {
        const res = await fetch(`${url}/api/v1/search?q=quokka`);
        found = (await res.json()).results;
        if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(found.map((r) => r.id)).toEqual(['2511.01234']);
      expect(Date.now() - imported).toBeLessThan(10_000);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serves the site on the configured port, loading the demo corpus into an empty store', async () => {
    const data = tempDir();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    try {
      const url = await serverUrl(child);
      const res = await fetch(`${url}/papers/2505.20278`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('The Coverage Principle');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
