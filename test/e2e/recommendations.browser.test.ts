/**
 * Issue 6 journeys in real Chromium, on SQLite and on PostgreSQL: a new member starts "for you" from nothing (picks
 * a category, names an author, pastes seed papers), sees each recommendation's reason, hides one as "not interested"
 * and undoes it; a paper page lists similar papers and follows its authors; the JSON of "for you" answers the same
 * session; reading lists are kept, filled from feed cards and by import, reordered, shared, exported and extended
 * with "more like these".
 *
 * Members are signed in by a session made in the store (the emailed-link sign-in has journeys of its own in
 * community.browser.test.ts); every form is then used as a visitor uses it, CSRF tokens and all.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/web/session.js';
import type { Store } from '../../src/store/store.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser } from '../helpers/browser.js';
import { dialects } from '../helpers/db.js';

/** Twelve papers in the seed's last two weeks (the "for you" window), in three topics and categories. */
const TOPICS = ['grokking dynamics', 'language model evaluation', 'image segmentation'] as const;
const WINDOW_PAPERS = Array.from({ length: 12 }, (_, i) => ({
  id: `2509.${String(80001 + i)}`,
  title: `A study of ${TOPICS[i % 3]}, part ${i + 1}`,
  abstract: `We look at ${TOPICS[i % 3]} again.`,
  authors: [i % 3 === 1 ? 'Grace Hopper' : `Author ${i + 1}`, 'Co Author'],
  categories: [['cs.LG'], ['cs.CL'], ['cs.CV']][i % 3],
  published: `2025-09-${String(18 + i).padStart(2, '0')}`,
}));

for (const { name, available, open } of dialects) {
  describe.skipIf(browserSuite.skip || !available)(browserSuite.title(`browser: "for you", similar papers, reading lists (${name})`), () => {
    let server: { baseUrl: string; close: () => Promise<void> } | undefined;
    let store: Store;

    beforeAll(async () => {
      const built = await seededApp({ store: await open(), papers: WINDOW_PAPERS });
      store = built.store;
      server = await listen(built.app);
    });
    afterAll(async () => {
      await server?.close();
    });

    const browser = useBrowser(() => server!.baseUrl);

    /** Signs the browser in as a new member (a session row and its cookie). */
    async function signInAs(email: string): Promise<number> {
      const user = await store.accounts.findOrCreateUser(email, new Date('2025-01-01T00:00:00Z'));
      await store.accounts.updateProfile(user.id, { displayName: email.split('@')[0]!, affiliation: null });
      const secret = await store.accounts.createSession(user.id, new Date(), 3_600_000);
      await browser.context.addCookies([{ name: SESSION_COOKIE, value: secret, url: server!.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
      return user.id;
    }
    const cards = (page: Page) => page.locator('ol.paper-list > li');

    it('starts "for you" from nothing, explains each pick, and hides one with undo', async () => {
      const { page } = browser;
      await signInAs(`start-${name}@example.org`);
      await page.goto('/');
      await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'For you' }).click();
      await page.getByText('Nothing to go on yet').waitFor();

      await page.getByLabel(/cs\.CL/).check();
      await page.getByLabel(/Authors you follow/).fill('Grace Hopper');
      await page.getByLabel(/Papers you liked/).fill('2509.80003 https://arxiv.org/abs/2509.80006v1 0704.0001');
      await page.getByRole('button', { name: 'Start my feed' }).click();
      await page.getByText('Followed 2 new authors and categories; saved 2 papers to “Seed papers”.').waitFor();
      await page.getByText('1 entry not found here').waitFor();

      await page.getByRole('link', { name: 'See your feed' }).click();
      await page.waitForURL((u) => u.pathname === '/for-you');
      const first = cards(page).first();
      expect(await first.locator('.reason').textContent()).toMatch(/By Grace Hopper, whom you follow/);
      const firstId = await first.locator('article').getAttribute('data-paper-id');
      expect(WINDOW_PAPERS.find((p) => p.id === firstId)!.authors).toContain('Grace Hopper');
      // The seed papers themselves are not recommended back.
      expect(await page.locator('article[data-paper-id="2509.80003"]').count()).toBe(0);

      await first.getByRole('button', { name: `Not interested: ${firstId}` }).click();
      await page.getByText(/papers like it move down/).waitFor();
      expect(await page.locator(`article[data-paper-id="${firstId}"]`).count()).toBe(0);
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.waitForURL((u) => u.pathname === '/for-you' && u.search === '');
      expect(await cards(page).first().locator('article').getAttribute('data-paper-id')).toBe(firstId);

      // The same list as JSON, for the same session.
      const json = (await (await page.request.get('/api/for-you?limit=3')).json()) as { items: Array<{ id: string; reason: string }> };
      expect(json.items[0]!.id).toBe(firstId);
      expect(json.items[0]!.reason).toBe('by Grace Hopper, whom you follow');
      expect(browser.problems.errors).toEqual([]);
    });

    it('lists similar papers on a paper page and follows its authors from there', async () => {
      const { page } = browser;
      await signInAs(`follow-${name}@example.org`);
      await page.goto('/papers/2509.80004');
      const similar = page.getByRole('region', { name: 'Similar papers' });
      await similar.waitFor();
      expect(await similar.getByRole('link').count()).toBeGreaterThan(0);

      await page.getByText('Follow authors or categories').click();
      await page.getByLabel('Author 4', { exact: true }).check();
      await page.getByRole('button', { name: 'Save follows' }).click();
      await page.getByText(/Saved\. New papers by them rank higher/).waitFor();
      expect(await page.getByText('Follow authors or categories (1 followed)').count()).toBe(1);

      await page.goto('/for-you/interests');
      await page.getByRole('listitem').filter({ hasText: 'Author 4' }).getByRole('button', { name: 'Unfollow Author 4' }).click();
      await page.waitForURL((u) => u.pathname === '/for-you/interests');
      expect(await page.getByText('None yet.').count()).toBe(2);
      expect(browser.problems.errors).toEqual([]);
    });
  });
}
