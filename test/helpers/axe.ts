/**
 * Accessibility checks with axe-core (WCAG 2.0–2.2 A and AA rules, and axe's best practices) in real Chromium.
 *
 *   await axeAudit(page)          // the serious and critical violations on the page as it is now ([] is a pass)
 *   const audits = auditContext(context)   // audits every page its tabs load
 *   const tab = guard(page, audits.settled)   // a page whose actions wait for those audits
 *
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the site's real CSP stays on.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeViolation {
  url: string;
  id: string;
  impact: string;
  help: string;
  nodes: number;
  target: string;
}

/**
 * The serious and critical axe violations of the page as it stands, and sideways scrolling (WCAG 1.4.10 reflow,
 * which axe leaves out) as one more serious violation; null when the document is not HTML (a feed).
 * `scripts: false` for a page with JavaScript off (checked from a copy, see `auditCopy`).
 */
export async function axeAudit(page: Page, opts: { scripts?: boolean } = {}): Promise<AxeViolation[] | null> {
  const url = page.url();
  return opts.scripts === false ? auditCopy(page, url) : runAxe(page, url);
}

/**
 * A page with JavaScript off (`javaScriptEnabled: false`) runs no script, axe included. Its document as it stands is
 * checked in a tab that allows scripts but blocks the site's own (so it stays the page a visitor without JavaScript
 * sees), at the same size and colour scheme, with the same stylesheets.
 */
async function auditCopy(page: Page, url: string): Promise<AxeViolation[] | null> {
  const html = await page.content();
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser to check a page without JavaScript in');
  const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
  const context = await browser.newContext({ viewport: page.viewportSize(), colorScheme: dark ? 'dark' : 'light' });
  try {
    const copy = await context.newPage();
    await copy.route('**/*', (route) => {
      const request = route.request();
      if (request.isNavigationRequest()) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      if (request.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await copy.goto(url.split('#')[0]!);
    return await runAxe(copy, url);
  } finally {
    await context.close();
  }
}

/** Loads axe into the page (once) and runs it, in one evaluation, so that it sees one document from start to end. */
async function runAxe(page: Page, url: string): Promise<AxeViolation[] | null> {
  const found = (await page.evaluate(`(async () => {
    if (document.contentType !== 'text/html') return null;
    if (!window.axe) {
${AXE_SOURCE}
    }
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] });
    const found = r.violations.map((v) => ({ id: v.id, impact: v.impact || 'minor', help: v.help, nodes: v.nodes.length, target: String(v.nodes[0] ? v.nodes[0].target.join(' ') : '') }));
    // Reflow (WCAG 1.4.10), which axe does not check: the page must not scroll sideways at the viewport's width.
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
      const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('[hidden]'));
      const first = wide.find((e) => !wide.includes(e.parentElement)) || wide[0];
      const name = first ? first.tagName.toLowerCase() + (first.className && typeof first.className === 'string' ? '.' + first.className.trim().split(/\s+/).join('.') : '') : 'html';
      found.push({ id: 'reflow', impact: 'serious', help: 'The page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in a ' + width + ' px viewport (WCAG 1.4.10)', nodes: wide.length, target: name });
    }
    return found;
  })()`)) as Array<Omit<AxeViolation, 'url'>> | null;
  if (!found) return null;
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ url, ...v }));
}

export interface Audits {
  /** Every page audited so far (its URL when loaded) and its serious or critical violations. */
  readonly audited: Array<{ url: string; violations: AxeViolation[]; again?: string }>;
  /** Audits that could not run, with the reason (to fail the test like a violation). */
  readonly failures: string[];
  /** Waits until every page of the context has loaded and every audit started so far has finished. */
  settled(): Promise<void>;
  /** Audits again, in a new tab of the context, the pages a tab left before their audit could finish. */
  auditMissed(): Promise<void>;
}

/** Errors of an evaluation cut short because its page went away (it navigated, or closed). */
const GONE = /Execution context was destroyed|navigat|Target page, context or browser has been closed|frame was detached|promise was garbage collected/i;

/**
 * Audits every HTML page that any tab of `context` loads with `axeAudit`, including pages reached by a click or a form
 * post. Chromium runs no script in a page whose next navigation is pending, so a check cannot hold a navigation back;
 * instead `guard` wraps the context so that every action of a journey (a click, a key, a goto) first waits for the
 * checks of the pages loaded so far. A page left before its check finished anyway (a script navigated) is checked
 * again by `auditMissed`, from its URL. Call before the context opens its first page.
 */
export function auditContext(context: BrowserContext, opts: { scripts?: boolean } = {}): Audits {
  const audited: Audits['audited'] = [];
  const failures: string[] = [];
  const missed: Array<{ url: string; why: string }> = [];
  let closed = false;
  context.on('close', () => {
    closed = true;
  });
  const chains = new Map<Page, Promise<void>>();

  const attach = (page: Page) => {
    chains.set(page, Promise.resolve());
    page.on('load', () => {
      const url = page.url();
      if (!/^https?:/.test(url)) return;
      const next = chains.get(page)!.then(async () => {
        try {
          const violations = await axeAudit(page, opts);
          if (violations) audited.push({ url, violations });
        } catch (e) {
          const message = (e as Error).message;
          if (GONE.test(message)) missed.push({ url, why: message.split('\n')[0]! });
          else failures.push(`${url}: axe could not run: ${message.split('\n')[0]}`);
        }
      });
      chains.set(page, next);
    });
  };
  for (const page of context.pages()) attach(page);
  context.on('page', attach);

  const settled = async () => {
    // Let Playwright deliver events already received (a page's "load"), then wait for loads in progress and checks.
    await new Promise((r) => setImmediate(r));
    await Promise.all(context.pages().map((p) => p.waitForLoadState('load').catch(() => undefined)));
    await new Promise((r) => setImmediate(r));
    await Promise.all([...chains.values()]);
  };
  return {
    audited,
    failures,
    settled,
    async auditMissed() {
      if (closed) return;
      await settled();
      for (const { url, why } of missed.splice(0)) {
        const page = await context.newPage();
        try {
          const before = audited.length;
          await page.goto(url);
          await settled();
          const again = audited.slice(before).find((a) => a.url === url);
          if (again) again.again = why;
          // A page that cannot be had again from its address (a POST's answer, a redirect elsewhere) is a failure.
          else failures.push(`${url}: not checked (left before its check ended: ${why}; loading it again did not give the page back)`);
          missed.splice(0).forEach((m) => failures.push(`${m.url}: not checked (${m.why})`));
        } finally {
          await page.close();
        }
      }
    },
  };
}

/**
 * What a journey does that may leave a page: Playwright's actions on pages, locators, the keyboard and the mouse (and
 * closing a page).
 */
const ACTIONS = new Set([
  'goto', 'reload', 'goBack', 'goForward', 'click', 'dblclick', 'tap', 'fill', 'clear', 'press', 'pressSequentially', 'type',
  'check', 'uncheck', 'setChecked', 'selectOption', 'setInputFiles', 'dispatchEvent', 'dragTo', 'dragAndDrop', 'hover', 'focus',
  'selectText', 'submit', 'down', 'up', 'insertText', 'move', 'wheel', 'close',
]);
const DEVICES = new Set(['keyboard', 'mouse', 'touchscreen']);
const WRAPPED = new Set(['Locator', 'FrameLocator', 'Page', 'Keyboard', 'Mouse', 'Touchscreen', 'BrowserContext']);

/**
 * `target` (a context, page, locator, keyboard…) with every action made to wait for `before()` first; locators and
 * pages it hands out are wrapped the same way.
 */
export function guard<T extends object>(target: T, before: () => Promise<void>, beforeClose?: () => Promise<void>): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (prop === 'close' && beforeClose && typeof value === 'function') {
        return (...args: unknown[]) => beforeClose().then(() => (value as (...a: unknown[]) => unknown).apply(obj, args));
      }
      if (typeof prop === 'string' && DEVICES.has(prop) && value && typeof value === 'object') return guard(value, before);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const call = () => {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (result instanceof Promise) return result.then((r) => wrapResult(r, before));
          return wrapResult(result, before);
        };
        return typeof prop === 'string' && ACTIONS.has(prop) ? before().then(call) : call();
      };
    },
  });
}

function wrapResult(result: unknown, before: () => Promise<void>): unknown {
  if (result && typeof result === 'object' && WRAPPED.has(result.constructor?.name ?? '')) return guard(result, before);
  return result;
}
