/**
 * Reading lists in real Chromium with JavaScript off: saving a paper from a feed card's "Save" menu (a <details> with
 * a plain form) back to the same card, then importing into the list by pasting ids and uploading a .bib file through
 * the file input (a real multipart upload, CSRF token included).
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { seededApp, tempDir } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';

const DAY = '2026-03-02';
const PAPERS = Array.from({ length: 4 }, (_, i) => ({
  id: `2603.0010${i + 1}`,
  title: `Card paper ${i + 1}`,
  abstract: 'Something we found.',
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  published: DAY,
  upvotes: 10 - i,
}));

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: reading lists (save from a card, import a .bib file) ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let store: Store;

  beforeAll(async () => {
    const built = await seededApp({ papers: PAPERS });
    store = built.store;
    server = await listen(built.app);
  });
  afterAll(async () => {
    await server?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  /** A context with JavaScript off, signed in as a new member (session cookie set directly). */
  async function signedInNoJs(email: string): Promise<BrowserContext> {
    const user = await store.accounts.findOrCreateUser(email, new Date(Date.now() - 7 * 86_400_000));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const url = new URL(server!.baseUrl);
    await context.addCookies([{ name: 'pb_session', value: await store.accounts.createSession(user.id, new Date(), 86_400_000), domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  it('saves from a feed card into a new list, comes back to that card, then imports pasted ids and a .bib file into the list', async () => {
    const context = await signedInNoJs('browser-lists@example.org');
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto('/');
      const card = page.locator(`article[data-paper-id="${PAPERS[2]!.id}"]`);
      await card.locator('details.card-save summary').click();
      await card.getByLabel('New list').fill('Browser list');
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), card.getByRole('button', { name: 'Save', exact: true }).click()]);
      expect(response.status()).toBe(303);
      await page.waitForLoadState();
      expect(new URL(page.url()).hash).toBe(`#paper-${PAPERS[2]!.id}`);
      await expect.poll(() => page.locator(`article[data-paper-id="${PAPERS[2]!.id}"] details.card-save summary`).innerText()).toContain('Saved ✓');
      expect(await page.locator(`article[data-paper-id="${PAPERS[0]!.id}"] details.card-save summary`).innerText()).not.toContain('Saved');

      await page.goto('/lists');
      await page.getByRole('link', { name: 'Browser list' }).click();
      const bib = path.join(tempDir(), 'refs.bib');
      fs.writeFileSync(bib, `@article{one, title = {Card paper one}, eprint = {${PAPERS[0]!.id}}, archivePrefix = {arXiv}}\n@misc{gone, title = {Nowhere}, doi = {10.9999/none}}\n`);
      await page.getByLabel(/Paste arXiv ids/).fill(`arXiv:${PAPERS[1]!.id}\n${PAPERS[2]!.id}`);
      await page.getByLabel(/choose a BibTeX file/).setInputFiles(bib);
      await page.getByRole('button', { name: 'Import into this list' }).click();
      await page.waitForLoadState();
      await expect.poll(() => page.getByRole('status').first().innerText()).toBe('2 papers added, 1 already in the list, 1 not matched.');
      expect(await page.locator('.import-unmatched').innerText()).toContain('no paper here has the DOI 10.9999/none');
      const user = (await store.accounts.userByEmail('browser-lists@example.org'))!;
      const [list] = await store.readingLists.ofUser(user.id);
      expect(await store.readingLists.paperIdsOf(list!.id)).toEqual([PAPERS[2]!.id, PAPERS[1]!.id, PAPERS[0]!.id]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
