/**
 * Browser tests: playwright-core driving Debian's Chromium (`apt-get install -y chromium`; `npx playwright install`
 * cannot download browsers here). Reusable for every journey:
 *
 *   const server = await listen(app);                  // the real app on 127.0.0.1, port 0
 *   const browser = useBrowser(() => server.baseUrl);  // inside a describe: launches once, a fresh page per test,
 *   browser.page                                       //   screenshot into test-results/ when a test fails
 *
 * Journeys run once per viewport (`for (const viewport of VIEWPORTS)`, or `describe.each(VIEWPORTS)`): a phone
 * (360 × 740, touch) and a desktop (1280 × 900). Every page any context of a test loads is checked with axe-core as it
 * loads (test/helpers/axe.ts): a serious or critical violation fails the test, and each audit is logged to
 * test-results/axe-audits.jsonl.
 *
 * Whether browser tests run: `browserSuite` says skip (Chromium missing) unless PAPERBOY_REQUIRE_BROWSER=1, in which
 * case a missing Chromium fails the suite instead (CI must not silently skip them).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, BrowserContextOptions, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type Audits, auditContext, guard } from './axe.js';
import { CHROMIUM_PATH, chromiumInstalled, launchBrowser } from './serve.js';

export { CHROMIUM_ARGS, CHROMIUM_PATH, launchBrowser } from './serve.js';
import type { Store } from '../../src/store/store.js';
import { SESSION_COOKIE } from '../../src/web/session.js';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

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
  // A request the browser cancels because the page moved on (net::ERR_ABORTED: app.js still loading when a journey
  // clicks away) is not a failure of the site.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (why !== 'net::ERR_ABORTED') problems.errors.push(`requestfailed: ${r.url()} ${why}`);
  });
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

export interface Viewport {
  name: string;
  width: number;
  height: number;
  isMobile?: boolean;
  hasTouch?: boolean;
}
export const PHONE: Viewport = { name: 'phone', width: 360, height: 740, isMobile: true, hasTouch: true };
export const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 900 };
/** The two viewports every journey runs on. */
export const VIEWPORTS: Viewport[] = [PHONE, DESKTOP];

const AUDIT_LOG = path.join(RESULTS_DIR, 'axe-audits.jsonl');

export interface BrowserHandle {
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** A fresh page for the current test, with relative URLs resolved against the server's base URL. */
  readonly page: Page;
  /** Errors the current page reported so far. */
  readonly problems: PageProblems;
  /** The viewport this suite runs at. */
  readonly viewport: Viewport;
  /** Another context for this test (another visitor, or JavaScript off), at the suite's viewport, audited, closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Registers hooks in the enclosing describe: one browser for the suite, a new context and page per test (relative
 * `page.goto('/')` works) at `opts.viewport` (the desktop by default), a screenshot in test-results/ when a test fails,
 * and axe-core on every page the test's contexts load (unless `audit: false`).
 */
export function useBrowser(baseUrl: () => string, opts: { viewport?: Viewport; audit?: boolean } = {}): BrowserHandle {
  const viewport = opts.viewport ?? DESKTOP;
  const audit = opts.audit ?? true;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let problems: PageProblems = { errors: [] };
  let contexts: Array<{ context: BrowserContext; audits: Audits | null }> = [];

  async function open(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    if (!browser) throw new Error('the browser did not start');
    const { name: _name, ...size } = viewport;
    const { width, height, ...device } = size;
    const made = await browser.newContext({ baseURL: baseUrl(), viewport: { width, height }, ...device, ...options });
    const audits = audit ? auditContext(made, { scripts: options.javaScriptEnabled !== false }) : null;
    contexts.push({ context: made, audits });
    // Every action of the test (a click, a key, a goto) waits until the pages loaded so far are checked.
    return audits ? guard(made, audits.settled, audits.auditMissed) : made;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    contexts = [];
    context = await open();
    page = await context.newPage();
    problems = watch(page);
  });
  // afterEach runs before vitest's onTestFailed hooks, while the page is still open; the test's state is already set.
  afterEach(async (ctx) => {
    if (page && ctx.task.result?.state === 'fail') {
      const file = await screenshot(page, `${viewport.name} ${ctx.task.name}`).catch(() => null);
      if (file) console.error(`[browser tests] screenshot of the failure: ${file}`);
    }
    const problemsFound: string[] = [];
    for (const c of contexts) {
      if (!c.audits) continue;
      const finished = await Promise.race([c.audits.auditMissed().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      if (!finished) problemsFound.push('the accessibility checks of this test did not finish within 30 s');
      fs.mkdirSync(RESULTS_DIR, { recursive: true });
      const lines = c.audits.audited.map((a) => JSON.stringify({ file: path.basename(ctx.task.file?.name ?? ''), test: ctx.task.name, viewport: viewport.name, url: a.url, ...(a.again ? { again: a.again } : {}), violations: a.violations }));
      if (lines.length) fs.appendFileSync(AUDIT_LOG, `${lines.join('\n')}\n`);
      problemsFound.push(...c.audits.failures);
      for (const a of c.audits.audited) for (const v of a.violations) problemsFound.push(`${v.url}: ${v.impact} ${v.id} (${v.help}) ×${v.nodes} at ${v.target}`);
    }
    for (const c of contexts) await c.context.close().catch(() => undefined);
    contexts = [];
    context = undefined;
    page = undefined;
    if (problemsFound.length) throw new Error(`axe-core found serious or critical accessibility violations (${viewport.name}):\n${problemsFound.join('\n')}`);
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
    viewport,
    newContext: open,
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
