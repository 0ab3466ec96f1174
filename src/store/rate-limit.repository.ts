/** Rate-limit counters in the store, so every app instance counts against the same limits (fixed windows). */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export class RateLimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Counts one hit on `key` in a window of `windowMs` starting at its first hit; returns the hits in the current window
   * and when it ends. One statement (an upsert), so concurrent hits from several instances all count.
   */
  async hit(key: string, windowMs: number, nowMs: number): Promise<{ count: number; resetAt: number }> {
    const end = nowMs + windowMs;
    const r = await this.db
      .insertInto('rate_limits')
      .values({ key, count: 1, reset_at: end })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql`case when rate_limits.reset_at <= ${nowMs} then 1 else rate_limits.count + 1 end`,
          reset_at: sql`case when rate_limits.reset_at <= ${nowMs} then ${end} else rate_limits.reset_at end`,
        }),
      )
      .returning(['count', 'reset_at'])
      .executeTakeFirstOrThrow();
    return { count: Number(r.count), resetAt: Number(r.reset_at) };
  }

  /** The current window of `key` without counting a hit. */
  async read(key: string, nowMs: number): Promise<{ count: number; resetAt: number } | null> {
    const r = await this.db.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).where('reset_at', '>', nowMs).executeTakeFirst();
    return r ? { count: Number(r.count), resetAt: Number(r.reset_at) } : null;
  }

  /** Forgets windows that ended before `beforeMs`; returns how many. */
  async prune(beforeMs: number): Promise<number> {
    const r = await this.db.deleteFrom('rate_limits').where('reset_at', '<', beforeMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
