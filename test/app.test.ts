/** Cross-cutting behaviour of the web app: security headers, rate limits, errors without stack traces. */
import { describe, expect, it } from 'vitest';
import { FeedService } from '../src/services/feed.service.js';
import { createApp } from '../src/web/app.js';
import { sqliteStore } from './helpers/app.js';

async function app(rateLimitPerMinute?: number, trustProxy?: boolean | number) {
  const store = await sqliteStore();
  const a = await createApp({ feed: new FeedService(store), logLevel: 'silent', rateLimitPerMinute, trustProxy });
  a.addHook('onClose', () => store.close());
  return a;
}

describe('web app', () => {
  it('sends a content security policy and other protective headers', async () => {
    const a = await app();
    const res = await a.inject({ url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    await a.close();
  });

  it('limits requests per client with 429 and RateLimit headers, in JSON for the API', async () => {
    const a = await app(3);
    for (let i = 0; i < 3; i++) expect((await a.inject({ url: '/api/daily_papers' })).statusCode).not.toBe(429);
    const res = await a.inject({ url: '/api/daily_papers' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['ratelimit-policy']).toBe('3;w=60');
    expect(res.headers['ratelimit-limit']).toBe('3');
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.json()).toMatchObject({ error: 'Too many requests', statusCode: 429 });
    const page = await a.inject({ url: '/' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    await a.close();
  });

  it('behind a trusted proxy, limits each forwarded client separately', async () => {
    const a = await app(2, 1);
    const from = (ip: string) => a.inject({ url: '/favicon.ico', headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).statusCode).toBe(204);
    expect((await from('203.0.113.1')).statusCode).toBe(204);
    expect((await from('203.0.113.1')).statusCode).toBe(429);
    expect((await from('203.0.113.2')).statusCode).toBe(204);
    await a.close();
    const untrusting = await app(2);
    for (const ip of ['203.0.113.1', '203.0.113.2']) await untrusting.inject({ url: '/favicon.ico', headers: { 'x-forwarded-for': ip } });
    expect((await untrusting.inject({ url: '/favicon.ico', headers: { 'x-forwarded-for': '203.0.113.3' } })).statusCode).toBe(429);
    await untrusting.close();
  });

  it('answers unknown paths with a 404 page, and API paths with JSON', async () => {
    const a = await app();
    const page = await a.inject({ url: '/no/such/page' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('404 · Not found');
    const api = await a.inject({ url: '/api/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: 'Not found', code: 'not_found', message: 'Nothing lives at /api/nothing.', statusCode: 404 });
    await a.close();
  });
});
