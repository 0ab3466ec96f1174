/** Server-wide settings kept in the store, so every app instance and worker shares them (e.g. the signing secret). */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  /** Stores `value` under `key`, replacing what was there. */
  async set(key: string, value: string): Promise<void> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  /** Stores `value` unless the key has one already; returns the stored value (the first writer wins, on any instance). */
  async getOrSet(key: string, value: string): Promise<string> {
    await this.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return (await this.get(key))!;
  }

  /**
   * Takes (or renews) the lease `name` for `owner` until now + ttl when it is free, expired or already theirs; true when
   * `owner` holds it afterwards. One atomic upsert, so of several instances asking at once exactly one gets it. The
   * value is "<ISO expiry> <owner>", so an expired lease compares below the current time.
   */
  async lease(name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
    const key = `lease:${name}`;
    const value = `${new Date(now.getTime() + ttlMs).toISOString()} ${owner}`;
    await this.db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }).where((eb) => eb.or([eb('settings.value', '<', now.toISOString()), eb('settings.value', 'like', `% ${owner}`)])))
      .execute();
    return (await this.get(key))?.endsWith(` ${owner}`) ?? false;
  }

  /** Gives the lease back if `owner` holds it. */
  async release(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', `lease:${name}`).where('value', 'like', `% ${owner}`).execute();
  }
}
