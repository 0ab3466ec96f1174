/**
 * The deployment recipe's nginx configuration (docs/deploy.md), run for real in front of two app instances over one
 * store: it is valid, spreads requests over both, caches anonymous pages but never a member's page or an API-key
 * request, passes its request id through, and keeps answering when one instance goes away.
 * Needs Debian's nginx; CI (PAPERBOY_REQUIRE_NGINX=1) fails without it, elsewhere the file skips with a message.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp, sqliteStore, tempDir } from './helpers/app.js';
import { listen } from './helpers/browser.js';
import { freePort, NGINX, recipeConfig } from './helpers/nginx.js';

if (!NGINX && process.env.PAPERBOY_REQUIRE_NGINX === '1') throw new Error('nginx is required (PAPERBOY_REQUIRE_NGINX=1) but not installed: apt-get install -y nginx-light');
if (!NGINX) console.warn('nginx.test.ts: skipping, nginx is not installed (apt-get install -y nginx-light). Set PAPERBOY_REQUIRE_NGINX=1 to make this a failure.');



describe.runIf(NGINX)('nginx in front of two instances (docs/deploy.md)', () => {
  let store: Store;
  const apps: FastifyInstance[] = [];
  const servers: Array<{ baseUrl: string; close: () => Promise<void> }> = [];
  let nginx: ChildProcess;
  let base = '';
  let dir = '';

  beforeAll(async () => {
    store = await sqliteStore();
    for (let i = 0; i < 2; i++) {
      const { app } = await seededApp({ store });
      apps.push(app);
      servers.push(await listen(app));
    }
    dir = tempDir('paperboy-nginx-');
    const port = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, recipeConfig(dir, port, [Number(new URL(servers[0]!.baseUrl).port), Number(new URL(servers[1]!.baseUrl).port)]));
    const check = spawnSync(NGINX!, ['-t', '-p', dir, '-c', conf], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(NGINX!, ['-p', dir, '-c', conf], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${base}/healthz`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }, 60_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    for (const s of servers) await s.close().catch(() => {});
    await store?.close();
  });

  it('caches anonymous pages for a minute, never a member’s page or a request with an API key', async () => {
    const first = await fetch(`${base}/papers/2505.20278`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect((await fetch(`${base}/papers/2505.20278`)).headers.get('x-cache')).toBe('HIT');
    const member = await fetch(`${base}/papers/2505.20278`, { headers: { cookie: 'pb_session=abc' } });
    expect(member.headers.get('x-cache')).toBe('BYPASS');
    const keyed = await fetch(`${base}/api/v1/papers/2505.20278`, { headers: { authorization: 'Bearer pb_nothing' } });
    expect(keyed.status).toBe(401);
    expect(keyed.headers.get('x-cache')).toBe('BYPASS');
  });

  it('keeps one cached copy per theme (cookie pb_theme): a visitor never gets a page in another visitor’s theme', async () => {
    const url = `${base}/papers/2505.20278?theme-cache=1`;
    const get = async (cookie?: string) => {
      const res = await fetch(url, cookie ? { headers: { cookie } } : {});
      return { cache: res.headers.get('x-cache'), html: /<html[^>]*>/.exec(await res.text())?.[0] };
    };
    expect(await get('pb_theme=dark')).toEqual({ cache: 'MISS', html: '<html lang="en" data-theme="dark">' });
    expect(await get()).toEqual({ cache: 'MISS', html: '<html lang="en">' });
    expect(await get('pb_theme=light')).toEqual({ cache: 'MISS', html: '<html lang="en" data-theme="light">' });
    expect(await get('pb_theme=dark')).toEqual({ cache: 'HIT', html: '<html lang="en" data-theme="dark">' });
    expect(await get()).toEqual({ cache: 'HIT', html: '<html lang="en">' });
    expect(await get('pb_theme=light')).toEqual({ cache: 'HIT', html: '<html lang="en" data-theme="light">' });
  });

  it('never confuses a theme with the end of an address: /search?q= in dark and /search?q=dark are two cached pages', async () => {
    const get = async (q: string, cookie?: string) => {
      const res = await fetch(`${base}/search?theme-key=1&q=${q}`, cookie ? { headers: { cookie } } : {});
      const html = await res.text();
      return { cache: res.headers.get('x-cache'), theme: /<html[^>]*data-theme="(\w+)"/.exec(html)?.[1] ?? null, q: /<input[^>]*name="q"[^>]*value="([^"]*)"/.exec(html)?.[1] ?? '' };
    };
    expect(await get('', 'pb_theme=dark')).toEqual({ cache: 'MISS', theme: 'dark', q: '' });
    expect(await get('dark')).toEqual({ cache: 'MISS', theme: null, q: 'dark' });
    // A cookie nginx would not read as "dark" (a space before the separator) is not read as dark by the app either.
    expect(await get('', 'pb_theme=dark ;x=1')).toMatchObject({ cache: 'MISS', theme: null });
  });

  it('passes its request id through to the instance and back', async () => {
    const res = await fetch(`${base}/api/v1/papers/2505.20278?fresh=${Date.now()}`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('spreads requests over both instances, and keeps answering when one goes away', async () => {
    const seen = new Set<number>();
    for (const [i, app] of apps.entries()) app.server.on('request', () => seen.add(i));
    for (let i = 0; i < 20; i++) expect((await fetch(`${base}/api/v1/search?q=grokking&n=${i}`)).status).toBe(200);
    expect(seen).toEqual(new Set([0, 1]));
    // Instance A stops answering (its socket closes, as when its process dies); the store stays, B shares it.
    apps[0]!.server.closeAllConnections();
    await new Promise((r) => apps[0]!.server.close(r));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${base}/api/v1/search?q=grokking&after=${i}`)).status);
    expect(statuses).toEqual(Array(20).fill(200));
  });
});
