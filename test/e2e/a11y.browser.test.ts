/**
 * Accessibility (issue 9, a first part): axe-core (WCAG 2.x A and AA rules) in real Chromium on the site's pages,
 * at a phone's width (360 px) and a desktop's (1280 px), in the light and the dark theme, signed out and signed in
 * (as an admin, so the moderation pages are reached too), with content on them: a vote, a comment, a list, follows.
 * Not one serious or critical violation is allowed. The CSP is bypassed only to inject axe itself.
 */
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import type { CommunityDeps } from '../../src/web/app.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, launchBrowser, listen } from '../helpers/browser.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PUBLIC_PAGES = ['/', '/papers/2505.20278', '/search?q=grokking', '/papers/trending', '/papers/week/2023-W40', '/papers/month/2023-10', '/auth/signin', '/digest/subscribe', '/moderation', '/about/trending'];
const MEMBER_PAGES = ['/account', '/lists', '/for-you', '/for-you/interests', '/submit', '/moderation/reports'];

interface Violation {
  page: string;
  id: string;
  impact: string;
  nodes: number;
  target: string;
}

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
      const context = await browser.newContext({ baseURL: server!.baseUrl, viewport: { width: c.width, height: c.height }, colorScheme: c.scheme, bypassCSP: true });
      try {
        if (c.member) await context.addCookies([{ name: 'pb_session', value: session, url: server!.baseUrl, httpOnly: true, sameSite: 'Lax' }]);
        const page = await context.newPage();
        const pages = c.member ? [...PUBLIC_PAGES, ...MEMBER_PAGES, `/lists/${listId}`, `/users/${userId}`] : [...PUBLIC_PAGES, `/users/${userId}`];
        const found: Violation[] = [];
        // Each page as loaded, and the home page with the keyboard shortcuts' dialog open (?).
        for (const path of [...pages, '/#shortcuts']) {
          const res = await page.goto(path.replace('#shortcuts', ''));
          expect(res?.status(), path).toBeLessThan(400);
          if (path.endsWith('#shortcuts')) {
            await page.keyboard.press('?');
            await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
          }
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => {
            const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
            const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
            return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'minor', nodes: v.nodes.length, target: String(v.nodes[0]?.target.join(' ') ?? '') }));
          });
          for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') found.push({ page: path, ...v });
        }
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
