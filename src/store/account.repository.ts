/**
 * Accounts (issue 4): users, one-time sign-in links and sessions. Secrets (the token in an emailed link, the session
 * cookie's value) are 256-bit random values handed to the caller once; only their SHA-256 is stored, so a copy of the
 * database signs nobody in. A sign-in link works once and only until it expires: consuming it is one conditional
 * update, so two clicks (or two servers) cannot both succeed.
 */
import crypto from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, Role, UsersTable } from './schema.js';

export interface User {
  id: number;
  email: string;
  displayName: string | null;
  affiliation: string | null;
  role: Role;
  bannedAt: string | null;
  createdAt: string;
  emailOnReply: boolean;
}

/** The name shown for a member: their display name, or `member N` until they choose one. */
export function memberName(u: { id: number; displayName: string | null }): string {
  return u.displayName ?? `member ${u.id}`;
}

/** A new random secret (base64url, 43 characters) and the hash stored for it. */
export function newSecret(): { secret: string; hash: string } {
  const secret = crypto.randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** The form addresses are kept in: trimmed and lower-cased (so one person has one account). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toUser(r: Selectable<UsersTable>): User {
  return {
    id: Number(r.id),
    email: r.email,
    displayName: r.display_name,
    affiliation: r.affiliation,
    role: r.role,
    bannedAt: r.banned_at,
    createdAt: r.created_at,
    emailOnReply: Number(r.email_on_reply) === 1,
  };
}

export class AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a sign-in token for `email` valid for `ttlMs`; returns the secret to put in the link. */
  async createLoginToken(email: string, now: Date, ttlMs: number): Promise<string> {
    const { secret, hash } = newSecret();
    await this.db
      .insertInto('login_tokens')
      .values({ token_hash: hash, email: normalizeEmail(email), created_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString(), used_at: null })
      .execute();
    return secret;
  }

  /** How many sign-in links were asked for `email` since `since` (for rate limits). */
  async loginTokensSince(email: string, since: Date): Promise<number> {
    const r = await this.db
      .selectFrom('login_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email', '=', normalizeEmail(email))
      .where('created_at', '>=', since.toISOString())
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Uses up a sign-in token: the address it was made for, or null when it is unknown, used or expired. */
  async consumeLoginToken(secret: string, now: Date): Promise<string | null> {
    const r = await this.db
      .updateTable('login_tokens')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', hashSecret(secret))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .returning('email')
      .executeTakeFirst();
    return r?.email ?? null;
  }

  /** Deletes tokens that expired before `before` (housekeeping). */
  async deleteExpiredTokens(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('login_tokens').where('expires_at', '<', before.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Removes sessions that ended before `before`. */
  async deleteExpiredSessions(before: Date): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<', before.toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** The user with this address, created on first sign-in. */
  async findOrCreateUser(email: string, now: Date): Promise<User> {
    const address = normalizeEmail(email);
    await this.db
      .insertInto('users')
      .values({ email: address, display_name: null, affiliation: null, banned_at: null, created_at: now.toISOString() })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', address).executeTakeFirstOrThrow();
    return toUser(row);
  }

  async userById(id: number): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async userByEmail(email: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async updateProfile(id: number, profile: { displayName: string | null; affiliation: string | null }): Promise<void> {
    await this.db.updateTable('users').set({ display_name: profile.displayName, affiliation: profile.affiliation }).where('id', '=', id).execute();
  }

  async setEmailOnReply(id: number, on: boolean): Promise<void> {
    await this.db.updateTable('users').set({ email_on_reply: on ? 1 : 0 }).where('id', '=', id).execute();
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.db.updateTable('users').set({ role }).where('id', '=', id).execute();
  }

  async setBanned(id: number, bannedAt: Date | null): Promise<void> {
    await this.db.updateTable('users').set({ banned_at: bannedAt?.toISOString() ?? null }).where('id', '=', id).execute();
  }

  /** Deletes the account and its personal data (sessions go with it; pending sign-in links for the address too). */
  async deleteUser(id: number): Promise<void> {
    const user = await this.userById(id);
    if (!user) return;
    await this.db.deleteFrom('login_tokens').where('email', '=', user.email).execute();
    await this.db.deleteFrom('sessions').where('user_id', '=', id).execute();
    await this.db.deleteFrom('users').where('id', '=', id).execute();
  }

  /** Starts a session for `userId` lasting `ttlMs`; returns the secret for the cookie. */
  async createSession(userId: number, now: Date, ttlMs: number): Promise<string> {
    const { secret, hash } = newSecret();
    await this.db
      .insertInto('sessions')
      .values({ id_hash: hash, user_id: userId, created_at: now.toISOString(), expires_at: new Date(now.getTime() + ttlMs).toISOString() })
      .execute();
    return secret;
  }

  /** The signed-in user of a session cookie, or null when the session is unknown or expired. */
  async sessionUser(secret: string, now: Date): Promise<User | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .where('sessions.id_hash', '=', hashSecret(secret))
      .where('sessions.expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  /** Signs one session out. */
  async deleteSession(secret: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashSecret(secret)).execute();
  }

  /** Signs a user out everywhere; returns how many sessions ended. */
  async deleteSessionsOf(userId: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
