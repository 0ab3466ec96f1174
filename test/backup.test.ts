/** `paperboy backup` (issue 8): a consistent copy of a live database, SQLite by its online backup API, PostgreSQL by pg_dump. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { importFiles, SEED_PAPERS, tempDir } from './helpers/app.js';
import { createPgSchema, POSTGRES_AVAILABLE } from './helpers/db.js';
import { BIN } from './helpers/serve.js';

const run = (args: string[], env: Record<string, string>) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });

describe('paperboy backup', () => {
  it('copies a SQLite store through the online backup API, checks the copy, and never overwrites a file', async () => {
    const data = tempDir();
    const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(data, 'paperboy.db') }));
    await store.migrate();
    await importFiles(store, SEED_PAPERS);
    const papers = await store.papers.count();
    // The store stays open (as a running site would keep it) while the backup copies it.
    const target = path.join(tempDir(), 'copy.db');
    const r = run(['backup', target, '--data', data], { DATABASE_URL: '' });
    await store.close();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`to ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.* MB, ${papers} papers; integrity check ok\\)`));
    const copy = new Database(target, { readonly: true });
    expect((copy.prepare('select count(*) as n from papers').get() as { n: number }).n).toBe(papers);
    copy.close();
    const again = run(['backup', target, '--data', data], { DATABASE_URL: '' });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('exists already');
  });

  it.runIf(POSTGRES_AVAILABLE)('dumps a PostgreSQL store with pg_dump, in a form pg_restore reads', async () => {
    const db = await createPgSchema();
    const store = new Store(openDatabase({ dialect: 'postgres', url: db.url }));
    try {
      await store.migrate();
      await importFiles(store, SEED_PAPERS);
      const target = path.join(tempDir(), 'paperboy.dump');
      const r = run(['backup', target, '--data', tempDir()], { DATABASE_URL: db.url });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('with pg_dump');
      expect(fs.statSync(target).size).toBeGreaterThan(10_000);
      const list = spawnSync('pg_restore', ['--list', target], { encoding: 'utf8' });
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/TABLE DATA \S+ papers /);
      expect(list.stdout).toMatch(/TABLE DATA \S+ api_keys /);
    } finally {
      await store.close();
      await db.drop();
    }
  }, 60_000);
});
