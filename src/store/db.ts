/**
 * Opens the store of record: SQLite (better-sqlite3) by default, PostgreSQL (pg) when DATABASE_URL says so.
 * Both go through Kysely; this file and the repositories are the only places with SQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages (file path, or the URL without its password). */
  location: string;
  /**
   * The SQLite connection itself, for the few hot paths that reuse prepared statements (bulk import); null on
   * PostgreSQL. SQLite has one connection, so statements run on it belong to the current Kysely transaction.
   */
  sqlite: SQLite.Database | null;
  close(): Promise<void>;
}

/** int8 (COUNT, SUM) comes back from pg as a string; every count we keep fits in a JS number. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

/**
 * Whether an error means the database cannot be reached just now (down, restarting, connection lost), as opposed to
 * a bad query: callers answer 503 and try again later. PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x
 * (operator intervention: shutdown, crash shutdown, cannot connect now), and the socket errors of a refused connection.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (/^08|^57P0[1-3]$|^ECONNREFUSED$|^ECONNRESET$|^ETIMEDOUT$|^EPIPE$/.test(code)) return true;
  const message = typeof err?.message === 'string' ? err.message : '';
  return /Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down|in recovery mode)/.test(message);
}

/** Opens the database named by `target`. Does not migrate; call `migrate()`. */
export function openDatabase(target: DatabaseTarget, opts: { poolSize?: number } = {}): Db {
  if (target.dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: opts.poolSize ?? 10, types: pgTypes });
    // An idle connection dropped by the server (restart, failover, idle timeout) is reported here; without a listener
    // the 'error' event would crash the process. The pool has already discarded the client; the next query reconnects.
    pool.on('error', (err) => {
      console.warn(`PostgreSQL connection lost (${err.message}); reconnecting on the next query.`);
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: 'postgres', location: redact(target.url), sqlite: null, close: () => kysely.destroy() };
  }
  fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const sqlite = new SQLite(target.file);
  // Order matters: busy_timeout first so the other pragmas wait for a lock instead of failing (as pocketbase does).
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', location: target.file, sqlite, close: () => kysely.destroy() };
}

/** Brings the schema up to date. Safe to run concurrently from several app instances on PostgreSQL (Kysely takes a lock). */
async function migrator(db: Db): Promise<Migrator> {
  // On PostgreSQL, keep Kysely's bookkeeping tables in the schema we migrate (the first on search_path): Kysely would
  // otherwise find another schema's migration tables in the same database and skip creating its own.
  const schema = db.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0]?.s : undefined;
  return new Migrator({ db: db.kysely, provider: migrationProvider(db.dialect), migrationTableSchema: schema });
}

/**
 * Brings the schema up to date. Several instances starting at once are safe: Kysely runs the migrations in one
 * transaction under a lock (PostgreSQL: an advisory lock; SQLite: the database's write lock), so one runs them and
 * the others wait, then find nothing left to do.
 */
export async function migrate(db: Db): Promise<string[]> {
  const { error, results } = await (await migrator(db)).migrateToLatest();
  if (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new Error(`Database migration failed on ${db.location}: ${msg}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations this code has that the database has not run yet (none: the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await (await migrator(db)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
