/**
 * PostgreSQL restarted under load (issue 8): a `paperboy serve` process on a database of the test's own keeps
 * running while the database is down, `/readyz` says so (503, database check failing), and once the database is back
 * the instance reconnects by itself: `/readyz` is 200 again and requests succeed, with no restart of the instance.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { importFiles, SEED_PAPERS, tempDir } from './helpers/app.js';
import { PRIVATE_PG_AVAILABLE, type PrivatePostgres, startPrivatePostgres } from './helpers/private-pg.js';
import { BIN, serverUrl } from './helpers/serve.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const required = process.env.PAPERBOY_REQUIRE_PG === '1';
if (!PRIVATE_PG_AVAILABLE && required) throw new Error('PostgreSQL 15 server binaries are required (PAPERBOY_REQUIRE_PG=1) but /usr/lib/postgresql/15/bin/initdb is missing.');

describe.runIf(PRIVATE_PG_AVAILABLE)('PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let child: ChildProcess;
  let base = '';

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const store = new Store(openDatabase({ dialect: 'postgres', url: pg.url }));
    await store.migrate();
    await importFiles(store, SEED_PAPERS);
    await store.close();
    child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', tempDir()], {
      env: { ...process.env, DATABASE_URL: pg.url, PAPERBOY_DEMO: '0', LOG_LEVEL: 'fatal', PAPERBOY_EMBEDDER: 'none', RATE_LIMIT_PER_MINUTE: '1000000', API_REQUESTS_PER_MINUTE: '1000000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.resume();
    base = await serverUrl(child);
  }, 60_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    pg?.destroy();
  });

  it('reports the outage on /readyz and reconnects by itself when the database is back', async () => {
    // A steady load for the whole test: one request every 20 ms.
    const statuses: Array<{ at: number; status: number }> = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const status = await fetch(`${base}/api/v1/papers/2505.20278`).then((r) => r.status, () => 0);
        statuses.push({ at: Date.now(), status });
        await wait(20);
      }
    })();
    const ready = async () => {
      const r = await fetch(`${base}/readyz`);
      return { status: r.status, body: (await r.json()) as { checks: { database: { ok: boolean } } } };
    };
    await wait(500);
    expect((await ready()).status).toBe(200);

    pg.stop();
    const downAt = Date.now();
    let down = await ready();
    for (let i = 0; i < 50 && down.status !== 503; i++) down = (await wait(100), await ready());
    expect(down.status).toBe(503);
    expect(down.body.checks.database.ok).toBe(false);
    await wait(1000);
    expect(child.exitCode).toBeNull(); // the instance rides out the outage

    pg.start();
    const upAt = Date.now();
    let up = await ready();
    for (let i = 0; i < 150 && up.status !== 200; i++) up = (await wait(100), await ready());
    expect(up.status).toBe(200);
    const reconnectedMs = Date.now() - upAt;
    await wait(1000);
    loading = false;
    await load;

    const before = statuses.filter((s) => s.at < downAt);
    const after = statuses.filter((s) => s.at > upAt + reconnectedMs + 200);
    const during = statuses.filter((s) => s.at >= downAt && s.at <= upAt);
    console.log(`db-restart: ${before.length} requests before (all 200), ${during.length} during the outage (statuses ${[...new Set(during.map((s) => s.status))].join(", ")}), ready again ${reconnectedMs} ms after the database came back, ${after.length} after`);
    // Requests that needed the database while it was down were told to come back (503), not that the server broke.
    expect(during.filter((s) => s.status !== 200).every((s) => s.status === 503 || s.status === 0)).toBe(true);
    expect(before.length).toBeGreaterThan(5);
    expect(before.every((s) => s.status === 200)).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((s) => s.status === 200)).toBe(true);
    expect(child.exitCode).toBeNull();
  }, 60_000);
});
