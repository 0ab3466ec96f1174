/** Accounts in the store (issue 4): sign-in tokens, users and sessions, identically on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../src/store/account.repository.js';
import type { Store } from '../src/store/store.js';
import { dialects } from './helpers/db.js';

const T0 = new Date('2026-11-26T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const FIFTEEN_MINUTES = 15 * 60_000;
const THIRTY_DAYS = 30 * 24 * 60 * 60_000;

describe.each(dialects)('accounts on $name', ({ name, available, open }) => {
  describe.runIf(available)(`account repository (${name})`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores only the hash of a sign-in token, which works once and only until it expires', async () => {
      const secret = await store.accounts.createLoginToken('  Ada@Example.ORG ', T0, FIFTEEN_MINUTES);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await store.db.kysely.selectFrom('login_tokens').selectAll().execute();
      expect(rows.map((r) => r.token_hash)).toContain(hashSecret(secret));
      expect(JSON.stringify(rows)).not.toContain(secret);

      expect(await store.accounts.consumeLoginToken(secret, at(14))).toBe('ada@example.org');
      expect(await store.accounts.consumeLoginToken(secret, at(14))).toBeNull(); // replayed

      const late = await store.accounts.createLoginToken('ada@example.org', T0, FIFTEEN_MINUTES);
      expect(await store.accounts.consumeLoginToken(late, at(15))).toBeNull(); // expired
      expect(await store.accounts.consumeLoginToken('not-a-token', at(1))).toBeNull();
      expect(await store.accounts.loginTokensSince('ADA@example.org', at(-1))).toBe(2);
      expect(await store.accounts.deleteExpiredTokens(at(60))).toBeGreaterThanOrEqual(2);
    });

    it('lets one of two simultaneous uses of a link win', async () => {
      const secret = await store.accounts.createLoginToken('race@example.org', T0, FIFTEEN_MINUTES);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.accounts.consumeLoginToken(secret, at(1))));
      expect(results.filter((r) => r !== null)).toEqual(['race@example.org']);
    });

    it('creates a user on first sign-in, once per address', async () => {
      const a = await store.accounts.findOrCreateUser('Grace@Example.org', T0);
      const b = await store.accounts.findOrCreateUser('grace@example.org', at(5));
      expect(b).toEqual(a);
      expect(a).toMatchObject({ email: 'grace@example.org', role: 'user', displayName: null, bannedAt: null, createdAt: T0.toISOString() });
      await store.accounts.updateProfile(a.id, { displayName: 'Grace <b>Hopper</b>', affiliation: 'Navy' });
      await store.accounts.setRole(a.id, 'moderator');
      expect(await store.accounts.userByEmail('GRACE@example.org')).toMatchObject({ displayName: 'Grace <b>Hopper</b>', affiliation: 'Navy', role: 'moderator' });
    });

    it('keeps sessions by hash, ends one or all of them, and forgets expired ones', async () => {
      const user = await store.accounts.findOrCreateUser('alan@example.org', T0);
      const phone = await store.accounts.createSession(user.id, T0, THIRTY_DAYS);
      const laptop = await store.accounts.createSession(user.id, T0, THIRTY_DAYS);
      expect(phone).not.toBe(laptop);
      expect((await store.accounts.sessionUser(phone, at(10)))?.email).toBe('alan@example.org');
      expect(await store.accounts.sessionUser(phone, at(THIRTY_DAYS / 60_000))).toBeNull(); // expired
      expect(await store.accounts.sessionUser('forged', at(10))).toBeNull();

      await store.accounts.deleteSession(phone);
      expect(await store.accounts.sessionUser(phone, at(10))).toBeNull();
      expect(await store.accounts.sessionUser(laptop, at(10))).not.toBeNull();

      await store.accounts.createSession(user.id, T0, THIRTY_DAYS);
      expect(await store.accounts.deleteSessionsOf(user.id)).toBe(2);
      expect(await store.accounts.sessionUser(laptop, at(10))).toBeNull();
    });

    it('deletes an account with its sessions and pending links', async () => {
      const user = await store.accounts.findOrCreateUser('leaving@example.org', T0);
      const session = await store.accounts.createSession(user.id, T0, THIRTY_DAYS);
      const link = await store.accounts.createLoginToken('leaving@example.org', T0, FIFTEEN_MINUTES);
      await store.accounts.deleteUser(user.id);
      expect(await store.accounts.userById(user.id)).toBeNull();
      expect(await store.accounts.sessionUser(session, at(1))).toBeNull();
      expect(await store.accounts.consumeLoginToken(link, at(1))).toBeNull();
      await store.accounts.deleteUser(user.id); // twice is fine
    });

    it('records bans', async () => {
      const user = await store.accounts.findOrCreateUser('spam@example.org', T0);
      await store.accounts.setBanned(user.id, at(3));
      expect((await store.accounts.userById(user.id))?.bannedAt).toBe(at(3).toISOString());
      await store.accounts.setBanned(user.id, null);
      expect((await store.accounts.userById(user.id))?.bannedAt).toBeNull();
    });
  });
});
