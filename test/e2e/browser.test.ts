/**
 * The first browser journey, in real Chromium against the real app on a real port: the home page, a step back to the
 * previous day with papers, a paper with math (typeset by KaTeX, no raw `$`), and the copy-BibTeX enhancement.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import parser from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';

/** A paper with math on 2025-09-25, the seed's second-latest day (the latest is 2025-09-30). */
const MATH_PAPER = {
  id: '2509.99001',
  title: 'Sharp bounds for $\\ell_p$ regression with $O(\\sqrt{n})$ queries',
  abstract: 'We show that $\\ell_p$ regression needs $O(\\sqrt{n}\\log n)$ queries: $$\\min_x \\|Ax-b\\|_p^p = \\sum_{i=1}^n |a_i^\\top x - b_i|^p.$$',
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['math.OC', 'cs.LG'],
  published: '2025-09-25',
  upvotes: 7,
};

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: daily feed to a paper with math ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    const { app } = await seededApp({ papers: [MATH_PAPER] });
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  it('goes from the latest day to the previous one and opens a paper whose math is typeset', async () => {
    const { page } = browser;
    await page.goto('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Tuesday, 30 September 2025');

    await page.getByRole('link', { name: /previous day/i }).click();
    await page.waitForURL('**/papers/date/2025-09-25');
    expect(await page.locator('h1').textContent()).toBe('Thursday, 25 September 2025');
    const titles = await page.locator('.paper-card .paper-title a').allTextContents();
    expect(titles).toHaveLength(2);
    expect(titles[1]).toBe('Provable Scaling Laws of Feature Emergence from Learning Dynamics of Grokking');

    // The math paper ranks first (7 upvotes); its card title is typeset already.
    const link = page.locator('.paper-card').first().locator('.paper-title a');
    expect(await link.locator('.katex').count()).toBe(2);
    await link.click();
    await page.waitForURL('**/papers/2509.99001');

    const title = page.locator('h1.paper-title');
    await expect.poll(() => title.locator('.katex').first().isVisible()).toBe(true);
    expect(await title.locator('.katex').count()).toBe(2);
    expect(await title.innerText()).not.toContain('$');
    // Screen readers get MathML (KaTeX's htmlAndMathml): a <math> element per formula with its TeX as annotation, and
    // the visual layout hidden from them.
    expect(await title.locator('.katex math').count()).toBe(2);
    expect(await title.locator('.katex math annotation[encoding="application/x-tex"]').first().textContent()).toBe('\\ell_p');
    expect(await title.locator('.katex-html').evaluateAll((els) => els.map((e) => e.getAttribute('aria-hidden')))).toEqual(['true', 'true']);
    const abstract = page.locator('section.abstract');
    expect(await abstract.locator('.katex-display').count()).toBe(1);
    expect(await abstract.innerText()).not.toContain('$');

    // KaTeX's layout (inline style attributes, allowed by the page's CSP) is applied: its struts have a height.
    const strutHeights = await title.locator('.katex-html .katex-strut').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(strutHeights).toHaveLength(2);
    for (const h of strutHeights) expect(h).toBeGreaterThan(10);

    expect(browser.problems.errors).toEqual([]);
  });

  it('browses by week and by month with the tabs, steps between periods, jumps to a day with the date picker, and opens trending', async () => {
    const { page } = browser;
    const heading = () => page.locator('main h1').textContent();
    const periodTabs = page.getByRole('navigation', { name: 'Feed period' });
    await page.goto('/');
    await periodTabs.getByRole('link', { name: 'Weekly' }).click();
    await page.waitForURL('**/papers/week/2025-W40');
    expect(await heading()).toBe('Week 40 of 2025 (29 Sept – 5 Oct)');
    expect(await periodTabs.getByRole('link', { name: 'Weekly' }).getAttribute('aria-current')).toBe('page');
    const week40 = await page.locator('article.paper-card').count();
    expect(week40).toBeGreaterThan(0);

    await page.getByRole('navigation', { name: 'Neighbouring weeks' }).getByRole('link', { name: /Previous week/ }).click();
    await page.waitForURL('**/papers/week/2025-W39');
    expect(await heading()).toMatch(/^Week 39 of 2025/);
    expect(await page.locator('article.paper-card .paper-title a').first().innerText()).toMatch(/^Sharp bounds for/);

    await periodTabs.getByRole('link', { name: 'Monthly' }).click();
    await page.waitForURL('**/papers/month/2025-09');
    expect(await heading()).toBe('September 2025');
    // The month holds both weeks' papers (the week of the 25th and the week of the 30th).
    expect(await page.locator('article.paper-card').count()).toBe(week40 + 2);
    await page.getByRole('navigation', { name: 'Neighbouring months' }).getByRole('link', { name: /Previous month/ }).click();
    await page.waitForURL('**/papers/month/2025-08');
    expect(await heading()).toBe('August 2025');
    await page.getByRole('navigation', { name: 'Neighbouring months' }).getByRole('link', { name: /Next month/ }).click();
    await page.waitForURL('**/papers/month/2025-09');

    // The date picker (a plain GET form) goes to a day.
    await page.getByLabel('Day', { exact: true }).fill('2025-09-25');
    await page.getByRole('search', { name: 'Go to a day' }).getByRole('button', { name: 'Go' }).click();
    await page.waitForURL('**/papers/date/2025-09-25');
    expect(await heading()).toBe('Thursday, 25 September 2025');

    // Trending, from the site navigation (on a phone too).
    await page.getByRole('banner').getByRole('link', { name: 'Trending' }).click();
    await page.waitForURL('**/papers/trending');
    expect(await page.locator('article.paper-card').count()).toBeGreaterThan(0);
    expect(browser.problems.errors).toEqual([]);
  });

  it('finds the feeds a feed reader would discover in the page head, and they parse', async () => {
    const { page } = browser;
    for (const [path, title] of [['/', 'Paperboy: daily papers'], ['/papers/trending', 'Paperboy: trending papers'], ['/search?q=grokking', 'Paperboy: “grokking”']] as const) {
      await page.goto(path);
      const links = await page.locator('head link[rel="alternate"]').evaluateAll((ls) => ls.map((l) => ({ type: l.getAttribute('type'), href: l.getAttribute('href'), title: l.getAttribute('title') })));
      expect(links.map((l) => l.type)).toEqual(['application/rss+xml', 'application/atom+xml', 'application/feed+json']);
      expect(links[0]!.title).toBe(`${title} (RSS)`);
      for (const l of links.slice(0, 2)) {
        const feed = parser.parseFeed(await (await page.request.get(l.href!)).text());
        expect(feed.title).toBe(title);
        expect(feed.items.length).toBeGreaterThan(0);
      }
      const json = (await (await page.request.get(links[2]!.href!)).json()) as { version: string; items: unknown[] };
      expect([json.version, json.items.length > 0]).toEqual(['https://jsonfeed.org/version/1.1', true]);
    }
  });

  it('copies the BibTeX entry with the enhanced button', async () => {
    const { page, context } = browser;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server!.baseUrl });
    await page.goto('/papers/2509.99001');
    const button = page.locator('button.copy-button'); // by class: its accessible name changes when clicked
    expect(await button.textContent()).toBe('Copy BibTeX');
    await expect.poll(() => button.isVisible()).toBe(true); // hidden without JavaScript, shown by /static/app.js
    await button.click();
    await expect.poll(() => button.textContent()).toBe('Copied!');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.startsWith('@misc{lovelace2025sharp,\n  title = {Sharp bounds for $\\ell_p$ regression')).toBe(true);
    expect(browser.problems.errors).toEqual([]);
  });
});
