/**
 * A PostgreSQL 15 server of a test's own (initdb in a temp folder, a free port), for tests that stop and start the
 * database: the shared test cluster must keep serving the other test files. Runs as the postgres user when the tests
 * run as root (PostgreSQL refuses to run as root).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './app.js';
import { freePort } from './nginx.js';

const BIN = '/usr/lib/postgresql/15/bin';
export const PRIVATE_PG_AVAILABLE = fs.existsSync(path.join(BIN, 'initdb'));

export interface PrivatePostgres {
  url: string;
  start(): void;
  stop(): void;
  destroy(): void;
}

function run(cmd: string, args: string[]): void {
  if (process.getuid?.() === 0) {
    const line = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', line], { stdio: 'pipe' });
  } else {
    execFileSync(cmd, args, { stdio: 'pipe' });
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = tempDir('paperboy-pg-');
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres', dir]);
  const data = path.join(dir, 'data');
  run(path.join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'paperboy', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const pg: PrivatePostgres = {
    url: `postgres://paperboy@127.0.0.1:${port}/postgres`,
    start: () => run(path.join(BIN, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']),
    stop: () => run(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
    destroy: () => {
      try {
        pg.stop();
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}
