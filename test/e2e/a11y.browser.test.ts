/**
 * Accessibility (issue 9, a first part): axe-core (WCAG 2.x A and AA rules) in real Chromium on the site's pages,
 * at a phone's width (360 px) and a desktop's (1280 px), in the light and the dark theme, signed out and signed in
 * (as an admin, so the moderation pages are reached too), with content on them: a vote, a comment, a list, follows.
 * Not one serious or critical violation is allowed. axe runs through the DevTools protocol, under the site's real CSP.
 * The journeys (the other browser files) check every page they visit the same way, through test/helpers/axe.ts; the
 * last test here shows that check catches a violation even on a page a journey leaves at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { CommunityDeps } from '../../src/web/app.js';
import { seededApp } from '../helpers/app.js';
import { auditContext, axeAudit, guard } from '../helpers/axe.js';
import { browserSuite, launchBrowser, listen } from '../helpers/browser.js';

const PUBLIC_PAGES = ['/', '/papers/2505.20278', '/search?q=grokking', '/papers/trending', '/papers/week/2023-W40', '/papers/month/2023-10', '/auth/signin', '/digest/subscribe', '/moderation', '/about/trending'];
const MEMBER_PAGES = ['/account', '/lists', '/for-you', '/for-you/interests', '/submit', '/moderation/reports'];

describe.skipIf(browserSuite.skip)(browserSuite.title('browser: accessibility (axe-core) on every page, both widths, both themes'), () => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let store: Store;
  let community: CommunityDeps;
  let browser: Browser;
  let session = '';
  let listId = 0;
  let userId = 0;

  beforeAll(async () => {
    const built = await seededApp();
    ({ store, community } = built);
    const u = await store.accounts.findOrCreateUser('a11y@example.org', new Date('2025-01-01T00:00:00Z'));
    await store.accounts.updateProfile(u.id, { displayName: 'Ada Access', affiliation: 'Screen Reader Lab' });
    await store.accounts.setRole(u.id, 'admin');
    const user = (await store.accounts.userById(u.id))!;
    userId = user.id;
    await community.votes.votePaper(user, '2505.20278', true);
    await community.comments.add(user, '2505.20278', { body: 'Does the *coverage principle* hold for $k$-hop tasks?' });
    listId = await community.readingLists.create(user, 'Accessible reading');
    await community.readingLists.add(user, listId, '2505.20278');
    await community.interests.follow(user, 'category', 'cs.LG');
    session = await store.accounts.createSession(user.id, new Date(), 3_600_000);
    server = await listen(built.app);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const configs = [
    { width: 360, height: 740, scheme: 'light', member: false },
    { width: 360, height: 740, scheme: 'dark', member: true },
    { width: 1280, height: 900, scheme: 'light', member: true },
    { width: 1280, height: 900, scheme: 'dark', member: false },
  ] as const;

  for (const c of configs) {
    it(`has no serious or critical violations at ${c.width} px, ${c.scheme} theme, ${c.member ? 'signed in' : 'signed out'}`, async () => {
      const context = await browser.newContext({ baseURL: server!.baseUrl, viewport: { width: c.width, height: c.height }, colorScheme: c.scheme });
      try {
        if (c.member) await context.addCookies([{ name: 'pb_session', value: session, url: server!.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
        const page = await context.newPage();
        const pages = c.member ? [...PUBLIC_PAGES, ...MEMBER_PAGES, `/lists/${listId}`, `/users/${userId}`] : [...PUBLIC_PAGES, `/users/${userId}`];
        const found: Array<{ page: string; id: string; impact: string; target: string }> = [];
        // Each page as loaded, and the home page with the keyboard shortcuts' dialog open (?).
        for (const path of [...pages, '/#shortcuts']) {
          const res = await page.goto(path.replace('#shortcuts', ''));
          expect(res?.status(), path).toBeLessThan(400);
          if (path.endsWith('#shortcuts')) {
            await page.keyboard.press('?');
            await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
          }
          for (const v of (await axeAudit(page)) ?? []) found.push({ page: path, id: v.id, impact: v.impact, target: v.target });
        }
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  it('checks, in a journey, a page the journey leaves at once (its next action waits for the check)', async () => {
    // Two pages of a throwaway server: the first breaks a critical rule (an image without alternative text), scrolls
    // sideways (reflow, checked beside axe) and links to the second, which is clean. The test clicks through without waiting for anything.
    const pages: Record<string, string> = {
      '/bad': '<!doctype html><html lang="en"><title>Bad</title><main><h1>Bad</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="/good">next</a><div style="width:3000px">wide</div></main></html>',
      '/good': '<!doctype html><html lang="en"><title>Good</title><main><h1>Good</h1><p>Fine.</p></main></html>',
    };
    const site = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages[req.url ?? ''] ?? 'not found');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const context = await browser.newContext();
    try {
      const audits = auditContext(context);
      const page = guard(await context.newPage(), audits.settled);
      await page.goto(`${base}/bad`);
      await page.click('a');
      await page.waitForURL(`${base}/good`);
      await audits.settled();
      expect(audits.failures).toEqual([]);
      expect(audits.audited.map((a) => [new URL(a.url).pathname, a.violations.map((v) => `${v.impact} ${v.id}`)])).toEqual([
        ['/bad', ['critical image-alt', 'serious reflow']],
        ['/good', []],
      ]);
    } finally {
      await context.close();
      site.close();
    }
  });
});
