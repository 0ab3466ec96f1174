/**
 * Community features over HTTP (issue 4), against the real app: sign-in by a link read from a real SMTP server's
 * mailbox, sessions and their cookies, CSRF and cross-site refusal, votes (including 200 concurrent requests from 50
 * members on a real port, on SQLite and PostgreSQL), comments with hostile Markdown, submissions through a real HTTP
 * server replaying recorded arXiv answers, rate limits, trending and moderation.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayMs, trendingScore } from '../src/domain/hotness.js';
import type { Store } from '../src/store/store.js';
import type { CommunityDeps } from '../src/web/app.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { type Mailbox, startMailbox } from './helpers/mailbox.js';
import { type ReplayServer, startReplayServer } from './helpers/replay-server.js';
import { signedInMember, signInLink, WebClient } from './helpers/web-client.js';

/** What arXiv answers for an id it does not have: a feed with no entries. */
const EMPTY_FEED =
  '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">' +
  '<opensearch:totalResults>0</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex><opensearch:itemsPerPage>100</opensearch:itemsPerPage></feed>';

const PAPER = '2505.20278'; // a seed paper in the feed (2025-05-26, 1 imported upvote)

const member = signedInMember;

describe('sign-in by emailed link (real SMTP server)', () => {
  let mailbox: Mailbox;
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    mailbox = await startMailbox();
    ({ app, store } = await seededApp({ env: { SMTP_URL: mailbox.url, PAPERBOY_PUBLIC_URL: 'http://paperboy.test' } }));
  });
  afterAll(async () => {
    await app.close();
    await mailbox.close();
  });

  async function askForLink(client: WebClient, email: string, next = '/') {
    await client.get(`/auth/signin?next=${encodeURIComponent(next)}`);
    return client.post('/auth/signin', { email, next });
  }

  it('mails a one-time link; opening it asks for a press (scanners cannot use it up); pressing signs in', async () => {
    const client = new WebClient(app);
    const asked = await askForLink(client, 'Ada@Example.org', `/papers/${PAPER}`);
    expect(asked.statusCode).toBe(200);
    expect(asked.headers['cache-control']).toBe('no-store');
    const mail = await mailbox.waitFor('ada@example.org');
    expect(mail.subject).toBe('Your Paperboy sign-in link');
    const link = signInLink(mail.text);
    expect(link.origin).toBe('http://paperboy.test');
    expect(link.searchParams.get('next')).toBe(`/papers/${PAPER}`);

    // Opening the link (twice, as a mail scanner and then the person would) changes nothing.
    for (let i = 0; i < 2; i++) {
      const page = await client.get(link.pathname + link.search);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('action="/auth/verify"');
    }
    const token = link.searchParams.get('token')!;
    const done = await client.post('/auth/verify', { token, next: `/papers/${PAPER}` });
    expect(done.statusCode).toBe(303);
    // A first sign-in asks for a display name, then goes on to where the member was.
    expect(done.headers.location).toBe(`/account?welcome=1&next=%2Fpapers%2F${PAPER}`);
    const cookie = done.cookies.find((c) => c.name === 'pb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy(); // http site: a Secure cookie would never come back

    const welcome = await client.get(done.headers.location as string);
    expect(welcome.body).toContain('Welcome to Paperboy');
    const named = await client.post('/account', { displayName: 'Ada L.', affiliation: 'Analytical Engines', next: `/papers/${PAPER}` });
    expect(named.headers.location).toBe(`/papers/${PAPER}`);
    const page = await client.get(`/papers/${PAPER}`);
    expect(page.body).toContain('href="/account">Account</a>');
    expect(page.body).toContain('>Ada L.</a>');
    expect(page.headers['cache-control']).toBe('private, no-cache');

    // The same link again (replayed) is refused, even by the person who used it.
    const replay = await new WebClient(app).get('/auth/signin').then(async () => {
      const other = new WebClient(app);
      await other.get(link.pathname + link.search);
      return other.post('/auth/verify', { token });
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('This sign-in link cannot be used');
    expect(replay.cookies.find((c) => c.name === 'pb_session')).toBeUndefined();
  });

  it('says the same thing for known and unknown addresses, and refuses what is not an address', async () => {
    await member(app, store, 'known@example.org');
    const known = await askForLink(new WebClient(app), 'known@example.org');
    const unknown = await askForLink(new WebClient(app), 'nobody-yet@example.org');
    const main = (html: string) => html.slice(html.indexOf('<main>'), html.indexOf('</main>'));
    expect(main(known.body)).toBe(main(unknown.body));
    expect(main(known.body)).toContain('If that address can receive mail, a sign-in link is on its way.');

    const bad = await askForLink(new WebClient(app), 'not an address');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('That does not look like an email address');
  });

  it('refuses an expired link', async () => {
    const secret = await store.accounts.createLoginToken('late@example.org', new Date(Date.now() - 16 * 60_000), 15 * 60_000);
    const client = new WebClient(app);
    await client.get(`/auth/verify?token=${secret}`);
    const res = await client.post('/auth/verify', { token: secret });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('It has expired');
  });

  it('signs out, and signs out everywhere', async () => {
    const email = 'two-devices@example.org';
    const phone = await member(app, store, email);
    const laptop = await member(app, store, email);
    expect((await phone.post('/auth/signout', {})).statusCode).toBe(303);
    expect((await phone.get('/account')).statusCode).toBe(303); // back to sign-in
    expect((await laptop.get('/account')).statusCode).toBe(200);

    const desk = await member(app, store, email);
    expect((await desk.post('/account/signout-everywhere', {})).statusCode).toBe(303);
    expect((await laptop.get('/account')).headers.location).toBe('/auth/signin?next=%2Faccount');
  });

  it('mails a reply to a member who asked for it, and not to one who did not', async () => {
    const asker = await member(app, store, 'asker@example.org', { name: 'Asker' });
    await asker.post('/account', { displayName: 'Asker', emailOnReply: 'on' });
    const quiet = await member(app, store, 'quiet@example.org', { name: 'Quiet' });
    const answerer = await member(app, store, 'answerer@example.org', { name: 'Answerer' });
    const q1 = /comment-(\d+)/.exec((await asker.post(`/papers/${PAPER}/comments`, { body: 'Question?' })).headers.location as string)![1]!;
    const q2 = /comment-(\d+)/.exec((await quiet.post(`/papers/${PAPER}/comments`, { body: 'Another?' })).headers.location as string)![1]!;
    const r1 = await answerer.post(`/papers/${PAPER}/comments`, { body: 'Answer.', parentId: q1 });
    await answerer.post(`/papers/${PAPER}/comments`, { body: 'Answer too.', parentId: q2 });
    const mail = await mailbox.waitFor('asker@example.org');
    expect(mail.subject).toBe('Answerer replied to your comment on Paperboy');
    expect(mail.text).toContain(`http://paperboy.test/papers/${PAPER}#comment-${/comment-(\d+)/.exec(r1.headers.location as string)![1]}`);
    await expect(mailbox.waitFor('quiet@example.org', 300)).rejects.toThrow(/no mail/);
  });

  it('deletes an account with its personal data, keeping replies to it as an anonymous tombstone', async () => {
    const leaver = await member(app, store, 'leaver@example.org', { name: 'Leaver' });
    const other = await member(app, store, 'stayer@example.org', { name: 'Stayer' });
    const id = (await store.accounts.userByEmail('leaver@example.org'))!.id;
    await leaver.post(`/papers/${PAPER}/vote`, { action: 'up' });
    const parent = /comment-(\d+)/.exec((await leaver.post(`/papers/${PAPER}/comments`, { body: 'My words' })).headers.location as string)![1]!;
    await other.post(`/papers/${PAPER}/comments`, { body: 'A reply to the leaver', parentId: parent });
    const upvotesBefore = (await store.feed.entry(PAPER))!.upvotes;

    expect((await leaver.post('/account/delete', { confirm: 'delete' })).statusCode).toBe(400); // must type DELETE
    const gone = await leaver.post('/account/delete', { confirm: 'DELETE' });
    expect(gone.statusCode).toBe(200);
    expect(gone.body).toContain('Your account is deleted');
    expect(await store.accounts.userByEmail('leaver@example.org')).toBeNull();
    expect((await store.feed.entry(PAPER))!.upvotes).toBe(upvotesBefore - 1);
    const db = store.db.kysely;
    expect(await db.selectFrom('sessions').selectAll().where('user_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('votes').selectAll().where('user_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('comments').selectAll().where('user_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('login_tokens').selectAll().where('email', '=', 'leaver@example.org').execute()).toEqual([]);
    const page = (await new WebClient(app).get(`/papers/${PAPER}`)).body;
    expect(page).not.toContain('My words');
    expect(page).not.toContain('>Leaver<');
    expect(page).toContain('A reply to the leaver');
    expect((await leaver.get('/account')).statusCode).toBe(303); // the session went with it
  });

  it('limits sign-in requests per address with 429 and RateLimit headers', async () => {
    const client = new WebClient(app);
    await client.get('/auth/signin');
    let last = await client.post('/auth/signin', { email: 'burst@example.org' });
    for (let i = 0; i < 12 && last.statusCode !== 429; i++) last = await client.post('/auth/signin', { email: 'burst@example.org' });
    expect(last.statusCode).toBe(429);
    expect(last.headers['ratelimit-limit']).toBe('10');
    expect(last.headers['ratelimit-remaining']).toBe('0');
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // …and the per-address limit kept the mailbox to 5 links, though 10 requests were answered.
    expect(mailbox.messages.filter((m) => m.subject?.includes('sign-in') && JSON.stringify(m.to).includes('burst@example.org'))).toHaveLength(5);
  });
});

describe('session cookies on an https site', () => {
  it('are Secure', async () => {
    const { app, store } = await seededApp({ env: { PAPERBOY_PUBLIC_URL: 'https://papers.example.org' } });
    const secret = await store.accounts.createLoginToken('s@example.org', new Date(), 60_000);
    const client = new WebClient(app);
    await client.get(`/auth/verify?token=${secret}`);
    const res = await client.post('/auth/verify', { token: secret });
    expect(res.cookies.find((c) => c.name === 'pb_session')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(res.cookies.find((c) => c.name === 'pb_csrf') ?? { secure: true }).toMatchObject({ secure: true });
    await app.close();
  });
});

describe('CSRF and cross-site requests', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp());
  });
  afterAll(() => app.close());

  it('refuses a state-changing POST without a valid token, or marked cross-site by the browser', async () => {
    const ada = await member(app, store, 'csrf@example.org');
    const noToken = await ada.post(`/papers/${PAPER}/vote`, { action: 'up' }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('This form has expired or did not come from this site');

    // A token from another visitor's page does not match this visitor's secret.
    const eve = await member(app, store, 'eve@example.org');
    expect((await ada.post(`/papers/${PAPER}/vote`, { action: 'up', _csrf: eve.csrf! })).statusCode).toBe(403);

    // An evil site's auto-submitting form: the browser marks it cross-site (and the SameSite cookies would not go).
    const crossSite = await ada.post(`/papers/${PAPER}/vote`, { action: 'up' }, { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).toContain('sent from another site');
    expect((await store.feed.entry(PAPER))?.upvotes).toBe(1); // nothing counted

    expect((await ada.post(`/papers/${PAPER}/vote`, { action: 'up' })).statusCode).toBe(303);
    expect((await store.feed.entry(PAPER))?.upvotes).toBe(2);
  });

  it('covers every form on the site: sign-out, account changes and deletion need the token too', async () => {
    const ada = await member(app, store, 'forms@example.org');
    for (const [url, fields] of [
      ['/auth/signout', {}],
      ['/account', { displayName: 'X' }],
      ['/account/delete', { confirm: 'DELETE' }],
      ['/account/signout-everywhere', {}],
      ['/submit', { paper: '2505.20278' }],
      ['/report', { type: 'paper', id: PAPER, reason: 'spam' }],
      [`/papers/${PAPER}/comments`, { body: 'hi' }],
    ] as const) {
      expect((await ada.post(url, fields, { csrf: false })).statusCode, url).toBe(403);
    }
    expect((await ada.get('/account')).statusCode).toBe(200); // still signed in, still there
  });
});

describe('limits and headers that protect everyone', () => {
  it('limits writes per client address across accounts, with the policy of the limit that answered', async () => {
    const { app, store } = await seededApp({ rateLimitPerMinute: 40 }); // writes: 40 / 4 = 10 a minute per address
    const a = await member(app, store, 'addr-a@example.org');
    const b = await member(app, store, 'addr-b@example.org');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await a.post(`/papers/${PAPER}/vote`, { action: i % 2 ? 'withdraw' : 'up' })).statusCode);
    for (let i = 0; i < 6; i++) codes.push((await b.post(`/papers/${PAPER}/vote`, { action: i % 2 ? 'withdraw' : 'up' })).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 303)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    const limited = await b.post(`/papers/${PAPER}/vote`, { action: 'up' });
    expect(limited.headers['ratelimit-policy']).toBe('10;w=60');
    expect(limited.body).toContain('Too many changes from your address');
    const vote = await new WebClient(app).get('/auth/signin');
    expect(vote.headers['ratelimit-policy']).toBe('40;w=60');
    await app.close();
  });

  it('marks every HTML page Vary: Cookie, so a member who just signed in never gets a cached signed-out page', async () => {
    const { app, store } = await seededApp();
    const anonymous = await new WebClient(app).get('/papers/date/2025-05-26');
    expect(anonymous.headers['cache-control']).toBe('public, max-age=60');
    expect(String(anonymous.headers.vary)).toMatch(/\bCookie\b/);
    const signedIn = await (await member(app, store, 'vary@example.org')).get('/papers/date/2025-05-26');
    expect(signedIn.headers['cache-control']).toBe('private, no-cache');
    expect(String(signedIn.headers.vary)).toMatch(/\bCookie\b/);
    await app.close();
  });

  it('sends a crafted next= with characters a Location header cannot hold to the home page instead of failing', async () => {
    const { app, store } = await seededApp();
    const secret = await store.accounts.createLoginToken('next@example.org', new Date(), 60_000);
    await store.accounts.updateProfile((await store.accounts.findOrCreateUser('next@example.org', new Date())).id, { displayName: 'Next', affiliation: null });
    const client = new WebClient(app);
    await client.get(`/auth/verify?token=${secret}`);
    const res = await client.post('/auth/verify', { token: secret, next: '/search?q=α　β' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    await app.close();
  });

  it('keeps names the site shows for itself reserved', async () => {
    const { app, store } = await seededApp();
    const m = await member(app, store, 'names@example.org');
    for (const name of ['member 3', '[deleted]', 'Moderator']) {
      const res = await m.post('/account', { displayName: name });
      expect(res.statusCode, name).toBe(400);
      expect(res.body).toContain('is reserved');
    }
    await app.close();
  });
});

describe('votes', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp());
  });
  afterAll(() => app.close());

  it('asks anonymous visitors to sign in, and is idempotent under double-clicks', async () => {
    const anon = new WebClient(app);
    await anon.get('/auth/signin');
    const res = await anon.post(`/papers/${PAPER}/vote`, { action: 'up' }, { headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ message: expect.stringContaining('Sign in first') });

    const bo = await member(app, store, 'bo@example.org');
    const click = () => bo.post(`/papers/${PAPER}/vote`, { action: 'up' }, { headers: { accept: 'application/json' } });
    expect((await click()).json()).toEqual({ upvotes: 2, upvoted: true });
    expect((await click()).json()).toEqual({ upvotes: 2, upvoted: true });
    const page = await bo.get(`/papers/${PAPER}`);
    expect(page.body).toContain('aria-pressed="true"');
    expect(page.body).toContain('name="action" value="withdraw"');
    const withdraw = await bo.post(`/papers/${PAPER}/vote`, { action: 'withdraw', next: '/papers/date/2025-05-26' });
    expect(withdraw.statusCode).toBe(303);
    expect(withdraw.headers.location).toBe('/papers/date/2025-05-26');
    expect((await store.feed.entry(PAPER))?.upvotes).toBe(1);
    // `next` never leaves the site.
    const away = await bo.post(`/papers/${PAPER}/vote`, { action: 'up', next: '//evil.example/x' });
    expect(away.headers.location).toBe(`/papers/${PAPER}`);
  });
});

describe.each(dialects)('200 concurrent votes from 50 members on $name', ({ name, available, open }) => {
  describe.runIf(available)(`concurrent votes (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    let baseUrl: string;
    beforeAll(async () => {
      ({ app, store } = await seededApp({ store: await open(), rateLimitPerMinute: 10_000 }));
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(() => app.close());

    it('ends with a count equal to the members whose last action was an upvote', async () => {
      const members = await Promise.all(Array.from({ length: 50 }, (_, i) => member(app, store, `voter${i}@example.org`)));
      // A fixed pseudo-random script: 4 actions per member, sent one after another per member, all members at once.
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const scripts = members.map(() => Array.from({ length: 4 }, () => (random() < 0.5 ? 'up' : 'withdraw')));
      const statuses: number[] = [];
      await Promise.all(
        members.map(async (m, i) => {
          for (const action of scripts[i]!) {
            const res = await fetch(`${baseUrl}/papers/${PAPER}/vote`, {
              method: 'POST',
              headers: { cookie: m.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
              body: new URLSearchParams({ action, _csrf: m.csrf! }).toString(),
            });
            statuses.push(res.status);
          }
        }),
      );
      expect(statuses).toHaveLength(200);
      expect(statuses.every((s) => s === 200)).toBe(true);
      const lastUp = scripts.filter((s) => s[3] === 'up').length;
      expect(lastUp).toBeGreaterThan(5);
      expect(lastUp).toBeLessThan(45);
      expect((await store.feed.entry(PAPER))?.upvotes).toBe(1 + lastUp);
      const rows = await store.db.kysely.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', PAPER).executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(lastUp);
    });

    it('stays consistent when all 200 requests are in flight at once (each member racing themself)', async () => {
      const paper = '2505.20278';
      const members = await Promise.all(Array.from({ length: 50 }, (_, i) => member(app, store, `burst${i}@example.org`)));
      const statuses = await Promise.all(
        members.flatMap((m, i) =>
          ['up', 'withdraw', 'up', i % 2 === 0 ? 'up' : 'withdraw'].map((action) =>
            fetch(`${baseUrl}/papers/${paper}/vote`, {
              method: 'POST',
              headers: { cookie: m.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
              body: new URLSearchParams({ action, _csrf: m.csrf! }).toString(),
            }).then((r) => r.status),
          ),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(200);
      // Which of a member's racing requests landed last is up to the server; the count must equal the rows either way.
      const rows = await store.db.kysely.selectFrom('votes').select((eb) => eb.fn.countAll<number>().as('n')).where('paper_id', '=', paper).executeTakeFirstOrThrow();
      const entry = await store.feed.entry(paper);
      expect(entry!.upvotes).toBe(1 + Number(rows.n));
      const burstRows = await store.db.kysely
        .selectFrom('votes')
        .innerJoin('users', 'users.id', 'votes.user_id')
        .select(['votes.user_id'])
        .where('votes.paper_id', '=', paper)
        .where('users.email', 'like', 'burst%')
        .execute();
      expect(new Set(burstRows.map((r) => r.user_id)).size).toBe(burstRows.length); // one vote per member, whatever the race
      expect(burstRows.length).toBeLessThanOrEqual(50);
    });
  });
});

describe('comments', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp({ papers: [{ id: '2505.90999', title: 'A paper with a long thread', abstract: 'Abstract.', authors: ['A. Author'], categories: ['cs.LG'], published: '2025-05-20', upvotes: 0 }] }));
  });
  afterAll(() => app.close());

  it('neutralises <script>, raw HTML and javascript: links, and marks links nofollow ugc', async () => {
    const ada = await member(app, store, 'xss@example.org', { name: '<img src=x onerror=alert(1)>' });
    const body = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(2)>',
      '[click](javascript:alert(3)) [obfuscated](JaVaScRiPt:alert(4)) [entity](java&#x09;script:alert(5))',
      '[fine](https://example.org/paper) and $x^2$',
    ].join('\n\n');
    const posted = await ada.post(`/papers/${PAPER}/comments`, { body });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(new RegExp(`^/papers/${PAPER}#comment-\\d+$`));

    const html = (await new WebClient(app).get(`/papers/${PAPER}`)).body;
    const thread = html.slice(html.indexOf('id="comments"'));
    expect(thread).not.toMatch(/<script/i);
    expect(thread).not.toMatch(/<img/i);
    expect(thread).not.toMatch(/href="\s*javascript:/i);
    expect(thread).not.toMatch(/<[^>]*\son\w+=/i); // no event-handler attribute in any tag of the thread
    expect(thread).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(thread).toContain('&lt;img src=x onerror=alert(1)'); // the display name, as text
    expect(thread).toContain('<a href="https://example.org/paper" rel="nofollow ugc noopener">fine</a>');
    expect(thread).toContain('class="katex"');
    expect((await store.feed.entry(PAPER))?.numComments).toBe(1);
  });

  it('threads replies, lets the author edit and delete, and refuses what the rules refuse', async () => {
    const ann = await member(app, store, 'ann@example.org', { name: 'Ann' });
    const ben = await member(app, store, 'ben@example.org', { name: 'Ben' });
    const first = await ann.post(`/papers/${PAPER}/comments`, { body: 'Does this hold for ReLU?' });
    const parentId = /comment-(\d+)/.exec(first.headers.location as string)![1]!;
    const reply = await ben.post(`/papers/${PAPER}/comments`, { body: 'It does, see section 4.', parentId });
    const replyId = /comment-(\d+)/.exec(reply.headers.location as string)![1]!;
    const page = (await ann.get(`/papers/${PAPER}`)).body;
    const parentAt = page.indexOf(`id="comment-${parentId}"`);
    const childrenAt = page.indexOf('class="comment-children"', parentAt);
    expect(page.indexOf(`id="comment-${replyId}"`)).toBeGreaterThan(childrenAt);

    expect((await ben.post(`/comments/${parentId}/edit`, { body: 'hijack' })).statusCode).toBe(403);
    expect((await ann.post(`/comments/${parentId}/edit`, { body: 'Does this hold for GELU?' })).statusCode).toBe(303);
    expect((await ann.get(`/papers/${PAPER}`)).body).toContain('Does this hold for GELU?');
    expect((await ann.post(`/papers/${PAPER}/comments`, { body: '   ' })).statusCode).toBe(400);
    expect((await ann.post(`/papers/${PAPER}/comments`, { body: 'x'.repeat(10_001) })).statusCode).toBe(400);
    expect((await ann.post(`/papers/${PAPER}/comments`, { body: 'hi', parentId: '999999' })).statusCode).toBe(404);
    expect((await ben.post(`/comments/${replyId}/vote`, { value: '1' })).statusCode).toBe(403); // own comment
    expect((await ann.post(`/comments/${replyId}/vote`, { value: '1' })).statusCode).toBe(303);

    // Deleting the parent leaves a tombstone above the reply.
    expect((await ann.post(`/comments/${parentId}/delete`, {})).statusCode).toBe(303);
    const after = (await new WebClient(app).get(`/papers/${PAPER}`)).body;
    expect(after).not.toContain('Does this hold for GELU?');
    expect(after).toMatch(new RegExp(`id="comment-${parentId}" class="comment comment-deleted"`));
    expect(after).toContain('It does, see section 4.');
  });

  it('shows a chain of 3,000 replies at most 10 levels deep (deeper replies beside their parent, "in reply to")', async () => {
    const author = await store.accounts.findOrCreateUser('deep@example.org', new Date('2025-01-01T00:00:00Z'));
    await store.accounts.updateProfile(author.id, { displayName: 'Deep', affiliation: null });
    let parentId: number | null = null;
    for (let i = 0; i < 3000; i++) {
      parentId = await store.comments.create({ paperId: '2505.90999', parentId, userId: author.id, body: `level ${i}`, now: new Date(Date.UTC(2025, 5, 1, 0, 0, i)).toISOString() });
    }
    const res = await new WebClient(app).get('/papers/2505.90999');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('level 2999');
    // Nesting: count the deepest run of open comment-children lists.
    let depth = 0;
    let deepest = 0;
    for (const m of html.slice(html.indexOf('id="comments"')).matchAll(/<ol class="comment-children">|<\/ol>/g)) {
      depth += m[0] === '</ol>' ? -1 : 1;
      deepest = Math.max(deepest, depth);
    }
    expect(deepest).toBe(9); // levels 0..9
    expect(html).toContain('in reply to Deep');
  });

  it('does not let an author edit a comment the moderators hid', async () => {
    const ann = await member(app, store, 'hidden-author@example.org', { name: 'Hidden Author' });
    const id = /comment-(\d+)/.exec((await ann.post(`/papers/${PAPER}/comments`, { body: 'first words' })).headers.location as string)![1]!;
    await store.comments.setHidden(Number(id), new Date().toISOString());
    const res = await ann.post(`/comments/${id}/edit`, { body: 'words the moderators never saw' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('can no longer be edited');
    expect((await store.comments.byId(Number(id)))?.body).toBe('first words');
  });

  it('limits comments per member with 429', async () => {
    const fast = await member(app, store, 'fast@example.org');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await fast.post(`/papers/${PAPER}/comments`, { body: `comment ${i}` })).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 303)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
  });
});

describe('submissions through the arXiv API (recorded answers on a real HTTP server)', () => {
  let replay: ReplayServer;
  beforeAll(async () => {
    replay = await startReplayServer();
  });
  afterAll(() => replay.close());

  async function appWith(env: Record<string, string>) {
    return seededApp({ env: { ARXIV_API_URL: `${replay.origin}/api/query`, ...env } });
  }

  it('adds a recent paper to today\'s feed as submitted by the member; refuses duplicates, unknown ids and the cap', async () => {
    const { app, store } = await appWith({ SUBMISSION_MAX_AGE_DAYS: '36500', SUBMISSIONS_PER_DAY: '1' });
    const ada = await member(app, store, 'submitter@example.org', { name: 'Ada' });
    const res = await ada.post('/submit', { paper: 'https://arxiv.org/abs/1707.08567v1' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/papers/1707.08567');
    const entry = await store.feed.entry('1707.08567');
    expect(entry).toMatchObject({ feedDate: new Date().toISOString().slice(0, 10), submittedBy: 'Ada' });
    expect((await ada.get('/papers/1707.08567')).body).toContain('submitted by Ada');

    const again = await ada.post('/submit', { paper: '1707.08567' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('is already in the feed');

    const capped = await ada.post('/submit', { paper: '1605.08386' });
    expect(capped.statusCode, capped.body.slice(capped.body.indexOf('<main>'), capped.body.indexOf('<main>') + 400)).toBe(429);
    expect(capped.body).toContain('You can submit 1 papers a day');

    const other = await member(app, store, 'other@example.org');
    replay.route('/api/query', { id_list: '2511.99999', sortBy: 'relevance', sortOrder: 'descending', start: '0', max_results: '100' }, { status: 200, body: EMPTY_FEED });
    const unknown = await other.post('/submit', { paper: '2511.99999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('arXiv has no paper 2511.99999');
    const junk = await other.post('/submit', { paper: 'not a paper' });
    expect(junk.statusCode).toBe(400);
    await app.close();
  });

  it('answers 503 soon when arXiv fails, and the member can try again', async () => {
    const { app, store } = await appWith({ SUBMISSION_MAX_AGE_DAYS: '36500' });
    const ada = await member(app, store, 'arxiv-down@example.org');
    replay.failNext(5, { status: 503, body: 'down' });
    const started = Date.now();
    const res = await ada.post('/submit', { paper: '1707.08567' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('arXiv did not answer for 1707.08567 just now');
    expect(Date.now() - started).toBeLessThan(15_000); // one retry, not the importer's patience
    replay.reset();
    expect((await ada.post('/submit', { paper: '1707.08567' })).statusCode).toBe(303);
    await app.close();
  });

  it('refuses a paper older than the limit with a message that says why', async () => {
    const { app, store } = await appWith({});
    const ada = await member(app, store, 'old@example.org');
    const res = await ada.post('/submit', { paper: '1707.08567' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Only papers first published in the last 14 days can be submitted; 1707.08567 appeared on 2017-');
    expect(await store.feed.entry('1707.08567')).toBeNull();
    await app.close();
  });
});

describe('trending', () => {
  it('ranks by the stored score, which each vote recomputes, with exact values', async () => {
    const { app, store } = await seededApp();
    // Two seed papers of the same day; votes by members at least a day old count for trending.
    const day = '2025-05-26';
    const before = await store.feed.entry(PAPER);
    expect(before?.trendingScore).toBe(trendingScore(1, feedDayMs(day)));
    const voters = await Promise.all(Array.from({ length: 9 }, (_, i) => member(app, store, `t${i}@example.org`)));
    for (const v of voters) await v.post(`/papers/${PAPER}/vote`, { action: 'up' });
    // 1 imported + 9 members = 10 votes: log10(10) + (2025-05-26 − 2020-01-01 = 1,972 days) / 2 days = 1 + 986
    expect((await store.feed.entry(PAPER))?.trendingScore).toBe(987);
    // A brand-new account's vote shows in the count but not in trending.
    const fresh = await member(app, store, 'fresh@example.org', { createdAt: new Date() });
    await fresh.post(`/papers/${PAPER}/vote`, { action: 'up' });
    expect(await store.feed.entry(PAPER)).toMatchObject({ upvotes: 11, trendingScore: 987 });
    const page = await new WebClient(app).get('/papers/trending');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('How trending works');
    await app.close();
  });
});

describe('moderation over HTTP', () => {
  let app: FastifyInstance;
  let store: Store;
  let community: CommunityDeps;
  beforeAll(async () => {
    ({ app, store, community } = await seededApp());
  });
  afterAll(() => app.close());

  it('lets moderators hide a comment and ban a member, and logs both publicly; others are refused', async () => {
    const troll = await member(app, store, 'troll@example.org', { name: 'Troll' });
    const posted = await troll.post(`/papers/${PAPER}/comments`, { body: 'buy cheap pills' });
    const id = /comment-(\d+)/.exec(posted.headers.location as string)![1]!;
    await troll.post(`/papers/${PAPER}/vote`, { action: 'up' });
    expect((await store.feed.entry(PAPER))?.upvotes).toBe(2);

    const reporter = await member(app, store, 'reporter@example.org');
    await reporter.get(`/report?type=comment&id=${id}`);
    expect((await reporter.post('/report', { type: 'comment', id, reason: 'spam' })).statusCode).toBe(200);
    expect((await reporter.post(`/moderation/comments/${id}`, { action: 'hide', reason: 'spam' })).statusCode).toBe(403);
    expect((await reporter.get('/moderation/reports')).statusCode).toBe(403);

    await community.moderation.grant('mod@example.org', 'moderator');
    const mod = await member(app, store, 'mod@example.org', { name: 'Mo' });
    expect((await mod.get('/moderation/reports')).body).toContain('spam');
    expect((await mod.post(`/moderation/comments/${id}`, { action: 'hide', reason: '' })).statusCode).toBe(400);
    expect((await mod.post(`/moderation/comments/${id}`, { action: 'hide', reason: 'Advertising' })).statusCode).toBe(303);
    expect((await new WebClient(app).get(`/papers/${PAPER}`)).body).not.toContain('buy cheap pills');
    expect((await mod.get(`/papers/${PAPER}`)).body).toContain('buy cheap pills'); // moderators still see it

    const trollId = (await store.accounts.userByEmail('troll@example.org'))!.id;
    expect((await mod.post(`/moderation/users/${trollId}`, { action: 'ban', reason: 'Spam account' })).statusCode).toBe(303);
    expect((await store.feed.entry(PAPER))?.upvotes).toBe(1); // the banned member's vote no longer counts
    expect((await troll.get('/account')).statusCode).toBe(303); // signed out

    const log = (await new WebClient(app).get('/moderation')).body;
    expect(log).toContain('Advertising');
    expect(log).toContain('Spam account');
    expect(log).toContain('suspended a member');
    expect(log.indexOf('Spam account')).toBeLessThan(log.indexOf('Advertising')); // newest first
  });
});
