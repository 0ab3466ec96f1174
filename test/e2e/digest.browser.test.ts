/**
 * The digest journey (issue 5) in real Chromium against the real app on a real port, with mail going to a real SMTP
 * server (smtp-server in-process, messages parsed with mailparser): subscribe from the home page's box, confirm from
 * the link in the received mail, choose topics, receive a daily edition with the right papers, and unsubscribe from
 * the digest's own "Unsubscribe" link; the RFC 8058 one-click POST from the List-Unsubscribe header; the browser
 * preview under the page's CSP.
 *
 * Editions are sent by a DigestService over the app's store with a pinned clock (the app's own service runs on real
 * time and its background job is off), so which edition is due, and what it holds, does not depend on today's date.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import type { BrowserContext, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { createMailer } from '../../src/mail/mailer.js';
import { DigestService } from '../../src/services/digest.service.js';
import { LinkSigner } from '../../src/services/signed-links.js';
import type { Store } from '../../src/store/store.js';
import { importFiles, seededApp, tempDir } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';
import { type Mailbox, startMailbox } from '../helpers/mailbox.js';

/** Where the mail says the site lives; links from mail are moved onto the real server before they are opened. */
const PUBLIC_URL = 'http://paperboy.test';

const paper = (id: string, day: string, categories: string[], title: string, upvotes: number, abstract = `We study ${title.toLowerCase()}, where the loss falls like $x^2$.`) => ({
  id,
  title,
  abstract,
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories,
  published: day,
  upvotes,
});

/**
 * Thursday 2 and Friday 3 October 2025, after the seed's last day (2025-09-30). The daily edition for 3 October is due
 * on 4 October at the send hour (06:00 UTC); a cs.CL subscriber gets 3 October's two cs.CL papers, most upvoted first,
 * and neither the cs.LG paper of that day nor the cs.CL paper of the day before.
 */
const EDITION_DAY = '2025-10-03';
const EDITION_DUE = '2025-10-04T06:00:00Z';
const CL_TOP = paper('2510.90001', EDITION_DAY, ['cs.CL'], 'Language models that cite their sources', 20);
const CL_SECOND = paper('2510.90002', EDITION_DAY, ['cs.CL', 'cs.LG'], 'Diffusion language models', 5);
const LG_ONLY = paper('2510.90003', EDITION_DAY, ['cs.LG'], 'Diffusion models for tabular data', 30);
const CL_DAY_BEFORE = paper('2510.90004', '2025-10-02', ['cs.CL'], 'Yesterday in computational linguistics', 40);

/** The one-click journey's own day (imported by that test): Monday 6 October, due Tuesday 7 October 06:00 UTC. */
const ONE_CLICK_PAPER = paper('2510.90005', '2025-10-06', ['stat.ML'], 'One-click unsubscribe considered helpful', 3);
const ONE_CLICK_DUE = '2025-10-07T06:00:00Z';

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: digest journey (subscribe, confirm by mail, unsubscribe from the digest) ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let mailbox: Mailbox | undefined;
  let store: Store | undefined;
  let config: Config | undefined;

  beforeAll(async () => {
    mailbox = await startMailbox();
    const built = await seededApp({
      papers: [CL_TOP, CL_SECOND, LG_ONLY, CL_DAY_BEFORE],
      env: { SMTP_URL: mailbox.url, PAPERBOY_PUBLIC_URL: PUBLIC_URL, DIGEST_JOB: '0' },
    });
    store = built.store;
    config = built.config;
    server = await listen(built.app);
  });
  afterAll(async () => {
    await server?.close();
    await mailbox?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  // ---- helpers ------------------------------------------------------------------------------------------------

  /** Fails the test on any alert/confirm/prompt. */
  function noDialogs(page: Page): string[] {
    const dialogs: string[] = [];
    page.on('dialog', (d: Dialog) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    return dialogs;
  }

  /** A link from mail (on PUBLIC_URL), checked to be there, and moved onto the real server. */
  function onServer(link: string): string {
    const u = new URL(link);
    expect(u.origin).toBe(PUBLIC_URL);
    return `${server!.baseUrl}${u.pathname}${u.search}`;
  }

  /** Requests the page makes to PUBLIC_URL (links clicked in a mail's HTML) are redirected to the real server. */
  async function routePublicToServer(context: BrowserContext): Promise<string[]> {
    const routed: string[] = [];
    await context.route(
      (u) => u.origin === PUBLIC_URL,
      async (route) => {
        routed.push(route.request().url());
        await route.fulfill({ status: 302, headers: { location: onServer(route.request().url()) } });
      },
    );
    return routed;
  }

  /** One header line of a parsed mail, unfolded, without its name. */
  function header(mail: ParsedMail, key: string): string | undefined {
    const line = mail.headerLines.find((h) => h.key === key)?.line;
    return line?.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
  }

  /** A digest sender over the app's store and the mailbox, with its clock pinned at `nowIso`. */
  async function sender(nowIso: string): Promise<{ svc: DigestService; close: () => void }> {
    const mailer = createMailer({ smtpUrl: mailbox!.url, from: config!.mailFrom, outboxDir: tempDir() });
    const now = Date.parse(nowIso);
    const svc = new DigestService(store!, mailer, await LinkSigner.open(store!), { ...config!.digest, publicUrl: config!.publicUrl, clock: () => now });
    return { svc, close: () => mailer.close() };
  }

  // ---- journeys -----------------------------------------------------------------------------------------------

  it('subscribes from the home page, confirms from the mailed link, picks a topic, gets the digest, and unsubscribes from it', async () => {
    const { page, context } = browser;
    const dialogs = noDialogs(page);
    const typed = 'Ada.Reader@Example.org';
    const email = 'ada.reader@example.org';

    // 1. The box at the bottom of the home page: a plain form, no token, same-origin.
    await page.goto('/');
    const box = page.getByRole('region', { name: 'Trending papers in your inbox' });
    await box.getByLabel('Your email address for the digest').fill(typed);
    const [subscribed] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/digest/subscribe'),
      box.getByRole('button', { name: 'Subscribe' }).click(),
    ]);
    expect(subscribed.status()).toBe(200);
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    expect(await page.getByRole('main').getByRole('status').textContent()).toContain('a message with a confirmation link is on its way');
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'pending', frequency: 'daily', categories: [] });

    // 2. The confirmation mail; its link opens a page whose button confirms (opening alone does not).
    const confirmMail = await mailbox!.waitFor(email);
    expect(confirmMail.subject).toBe('Confirm your Paperboy daily digest');
    const confirmLink = /https?:\/\/\S+\/digest\/confirm\?token=[\w.-]+/.exec(confirmMail.text ?? '');
    expect(confirmLink, `no confirmation link in:\n${confirmMail.text}`).not.toBeNull();
    expect(confirmMail.html).toContain(confirmLink![0]); // the HTML part's button goes to the same place
    await page.goto(onServer(confirmLink![0]));
    await page.getByRole('heading', { name: 'Confirm your subscription' }).waitFor();
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'pending' });
    await page.getByRole('main').getByRole('button', { name: 'Confirm subscription' }).click();
    await page.waitForURL((u) => u.pathname === '/digest/preferences' && u.searchParams.get('confirmed') === '1');
    await page.getByRole('heading', { name: 'Your digest' }).waitFor();
    const main = page.getByRole('main');
    expect(await main.getByRole('status').textContent()).toContain('Subscription confirmed');
    expect((await main.locator('p', { hasText: 'For ' }).first().textContent())?.replace(/\s+/g, ' ')).toBe(`For ${email} · subscribed`);
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'active' });

    // Topics: only cs.CL.
    await page.getByLabel('arXiv categories (comma-separated, e.g. cs.LG, cs.CL, math)').fill('cs.CL');
    await main.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/digest/preferences' && u.searchParams.get('saved') === '1');
    expect(await main.getByRole('status').textContent()).toBe('Saved.');
    expect(await page.getByLabel('arXiv categories (comma-separated, e.g. cs.LG, cs.CL, math)').inputValue()).toBe('cs.CL');
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'active', frequency: 'daily', categories: ['cs.CL'], keywords: [], authors: [] });

    // 3. The daily edition for 3 October goes out (the first one this store plans: the seed's days are older).
    const { svc, close } = await sender(EDITION_DUE);
    try {
      const planned = await svc.plan();
      expect(planned.map((e) => `${e.frequency} ${e.periodKey}`)).toEqual([`daily ${EDITION_DAY}`]);
      expect(await svc.sendDue()).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    } finally {
      close();
    }
    const digest = await mailbox!.waitFor(email);
    expect(digest.subject).toBe('Paperboy daily · Friday, 3 October 2025: 2 papers');
    const text = digest.text ?? '';
    expect(text).toContain('Topics: cs.CL');
    expect(text.indexOf(CL_TOP.title)).toBeGreaterThan(-1);
    expect(text.indexOf(CL_SECOND.title)).toBeGreaterThan(text.indexOf(CL_TOP.title)); // most upvoted first
    expect(text).not.toContain(LG_ONLY.title);
    expect(text).not.toContain(CL_DAY_BEFORE.title);
    const listUnsubscribe = /^<([^>]+)>$/.exec(header(digest, 'list-unsubscribe') ?? '')?.[1];
    expect(listUnsubscribe).toMatch(/^http:\/\/paperboy\.test\/digest\/unsubscribe\?token=\d+\.[\w-]{32}$/);
    expect(header(digest, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // Nothing else went to the address: the confirmation, then this digest.
    expect(mailbox!.messages.filter((m) => JSON.stringify(m.to).includes(email))).toHaveLength(2);

    // The HTML part, as a mail client shows it: the papers link to the site; math is Unicode text.
    expect(typeof digest.html).toBe('string');
    const routed = await routePublicToServer(context);
    // A blank document first: setContent writes into the current one, which would keep the site page's CSP.
    await page.goto('about:blank');
    await page.setContent(digest.html as string);
    for (const p of [CL_TOP, CL_SECOND]) {
      expect(await page.getByRole('link', { name: p.title, exact: true }).getAttribute('href')).toBe(`${PUBLIC_URL}/papers/${p.id}`);
    }
    expect(await page.getByRole('link', { name: LG_ONLY.title }).count()).toBe(0);
    const body = await page.locator('body').innerText();
    expect(body).toContain('x²');
    expect(body).not.toContain('$x^2$');
    const unsubscribeLink = page.getByRole('link', { name: 'Unsubscribe', exact: true });
    expect(await unsubscribeLink.isVisible()).toBe(true);
    expect(await unsubscribeLink.getAttribute('href')).toBe(listUnsubscribe);

    // 4. Unsubscribe from the digest: the link opens a page (opening alone changes nothing), its button unsubscribes.
    await unsubscribeLink.click();
    await page.waitForURL((u) => u.origin === server!.baseUrl && u.pathname === '/digest/unsubscribe');
    expect(routed).toEqual([listUnsubscribe]);
    await page.getByRole('heading', { name: 'Unsubscribe', exact: true }).waitFor();
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'active' });
    await page.getByRole('main').getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    expect(await page.getByRole('main').getByRole('status').textContent()).toBe('No more digests will be sent to this address.');
    expect(await page.getByRole('link', { name: 'Subscribe again' }).getAttribute('href')).toMatch(/^\/digest\/preferences\?token=\d+\.[\w-]{32}$/);
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'unsubscribed' });

    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
  });

  it('unsubscribes with the RFC 8058 one-click POST to the List-Unsubscribe URL, without cookies', async () => {
    const { page, context } = browser;
    const email = 'one.click@example.org';
    const sub = await store!.subscribers.findOrCreate(email, { frequency: 'daily', dailyMode: 'merge', categories: [], keywords: [], authors: [] }, new Date().toISOString(), null);
    await store!.subscribers.setStatus(sub.id, 'active', new Date().toISOString());
    const file = path.join(tempDir(), 'one-click.jsonl');
    fs.writeFileSync(file, JSON.stringify(ONE_CLICK_PAPER));
    await importFiles(store!, file);

    const { svc, close } = await sender(ONE_CLICK_DUE);
    try {
      expect((await svc.plan()).map((e) => `${e.frequency} ${e.periodKey}`)).toContain('daily 2025-10-06');
      expect(await svc.sendDue()).toMatchObject({ sent: 1, failed: 0 });
    } finally {
      close();
    }
    const digest = await mailbox!.waitFor(email);
    expect(digest.text).toContain(ONE_CLICK_PAPER.title);
    expect(header(digest, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const url = /^<([^>]+)>$/.exec(header(digest, 'list-unsubscribe') ?? '')?.[1];
    expect(url).toBeDefined();

    // A mail provider posts from its own servers: no cookies, no CSRF token, no page visited first.
    expect(await context.cookies()).toEqual([]);
    const res = await page.request.post(onServer(url!), { form: { 'List-Unsubscribe': 'One-Click' }, maxRedirects: 0 });
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect(res.headers()['set-cookie']).toBeUndefined();
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'unsubscribed' });

    // Posting again is harmless (mail clients retry).
    const again = await page.request.post(onServer(url!), { form: { 'List-Unsubscribe': 'One-Click' }, maxRedirects: 0 });
    expect(again.status()).toBe(200);
    expect(await store!.subscribers.byEmail(email)).toMatchObject({ status: 'unsubscribed' });
  });

  it('shows the browser preview of a digest under the page CSP, without console errors', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    // The preview is the mail's own HTML (no <link rel="icon">): Chromium asks for /favicon.ico, which answers 204.
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    const response = await page.goto(`/digest/preview?frequency=daily&categories=cs.CL&to=${EDITION_DAY}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(response?.headers()['content-security-policy']).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(await page.title()).toBe('Paperboy daily · Friday, 3 October 2025: 2 papers');
    for (const p of [CL_TOP, CL_SECOND]) expect(await page.getByRole('link', { name: p.title, exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: LG_ONLY.title }).count()).toBe(0);
    // The mail's inline styles apply (the CSP lets them through): titles in the template's blue, not the browser's.
    const titleColor = await page.getByRole('link', { name: CL_TOP.title, exact: true }).evaluate((e) => getComputedStyle(e).color);
    expect(titleColor).toBe('rgb(29, 78, 216)');
    expect(dialogs).toEqual([]);
    expect(failed).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
  });
});
