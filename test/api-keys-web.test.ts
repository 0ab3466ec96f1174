/**
 * Personal API keys on the account page (issue 7), against the real app on a real SQLite file and a real PostgreSQL:
 * a key made through the page is shown once (on a `no-store` page, never again), the store keeps only its SHA-256,
 * it works as `Authorization: Bearer …` on the JSON API (who am I, an upvote) and stops working when revoked through
 * the page, when its member deletes their account or is suspended. Forms need their CSRF token; a member cannot
 * revoke another's key; names are checked and a member holds at most 20 working keys.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_API_KEYS } from '../src/services/api-key.service.js';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { signedInMember, type WebClient } from './helpers/web-client.js';

const PAPER = '2505.20278'; // a seed paper in the feed
const SECRET = /pb_[A-Za-z0-9_-]{43}/g;

/** The secret a "key made" page shows in its read-only field. */
function shownSecret(page: LightMyRequestResponse): string {
  const m = /<input id="new-api-key-secret"[^>]* value="(pb_[A-Za-z0-9_-]{43})"/.exec(page.body);
  if (!m) throw new Error(`no new key on the page:\n${page.body}`);
  return m[1]!;
}

/** The API keys section of the account page. */
function keysSection(html: string): string {
  const start = html.indexOf('<h2 id="api-keys">');
  expect(start, 'the account page has an API keys section').toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** Key ids in the list of working keys (from the revoke forms). */
function listedKeyIds(html: string): number[] {
  return [...html.matchAll(/action="\/account\/api-keys\/(\d+)\/revoke"/g)].map((m) => Number(m[1]));
}

for (const { name, available, open } of dialects) {
  describe.runIf(available)(`API keys on the account page (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open() }));
    });
    afterAll(() => app.close());

    const me = (secret: string) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } });
    const userId = async (email: string) => (await store.accounts.findOrCreateUser(email, new Date()))!.id;

    async function makeKey(client: WebClient, keyName: string): Promise<{ page: LightMyRequestResponse; secret: string }> {
      const page = await client.post('/account/api-keys', { name: keyName });
      expect(page.statusCode, page.body).toBe(200);
      return { page, secret: shownSecret(page) };
    }

    it('makes a key through the page, shows its secret once on a no-store page, and keeps only its hash', async () => {
      const ada = await signedInMember(app, store, `ada-${name}@example.org`, { name: 'Ada L.' });
      const before = await ada.get('/account');
      const section = keysSection(before.body);
      expect(section).toContain('href="/api/docs"');
      expect(section).toContain('Authorization: Bearer pb_…');
      expect(section).toContain('we store only a hash of it');
      expect(section).toContain('You have no API keys.');
      expect(section).toContain('action="/account/api-keys#api-keys"');

      // A hostile name is shown as text.
      const { page, secret } = await makeKey(ada, 'laptop <img src=x onerror=alert(1)>');
      expect(page.headers['cache-control']).toBe('no-store'); // not turned into "private, no-cache" by the session hook
      const shown = keysSection(page.body);
      expect(shown).toContain('it will not be shown again');
      expect(shown).toContain('readonly');
      expect(shown).toContain('Your new key “laptop &lt;img src=x onerror=alert(1)>”');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body.match(SECRET)).toEqual([secret]); // once, in the field
      expect(shown).toContain(`<code>${secret.slice(0, 9)}…</code>`); // and listed by its prefix

      // Stored hashed: the row holds the SHA-256, never the secret.
      const rows = await store.db.kysely.selectFrom('api_keys').selectAll().where('user_id', '=', await userId(`ada-${name}@example.org`)).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(secret);

      // The next page lists the key by name and prefix only.
      const after = await ada.get('/account');
      expect(after.headers['cache-control']).toBe('private, no-cache');
      expect(after.body).not.toContain(secret);
      expect(after.body.match(SECRET)).toBeNull();
      const listed = keysSection(after.body);
      expect(listed).toContain('laptop &lt;img src=x onerror=alert(1)>');
      expect(listed).toContain(`<code>${secret.slice(0, 9)}…</code>`);
      expect(listed).toMatch(/<td><span class="muted">never<\/span><\/td>/);
      expect(listed).not.toContain('it will not be shown again');
    });

    it('works as a Bearer key on the JSON API: who it belongs to, and a write', async () => {
      const bob = await signedInMember(app, store, `bob-${name}@example.org`, { name: 'Bob B.' });
      const { secret } = await makeKey(bob, 'reading robot');
      const res = await me(secret);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('private, no-store');
      const body = res.json() as { id: number; name: string; key: { id: number; name: string; prefix: string } };
      expect(body).toMatchObject({ id: await userId(`bob-${name}@example.org`), name: 'Bob B.', key: { name: 'reading robot', prefix: secret.slice(0, 9) } });

      const before = (await store.feed.entry(PAPER))!.upvotes;
      const vote = await app.inject({ method: 'PUT', url: `/api/v1/papers/${PAPER}/vote`, headers: { authorization: `Bearer ${secret}` } });
      expect(vote.statusCode, vote.body).toBe(200);
      expect(vote.json()).toMatchObject({ paper_id: PAPER, upvoted: true, upvotes: before + 1 });

      // The page now says when the key was last used.
      const listed = keysSection((await bob.get('/account')).body);
      expect(listed).not.toContain('never');
      expect(listed).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time><\/td><td><form/);
    });

    it('revokes a key through the page (POST, then redirect): the API refuses it with 401 and WWW-Authenticate', async () => {
      const cy = await signedInMember(app, store, `cy-${name}@example.org`);
      const { page, secret } = await makeKey(cy, 'old script');
      const { secret: other } = await makeKey(cy, 'kept script');
      const [id] = listedKeyIds(page.body);
      expect((await me(secret)).statusCode).toBe(200);

      const revoked = await cy.post(`/account/api-keys/${id}/revoke`, {});
      expect(revoked.statusCode).toBe(303);
      expect(revoked.headers.location).toBe('/account?revoked=1#api-keys');
      const shown = await cy.get('/account?revoked=1');
      expect(keysSection(shown.body)).toContain('Key revoked.');
      expect(listedKeyIds(shown.body)).not.toContain(id);
      expect(keysSection(shown.body)).toContain('kept script');
      expect(keysSection(shown.body)).not.toContain('old script');

      const refused = await me(secret);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
      expect((await me(other)).statusCode).toBe(200); // the other key still works

      // Revoking it again: there is no such working key.
      const again = await cy.post(`/account/api-keys/${id}/revoke`, {});
      expect(again.statusCode).toBe(404);
      expect(keysSection(again.body)).toContain('You have no such key');
    });

    it('needs the CSRF token to make or revoke a key, and refuses cross-site forms', async () => {
      const dee = await signedInMember(app, store, `dee-${name}@example.org`);
      const noToken = await dee.post('/account/api-keys', { name: 'sneaky' }, { csrf: false });
      expect(noToken.statusCode).toBe(403);
      expect(noToken.body).not.toMatch(SECRET);
      const crossSite = await dee.post('/account/api-keys', { name: 'sneaky' }, { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
      expect(crossSite.statusCode).toBe(403);
      expect(await store.apiKeys.activeOf(await userId(`dee-${name}@example.org`))).toEqual([]);

      const { page, secret } = await makeKey(dee, 'real one');
      const [id] = listedKeyIds(page.body);
      expect((await dee.post(`/account/api-keys/${id}/revoke`, {}, { csrf: false })).statusCode).toBe(403);
      expect((await dee.post(`/account/api-keys/${id}/revoke`, {}, { headers: { 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
      expect((await me(secret)).statusCode).toBe(200);
    });

    it('does not let another member revoke (or see) your key', async () => {
      const eve = await signedInMember(app, store, `eve-${name}@example.org`);
      const mallory = await signedInMember(app, store, `mallory-${name}@example.org`);
      const { page, secret } = await makeKey(eve, 'eve laptop');
      const [id] = listedKeyIds(page.body);

      const attempt = await mallory.post(`/account/api-keys/${id}/revoke`, {});
      expect(attempt.statusCode).toBe(404);
      expect(keysSection(attempt.body)).toContain('You have no such key');
      expect(attempt.body).not.toContain('eve laptop');
      expect((await mallory.get('/account')).body).not.toContain('eve laptop');
      for (const bad of ['0', 'abc', '99999999999999999999']) expect((await mallory.post(`/account/api-keys/${bad}/revoke`, {})).statusCode, bad).toBe(404);

      expect((await me(secret)).statusCode).toBe(200);
      expect(listedKeyIds((await eve.get('/account')).body)).toEqual([id]);
    });

    it('signed out, the forms send you to sign in and make nothing', async () => {
      const fay = await signedInMember(app, store, `fay-${name}@example.org`);
      const { page } = await makeKey(fay, 'fay key');
      const [id] = listedKeyIds(page.body);
      fay.cookies.delete('pb_session');
      const made = await fay.post('/account/api-keys', { name: 'anonymous' });
      expect(made.statusCode).toBe(303);
      expect(made.headers.location).toBe('/auth/signin?next=%2Faccount');
      expect((await fay.post(`/account/api-keys/${id}/revoke`, {})).statusCode).toBe(303);
      expect((await store.apiKeys.activeOf(await userId(`fay-${name}@example.org`))).map((k) => k.name)).toEqual(['fay key']);
    });

    it('refuses an empty or too long name (400) and a 21st key (409) on the page, keeping the typed name', async () => {
      const gus = await signedInMember(app, store, `gus-${name}@example.org`);
      const empty = await gus.post('/account/api-keys', { name: '   ' });
      expect(empty.statusCode).toBe(400);
      expect(empty.headers['cache-control']).toBe('private, no-cache');
      expect(keysSection(empty.body)).toContain('Name the key after where it will be used');
      expect(empty.body).toContain('role="alert"');

      const long = 'a name far too long for a key '.repeat(3);
      const tooLong = await gus.post('/account/api-keys', { name: long });
      expect(tooLong.statusCode).toBe(400);
      expect(keysSection(tooLong.body)).toContain('at most 60 characters');
      expect(tooLong.body).toContain(`value="${long}"`);
      expect(tooLong.body).not.toMatch(SECRET);

      const missing = await gus.post('/account/api-keys', {});
      expect(missing.statusCode).toBe(400);

      for (let i = 1; i <= MAX_API_KEYS; i++) await makeKey(gus, `machine ${i}`);
      const over = await gus.post('/account/api-keys', { name: 'one too many' });
      expect(over.statusCode).toBe(409);
      expect(keysSection(over.body)).toContain(`You have ${MAX_API_KEYS} keys`);
      expect(over.body).toContain('value="one too many"');
      expect(over.body).not.toMatch(SECRET);
      expect(listedKeyIds(over.body)).toHaveLength(MAX_API_KEYS);

      // Revoking one makes room again.
      await gus.post(`/account/api-keys/${listedKeyIds(over.body)[0]}/revoke`, {});
      await gus.get('/account');
      await makeKey(gus, 'one too many');
    });

    it('keys stop working when their member deletes the account (the rows go with it)', async () => {
      const email = `hal-${name}@example.org`;
      const hal = await signedInMember(app, store, email);
      const { secret } = await makeKey(hal, 'to be deleted');
      const id = await userId(email);
      expect((await me(secret)).statusCode).toBe(200);

      const gone = await hal.post('/account/delete', { confirm: 'DELETE' });
      expect(gone.statusCode).toBe(200);
      const refused = await me(secret);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(await store.db.kysely.selectFrom('api_keys').select('id').where('user_id', '=', id).execute()).toEqual([]);
    });

    it('keys stop working while their member is suspended', async () => {
      const email = `ivy-${name}@example.org`;
      const ivy = await signedInMember(app, store, email);
      const { secret } = await makeKey(ivy, 'suspended soon');
      const id = await userId(email);

      await store.accounts.setBanned(id, new Date());
      const refused = await me(secret);
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
      const vote = await app.inject({ method: 'PUT', url: `/api/v1/papers/${PAPER}/vote`, headers: { authorization: `Bearer ${secret}` } });
      expect(vote.statusCode).toBe(401);

      // The key is not revoked: lifting the suspension lets it work again.
      await store.accounts.setBanned(id, null);
      expect((await me(secret)).statusCode).toBe(200);
    });

    it('leaves the key section off the first-sign-in welcome page', async () => {
      const jo = await signedInMember(app, store, `jo-${name}@example.org`);
      const welcome = await jo.get('/account?welcome=1&next=%2F');
      expect(welcome.body).toContain('Welcome to Paperboy');
      expect(welcome.body).not.toContain('id="api-keys"');
    });
  });
}
