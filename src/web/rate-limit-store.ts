/**
 * A store for @fastify/rate-limit that keeps the counters in the database, so several app instances behind a load
 * balancer share one count per client, key or member (the plugin's own store is per process). Fixed windows, like
 * the plugin's local store; one upsert per counted request. Expired rows are pruned now and then.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimitRepository } from '../store/rate-limit.repository.js';

interface StoreResult {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, res?: StoreResult) => void;

const PRUNE_EVERY = 1000;
const PRUNE_AFTER_MS = 3_600_000;

/** A store class for `rateLimit({ store })`, over `repo`. */
export function databaseRateLimitStore(repo: RateLimitRepository): FastifyRateLimitStoreCtor {
  let hits = 0;
  return class DatabaseRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _params?: unknown,
      private readonly namespace = 'rl:',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number): void {
      const now = Date.now();
      repo.hit(this.namespace + key, timeWindow, now).then(
        ({ count, resetAt }) => {
          if (++hits % PRUNE_EVERY === 0) repo.prune(now - PRUNE_AFTER_MS).catch(() => {});
          cb(null, { current: count, ttl: Math.max(0, resetAt - now) });
        },
        (err: Error) => cb(err),
      );
    }

    read(key: string, cb: Callback): void {
      const now = Date.now();
      repo.read(this.namespace + key, now).then(
        (r) => cb(null, r ? { current: r.count, ttl: Math.max(0, r.resetAt - now) } : { current: 0, ttl: 0 }),
        (err: Error) => cb(err),
      );
    }

    /** A route's own limit counts apart from the others (as the plugin's local and Redis stores do). */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const info = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      const route = info?.url ? `${info.method ?? ''}${info.url}-` : '';
      return new DatabaseRateLimitStore(routeOptions, `${this.namespace}${route}`);
    }
  };
}
