/**
 * The search journey in real Chromium against the real app on a real port: a query typed into the header box on the
 * home page, highlighted results, a category facet, a sort link, and a result opened. Also: results with math are
 * typeset (KaTeX's styles allowed by the page's CSP) with the matched word still highlighted.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';

const MATH_PAPER = {
  id: '2509.99001',
  title: 'Sharp bounds for $\\ell_p$ regression with $O(\\sqrt{n})$ queries',
  abstract: 'We show that $\\ell_p$ regression needs $O(\\sqrt{n}\\log n)$ queries.',
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['math.OC', 'cs.LG'],
  published: '2025-09-25',
  upvotes: 7,
};

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: search from the header box to a paper ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    const { app } = await seededApp({ papers: [MATH_PAPER] });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  it('types a query on the home page, sees highlighted results, narrows by a category facet, sorts, and opens a result', async () => {
    const { page } = browser;
    await page.goto('/');
    const box = page.getByRole('combobox', { name: 'Search papers' });
    await box.fill('grokking');
    await box.press('Enter');
    await page.waitForURL('**/search?q=grokking');

    expect(await page.locator('h1').textContent()).toBe('6 results for grokking');
    const cards = page.locator('article.search-result');
    expect(await cards.count()).toBe(6);
    const firstTitle = cards.first().locator('.paper-title a');
    expect(await firstTitle.innerText()).toBe('Grokking Tickets: Lottery Tickets Accelerate Grokking');
    expect(await firstTitle.locator('mark').allTextContents()).toEqual(['Grokking', 'Grokking']);
    expect(await cards.first().locator('.snippet mark').count()).toBeGreaterThan(0);
    // The highlight is visible: the stylesheet gives <mark> a background.
    const markBg = await firstTitle.locator('mark').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(markBg).not.toBe('rgba(0, 0, 0, 0)');
    // The page's own box holds the query.
    expect(await page.getByRole('combobox', { name: 'Search query' }).inputValue()).toBe('grokking');

    // Facets: the category link adds cat:cs.LG to the query.
    const facets = page.getByRole('complementary', { name: 'Narrow the results' });
    await facets.getByRole('link', { name: /cs\.LG/ }).click();
    await page.waitForURL('**/search?q=grokking+cat%3Acs.LG');
    expect(await page.getByRole('combobox', { name: 'Search query' }).inputValue()).toBe('grokking cat:cs.LG');
    expect(await page.getByRole('link', { name: 'Remove filter cat:cs.LG' }).isVisible()).toBe(true);
    expect(await cards.count()).toBe(6);

    // Newest first.
    await page.getByRole('navigation', { name: 'Sort results' }).getByRole('link', { name: 'Newest' }).click();
    await page.waitForURL('**/search?q=grokking+cat%3Acs.LG&sort=date');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-paper-id')))).toEqual([
      '2509.21519', '2506.21551', '2501.04697', '2310.19470', '2310.13061', '2310.02541',
    ]);

    // Open the first result.
    await cards.first().locator('.paper-title a').click();
    await page.waitForURL('**/papers/2509.21519');
    expect(await page.locator('h1.paper-title').innerText()).toBe('Provable Scaling Laws of Feature Emergence from Learning Dynamics of Grokking');

    expect(browser.problems.errors).toEqual([]);
  });

  it('typesets math in results and keeps the matched word highlighted', async () => {
    const { page } = browser;
    await page.goto('/search?q=regression');
    const card = page.locator('article.search-result[data-paper-id="2509.99001"]');
    const title = card.locator('.paper-title');
    await expect.poll(() => title.locator('.katex').first().isVisible()).toBe(true);
    expect(await title.locator('.katex').count()).toBe(2);
    expect(await title.innerText()).not.toContain('$');
    expect(await title.locator('mark').allTextContents()).toEqual(['regression']);
    // KaTeX's layout (style attributes) applies: its struts have a height.
    const struts = await title.locator('.katex-html .katex-strut').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    for (const h of struts) expect(h).toBeGreaterThan(10);
    expect(browser.problems.errors).toEqual([]);
  });
});
