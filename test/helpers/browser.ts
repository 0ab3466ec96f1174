/**
 * Browser tests: playwright-core driving Debian's Chromium (`apt-get install -y chromium`; `npx playwright install`
 * cannot download browsers here). Reusable for every journey:
 *
 *   const server = await listen(app);                  // the real app on 127.0.0.1, port 0
 *   const browser = useBrowser(() => server.baseUrl);  // inside a describe: launches once, a fresh page per test,
 *   browser.page                                       //   screenshot into test-results/ when a test fails
 *
 * Whether browser tests run: `browserSuite` says skip (Chromium missing) unless PAPERBOY_REQUIRE_BROWSER=1, in which
 * case a missing Chromium fails the suite instead (CI must not silently skip them).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { SESSION_COOKIE } from '../../src/web/session.js';

export const CHROMIUM_PATH = process.env.PAPERBOY_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

export const chromiumInstalled = fs.existsSync(CHROMIUM_PATH);
export const browserRequired = process.env.PAPERBOY_REQUIRE_BROWSER === '1';

/** How a browser suite should run: `skip` when Chromium is missing and not required (with a message saying why). */
export const browserSuite = {
  skip: !chromiumInstalled && !browserRequired,
  /** The describe title, carrying the skip reason so it shows in the test report. */
  title(name: string): string {
    return this.skip
      ? `${name} (skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install -y chromium, or PAPERBOY_REQUIRE_BROWSER=1 to fail instead)`
      : name;
  },
};
if (browserSuite.skip) {
  console.warn(`[browser tests] skipped: Chromium not found at ${CHROMIUM_PATH}. Set PAPERBOY_REQUIRE_BROWSER=1 to make this a failure.`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumInstalled) {
    throw new Error(
      `Browser tests are required (PAPERBOY_REQUIRE_BROWSER=1) but Chromium is not at ${CHROMIUM_PATH}: apt-get install -y chromium`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Starts an app on 127.0.0.1 on a free port. */
export async function listen(app: FastifyInstance): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** What went wrong in the page: uncaught errors, console errors (CSP violations land here), failed requests. */
export interface PageProblems {
  errors: string[];
}

function watch(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.errors.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return problems;
}

/** A file name from a test name. */
function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100) || 'test';
}

/** Saves a full-page screenshot into test-results/; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface BrowserHandle {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A fresh page for the current test, with relative URLs resolved against the server's base URL. */
  readonly page: Page;
  /** Errors the current page reported so far. */
  readonly problems: PageProblems;
}

/**
 * Registers hooks in the enclosing describe: one browser for the suite, a new context and page per test (relative
 * `page.goto('/')` works), and a screenshot in test-results/ when a test fails.
 */
export function useBrowser(baseUrl: () => string, opts: { viewport?: { width: number; height: number } } = {}): BrowserHandle {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let problems: PageProblems = { errors: [] };

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('the browser did not start');
    context = await browser.newContext({ baseURL: baseUrl(), viewport: opts.viewport ?? { width: 1200, height: 900 } });
    page = await context.newPage();
    problems = watch(page);
  });
  // afterEach runs before vitest's onTestFailed hooks, while the page is still open; the test's state is already set.
  afterEach(async (ctx) => {
    if (page && ctx.task.result?.state === 'fail') {
      const file = await screenshot(page, ctx.task.name).catch(() => null);
      if (file) console.error(`[browser tests] screenshot of the failure: ${file}`);
    }
    await context?.close();
    context = undefined;
    page = undefined;
  });

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is only available inside a test`);
    return v;
  };
  return {
    get browser() {
      return need(browser, 'browser');
    },
    get context() {
      return need(context, 'context');
    },
    get page() {
      return need(page, 'page');
    },
    get problems() {
      return problems;
    },
  };
}

/**
 * Signs a browser context in as a member (made if new, named after the address's local part): a session row in the
 * store and its cookie, as a signed-in browser would hold it. Returns the member's id.
 */
export async function signInBrowser(store: Store, context: BrowserContext, baseUrl: string, email: string): Promise<number> {
  const user = await store.accounts.findOrCreateUser(email, new Date('2025-01-01T00:00:00Z'));
  await store.accounts.updateProfile(user.id, { displayName: email.split('@')[0]!, affiliation: null });
  const secret = await store.accounts.createSession(user.id, new Date(), 3_600_000);
  await context.addCookies([{ name: SESSION_COOKIE, value: secret, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  return user.id;
}
