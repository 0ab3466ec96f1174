/**
 * Interaction (issue 9) in real Chromium, on a phone and a desktop viewport:
 * - optimistic upvotes: the box changes the moment the vote is sent (the answer is held back to look), the server's
 *   answer wins, rapid clicks end where the last one meant (one request at a time), a refusal (429) or a network failure
 *   puts the box back and says why in a polite status line;
 * - search suggestions as you type (the WAI-ARIA combobox pattern) on the header box and the search page's: arrows,
 *   Enter opens the chosen paper or searches, Escape closes, a click opens; stale answers are ignored; titles are text;
 *   axe-core finds nothing serious with the list open;
 * - "new since your last visit": badges and the count note from a visit time in localStorage; nothing on a first visit,
 *   marks kept between pages of one visit, no layout shift.
 */
import type { Page, Request, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { seededApp } from '../helpers/app.js';
import { axeAudit } from '../helpers/axe.js';
import { browserSuite, listen, signInBrowser, useBrowser, VIEWPORTS } from '../helpers/browser.js';

const paper = (id: string, published: string, title: string, upvotes: number) => ({
  id,
  title,
  abstract: 'We study interaction and report what we found.',
  authors: ['Ida Interact', 'Otto Optimist'],
  categories: ['cs.HC'],
  published,
  upvotes,
});

/** Days of their own (the seed has papers on 2025-09-25 and 2025-09-30). */
const VOTE_DAY = '2026-02-02';
const VOTE_PAPERS = [paper('2602.00101', VOTE_DAY, 'Optimistic interfaces', 5), paper('2602.00102', VOTE_DAY, 'Pessimistic interfaces', 3)];
const SUGGEST_PAPERS = [
  paper('2602.00201', '2026-02-03', 'Wombat burrows as shelters', 2),
  paper('2602.00202', '2026-02-03', 'Wombats and wildfire', 1),
  paper('2602.00203', '2026-02-03', 'A wombat census by drone', 0),
  paper('2602.00204', '2026-02-03', '<img src=x onerror="window.__pwned=1"> wombat markup', 0),
];
const NEW_DAY = '2026-02-04';
const NEW_PAPERS = [
  paper('2602.00301', NEW_DAY, 'Fresh paper one', 9),
  paper('2602.00302', NEW_DAY, 'Old paper one', 8),
  paper('2602.00303', NEW_DAY, 'Fresh paper two', 7),
  paper('2602.00304', NEW_DAY, 'Old paper two', 6),
];
/** When the "fresh" and "old" papers entered the feed, and the visitor's last visit between them. */
const ENTERED_OLD = '2026-01-01T08:00:00.000Z';
const LAST_VISIT = '2026-01-05T08:00:00.000Z';
const ENTERED_FRESH = '2026-01-10T08:00:00.000Z';

const isVotePost = (r: Request) => r.method() === 'POST' && /\/papers\/[^/]+\/vote$/.test(new URL(r.url()).pathname);

/** A gate: `wait()` resolves once `open()` was called. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, wait: () => opened };
}

for (const viewport of VIEWPORTS) {
  describe.skipIf(browserSuite.skip)(browserSuite.title(`browser: interaction (${viewport.name})`), () => {
    let server: { baseUrl: string; close: () => Promise<void> } | undefined;
    let store: Store;

    beforeAll(async () => {
      const built = await seededApp({ papers: [...VOTE_PAPERS, ...SUGGEST_PAPERS, ...NEW_PAPERS] });
      store = built.store;
      const fresh = NEW_PAPERS.filter((p) => p.title.startsWith('Fresh')).map((p) => p.id);
      const old = NEW_PAPERS.filter((p) => p.title.startsWith('Old')).map((p) => p.id);
      await store.db.kysely.updateTable('feed_entries').set({ created_at: ENTERED_FRESH }).where('paper_id', 'in', fresh).execute();
      await store.db.kysely.updateTable('feed_entries').set({ created_at: ENTERED_OLD }).where('paper_id', 'in', old).execute();
      server = await listen(built.app);
    });
    afterAll(async () => {
      await server?.close();
    });

    const browser = useBrowser(() => server!.baseUrl, { viewport });

    /** The vote box of a card: count, pressed state, the status line. */
    function voteBox(page: Page, paperId: string) {
      const form = page.locator(`.paper-card[data-paper-id="${paperId}"] form[data-vote]`);
      return {
        button: form.locator('button'),
        count: () => form.locator('.votes-count').textContent().then(Number),
        pressed: () => form.locator('button').getAttribute('aria-pressed'),
        busy: () => form.getAttribute('aria-busy'),
      };
    }
    const statusLine = (page: Page) => page.locator('.live-status[aria-live="polite"]');
    /** Page errors, without the console's note of a refused or failed request (made on purpose here). */
    const realErrors = () => browser.problems.errors.filter((e) => !/Failed to load resource|requestfailed/.test(e));

    describe('optimistic upvotes', () => {
      it('changes the box before the answer arrives, then shows the count the server answered', async () => {
        const { page, context } = browser;
        const email = `optimist-${viewport.name}@example.org`;
        await signInBrowser(store, context, server!.baseUrl, email);
        await page.goto(`/papers/date/${VOTE_DAY}`);
        const [p] = VOTE_PAPERS;
        const box = voteBox(page, p!.id);
        expect(await box.count()).toBe(5);
        expect(await box.pressed()).toBe('false');

        const held = gate();
        let answered = false;
        // The real server answers; the browser gets its answer only when the gate opens, and with a count of 42 (others
        // voted meanwhile): what the server says wins over what the page guessed.
        await page.route('**/papers/*/vote', async (route: Route) => {
          const response = await route.fetch();
          const body = (await response.json()) as { upvotes: number; upvoted: boolean };
          expect(body).toEqual({ upvotes: 6, upvoted: true });
          await held.wait();
          answered = true;
          await route.fulfill({ response, json: { ...body, upvotes: 42 } });
        });
        const posted = page.waitForRequest(isVotePost);
        await box.button.click();
        const request = await posted;
        expect(new URLSearchParams(request.postData() ?? '').get('action')).toBe('up');
        // The request is out, its answer held: the page already shows the vote.
        expect(await box.count()).toBe(6);
        expect(await box.pressed()).toBe('true');
        expect(await box.button.getAttribute('title')).toBe('Withdraw your upvote');
        expect(await box.busy()).toBe('true');
        expect(answered).toBe(false);

        held.open();
        await expect.poll(box.busy).toBeNull();
        expect(answered).toBe(true);
        expect(await box.count()).toBe(42);
        expect(await box.pressed()).toBe('true');
        // The vote is stored (the real count), and the plain form's next action is "withdraw".
        expect((await store.feed.entry(p!.id))!.upvotes).toBe(6);
        expect(await page.locator(`.paper-card[data-paper-id="${p!.id}"] input[name="action"]`).inputValue()).toBe('withdraw');
        await page.unroute('**/papers/*/vote');
        expect(realErrors()).toEqual([]);
      });

      it('keeps rapid clicks in step with the server: one request at a time, the last click wins', async () => {
        const { page, context } = browser;
        const email = `clicker-${viewport.name}@example.org`;
        await signInBrowser(store, context, server!.baseUrl, email);
        const p = VOTE_PAPERS[1]!;
        await page.goto(`/papers/date/${VOTE_DAY}`);
        const box = voteBox(page, p.id);
        const start = await box.count();
        const actions: string[] = [];
        let inFlight = 0;
        let overlapped = false;
        // Answers wait at a gate, so the clicks certainly land while a vote is on its way.
        let held = gate();
        await page.route('**/papers/*/vote', async (route: Route) => {
          inFlight++;
          if (inFlight > 1) overlapped = true;
          actions.push(new URLSearchParams(route.request().postData() ?? '').get('action') ?? '');
          const response = await route.fetch();
          await held.wait();
          inFlight--;
          await route.fulfill({ response });
        });

        // Two clicks: up, then withdraw (queued behind the first); the box ends where it started, and so does the store.
        await box.button.click();
        await box.button.click();
        expect(await box.count()).toBe(start);
        expect(await box.pressed()).toBe('false');
        expect(actions).toEqual(['up']);
        held.open();
        await expect.poll(box.busy, { timeout: 5_000 }).toBeNull();
        expect(actions).toEqual(['up', 'withdraw']);
        expect(await box.count()).toBe(start);
        expect(await box.pressed()).toBe('false');
        expect((await store.feed.entry(p.id))!.upvotes).toBe(start);

        // Three clicks: up, withdraw, up; the first answer (upvoted) is already what the last click wants: one request.
        actions.length = 0;
        held = gate();
        await box.button.click();
        await box.button.click();
        await box.button.click();
        expect(await box.count()).toBe(start + 1);
        expect(await box.pressed()).toBe('true');
        held.open();
        await expect.poll(box.busy, { timeout: 5_000 }).toBeNull();
        expect(actions).toEqual(['up']);
        expect(await box.count()).toBe(start + 1);
        expect(await box.pressed()).toBe('true');
        expect((await store.feed.entry(p.id))!.upvotes).toBe(start + 1);
        expect(overlapped).toBe(false);

        // A reload shows what the store holds.
        await page.unroute('**/papers/*/vote');
        await page.reload();
        expect(await box.count()).toBe(start + 1);
        expect(await box.pressed()).toBe('true');
        expect(realErrors()).toEqual([]);
      });

      it('rolls back a refused vote (429) and a failed one, and says why in a polite status line', async () => {
        const { page, context } = browser;
        await signInBrowser(store, context, server!.baseUrl, `refused-${viewport.name}@example.org`);
        await page.goto(`/papers/date/${VOTE_DAY}`);
        const p = VOTE_PAPERS[0]!;
        const box = voteBox(page, p.id);
        const start = await box.count();
        const before = (await store.feed.entry(p.id))!.upvotes;
        page.on('dialog', (d) => {
          throw new Error(`no dialogs: ${d.message()}`);
        });

        const held = gate();
        await page.route('**/papers/*/vote', async (route: Route) => {
          await held.wait();
          await route.fulfill({
            status: 429,
            json: { statusCode: 429, error: 'Too many requests', code: 'rate_limited', message: 'Rate limit exceeded, retry in 1 minute' },
          });
        });
        await box.button.click();
        expect(await box.count()).toBe(start + 1);
        expect(await box.pressed()).toBe('true');
        held.open();
        await expect.poll(box.busy).toBeNull();
        expect(await box.count()).toBe(start);
        expect(await box.pressed()).toBe('false');
        const status = statusLine(page);
        expect(await status.getAttribute('aria-live')).toBe('polite');
        await expect.poll(() => status.textContent()).toBe('Your vote was not recorded. Rate limit exceeded, retry in 1 minute');
        expect(await status.isVisible()).toBe(true);
        expect((await store.feed.entry(p.id))!.upvotes).toBe(before);

        // The network fails: the same.
        await page.unroute('**/papers/*/vote');
        await page.route('**/papers/*/vote', (route: Route) => route.abort('internetdisconnected'));
        await box.button.click();
        await expect.poll(box.busy).toBeNull();
        expect(await box.count()).toBe(start);
        expect(await box.pressed()).toBe('false');
        await expect.poll(() => status.textContent()).toMatch(/^Your vote was not recorded: the server could not be reached/);
        await page.unroute('**/papers/*/vote');
        expect(realErrors()).toEqual([]);
      });
    });

    describe('search suggestions', () => {
      const list = (page: Page, id = 'site-search-q') => page.locator(`#${id}-suggestions`);
      const options = (page: Page, id = 'site-search-q') => list(page, id).getByRole('option');

      it('suggests papers as you type; arrows choose, Enter opens the paper; Escape closes; axe finds nothing with the list open', async () => {
        const { page } = browser;
        await page.goto('/');
        const box = page.locator('#site-search-q');
        expect(await box.getAttribute('role')).toBe('combobox');
        expect(await box.getAttribute('aria-autocomplete')).toBe('list');
        expect(await box.getAttribute('aria-expanded')).toBe('false');
        expect(await box.getAttribute('aria-controls')).toBe('site-search-q-suggestions');

        // One letter asks nothing.
        let asked = 0;
        page.on('request', (r) => {
          if (new URL(r.url()).pathname === '/search/suggest') asked++;
        });
        await box.click();
        await box.pressSequentially('w');
        await page.waitForTimeout(400);
        expect(asked).toBe(0);
        expect(await list(page).isHidden()).toBe(true);

        await box.pressSequentially('ombat', { delay: 20 });
        await list(page).waitFor({ state: 'visible' });
        // Asked after pauses in typing, not for every key (how many pauses depends on the machine's speed).
        expect(asked).toBeGreaterThanOrEqual(1);
        expect(asked).toBeLessThanOrEqual(5);
        expect(await box.getAttribute('aria-expanded')).toBe('true');
        const titles = await options(page).locator('.suggest-title').allTextContents();
        expect(new Set(titles)).toEqual(new Set(SUGGEST_PAPERS.map((p) => p.title)));
        // The markup in a title is text.
        expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await list(page).locator('img').count()).toBe(0);
        await expect.poll(() => page.locator('[aria-live="polite"]').filter({ hasText: 'suggestions' }).textContent()).toBe('4 suggestions: use the up and down arrow keys to choose.');
        expect(await list(page).getAttribute('role')).toBe('listbox');

        expect(await axeAudit(page)).toEqual([]);

        // ArrowDown, ArrowDown, ArrowUp: the first option is the active one (focus stays in the box).
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowUp');
        const first = options(page).first();
        const firstId = await first.getAttribute('id');
        expect(await box.getAttribute('aria-activedescendant')).toBe(firstId);
        expect(await first.getAttribute('aria-selected')).toBe('true');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search-q');

        // Escape closes the list and keeps the box (and its text); the next Escape leaves the box (the shortcuts' rule).
        await page.keyboard.press('Escape');
        expect(await list(page).isHidden()).toBe(true);
        expect(await box.getAttribute('aria-expanded')).toBe('false');
        expect(await box.getAttribute('aria-activedescendant')).toBeNull();
        expect(await box.inputValue()).toBe('wombat');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search-q');

        // ArrowDown opens it again; Enter on the chosen one opens that paper.
        await page.keyboard.press('ArrowDown');
        await list(page).waitFor({ state: 'visible' });
        await page.keyboard.press('ArrowDown');
        const chosen = await options(page).first().locator('.suggest-title').textContent();
        const id = SUGGEST_PAPERS.find((p) => p.title === chosen)!.id;
        await Promise.all([page.waitForURL(`**/papers/${id}`), page.keyboard.press('Enter')]);
        expect(await page.locator('h1').innerText()).toContain(chosen);
        expect(browser.problems.errors).toEqual([]);
      });

      it('searches as before when Enter comes with no suggestion chosen, and a click opens a paper (the search page box too)', async () => {
        const { page } = browser;
        await page.goto(`/papers/date/${VOTE_DAY}`);
        const box = page.locator('#site-search-q');
        await box.click();
        await box.pressSequentially('wombat cen');
        await list(page).waitFor({ state: 'visible' });
        expect(await options(page).locator('.suggest-title').allTextContents()).toEqual(['A wombat census by drone']);
        await Promise.all([page.waitForURL((u) => u.pathname === '/search'), page.keyboard.press('Enter')]);
        expect(new URL(page.url()).searchParams.get('q')).toBe('wombat cen');

        // The search page's own box, with a click.
        const own = page.locator('#search-q');
        await own.fill('');
        await own.click();
        await own.pressSequentially('wombats and');
        await list(page, 'search-q').waitFor({ state: 'visible' });
        expect(await options(page, 'search-q').count()).toBeGreaterThan(0);
        await Promise.all([page.waitForURL('**/papers/2602.00202'), options(page, 'search-q').filter({ hasText: 'Wombats and wildfire' }).click()]);
        expect(browser.problems.errors).toEqual([]);
      });

      it('aborts a stale request and ignores an answer that arrives after a newer one', async () => {
        const { page } = browser;
        await page.goto('/');
        const held = gate();
        const seen: string[] = [];
        await page.route('**/search/suggest?*', async (route: Route) => {
          const q = new URL(route.request().url()).searchParams.get('q') ?? '';
          seen.push(q);
          if (q === 'wom') {
            // The first question is answered late, with something only it would say.
            await held.wait();
            await route
              .fulfill({ json: { q, suggestions: [{ id: '2602.00299', title: 'STALE answer', href: '/papers/2602.00299', authors: 'Nobody', year: '2026' }] } })
              .catch(() => undefined); // aborted by the page: nothing to answer
            return;
          }
          await route.continue();
        });
        const box = page.locator('#site-search-q');
        await box.click();
        await box.pressSequentially('wom');
        await expect.poll(() => seen).toEqual(['wom']);
        await box.pressSequentially('bat cen');
        await list(page).waitFor({ state: 'visible' });
        held.open();
        await page.waitForTimeout(300);
        expect(await options(page).locator('.suggest-title').allTextContents()).toEqual(['A wombat census by drone']);
        expect(seen).toEqual(['wom', 'wombat cen']);
        await page.unroute('**/search/suggest?*');
        expect(realErrors()).toEqual([]);
      });
    });

    describe('new since your last visit', () => {
      const badges = (page: Page) =>
        page.evaluate(() => Array.from(document.querySelectorAll('article.paper-card')).filter((c) => c.querySelector('.new-badge')).map((c) => c.getAttribute('data-paper-id')));
      const note = (page: Page) => page.locator('[data-new-since]').textContent();
      const stored = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('paperboy.visits') ?? 'null') as { previous: number | null; last: number } | null);

      it('marks the papers that entered the feed after the last visit, keeps the marks during the visit, moves nothing', async () => {
        const { page, context } = browser;
        // The last visit ended on LAST_VISIT: set before the first page loads (once per tab, not on every load).
        await context.addInitScript((last: number) => {
          if (sessionStorage.getItem('seeded')) return;
          localStorage.setItem('paperboy.visits', JSON.stringify({ previous: null, last }));
          sessionStorage.setItem('seeded', '1');
        }, Date.parse(LAST_VISIT));
        // Every layout shift from the start of each page.
        await context.addInitScript(() => {
          const w = window as unknown as { __cls: number };
          w.__cls = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__cls += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
        });
        await page.goto(`/papers/date/${NEW_DAY}`);
        const fresh = NEW_PAPERS.filter((p) => p.title.startsWith('Fresh')).map((p) => p.id);
        await expect.poll(() => note(page)).toBe('2 new papers since your last visit');
        expect(await badges(page)).toEqual(fresh);
        const badge = page.locator(`.paper-card[data-paper-id="${fresh[0]}"] .new-badge`);
        // "New" to see; "New since your last visit" to hear.
        expect(await badge.evaluate((b) => b.firstChild?.textContent)).toBe('New');
        expect(await badge.textContent()).toBe('New since your last visit');
        expect(await badge.isVisible()).toBe(true);
        expect((await stored(page))!.previous).toBe(Date.parse(LAST_VISIT));
        await page.waitForTimeout(300);
        // Nothing moves for the marks (a badge pushing a card's text down would shift every card below it). Not exactly
        // 0: CI measured 0.0002 once on this page, as bench:browser does on the home page, with or without marks.
        expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBeLessThan(0.005);
        expect(await axeAudit(page)).toEqual([]);

        // Another page of the same visit, and back: the same marks.
        await page.goto(`/papers/${fresh[0]}`);
        await page.goto(`/papers/date/${NEW_DAY}`);
        await expect.poll(() => note(page)).toBe('2 new papers since your last visit');
        expect(await badges(page)).toEqual(fresh);
        // The trending page has the note line and the cards their feed-entry time.
        await page.goto('/papers/trending');
        expect(await page.locator('[data-new-since]').count()).toBe(1);
        expect(await page.locator('article.paper-card:not([data-entered])').count()).toBe(0);

        // A visit that starts more than 30 minutes after the last page view: the papers seen then are not new any more.
        await page.evaluate(() => {
          const s = JSON.parse(localStorage.getItem('paperboy.visits')!) as { previous: number; last: number };
          localStorage.setItem('paperboy.visits', JSON.stringify({ previous: s.previous, last: Date.now() - 31 * 60_000 }));
        });
        await page.goto(`/papers/date/${NEW_DAY}`);
        expect(await page.locator('[data-new-since]').textContent()).toBe('');
        expect(await badges(page)).toEqual([]);
        expect((await stored(page))!.previous).toBeGreaterThan(Date.parse(ENTERED_FRESH));
        expect(browser.problems.errors).toEqual([]);
      });

      it('marks nothing on a first visit', async () => {
        const { page } = browser;
        await page.goto(`/papers/date/${NEW_DAY}`);
        await expect.poll(() => stored(page)).not.toBeNull();
        expect((await stored(page))!.previous).toBeNull();
        expect(await page.locator('[data-new-since]').textContent()).toBe('');
        expect(await badges(page)).toEqual([]);
        // Still the same visit a page later: still nothing.
        await page.reload();
        expect(await badges(page)).toEqual([]);
        expect(browser.problems.errors).toEqual([]);
      });
    });
  });
}
