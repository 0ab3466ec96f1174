/** Personal API keys: a member's keys for writing through the JSON API. Only a hash of each key is kept. */
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { hashSecret, toUser, type User } from './account.repository.js';
import type { Database } from './schema.js';

export interface ApiKey {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A key as the member holds it: `pb_` and 43 base64url characters (32 random bytes). */
export const API_KEY_PATTERN = /^pb_[A-Za-z0-9_-]{43}$/;

export function newApiKey(): { secret: string; hash: string; prefix: string } {
  const secret = `pb_${crypto.randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, 9) };
}

type Row = { id: number; user_id: number; name: string; prefix: string; created_at: string; last_used_at: string | null };
const toKey = (r: Row): ApiKey => ({ id: Number(r.id), userId: Number(r.user_id), name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at });

export class ApiKeyRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  async create(userId: number, name: string, hash: string, prefix: string, now: string): Promise<ApiKey> {
    const r = await this.db
      .insertInto('api_keys')
      .values({ user_id: userId, name, prefix, token_hash: hash, created_at: now })
      .returning(['id', 'user_id', 'name', 'prefix', 'created_at', 'last_used_at'])
      .executeTakeFirstOrThrow();
    return toKey(r);
  }

  /** The member's keys that still work, newest first. */
  async activeOf(userId: number): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .select(['id', 'user_id', 'name', 'prefix', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toKey);
  }

  /** Revokes one of the member's keys; false when they have no such working key. */
  async revoke(userId: number, keyId: number, now: string): Promise<boolean> {
    const r = await this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', keyId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The working key with this secret and its member (not banned), or null. */
  async authenticate(secret: string): Promise<{ key: ApiKey; user: User } | null> {
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users', 'users.id', 'k.user_id')
      .selectAll('users')
      .select(['k.id as key_id', 'k.user_id as key_user_id', 'k.name as key_name', 'k.prefix as key_prefix', 'k.created_at as key_created_at', 'k.last_used_at as key_last_used_at'])
      .where('k.token_hash', '=', hashSecret(secret))
      .where('k.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    const key = toKey({ id: row.key_id, user_id: row.key_user_id, name: row.key_name, prefix: row.key_prefix, created_at: row.key_created_at, last_used_at: row.key_last_used_at });
    return { key, user: toUser(row) };
  }

  async touch(keyId: number, now: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
  }
}
