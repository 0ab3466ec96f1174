/**
 * Rate limits of the v1 API under a burst, over real loopback HTTP: per client address without a key, per key with
 * one (each key its own budget), and writes per key. Refusals are 429 in the API's error shape with `Retry-After` and
 * the RateLimit fields; every limit recovers once its window has passed. The window is shortened to 2 s
 * (API_RATE_WINDOW_SECONDS) so the recovery is seen in the test.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp } from './helpers/app.js';
import { listen } from './helpers/browser.js';

const WINDOW_S = 2;
const PER_ADDRESS = 6;
const PER_KEY = 10;
const WRITES_PER_KEY = 3;

describe('v1 API rate limits under a burst (loopback HTTP)', () => {
  let app: FastifyInstance;
  let base: string;
  let close: () => Promise<void>;
  let keyA: string;
  let keyB: string;
  let keyB2: string;

  beforeAll(async () => {
    const seeded = await seededApp({
      env: { API_REQUESTS_PER_MINUTE: String(PER_ADDRESS), API_KEY_REQUESTS_PER_MINUTE: String(PER_KEY), API_KEY_WRITES_PER_MINUTE: String(WRITES_PER_KEY), API_RATE_WINDOW_SECONDS: String(WINDOW_S) },
    });
    app = seeded.app;
    const { store, community } = seeded;
    const ada = await store.accounts.findOrCreateUser('burst-ada@example.org', new Date(Date.now() - 30 * 86_400_000));
    const bob = await store.accounts.findOrCreateUser('burst-bob@example.org', new Date(Date.now() - 30 * 86_400_000));
    keyA = (await community.apiKeys.create(ada, 'a')).secret;
    keyB = (await community.apiKeys.create(bob, 'b')).secret;
    keyB2 = (await community.apiKeys.create(bob, 'b2')).secret;
    ({ baseUrl: base, close } = await listen(app));
  });
  afterAll(() => close?.());

  const get = (path: string, key?: string) => fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const burst = (n: number, f: () => Promise<Response>) => Promise.all(Array.from({ length: n }, f));
  const statuses = (rs: Response[]) => rs.map((r) => r.status).sort();
  /** Waits until the window that started with the burst has surely passed. */
  const nextWindow = () => new Promise((r) => setTimeout(r, WINDOW_S * 1000 + 300));

  it('without a key: the address gets its quota, then 429s with Retry-After and RateLimit fields, then recovers', async () => {
    await nextWindow();
    const rs = await burst(PER_ADDRESS + 9, () => get('/api/v1/trending?limit=1'));
    expect(statuses(rs)).toEqual([...Array(PER_ADDRESS).fill(200), ...Array(9).fill(429)]);
    const ok = rs.find((r) => r.status === 200)!;
    expect(ok.headers.get('ratelimit-policy')).toBe(`${PER_ADDRESS};w=${WINDOW_S}`);
    expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`^limit=${PER_ADDRESS}, remaining=\\d+, reset=\\d+$`));
    const refused = rs.find((r) => r.status === 429)!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
    expect(refused.headers.get('ratelimit')).toMatch(new RegExp(`^limit=${PER_ADDRESS}, remaining=0, reset=\\d+$`));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-policy')).toBe(`${PER_ADDRESS};w=${WINDOW_S}`);
    const body = await refused.json();
    expect(body).toMatchObject({ statusCode: 429, error: 'Too many requests', code: 'rate_limited' });
    expect(body.message).toContain(`at most ${PER_ADDRESS} per ${WINDOW_S} seconds`);
    // The Hugging Face-compatible API and pages are not counted against the v1 budget.
    expect((await get('/api/daily_papers')).status).toBe(200);
    // Recovery: after Retry-After, the address is served again.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 300));
    const again = await get('/api/v1/trending?limit=1');
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit')).toMatch(new RegExp(`^limit=${PER_ADDRESS}, remaining=${PER_ADDRESS - 1}, `));
  });

  it('with a key: the key has its own, larger budget, separate from the address and from other keys', async () => {
    await nextWindow();
    // Use up the address's anonymous budget first: keyed requests from the same address still pass.
    await burst(PER_ADDRESS + 1, () => get('/api/v1/trending?limit=1'));
    expect((await get('/api/v1/trending?limit=1')).status).toBe(429);
    const rs = await burst(PER_KEY + 5, () => get('/api/v1/me', keyA));
    expect(statuses(rs)).toEqual([...Array(PER_KEY).fill(200), ...Array(5).fill(429)]);
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.headers.get('ratelimit-policy')).toBe(`${PER_KEY};w=${WINDOW_S}`);
    expect((await refused.json()).message).toContain('Too many requests with this key');
    // Another key is untouched.
    const other = await get('/api/v1/me', keyB);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit')).toMatch(new RegExp(`^limit=${PER_KEY}, remaining=${PER_KEY - 1}, `));
    await nextWindow();
    expect((await get('/api/v1/me', keyA)).status).toBe(200);
    expect((await get('/api/v1/trending?limit=1')).status).toBe(200);
  });

  it('keys that do not work count against the address, so guessing keys is limited too', async () => {
    await nextWindow();
    const guess = () => get('/api/v1/trending?limit=1', `pb_${'A'.repeat(43)}`);
    const rs = await burst(PER_ADDRESS + 4, guess);
    expect(statuses(rs)).toEqual([...Array(PER_ADDRESS).fill(401), ...Array(4).fill(429)]);
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.headers.get('ratelimit-policy')).toBe(`${PER_ADDRESS};w=${WINDOW_S}`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A working key from the same address is not held back by the guesses.
    expect((await get('/api/v1/me', keyA)).status).toBe(200);
  });

  it('writes with a key have a tighter budget of their own, and recover', async () => {
    await nextWindow();
    const vote = () => fetch(`${base}/api/v1/papers/2505.20278/vote`, { method: 'PUT', headers: { authorization: `Bearer ${keyB}` } });
    const rs = await burst(WRITES_PER_KEY + 4, vote);
    expect(statuses(rs)).toEqual([...Array(WRITES_PER_KEY).fill(200), ...Array(4).fill(429)]);
    const refused = rs.find((r) => r.status === 429)!;
    expect(refused.headers.get('ratelimit-policy')).toBe(`${WRITES_PER_KEY};w=${WINDOW_S}`);
    expect((await refused.json()).message).toContain('Too many writes from your account');
    // Reads with the same key still pass: only writes are spent.
    expect((await get('/api/v1/me', keyB)).status).toBe(200);
    // The write budget is the member's: another of their keys does not add to it.
    const second = await fetch(`${base}/api/v1/papers/2505.20278/vote`, { method: 'PUT', headers: { authorization: `Bearer ${keyB2}` } });
    expect(second.status).toBe(429);
    await nextWindow();
    expect((await vote()).status).toBe(200);
  });
});
