/**
 * Two app instances over one database share their rate-limit counts (RATE_LIMIT_STORE=database, the default on
 * PostgreSQL): a client cannot double its allowance by alternating between instances behind a load balancer.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';

const ENV = { RATE_LIMIT_STORE: 'database', API_REQUESTS_PER_MINUTE: '6', API_KEY_REQUESTS_PER_MINUTE: '8' };

describe.each(dialects)('shared rate limits on $name', ({ name, available, open }) => {
  describe.runIf(available)(`two instances, one count (${name})`, () => {
    let a: FastifyInstance;
    let b: FastifyInstance;
    let store: Store;
    let key: string;
    beforeAll(async () => {
      store = await open();
      const first = await seededApp({ store, env: ENV });
      a = first.app;
      b = (await seededApp({ store, env: ENV })).app;
      const u = await store.accounts.findOrCreateUser(`limits-${name}@example.org`, new Date(Date.now() - 86_400_000 * 30));
      key = (await first.community.apiKeys.create(u, 'shared')).secret;
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('counts an address’s API requests across both instances', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await (i % 2 ? b : a).inject({ url: '/api/v1/trending?limit=1', remoteAddress: '198.51.100.7' })).statusCode);
      expect(statuses).toEqual([...Array(6).fill(200), ...Array(4).fill(429)]);
      // Another address is counted apart.
      expect((await b.inject({ url: '/api/v1/trending?limit=1', remoteAddress: '198.51.100.8' })).statusCode).toBe(200);
      // The count lives in the store.
      expect((await store.rateLimits.read('rl:v1:ip:198.51.100.7', Date.now()))?.count).toBe(10);
    });

    it('counts a key across both instances, and the site-wide limit too', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await (i % 2 ? b : a).inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } })).statusCode);
      expect(statuses).toEqual([...Array(8).fill(200), ...Array(2).fill(429)]);
      const remaining = (res: { headers: Record<string, unknown> }) => Number(res.headers['ratelimit-remaining']);
      const r1 = await a.inject({ url: '/', remoteAddress: '198.51.100.9' });
      const r2 = await b.inject({ url: '/', remoteAddress: '198.51.100.9' });
      expect(remaining(r2)).toBe(remaining(r1) - 1);
    });
  });
});
