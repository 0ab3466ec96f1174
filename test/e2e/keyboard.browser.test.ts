/**
 * Keyboard shortcuts (issue 9) in real Chromium, signed in: j / k move through a day's papers (the current card is
 * marked and its title focused), u upvotes the current paper in place, ? opens the list of shortcuts as a dialog that
 * Escape closes (focus goes back), / goes to the search box where letters are just typed, o opens the paper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, signInBrowser, useBrowser, VIEWPORTS } from '../helpers/browser.js';

const DAY = '2026-03-03';
const PAPERS = Array.from({ length: 4 }, (_, i) => ({
  id: `2603.0020${i + 1}`,
  title: `Keyboard paper ${i + 1}`,
  abstract: 'Read with j and k.',
  authors: ['Kay Board'],
  categories: ['cs.HC'],
  published: DAY,
  upvotes: 10 - i,
}));

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: keyboard shortcuts ($name)'), (viewport) => {
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

  it('moves with j and k, upvotes with u, shows the list with ?, searches with /, opens with o', async () => {
    const { page, context } = browser;
    await signInBrowser(store, context, server!.baseUrl, 'keys@example.org');
    await page.goto(`/papers/date/${DAY}`);
    const cards = page.locator('article.paper-card');
    expect(await cards.count()).toBe(4);
    const current = () => page.evaluate(() => Array.from(document.querySelectorAll('article.paper-card')).findIndex((c) => c.classList.contains('kbd-current')));
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

    await page.keyboard.press('j');
    expect(await current()).toBe(0);
    expect(await focusedText()).toContain('Keyboard paper 1');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await current()).toBe(2);
    await page.keyboard.press('k');
    expect(await current()).toBe(1);
    expect(await focusedText()).toContain('Keyboard paper 2');

    // u: the current paper's vote, in place (the fetch enhancement answers with the new count).
    const votes = cards.nth(1).locator('.votes-count');
    const before = Number(await votes.innerText());
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/vote')), page.keyboard.press('u')]);
    await expect.poll(() => votes.innerText()).toBe(String(before + 1));
    expect((await store.feed.entry(PAPERS[1]!.id))!.upvotes).toBe(before + 1);

    // ?: the list, as a dialog; Escape closes it and gives focus back.
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('next paper');
    expect(await focusedText()).toBe('Close');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedText()).toContain('Keyboard paper 2');

    // /: the search box; letters typed there are text, not shortcuts.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search-q');
    await page.keyboard.type('jk');
    expect(await page.inputValue('#site-search-q')).toBe('jk');
    expect(await current()).toBe(1);
    await page.keyboard.press('Escape');

    // o: open the current paper.
    await Promise.all([page.waitForURL(`**/papers/${PAPERS[1]!.id}`), page.keyboard.press('o')]);
    expect(await page.locator('h1').innerText()).toContain('Keyboard paper 2');
    expect(browser.problems.errors, browser.problems.errors.join('\n')).toEqual([]);
  });
});
