/**
 * The colour theme and printing (issue 9) in real Chromium. Without a choice the site follows the system setting; the
 * footer's System / Light / Dark radio buttons switch the theme at once (by mouse or keyboard), the choice is a cookie
 * the server renders as <html data-theme>, so a later load is in that theme from the first paint (even with JavaScript
 * off), and axe finds nothing serious in either forced theme against either system setting. A paper page prints as a
 * clean article: black on white, no navigation, votes or forms, every author, links with their addresses.
 * On a phone and a desktop; every page any context loads is checked with axe-core (helpers/browser.ts).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { CommunityDeps } from '../../src/web/app.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, signInBrowser, useBrowser, VIEWPORTS } from '../helpers/browser.js';

const PAPER = {
  id: '2604.00777',
  title: 'Printing $\\alpha$-stable papers in the dark',
  abstract: 'We show that $x^2 + y^2 = z^2$ prints black on white, whatever the reader chose on screen.',
  authors: Array.from({ length: 34 }, (_, i) => `Author Number${i + 1}`),
  categories: ['cs.HC', 'cs.DL'],
  published: '2026-04-01',
  upvotes: 3,
};
const PAPER_PATH = `/papers/${PAPER.id}`;
const LIGHT_BG = 'rgb(247, 247, 249)';
const DARK_BG = 'rgb(19, 19, 22)';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const themeAttr = (page: Page) => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
const themeCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'pb_theme');

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: light / dark theme toggle, and printing a paper ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let store: Store;
  let community: CommunityDeps;

  beforeAll(async () => {
    const built = await seededApp({ papers: [PAPER] });
    ({ store, community } = built);
    const u = await store.accounts.findOrCreateUser('printer@example.org', new Date('2025-01-01T00:00:00Z'));
    const user = (await store.accounts.userById(u.id))!;
    await community.comments.add(user, PAPER.id, { body: 'Does it print $\\beta$ too?' });
    server = await listen(built.app);
  });
  afterAll(async () => {
    await server?.close();
  });

  // audit: every page loaded in any of the test's contexts is checked with axe, in whichever theme it shows.
  const browser = useBrowser(() => server!.baseUrl, { viewport, audit: true });

  it('follows the system setting until a theme is chosen; without JavaScript the toggle stays hidden', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme: scheme });
      const page = await context.newPage();
      await page.goto('/');
      expect(await themeAttr(page)).toBeNull();
      expect(await background(page)).toBe(scheme === 'dark' ? DARK_BG : LIGHT_BG);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light dark');
      await expect.poll(() => page.getByRole('group', { name: 'Theme' }).isVisible()).toBe(true);
      expect(await page.getByRole('radio', { name: 'System' }).isChecked()).toBe(true);
    }
    // Without JavaScript (checked by axe from a copy of the page, see helpers/axe.ts): the toggle stays hidden.
    const noJs = await browser.newContext({ colorScheme: 'dark', javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto('/');
      expect(await page.locator('.theme-choice').isHidden()).toBe(true);
      expect(await background(page)).toBe(DARK_BG);
    } finally {
      await noJs.close();
    }
  });

  it('switches at once when a choice is clicked, and renders later loads in it from the server', async () => {
    const { page, context } = browser;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(PAPER_PATH);
    expect(await background(page)).toBe(DARK_BG);

    await page.getByRole('radio', { name: 'Light' }).click();
    expect(await themeAttr(page)).toBe('light');
    expect(await background(page)).toBe(LIGHT_BG);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light');
    expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    const cookie = await themeCookie(context);
    expect(cookie).toMatchObject({ value: 'light', path: '/', sameSite: 'Lax', httpOnly: false });
    // A year, give or take the seconds this test took.
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(364 * 86_400_000);

    // Reload: the server's HTML already carries the attribute (no flash of the system's dark theme before app.js).
    const res = await page.reload();
    expect(/<html[^>]*>/.exec(await res!.text())?.[0]).toBe('<html lang="en" data-theme="light">');
    expect(await background(page)).toBe(LIGHT_BG);
    expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);

    await page.getByRole('radio', { name: 'Dark' }).click();
    expect(await background(page)).toBe(DARK_BG);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
    // Dark against a light system setting, and without JavaScript at all: the server's attribute alone does it.
    const noJs = await browser.newContext({ colorScheme: 'light', javaScriptEnabled: false });
    try {
      await noJs.addCookies([{ name: 'pb_theme', value: 'dark', url: server!.baseUrl, sameSite: 'Lax' }]);
      const plain = await noJs.newPage();
      await plain.goto('/search?q=grokking');
      expect(await themeAttr(plain)).toBe('dark');
      expect(await background(plain)).toBe(DARK_BG);
    } finally {
      await noJs.close();
    }

    // System again: the attribute and the cookie go, and the page follows the (dark) system setting.
    await page.getByRole('radio', { name: 'System' }).click();
    expect(await themeAttr(page)).toBeNull();
    expect(await themeCookie(context)).toBeUndefined();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background(page)).toBe(LIGHT_BG);
  });

  it('is a labelled radio group the keyboard reaches with Tab and changes with the arrow keys, with a visible focus', async () => {
    const { page, context } = browser;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    // The footer's last link, then Tab: focus lands on the checked choice.
    await page.locator('.site-footer a[href="/feeds/daily.rss"]').focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value ?? null);
    expect(await focused()).toBe('system');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!.nextElementSibling!).outlineStyle);
    expect(outline).toBe('solid');

    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('light');
    expect(await themeAttr(page)).toBe('light');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('dark');
    expect(await themeAttr(page)).toBe('dark');
    expect(await background(page)).toBe(DARK_BG);
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    expect((await themeCookie(context))?.value).toBe('dark');
    // Space on a focused choice keeps it; the state survives a new page.
    await page.keyboard.press('Space');
    await page.goto(PAPER_PATH);
    expect(await themeAttr(page)).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
  });

  it('keeps the layout and has no serious or critical axe violations in either forced theme, against either system setting', async () => {
    const cases = [
      { theme: 'dark', scheme: 'light', member: false },
      { theme: 'light', scheme: 'dark', member: true },
    ] as const;
    for (const c of cases) {
      const context = await browser.newContext({ colorScheme: c.scheme });
      await context.addCookies([{ name: 'pb_theme', value: c.theme, url: server!.baseUrl, sameSite: 'Lax' }]);
      if (c.member) await signInBrowser(store, context, server!.baseUrl, 'themed@example.org');
      const page = await context.newPage();
      // Each page is audited by axe as it loads (useBrowser); an empty day, a search without results and a 404 too.
      for (const path of ['/', PAPER_PATH, '/search?q=grokking', '/search?q=zzzzqqqq', '/papers/date/2001-01-01', '/no/such/page', ...(c.member ? ['/lists', '/for-you'] : [])]) {
        await page.goto(path);
        expect(await themeAttr(page), path).toBe(c.theme);
        expect(await background(page), path).toBe(c.theme === 'dark' ? DARK_BG : LIGHT_BG);
        // Nothing wider than the screen (the phone's 360 px included).
        const overflow = await page.evaluate(() =>
          Array.from(document.querySelectorAll('body > header, main, body > section, body > footer'))
            .map((e) => ({ what: e.tagName, width: e.scrollWidth }))
            .filter((o) => o.width > window.innerWidth),
        );
        expect(overflow, path).toEqual([]);
        expect(await page.evaluate(() => innerWidth), path).toBe(viewport.width);
      }
    }
  }, 120_000);

  it('prints a paper page as a clean article: black on white in the dark theme, no navigation, votes or forms', async () => {
    const { page, context } = browser;
    await context.addCookies([{ name: 'pb_theme', value: 'dark', url: server!.baseUrl, sameSite: 'Lax' }]);
    await signInBrowser(store, context, server!.baseUrl, 'reader@example.org');
    await page.goto(PAPER_PATH);
    expect(await background(page)).toBe(DARK_BG);
    expect(await page.locator('.site-header nav').first().isVisible()).toBe(true);

    await page.emulateMedia({ media: 'print' });
    expect(await background(page)).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.paper-title')!).color)).toBe('rgb(0, 0, 0)');
    for (const hidden of ['.site-header nav', '.site-search', '.account-nav', 'button.votes', '.comment-form', '.subscribe-box', '.site-footer', '.save-to-list', '.theme-choice']) {
      expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    }
    expect(await page.locator('.paper-title').isVisible()).toBe(true);
    expect(await page.locator('.abstract .katex').first().isVisible()).toBe(true);
    expect(await page.locator('.paper-dates').isVisible()).toBe(true);
    expect(await page.locator('.paper-id').innerText()).toContain(PAPER.id);
    // Every author, also those behind "and 4 more authors".
    const rest = page.locator('.more-authors-list .authors');
    expect(await rest.isVisible()).toBe(true);
    expect(await rest.innerText()).toContain('Author Number34');
    expect(await page.locator('.more-authors-list summary').isVisible()).toBe(false);
    // The comment stays (without its actions); a link shows its address after its text.
    expect(await page.locator('.comment-body').first().isVisible()).toBe(true);
    const after = await page.evaluate(() => getComputedStyle(document.querySelector('.paper-links a')!, '::after').content);
    expect(after).toContain(`https://arxiv.org/abs/${PAPER.id}`);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.comment')!).breakInside)).toBe('avoid');

    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});

describe('theme cookie on the server', () => {
  it('renders data-theme only for exactly light or dark', async () => {
    const { app } = await seededApp();
    try {
      const html = async (cookie?: string) => /<html[^>]*>/.exec((await app.inject({ url: '/papers/2505.20278', headers: cookie ? { cookie } : {} })).body)?.[0];
      expect(await html()).toBe('<html lang="en">');
      expect(await html('pb_theme=dark')).toBe('<html lang="en" data-theme="dark">');
      expect(await html('other=1; pb_theme=light; more=2')).toBe('<html lang="en" data-theme="light">');
      for (const bad of ['pb_theme=purple', 'pb_theme="><script>', 'pb_theme=Dark', 'pb_theme=darkx', 'xpb_theme=dark']) expect(await html(bad), bad).toBe('<html lang="en">');
      // Error pages too.
      expect(/<html[^>]*>/.exec((await app.inject({ url: '/nothing/here', headers: { cookie: 'pb_theme=dark' } })).body)?.[0]).toBe('<html lang="en" data-theme="dark">');
    } finally {
      await app.close();
    }
  });
});
