/**
 * Issue 6 journeys in real Chromium, on SQLite and on PostgreSQL: a new member starts "for you" from nothing (picks
 * a category, names an author, pastes seed papers), sees each recommendation's reason, hides one as "not interested"
 * and undoes it; a paper page lists similar papers and follows its authors; the JSON of "for you" answers the same
 * session; reading lists are kept, filled from feed cards, a paper page and by import, reordered, shared, exported
 * (BibTeX parsed back, RIS, JSON) and extended with "more like these"; a day's feed and search results export too.
 *
 * Members are signed in by a session made in the store (the emailed-link sign-in has journeys of its own in
 * community.browser.test.ts); every form is then used as a visitor uses it, CSRF tokens and all.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import { parse } from '@retorquere/bibtex-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, signInBrowser, useBrowser, VIEWPORTS } from '../helpers/browser.js';
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
  describe.skipIf(browserSuite.skip || !available).each(VIEWPORTS)(browserSuite.title(`browser: "for you", similar papers, reading lists (${name}, $name)`), (viewport) => {
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

    const browser = useBrowser(() => server!.baseUrl, { viewport });

    /** Signs the browser in as a new member (a session row and its cookie). */
    const signInAs = (email: string) => signInBrowser(store, browser.context, server!.baseUrl, email);
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

    it('keeps a reading list: made, filled from a card, a paper page and an import, reordered, shared, exported, extended', async () => {
      const { page } = browser;
      await signInAs(`lists-${name}@example.org`);
      await page.goto('/lists');
      await page.getByLabel('New list').fill('Reading group');
      await page.getByRole('button', { name: 'Create list' }).click();
      await page.waitForURL((u) => /^\/lists\/\d+$/.test(u.pathname));
      const listPath = new URL(page.url()).pathname;

      // From a card on a day's page: the Save menu, back to the same card, marked.
      await page.goto('/papers/date/2025-09-29');
      const card = page.locator('article[data-paper-id="2509.80012"]');
      await card.locator('details.card-save summary').click();
      await card.getByLabel('Save to').selectOption({ label: 'Reading group' });
      await card.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForURL((u) => u.hash === '#paper-2509.80012');
      await expect.poll(() => page.locator('article[data-paper-id="2509.80012"] details.card-save summary').innerText()).toContain('Saved ✓');
      // From a paper page.
      await page.goto('/papers/2509.80009');
      await page.getByLabel('Save to a list').selectOption({ label: 'Reading group' });
      await page.locator('form.save-to-list').getByRole('button', { name: 'Save' }).click();
      await page.waitForURL((u) => u.pathname === '/papers/2509.80009');
      // By import.
      await page.goto(listPath);
      await page.getByLabel(/Paste arXiv ids/).fill('arXiv:2509.80003\nhttps://arxiv.org/abs/2509.80006');
      await page.getByRole('button', { name: 'Import into this list' }).click();
      await expect.poll(() => page.getByRole('status').first().innerText()).toBe('2 papers added, 0 already in the list, 0 not matched.');
      const order = () => page.locator('ol.list-items > li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('/').pop()));
      expect(await order()).toEqual(['2509.80012', '2509.80009', '2509.80003', '2509.80006']);
      await page.getByRole('button', { name: 'Move up: 2509.80006' }).click();
      await page.waitForURL((u) => u.pathname === listPath);
      expect(await order()).toEqual(['2509.80012', '2509.80009', '2509.80006', '2509.80003']);

      // Renamed, made public: a visitor (another context, signed out) reads it and exports it.
      await page.getByLabel('Name', { exact: true }).fill('Segmentation group');
      await page.getByLabel(/Public: anyone with the address/).check();
      await page.locator('form[action$="/edit"]').getByRole('button', { name: 'Save' }).click();
      await page.waitForURL((u) => u.pathname === listPath);
      const visitor = await browser.newContext();
      try {
        const shared = await visitor.newPage();
        await shared.goto(listPath);
        await shared.getByRole('heading', { name: 'Segmentation group' }).waitFor();
        const bibHref = await shared.getByRole('link', { name: 'BibTeX' }).getAttribute('href');
        const bib = parse(await (await shared.request.get(bibHref!)).text(), { raw: true });
        expect(bib.entries.map((e) => (e.fields as Record<string, unknown>).eprint)).toEqual(['2509.80012', '2509.80009', '2509.80006', '2509.80003']);
        const ris = await (await shared.request.get(`${listPath}.ris`)).text();
        expect(ris.match(/^TY {2}- /gm)).toHaveLength(4);
        const json = (await (await shared.request.get(`/api${listPath}`)).json()) as { name: string; papers: Array<{ id: string }> };
        expect([json.name, json.papers.map((p) => p.id)]).toEqual(['Segmentation group', ['2509.80012', '2509.80009', '2509.80006', '2509.80003']]);

        // More like these: other papers, each naming the list paper it is closest to.
        await shared.getByRole('link', { name: 'More like these' }).click();
        await shared.getByRole('heading', { name: 'More like these' }).waitFor();
        const ids = await shared.locator('article[data-paper-id]').evaluateAll((as) => as.map((a) => a.getAttribute('data-paper-id')));
        expect(ids.length).toBeGreaterThan(0);
        expect(ids.filter((id) => ['2509.80012', '2509.80009', '2509.80006', '2509.80003'].includes(id!))).toEqual([]);
      } finally {
        await visitor.close();
      }

      // A day's feed and search results export too, from links on their pages.
      await page.goto('/papers/date/2025-09-29');
      const dayBib = parse(await (await page.request.get((await page.getByRole('link', { name: 'BibTeX' }).first().getAttribute('href'))!)).text(), { raw: true });
      expect(dayBib.entries.map((e) => (e.fields as Record<string, unknown>).eprint)).toContain('2509.80012');
      await page.goto('/search?q=segmentation');
      const searchBib = parse(await (await page.request.get((await page.locator('.export-links').getByRole('link', { name: 'BibTeX' }).getAttribute('href'))!)).text(), { raw: true });
      expect(searchBib.entries.map((e) => (e.fields as Record<string, unknown>).eprint)).toEqual(expect.arrayContaining(['2509.80003', '2509.80006', '2509.80009', '2509.80012']));
      expect(browser.problems.errors).toEqual([]);
    });
  });
}
