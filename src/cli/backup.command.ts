/**
 * `paperboy backup FILE`: a consistent copy of the database while the site keeps running.
 * - SQLite: SQLite's online backup API (better-sqlite3 `backup`), page by page, so readers and writers carry on; the
 *   copy is then checked with `PRAGMA integrity_check`. A progress bar shows on a terminal.
 * - PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`); it must be on PATH, in the server's version.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { openStore } from '../main.js';

export function registerBackupCommand(program: Command, configFrom: (flags: object) => Config): void {
  program
    .command('backup')
    .argument('<file>', 'where to write the copy (it must not exist yet)')
    .description('copy the database while the site runs: SQLite through its online backup API, PostgreSQL through pg_dump')
    .action(async (file: string, _opts: object, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const target = path.resolve(file);
      if (fs.existsSync(target)) throw new Error(`${target} exists already: choose a new file name, so no backup is overwritten by mistake.`);
      const store = await openStore(config);
      try {
        if (store.db.sqlite) {
          const stream = process.stderr;
          const bar = stream.isTTY ? new cliProgress.SingleBar({ stream, format: ' {bar} {percentage}% | {value} of {total} pages', hideCursor: true }, cliProgress.Presets.shades_classic) : null;
          let started = false;
          await store.db.sqlite.backup(target, {
            progress({ totalPages, remainingPages }) {
              if (bar && !started) {
                bar.start(totalPages, 0);
                started = true;
              }
              bar?.update(totalPages - remainingPages);
              return 200; // pages per step: other connections get the database between steps
            },
          });
          bar?.stop();
          const copy = new Database(target, { readonly: true });
          try {
            const check = copy.pragma('integrity_check', { simple: true });
            if (check !== 'ok') throw new Error(`the copy at ${target} failed its integrity check (${String(check)}); run the backup again.`);
            const papers = (copy.prepare('select count(*) as n from papers').get() as { n: number }).n;
            console.log(`Backed up ${store.db.location} to ${target} (${(fs.statSync(target).size / 1e6).toFixed(1)} MB, ${papers} papers; integrity check ok).`);
          } finally {
            copy.close();
          }
          return;
        }
        if (!config.databaseUrl) throw new Error('no database URL to back up');
        // Paperboy's tables live in the connection's schema (public, unless the URL sets a search_path): dump that one.
        const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(store.db.kysely)).rows[0]?.s ?? 'public';
        // libpq reads '+' in a URL's query literally, where URL encoders (and node-pg) mean a space.
        const [base, query] = config.databaseUrl.split('?', 2) as [string, string | undefined];
        const dbname = query === undefined ? base : `${base}?${query.replace(/\+/g, '%20')}`;
        await new Promise<void>((resolve, reject) => {
          const dump = spawn('pg_dump', ['--format=custom', '--no-owner', `--schema=${schema}`, `--file=${target}`, `--dbname=${dbname}`], { stdio: ['ignore', 'inherit', 'inherit'] });
          dump.on('error', (e) => reject(new Error(`pg_dump could not start (${e.message}): install the PostgreSQL client tools (Debian: apt-get install postgresql-client).`)));
          dump.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}; see its message above.`))));
        });
        console.log(`Backed up ${store.db.location} to ${target} with pg_dump (${(fs.statSync(target).size / 1e6).toFixed(1)} MB); restore with pg_restore --dbname=… ${target}.`);
      } finally {
        await store.close();
      }
    });
}
