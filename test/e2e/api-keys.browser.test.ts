/**
 * Personal API keys in real Chromium, on SQLite and on PostgreSQL (issue 7): a member makes a key on the account
 * page, reads its secret from the page (shown once, on a `no-store` page, copied with the enhanced button), calls the
 * JSON API with it from the page's own `fetch` and from outside the page, then revokes it with the page's button and
 * sees the API refuse it.
 *
 * The member is signed in by a session made in the store (the emailed-link sign-in has journeys of its own in
 * community.browser.test.ts); the forms are then used as a visitor uses them, CSRF tokens and all.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';
import { dialects } from '../helpers/db.js';

for (const { name, available, open } of dialects) {
  describe.skipIf(browserSuite.skip || !available).each(VIEWPORTS)(browserSuite.title(`browser: personal API keys on the account page (${name}, $name)`), (viewport) => {
    let server: { baseUrl: string; close: () => Promise<void> } | undefined;
    let store: Store;

    beforeAll(async () => {
      const built = await seededApp({ store: await open() });
      store = built.store;
      server = await listen(built.app);
    });
    afterAll(async () => {
      await server?.close();
    });

    const browser = useBrowser(() => server!.baseUrl, { viewport });

    it('makes a key, reads and copies it once, uses it on /api/v1/me, and revokes it', async () => {
      const { page, context } = browser;
      const user = await store.accounts.findOrCreateUser(`scripter-${name}@example.org`, new Date('2025-01-01T00:00:00Z'));
      await store.accounts.updateProfile(user.id, { displayName: 'Script Writer', affiliation: null });
      const session = await store.accounts.createSession(user.id, new Date(), 3_600_000);
      await context.addCookies([{ name: SESSION_COOKIE, value: session, url: server!.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server!.baseUrl });

      await page.goto('/');
      await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Account' }).click();
      const section = page.getByRole('region', { name: 'API keys' });
      await section.waitFor();
      await section.getByText('You have no API keys.').waitFor();
      expect(await section.getByRole('link', { name: 'JSON API' }).getAttribute('href')).toBe('/api/docs');

      // Make a key: the answer to the form is the page with its secret, kept by no cache.
      await section.getByLabel('Name of a new key').fill('notebook on my laptop');
      const [made] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/account/api-keys'),
        section.getByRole('button', { name: 'Make a key' }).click(),
      ]);
      expect(made.status()).toBe(200);
      expect(made.headers()['cache-control']).toBe('no-store');
      await section.getByText('Copy it now: it will not be shown again.').waitFor();
      await section.getByText('Your new key “notebook on my laptop”.').waitFor();
      expect(new URL(page.url()).hash).toBe('#api-keys'); // the browser lands on the section

      const field = section.getByLabel('API key', { exact: true });
      expect(await field.getAttribute('readonly')).not.toBeNull();
      const secret = await field.inputValue();
      expect(secret).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
      const row = section.getByRole('row').filter({ hasText: 'notebook on my laptop' });
      expect(await row.getByRole('cell').nth(1).textContent()).toBe(`${secret.slice(0, 9)}…`);
      expect(await row.getByRole('cell').nth(3).textContent()).toBe('never');

      // The copy button (shown by /static/app.js) puts the key on the clipboard.
      const copy = section.locator('button.copy-button');
      await expect.poll(() => copy.isVisible()).toBe(true);
      await copy.click();
      await expect.poll(() => copy.textContent()).toBe('Copied!');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

      // The key works from the page's own fetch and from outside the page.
      const fromPage = await page.evaluate(async (key) => {
        const res = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${key}` } });
        return { status: res.status, body: (await res.json()) as { id: number; name: string; key: { name: string; prefix: string } } };
      }, secret);
      expect(fromPage).toEqual({ status: 200, body: expect.objectContaining({ id: user.id, name: 'Script Writer', key: expect.objectContaining({ name: 'notebook on my laptop', prefix: secret.slice(0, 9) }) }) });
      const outside = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
      expect(outside.status()).toBe(200);

      // Shown once: the account page, opened again, lists the key but no longer holds its secret.
      await page.goto('/account');
      expect(await page.content()).not.toContain(secret);
      expect(await section.getByLabel('API key', { exact: true }).count()).toBe(0);
      const listed = section.getByRole('row').filter({ hasText: 'notebook on my laptop' });
      expect(await listed.getByRole('cell').nth(3).textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/); // last used: just now

      // Revoke it with the page's button: back on the account page with a confirmation, and the API refuses the key.
      await listed.getByRole('button', { name: /^Revoke the key “notebook on my laptop”/ }).click();
      await page.waitForURL((u) => u.pathname === '/account' && u.search === '?revoked=1');
      await section.getByText('Key revoked.').waitFor();
      await section.getByText('You have no API keys.').waitFor();
      const refused = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
      expect(refused.status()).toBe(401);
      expect(refused.headers()['www-authenticate']).toMatch(/^Bearer /);
      expect(browser.problems.errors).toEqual([]);
    });
  });
}
