/**
 * Community journeys in real Chromium against the real app on a real port, with mail going to a real SMTP server
 * (smtp-server, parsed by mailparser) and submissions fetched from a real HTTP server replaying recorded arXiv
 * answers: signing in by emailed link, upvoting (in place with JavaScript, plain form without), commenting and
 * replying with Markdown and math, submitting a paper, markup injection staying inert, and moderation.
 *
 * One app serves the whole file; every journey signs in as its own member (sign-ins are rate limited per address:
 * 10 per 15 minutes, and this file uses 7) and works on papers of its own, on days of their own.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import type { Dialog, Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommunityDeps } from '../../src/web/app.js';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';
import { type ReplayServer, startReplayServer } from '../helpers/replay-server.js';
import { type Mailbox, startMailbox } from '../helpers/mailbox.js';

/**
 * Where the mail says the site lives. The port is only known once the app listens, after it is built with this
 * configuration, so the links point here and `signInLink` checks that, then opens the same path on the real server.
 */
const PUBLIC_URL = 'http://paperboy.test';

const paper = (id: string, published: string, title: string, upvotes: number, abstract = 'We study a problem and report what we found.') => ({
  id,
  title,
  abstract,
  authors: ['Ada Lovelace', 'Alan Turing'],
  categories: ['cs.LG'],
  published,
  upvotes,
});

/** Each journey's papers sit on a day of their own (the seed has papers on 2025-09-25 and 2025-09-30, none between). */
const VOTE_DAY = '2025-09-29';
const VOTE_PAPER = paper('2509.99101', VOTE_DAY, 'Sparse attention for long documents', 3);
const VOTE_OTHER = paper('2509.99102', VOTE_DAY, 'Dense attention for short documents', 1);
const VOTE_JS_PAPER = paper('2509.99103', VOTE_DAY, 'Attention, in place', 3);
const COMMENT_PAPER = paper('2509.99201', '2025-09-27', 'Quadratic losses, revisited', 0);
const XSS_DAY = '2025-09-28';
const XSS_PAPER = paper('2509.99301', XSS_DAY, 'Robust <script>window.__pwned=1</script> learning', 2, 'An abstract with <img src=x onerror="window.__pwned=1"> inside.');
const MOD_PAPER = paper('2509.99401', '2025-09-26', 'A paper that attracts spam', 0);

/** The recorded arXiv answer for 1707.08567 (first published 2017-07-27). */
const SUBMITTED_ID = '1707.08567';
const SUBMITTED_TITLE = 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications';

const XSS_BODY = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=1)';
const XSS_NAME = '<img src=x onerror="window.__pwned=1">';

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: community journeys (sign-in, votes, comments, submissions, moderation) ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let mailbox: Mailbox | undefined;
  let arxiv: ReplayServer | undefined;
  let community: CommunityDeps | undefined;

  beforeAll(async () => {
    mailbox = await startMailbox();
    arxiv = await startReplayServer();
    const built = await seededApp({
      papers: [VOTE_PAPER, VOTE_OTHER, VOTE_JS_PAPER, COMMENT_PAPER, XSS_PAPER, MOD_PAPER],
      env: { SMTP_URL: mailbox.url, PAPERBOY_PUBLIC_URL: PUBLIC_URL, ARXIV_API_URL: arxiv.apiUrl, SUBMISSION_MAX_AGE_DAYS: '36500' },
    });
    community = built.community;
    server = await listen(built.app);
  });
  afterAll(async () => {
    await server?.close();
    await arxiv?.close();
    await mailbox?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  // ---- helpers ------------------------------------------------------------------------------------------------

  const accountNav = (page: Page) => page.getByRole('navigation', { name: 'Account' });
  const pathOf = (page: Page) => {
    const u = new URL(page.url());
    return u.pathname + u.search;
  };
  const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

  /** Fails the test on any alert/confirm/prompt (an XSS payload, or app.js refusing a vote). */
  function noDialogs(page: Page): string[] {
    const dialogs: string[] = [];
    page.on('dialog', (d: Dialog) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    return dialogs;
  }

  /** The sign-in link from the newest unread mail to `email`, moved onto the real server's origin. */
  async function signInLink(email: string): Promise<string> {
    const mail = await mailbox!.waitFor(email);
    expect(mail.subject).toBe('Your Paperboy sign-in link');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : mail.to).toBe(email);
    const match = /https?:\/\/\S+\/auth\/verify\?\S+/.exec(mail.text ?? '');
    expect(match, `no sign-in link in:\n${mail.text}`).not.toBeNull();
    const link = new URL(match![0]);
    expect(link.origin).toBe(PUBLIC_URL);
    return `${server!.baseUrl}${link.pathname}${link.search}`;
  }

  /**
   * Signs in from `startPath` as a visitor would: the header's "Sign in", the email form, the link from the mail, the
   * confirm button. A first sign-in then asks for a display name (/account?welcome=1): `displayName`, or nothing
   * (saving an empty name goes on too). Ends back on `startPath`, signed in.
   */
  async function signIn(page: Page, email: string, startPath: string, displayName = ''): Promise<void> {
    await page.goto(startPath);
    await accountNav(page).getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/auth/signin');
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Mail me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await page.goto(await signInLink(email));
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    const landed = (u: URL) => u.pathname + u.search === startPath;
    await page.waitForURL((u) => landed(u) || isWelcome(u));
    if (isWelcome(new URL(page.url()))) {
      expect(new URL(page.url()).searchParams.get('next')).toBe(startPath);
      await page.getByLabel(/Display name/).fill(displayName);
      await page.getByRole('main').getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(landed);
    } else if (displayName) {
      await setDisplayName(page, displayName);
      await page.goto(startPath);
    }
    await accountNav(page).getByRole('link', { name: 'Account' }).waitFor();
  }
  const isWelcome = (u: URL) => u.pathname === '/account' && u.searchParams.get('welcome') === '1';

  /** A vote box (feed card or paper page) inside `scope`: its count, aria-pressed and button. */
  function voteBox(scope: Locator) {
    const form = () => scope.locator('form[data-vote]');
    const button = () => form().locator('button');
    return {
      form,
      button,
      count: () => form().locator('.votes-count').textContent().then(Number),
      pressed: () => button().getAttribute('aria-pressed'),
    };
  }
  const isVotePost = (paperId: string) => (r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/papers/${paperId}/vote`;

  /** Posts the form whose button is `button` and waits for the comment anchor it lands on; returns the comment id. */
  async function postAndLand(page: Page, paperPath: string, button: Locator): Promise<number> {
    const before = page.url();
    await button.click();
    await page.waitForURL((u) => u.pathname === paperPath && /^#comment-\d+$/.test(u.hash) && u.href !== before);
    return Number(new URL(page.url()).hash.slice('#comment-'.length));
  }

  /** Sets the display name on /account (the member must be signed in). */
  async function setDisplayName(page: Page, name: string): Promise<void> {
    await page.goto('/account');
    await page.getByLabel(/Display name/).fill(name);
    await page.getByRole('main').getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.pathname === '/account' && u.search === '?saved=1');
    expect(await page.getByRole('main').getByRole('status').textContent()).toBe('Saved.');
  }

  // ---- journeys -----------------------------------------------------------------------------------------------

  it('signs in with the emailed link, names the account, and lands back on the paper, with an httpOnly SameSite=Lax session cookie', async () => {
    const { page, context } = browser;
    const dialogs = noDialogs(page);
    const paperPath = `/papers/${VOTE_PAPER.id}`;
    await page.goto(paperPath);
    expect(await accountNav(page).getByRole('link').allTextContents()).toEqual(['Sign in']);

    await accountNav(page).getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/auth/signin');
    expect(new URL(page.url()).searchParams.get('next')).toBe(paperPath);
    await page.getByLabel('Email address', { exact: true }).fill('ada@example.org');
    await page.getByRole('button', { name: 'Mail me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    expect(await page.getByRole('main').getByRole('status').textContent()).toContain('a sign-in link is on its way');

    // The mail reached the SMTP server, addressed to the member, with a link back to the paper.
    const link = await signInLink('ada@example.org');
    expect(new URL(link).searchParams.get('next')).toBe(paperPath);

    // Opening the link alone does not sign in (mail scanners follow links); the button does.
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Sign in to Paperboy');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('pb_session');
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();

    // A first sign-in asks for the name shown with comments, keeping where to go next.
    await page.waitForURL(isWelcome);
    expect(new URL(page.url()).searchParams.get('next')).toBe(paperPath);
    expect(await page.locator('h1').textContent()).toBe('Welcome to Paperboy');
    expect(await page.getByRole('main').textContent()).toContain('Signed in as ada@example.org');
    await page.getByLabel(/Display name/).fill('Ada Lovelace');
    await page.getByRole('main').getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((u) => u.pathname === paperPath && u.search === '');

    const nav = accountNav(page);
    await nav.getByRole('link', { name: 'Account' }).waitFor();
    expect(await nav.getByRole('link').allTextContents()).toEqual(['For you', 'Lists', 'Submit', 'Ada Lovelace', 'Account']);
    expect(await nav.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.locator('h1.paper-title').textContent()).toBe(VOTE_PAPER.title);

    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'pb_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect(session!.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400); // 30 days
    expect(cookies.find((c) => c.name === 'pb_csrf')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    expect(browser.problems.errors).toEqual([]);

    // The link works once: a second use is answered 400 with a page saying so.
    await page.goto(link);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/auth/verify'),
      page.getByRole('main').getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await page.getByRole('heading', { name: 'This sign-in link cannot be used' }).waitFor();

    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('upvotes a card and withdraws it with the plain form (JavaScript off): a POST answered 303 back to the feed', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      const dialogs = noDialogs(page);
      const dayPath = `/papers/date/${VOTE_DAY}`;
      await signIn(page, 'nojs@example.org', dayPath); // signing in needs no JavaScript either
      const { count, pressed, button } = voteBox(page.locator(`.paper-card[data-paper-id="${VOTE_PAPER.id}"]`));
      expect(await count()).toBe(3);
      expect(await pressed()).toBe('false');
      expect(await button().getAttribute('title')).toBe('Upvote');

      const [upvote] = await Promise.all([page.waitForResponse(isVotePost(VOTE_PAPER.id)), button().click()]);
      expect(upvote.status()).toBe(303);
      expect(await upvote.headerValue('location')).toBe(`${dayPath}#paper-${VOTE_PAPER.id}`); // back to the same card
      await page.waitForURL((u) => u.pathname === dayPath);
      await expect.poll(count).toBe(4);
      expect(await pressed()).toBe('true');
      expect(await button().getAttribute('title')).toBe('Withdraw your upvote');
      expect(await page.locator(`.paper-card[data-paper-id="${VOTE_OTHER.id}"] .votes-count`).textContent()).toBe('1');

      const [withdraw] = await Promise.all([page.waitForResponse(isVotePost(VOTE_PAPER.id)), button().click()]);
      expect(withdraw.status()).toBe(303);
      await expect.poll(count).toBe(3);
      expect(await pressed()).toBe('false');

      // The paper page's vote box is the same form, and sends the member back to the paper.
      const paperPath = `/papers/${VOTE_PAPER.id}`;
      await page.goto(paperPath);
      const box = voteBox(page.locator('.feed-box'));
      const [again] = await Promise.all([page.waitForResponse(isVotePost(VOTE_PAPER.id)), box.button().click()]);
      expect(await again.headerValue('location')).toBe(paperPath);
      await expect.poll(box.count).toBe(4);
      expect(await box.pressed()).toBe('true');
      await Promise.all([page.waitForResponse(isVotePost(VOTE_PAPER.id)), box.button().click()]);
      await expect.poll(box.count).toBe(3);
      expect(dialogs).toEqual([]);
    } finally {
      await noJs.close();
    }
  });

  // app.js must read the form's action attribute: the hidden field named "action" shadows the form's `action` property
  // (fetch went to "[object HTMLInputElement]" before).
  it('upvotes a card and withdraws it in place with JavaScript: one fetch, no navigation', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    const dayPath = `/papers/date/${VOTE_DAY}`;
    await signIn(page, 'voter@example.org', dayPath);
    const posts: Response[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST') posts.push(r);
    });
    const markPage = () => page.evaluate(() => ((window as unknown as { __samePage: boolean }).__samePage = true));
    const samePage = () => page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage === true);

    for (const [where, path, box] of [
      ['feed', dayPath, voteBox(page.locator(`.paper-card[data-paper-id="${VOTE_JS_PAPER.id}"]`))],
      ['paper page', `/papers/${VOTE_JS_PAPER.id}`, voteBox(page.locator('.feed-box'))],
    ] as const) {
      if (pathOf(page) !== path) await page.goto(path);
      expect(await page.locator('script[src="/static/app.js"]').count(), where).toBe(1);
      expect(await box.count(), where).toBe(3);
      posts.length = 0;
      await markPage();
      await box.button().click();
      await expect.poll(box.count).toBe(4);
      await expect.poll(box.pressed).toBe('true');
      expect(await box.button().getAttribute('title'), where).toBe('Withdraw your upvote');
      expect(await box.form().locator('input[name="action"]').inputValue(), where).toBe('withdraw');
      expect(await samePage(), `${where}: the page did not navigate`).toBe(true);
      // The box changes before the answer arrives (optimistic): wait for the answer itself.
      await expect.poll(() => posts.length).toBe(1);
      expect(posts.map((r) => [new URL(r.url()).pathname, r.status()]), where).toEqual([[`/papers/${VOTE_JS_PAPER.id}/vote`, 200]]);
      expect(await posts[0]!.request().headerValue('accept'), where).toBe('application/json');
      expect(await posts[0]!.json(), where).toEqual({ upvotes: 4, upvoted: true });

      await box.button().click();
      await expect.poll(box.count).toBe(3);
      await expect.poll(box.pressed).toBe('false');
      expect(await samePage(), where).toBe(true);
      await expect.poll(() => posts.length).toBe(2);
      // Stored: a reload shows the same.
      await page.reload();
      expect(await box.count(), where).toBe(3);
      expect(await box.pressed(), where).toBe('false');
    }
    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
  });

  it('comments with Markdown and math, replies from the Reply disclosure, and shows the reply nested', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    const paperPath = `/papers/${COMMENT_PAPER.id}`;
    await signIn(page, 'carl@example.org', paperPath);
    expect(await page.locator('#discussion-heading').textContent()).toBe('Discussion (0)');

    await page.getByLabel('Add a comment').fill('**Bold claim**: the loss falls like $x^2$.\n\nSee [the proceedings](https://arxiv.org/abs/1707.08567).');
    const parentId = await postAndLand(page, paperPath, page.locator('form.comment-form button[type="submit"]', { hasText: 'Comment' }));

    const parent = page.locator(`li#comment-${parentId}`);
    const parentBody = parent.locator(':scope > article .comment-body');
    expect(await parentBody.locator('strong').textContent()).toBe('Bold claim');
    await expect.poll(() => parentBody.locator('.katex').first().isVisible()).toBe(true);
    expect(await parentBody.locator('.katex').count()).toBe(1);
    expect(await parentBody.innerText()).not.toContain('$');
    const link = parentBody.getByRole('link', { name: 'the proceedings' });
    expect(await link.getAttribute('href')).toBe('https://arxiv.org/abs/1707.08567');
    expect((await link.getAttribute('rel'))?.split(/\s+/)).toEqual(expect.arrayContaining(['nofollow', 'ugc']));
    // KaTeX's stylesheet and layout apply: its strut has a height.
    expect(await page.locator('link[href="/static/katex/katex.min.css"]').count()).toBe(1);
    const strut = await parentBody.locator('.katex-html .katex-strut').first().evaluate((e) => e.getBoundingClientRect().height);
    expect(strut).toBeGreaterThan(5);
    expect(await page.locator('#discussion-heading').textContent()).toBe('Discussion (1)');

    // Reply: the form sits in a closed disclosure until "Reply" is pressed.
    const actions = parent.locator(':scope > article .comment-actions');
    const replyBox = actions.getByLabel('Your reply');
    expect(await replyBox.isVisible()).toBe(false);
    await actions.locator('summary', { hasText: 'Reply' }).click();
    await replyBox.waitFor({ state: 'visible' });
    await replyBox.fill('Agreed, and $\\sqrt{y}$ grows slower.');
    const replyId = await postAndLand(page, paperPath, actions.locator('button[type="submit"]', { hasText: 'Reply' }));
    expect(replyId).not.toBe(parentId);

    const reply = page.locator(`li#comment-${parentId} > ol.comment-children > li#comment-${replyId}`);
    await reply.waitFor();
    const replyBody = reply.locator(':scope > article .comment-body');
    expect(await replyBody.textContent()).toContain('grows slower');
    expect(await replyBody.locator('.katex').count()).toBe(1);
    expect(await page.locator('ol.comment-list > li.comment').count()).toBe(1); // the reply is not a top-level comment
    expect(await page.locator('#discussion-heading').textContent()).toBe('Discussion (2)');
    // Both are the member's own: the meta line names them, and they may edit and delete.
    expect(await reply.locator(':scope > article .comment-meta a').first().textContent()).toMatch(/^member \d+$/);
    expect(await reply.locator(':scope > article .comment-actions').getByRole('link', { name: 'Edit' }).count()).toBe(1);

    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
  });

  it('submits a paper by its arXiv URL, shows it "submitted by" the member, and refuses it a second time', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    await signIn(page, 'grace@example.org', '/');
    await setDisplayName(page, 'Grace Hopper');
    expect(await accountNav(page).getByRole('link', { name: 'Grace Hopper' }).count()).toBe(1);

    await accountNav(page).getByRole('link', { name: 'Submit' }).click();
    await page.waitForURL((u) => u.pathname === '/submit');
    await page.getByLabel('arXiv id or URL').fill(`https://arxiv.org/abs/${SUBMITTED_ID}`);
    arxiv!.reset();
    await page.getByRole('main').getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL((u) => u.pathname === `/papers/${SUBMITTED_ID}`);

    expect(arxiv!.requests.map((r) => r.params.get('id_list'))).toEqual([SUBMITTED_ID]);
    expect(await page.locator('h1.paper-title').textContent()).toBe(SUBMITTED_TITLE);
    const feedBox = page.locator('.feed-box');
    expect(await feedBox.textContent()).toContain('submitted by Grace Hopper');
    const today = new Date().toISOString().slice(0, 10);
    expect(await feedBox.getByRole('link').first().getAttribute('href')).toBe(`/papers/date/${today}`);

    // The member's profile lists it.
    await accountNav(page).getByRole('link', { name: 'Grace Hopper' }).click();
    await page.waitForURL((u) => /^\/users\/\d+$/.test(u.pathname));
    expect(await page.locator('h1').textContent()).toBe('Grace Hopper');
    expect(await page.getByRole('link', { name: SUBMITTED_TITLE }).getAttribute('href')).toBe(`/papers/${SUBMITTED_ID}`);

    expect(browser.problems.errors).toEqual([]);

    // A second time: the form comes back with the reason (409), and arXiv is not asked again.
    await page.goto('/submit');
    await page.getByLabel('arXiv id or URL').fill(SUBMITTED_ID);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/submit'),
      page.getByRole('main').getByRole('button', { name: 'Submit' }).click(),
    ]);
    expect(answer.status()).toBe(409);
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toBe(`${SUBMITTED_ID} is already in the feed (${today}); upvote it there instead.`);
    expect(await page.getByLabel('arXiv id or URL').inputValue()).toBe(SUBMITTED_ID);
    expect(arxiv!.requests).toHaveLength(1);

    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual(['console: Failed to load resource: the server responded with a status of 409 (Conflict)']);
  });

  it('keeps markup in comments, display names and paper titles inert: shown as text, nothing runs', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    const paperPath = `/papers/${XSS_PAPER.id}`;
    await signIn(page, 'mallory@example.org', '/', XSS_NAME); // on the first sign-in's welcome page

    /** Nothing injected: no element from the payloads, no inline script, no javascript: link, and nothing ran. */
    const assertInert = async (where: string) => {
      expect(await pwned(page), where).toBeUndefined();
      expect(await page.locator('img[src="x"]').count(), where).toBe(0);
      expect(await page.locator('script:not([src])').count(), where).toBe(0);
      const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.filter((h) => !/^(https?:|mailto:|\/|#|\?)/i.test(h.trim())), where).toEqual([]);
      expect(await accountNav(page).getByRole('link', { name: XSS_NAME, exact: true }).count(), where).toBe(1);
    };

    await page.goto(paperPath);
    await page.getByLabel('Add a comment').fill(XSS_BODY);
    const commentId = await postAndLand(page, paperPath, page.locator('form.comment-form button[type="submit"]', { hasText: 'Comment' }));

    // The paper page, loaded afresh.
    await page.goto(paperPath);
    await assertInert('paper page');
    expect(await page.locator('h1.paper-title').textContent()).toBe(XSS_PAPER.title);
    expect(await page.title()).toBe(`${XSS_PAPER.title} · Paperboy`);
    expect(await page.locator('section.abstract').textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    const comment = page.locator(`li#comment-${commentId} > article`);
    const body = comment.locator('.comment-body');
    const text = await body.textContent();
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=1">');
    expect(text).toContain('click');
    expect(await body.locator('a').count()).toBe(0); // the javascript: link is not a link at all
    expect(await body.locator('*:not(p)').count()).toBe(0);
    expect(await comment.locator('.comment-meta a').first().textContent()).toBe(XSS_NAME);
    // Clicking the would-be link does nothing either.
    await body.getByText('click', { exact: false }).click();
    expect(await pwned(page)).toBeUndefined();

    // The member's profile: the name as the heading, the comment's text and the paper's title as text.
    await accountNav(page).getByRole('link', { name: XSS_NAME, exact: true }).click();
    await page.waitForURL((u) => /^\/users\/\d+$/.test(u.pathname));
    await assertInert('profile page');
    expect(await page.locator('h1').textContent()).toBe(XSS_NAME);
    expect(await page.locator('blockquote.comment-excerpt').textContent()).toBe(XSS_BODY);
    expect(await page.getByRole('link', { name: `On “${XSS_PAPER.title}”` }).count()).toBe(1);
    expect(await page.title()).toBe(`${XSS_NAME} · Paperboy`);

    // The feed with the paper's card.
    await page.goto(`/papers/date/${XSS_DAY}`);
    await assertInert('feed page');
    expect(await page.locator(`.paper-card[data-paper-id="${XSS_PAPER.id}"] .paper-title a`).textContent()).toBe(XSS_PAPER.title);

    // The Markdown twin is plain text too (served as text/markdown, not HTML).
    const md = await page.request.get(`${paperPath}.md`);
    expect(md.headers()['content-type']).toMatch(/^text\/markdown/);

    expect(dialogs).toEqual([]);
    // No CSP violation either: nothing even tried to run.
    expect(browser.problems.errors).toEqual([]);
  });

  it('lets a moderator hide a comment with a reason, logs it publicly, and hides its text from visitors', async () => {
    const { page } = browser;
    const dialogs = noDialogs(page);
    const paperPath = `/papers/${MOD_PAPER.id}`;
    const spam = 'Buy cheap watches at watches.example';

    // A member posts the comment.
    await signIn(page, 'spammer@example.org', paperPath);
    await page.getByLabel('Add a comment').fill(spam);
    const commentId = await postAndLand(page, paperPath, page.locator('form.comment-form button[type="submit"]', { hasText: 'Comment' }));
    const authorName = await page.locator(`li#comment-${commentId} .comment-meta a`).first().textContent();

    // The operator makes another address a moderator (`paperboy admin grant`); it signs in in its own browser context.
    await community!.moderation.grant('mod@example.org', 'moderator');
    const modContext = await browser.newContext();
    const anonContext = await browser.newContext();
    try {
      const mod = await modContext.newPage();
      const modDialogs = noDialogs(mod);
      await signIn(mod, 'mod@example.org', paperPath, 'Mona Moderator');
      expect(await accountNav(mod).getByRole('link', { name: 'Reports' }).count()).toBe(1);

      await mod.goto(paperPath);
      const modComment = mod.locator(`li#comment-${commentId} > article`);
      await modComment.locator('.comment-actions').getByRole('link', { name: 'Moderate' }).click();
      await mod.waitForURL((u) => u.pathname === `/moderation/comments/${commentId}`);
      expect(await mod.locator('h1').textContent()).toBe('Moderate a comment');
      expect(await mod.getByRole('main').textContent()).toContain(spam);
      await mod.getByLabel(/Reason/).fill('Advertising, not discussion');
      await mod.getByRole('button', { name: 'Hide comment' }).click();
      await mod.waitForURL((u) => u.pathname === paperPath && u.hash === `#comment-${commentId}`);

      // The moderator still sees it, marked hidden, with the way back.
      expect(await modComment.locator('.badge').textContent()).toBe('hidden by moderators');
      expect(await modComment.locator('.comment-body').textContent()).toContain(spam);
      expect(await modComment.getByRole('link', { name: 'Moderate' }).count()).toBe(1);
      expect(await mod.locator('#discussion-heading').textContent()).toBe('Discussion (0)');

      // The public log, from the footer link.
      await mod.getByRole('contentinfo').getByRole('link', { name: 'Moderation log' }).click();
      await mod.waitForURL((u) => u.pathname === '/moderation');
      const rows = mod.locator('table.log-table tbody tr');
      const cells = await rows.first().locator('td').allTextContents();
      expect(cells.slice(1)).toEqual(['Mona Moderator', 'hid a comment', `comment ${commentId} on ${MOD_PAPER.id}`, 'Advertising, not discussion']);
      expect(await rows.filter({ hasText: 'changed a role' }).filter({ hasText: 'role set to moderator' }).count()).toBe(1);
      expect(modDialogs).toEqual([]);

      // A signed-out visitor no longer sees the comment (it had no replies, so not even a tombstone).
      const anon = await anonContext.newPage();
      await anon.goto(paperPath);
      expect(await anon.getByRole('main').textContent()).not.toContain(spam);
      expect(await anon.locator(`#comment-${commentId}`).count()).toBe(0);
      expect(await anon.locator('#discussion-heading').textContent()).toBe('Discussion (0)');
      // The visitor can read the log too.
      await anon.goto('/moderation');
      expect(await anon.locator('table.log-table tbody tr').first().textContent()).toContain('Advertising, not discussion');

      // Nor does its author.
      await page.goto(paperPath);
      expect(await page.getByRole('main').textContent()).not.toContain(spam);
    } finally {
      await modContext.close();
      await anonContext.close();
    }

    expect(dialogs).toEqual([]);
    expect(browser.problems.errors).toEqual([]);
  });
});
