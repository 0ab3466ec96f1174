/**
 * Runs a suite once per dialect: a real SQLite file, and a real PostgreSQL 15 (each test file in its own schema).
 * PostgreSQL comes from PAPERBOY_TEST_DATABASE_URL (default: the role and database `.ci/run` creates). When it cannot
 * be reached the PostgreSQL suite is skipped with a message, unless PAPERBOY_REQUIRE_PG=1 (CI), where it fails.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from './app.js';

export const PG_TEST_URL = process.env.PAPERBOY_TEST_DATABASE_URL ?? 'postgres://paperboy:paperboy@127.0.0.1:5432/paperboy_test';
export const PG_REQUIRED = process.env.PAPERBOY_REQUIRE_PG === '1';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

const pgProblem = await probePostgres();
if (pgProblem && PG_REQUIRED) {
  throw new Error(`PostgreSQL is required (PAPERBOY_REQUIRE_PG=1) but ${PG_TEST_URL} cannot be reached: ${pgProblem}. Start it: pg_ctlcluster 15 main start (see .ci/run).`);
}
if (pgProblem) console.warn(`PostgreSQL suite skipped: ${PG_TEST_URL} unreachable (${pgProblem}). Set PAPERBOY_REQUIRE_PG=1 to make it mandatory.`);

export const POSTGRES_AVAILABLE = pgProblem === null;

/** A fresh PostgreSQL schema: a URL whose connections use it (search_path), and a way to drop it. */
export async function createPgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_TEST_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_TEST_URL });
    await c.connect();
    await c.query(`drop schema ${schema} cascade`);
    await c.end();
  };
  return { url: url.toString(), drop };
}

/** A fresh, migrated PostgreSQL store in a schema of its own. */
export async function postgresStore(): Promise<Store> {
  const { url, drop } = await createPgSchema();
  const store = new Store(openDatabase({ dialect: 'postgres', url }, { poolSize: 4 }));
  await store.migrate();
  const close = store.close.bind(store);
  let closing: Promise<void> | null = null;
  // Once, like Store.close: several owners (two app instances over one store) may each close it.
  store.close = () =>
    (closing ??= (async () => {
      await close();
      await drop();
    })());
  return store;
}

export async function sqliteFileStore(): Promise<Store> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(tempDir(), 'test.db') }));
  await store.migrate();
  return store;
}

export interface DialectCase {
  name: 'sqlite' | 'postgres';
  available: boolean;
  open: () => Promise<Store>;
}

/** Both dialects, for `describe.each(dialects)` — PostgreSQL marked unavailable when it cannot be reached (and not required). */
export const dialects: DialectCase[] = [
  { name: 'sqlite', available: true, open: sqliteFileStore },
  { name: 'postgres', available: POSTGRES_AVAILABLE, open: postgresStore },
];
