/**
 * Digests (issue 5) against a real SMTP server (smtp-server in-process, messages parsed with mailparser): the
 * double opt-in flow over HTTP, daily and weekly editions with the right papers per topic, RFC 8058 headers and the
 * one-click POST, no empty mails, retries and permanent failures, signed links, and two senders at once sending each
 * digest once (SQLite and PostgreSQL).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/mail/mailer.js';
import { DigestService, type DigestOptions } from '../src/services/digest.service.js';
import { LinkSigner } from '../src/services/signed-links.js';
import type { Store } from '../src/store/store.js';
import { importFiles, SEED_PAPERS, seededApp, tempDir } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { type Mailbox, startMailbox } from './helpers/mailbox.js';
import { WebClient } from './helpers/web-client.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { RecommendationService } from '../src/services/recommendation.service.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import type { PaperInput } from '../src/domain/paper.js';

const PUBLIC = 'https://paperboy.test';

/** Papers of Thursday 2 and Friday 3 October 2025 (feed days), with topics to select by. */
function paper(id: string, day: string, categories: string[], title: string, authors: string[], upvotes: number): PaperInput {
  return {
    id,
    title,
    abstract: `We study ${title.toLowerCase()} with $x^2$ and more.`,
    authors,
    categories,
    published: day,
    updated: null,
    version: 1,
    comment: null,
    journalRef: null,
    doi: null,
    links: { abs: `https://arxiv.org/abs/${id}`, pdf: null, code: null, project: null },
    feed: { date: day, submittedBy: null, upvotes },
  } as unknown as PaperInput;
}

const PAPERS = [
  paper('2510.00001', '2025-10-02', ['cs.LG'], 'Diffusion models for tabular data', ['Ada Lovelace'], 30),
  paper('2510.00002', '2025-10-02', ['cs.CL'], 'Language models that cite', ['Alan Turing'], 20),
  paper('2510.00003', '2025-10-02', ['math.OC', 'cs.LG'], 'Convex relaxations', ['Grace Hopper'], 10),
  paper('2510.00004', '2025-10-03', ['cs.CL'], 'Diffusion language models', ['Geoffrey Hinton'], 5),
];

function options(over: Partial<DigestOptions> = {}): DigestOptions {
  return { publicUrl: PUBLIC, sendHourUtc: 6, weeklyDay: 'monday', leaseMs: 60_000, retryBaseMs: 10, maxAttempts: 3, concurrency: 4, batchSize: 50, ...over };
}

async function withPapers(store: Store) {
  await importFiles(store, SEED_PAPERS);
  await new PaperImporter(store).run(new ArraySource(PAPERS));
}

async function activeSubscriber(store: Store, email: string, prefs: Partial<{ frequency: 'daily' | 'weekly'; dailyMode: 'merge' | 'skip'; categories: string[]; keywords: string[]; authors: string[] }> = {}) {
  const sub = await store.subscribers.findOrCreate(email, { frequency: 'daily', dailyMode: 'merge', categories: [], keywords: [], authors: [], ...prefs }, '2025-09-01T00:00:00.000Z', null);
  await store.subscribers.setStatus(sub.id, 'active', '2025-09-01T00:00:00.000Z');
  return sub;
}

describe('subscribing, confirming and unsubscribing over HTTP (real SMTP server)', () => {
  let mailbox: Mailbox;
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    mailbox = await startMailbox();
    ({ app, store } = await seededApp({ env: { SMTP_URL: mailbox.url, PAPERBOY_PUBLIC_URL: PUBLIC, DIGEST_JOB: '0' } }));
  });
  afterAll(async () => {
    await app.close();
    await mailbox.close();
  });

  it('subscribes from any page (no token, same origin), sends only a confirmation until confirmed, then lets the link manage it', async () => {
    const visitor = new WebClient(app);
    const home = await visitor.get('/');
    expect(home.body).toContain('action="/digest/subscribe"');
    expect(home.headers['set-cookie']).toBeUndefined(); // the page stays anonymous and cacheable
    const res = await visitor.post('/digest/subscribe', { email: 'Reader@Example.org', frequency: 'daily' }, { csrf: false });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('a message with a confirmation link is on its way');
    expect(await store.subscribers.byEmail('reader@example.org')).toMatchObject({ status: 'pending', frequency: 'daily' });

    const mail = await mailbox.waitFor('reader@example.org');
    expect(mail.subject).toMatch(/confirm/i);
    const link = new URL(/(https:\/\/paperboy\.test\/digest\/confirm\?token=[\w.-]+)/.exec(mail.text ?? '')![1]!);
    const page = await visitor.get(link.pathname + link.search);
    expect(page.statusCode).toBe(200);
    expect(await store.subscribers.byEmail('reader@example.org')).toMatchObject({ status: 'pending' }); // opening is not confirming
    const confirmed = await visitor.post('/digest/confirm', { token: link.searchParams.get('token')! });
    expect(confirmed.statusCode).toBe(303);
    expect(await store.subscribers.byEmail('reader@example.org')).toMatchObject({ status: 'active' });

    const prefs = await visitor.get(confirmed.headers.location as string);
    expect(prefs.body).toContain('reader@example.org');
    const token = new URL(`http://x${confirmed.headers.location}`).searchParams.get('token')!;
    const saved = await visitor.post('/digest/preferences', { token, frequency: 'weekly', categories: 'cs.LG, math', keywords: 'diffusion', authors: '' });
    expect(saved.statusCode).toBe(303);
    expect(await store.subscribers.byEmail('reader@example.org')).toMatchObject({ frequency: 'weekly', categories: ['cs.LG', 'math'], keywords: ['diffusion'] });
    const bad = await visitor.post('/digest/preferences', { token, categories: 'not a category!' });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a cross-site subscription post, and answers every address alike', async () => {
    const evil = await new WebClient(app).post('/digest/subscribe', { email: 'victim@example.org' }, { csrf: false, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(evil.statusCode).toBe(403);
    const a = await new WebClient(app).post('/digest/subscribe', { email: 'reader@example.org' }, { csrf: false });
    const b = await new WebClient(app).post('/digest/subscribe', { email: 'someone-new@example.org' }, { csrf: false });
    const main = (html: string) => html.slice(html.indexOf('<main>'), html.indexOf('</main>'));
    expect(main(a.body)).toBe(main(b.body));
  });

  it('does not accept a forged link or one made for another address', async () => {
    const sub = (await store.subscribers.byEmail('reader@example.org'))!;
    const other = await store.subscribers.findOrCreate('other@example.org', { frequency: 'daily', dailyMode: 'merge', categories: [], keywords: [], authors: [] }, new Date().toISOString(), null);
    const signer = await LinkSigner.open(store);
    const good = signer.sign('unsubscribe', sub.id, sub.email);
    const sig = good.split('.')[1]!;
    for (const forged of [`${other.id}.${sig}`, `${sub.id}.${'A'.repeat(32)}`, signer.sign('manage', sub.id, sub.email), `${sub.id}`, '']) {
      const res = await app.inject({ method: 'POST', url: `/digest/unsubscribe?token=${encodeURIComponent(forged)}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.statusCode, forged).toBe(400);
    }
    expect(await store.subscribers.byEmail('reader@example.org')).toMatchObject({ status: 'active' });
    expect(await store.subscribers.byEmail('other@example.org')).toMatchObject({ status: 'pending' });
  });
});

describe.each(dialects)('editions and delivery on $name (real SMTP server)', ({ name, available, open }) => {
  describe.runIf(available)(`editions (${name})`, () => {
    let mailbox: Mailbox;
    let store: Store;
    let app: FastifyInstance;
    beforeAll(async () => {
      mailbox = await startMailbox();
      ({ app, store } = await seededApp({ store: await open(), env: { PAPERBOY_PUBLIC_URL: PUBLIC, DIGEST_JOB: '0' } }));
      await new PaperImporter(store).run(new ArraySource(PAPERS));
    });
    afterAll(async () => {
      await app?.close();
      await mailbox?.close();
    });

    /** A sender whose clock starts at `nowIso` and moves only when `tick` is called. */
    async function service(nowIso: string, over: Partial<DigestOptions> = {}, smtpUrl = mailbox.url) {
      const mailer = createMailer({ smtpUrl, from: 'Paperboy <digest@paperboy.test>', outboxDir: tempDir() });
      let t = Date.parse(nowIso);
      const svc = new DigestService(store, mailer, await LinkSigner.open(store), options({ clock: () => t, ...over }));
      return { svc, close: () => mailer.close(), tick: (ms: number) => (t += ms) };
    }

    it('sends the daily edition the morning after the feed day, with the right papers per topic and RFC 8058 headers', async () => {
      const lg = await activeSubscriber(store, 'lg@example.org', { categories: ['cs.LG'], dailyMode: 'skip' });
      await activeSubscriber(store, 'diffusion@example.org', { keywords: ['diffusion'], dailyMode: 'skip' });
      await activeSubscriber(store, 'hopper@example.org', { authors: ['Hopper'], dailyMode: 'skip' });
      await activeSubscriber(store, 'nothing@example.org', { categories: ['astro-ph'], dailyMode: 'skip' });
      await activeSubscriber(store, 'weekly@example.org', { frequency: 'weekly' });

      // 3 October's papers are not due before 4 October 06:00 UTC.
      const early = await service('2025-10-04T05:59:00Z');
      expect(await early.svc.plan()).toEqual([]);
      early.close();

      const { svc, close } = await service('2025-10-04T06:00:00Z');
      const planned = await svc.plan();
      expect(planned.map((e) => `${e.frequency} ${e.periodKey}`)).toEqual(['daily 2025-10-03']);
      const summary = await svc.sendDue();
      close();
      // 3 October has one paper (cs.CL, "Diffusion language models", Hinton): only the keyword subscriber gets a mail; the
      // others have nothing that day (lg@, hopper@) or ever (nothing@), and get no empty mail.
      expect(summary).toMatchObject({ sent: 1, skipped: 3, failed: 0 });

      const diffusion = await mailbox.waitFor('diffusion@example.org');
      expect(diffusion.text).toContain('Diffusion language models');
      expect(diffusion.text).not.toContain('Language models that cite');
      const hopper = mailbox.messages.find((m) => JSON.stringify(m.to).includes('hopper@'));
      expect(hopper).toBeUndefined(); // Hopper's paper is from 2 October: `skip` mode covers the newest day only
      const unfolded = (key: string) => diffusion.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n[ \t]+/g, ' ');
      expect(unfolded('list-unsubscribe')).toMatch(/^List-Unsubscribe: +<https:\/\/paperboy\.test\/digest\/unsubscribe\?token=\d+\.[\w-]+>$/);
      expect(unfolded('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(diffusion.html).toContain('Unsubscribe');
      expect(diffusion.messageId).toMatch(/^<digest-\d+-\d+@paperboy\.test>$/);
      expect(await store.digests.counts(planned[0]!.id)).toEqual({ sent: 1, skipped: 3 }); // the weekly subscriber is not in a daily edition
      expect(lg.id).toBeGreaterThan(0);

      // Sending again sends nothing: the ledger has an outcome for everyone.
      const again = await service('2025-10-04T07:00:00Z');
      expect(await again.svc.plan()).toEqual([]);
      expect(await again.svc.sendDue()).toMatchObject({ sent: 0, skipped: 0 });
      again.close();
    });

    it('one-click POST unsubscribes (no cookie, no CSRF token), and the address gets nothing more', async () => {
      const diffusion = mailbox.messages.find((m) => JSON.stringify(m.to).includes('diffusion@'))!;
      const url = new URL(/<([^>]+)>/.exec(diffusion.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/\r?\n[ \t]+/g, ''))![1]!);
      const res = await app.inject({ method: 'POST', url: url.pathname + url.search, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('You are unsubscribed');
      expect(await store.subscribers.byEmail('diffusion@example.org')).toMatchObject({ status: 'unsubscribed' });
    });

    it('sends the weekly edition on the configured weekday after the week, with the week\'s papers', async () => {
      // Week 40 of 2025 is 29 September – 5 October; due Monday 6 October 06:00 UTC.
      const sunday = await service('2025-10-05T12:00:00Z');
      expect((await sunday.svc.plan()).map((e) => e.frequency)).not.toContain('weekly');
      sunday.close();
      const { svc, close } = await service('2025-10-06T06:00:00Z');
      const planned = await svc.plan();
      expect(planned.map((e) => `${e.frequency} ${e.periodKey} ${e.fromDate}..${e.toDate}`)).toContain('weekly 2025-W40 2025-09-29..2025-10-05');
      await svc.sendDue();
      close();
      const weekly = await mailbox.waitFor('weekly@example.org');
      expect(weekly.subject).toMatch(/weekly/i);
      for (const title of ['Diffusion models for tabular data', 'Language models that cite', 'Convex relaxations', 'Diffusion language models']) expect(weekly.text).toContain(title);
    });

    it('lets a member subscribe from the account page (no confirmation needed) and adds a "for you" section from their upvotes', async () => {
      const user = await store.accounts.findOrCreateUser('member@example.org', new Date('2025-01-01T00:00:00Z'));
      const secret = await store.accounts.createSession(user.id, new Date(), 86_400_000);
      const client = new WebClient(app);
      client.cookies.set('pb_session', secret);
      const account = await client.get('/account');
      expect(account.body).toContain('Subscribe to the digest');
      const res = await client.post('/account/digest', { frequency: 'daily', categories: 'cs.LG' });
      expect(res.statusCode).toBe(303);
      expect(await store.subscribers.byEmail('member@example.org')).toMatchObject({ status: 'active', userId: user.id, categories: ['cs.LG'] });
      expect((await client.get('/account')).body).toContain('You get the daily digest');
      // The member upvoted a cs.CL paper; a new cs.CL paper on 12 October is "for you" though it is not in cs.LG.
      await store.votes.setPaperVote(user.id, '2510.00002', true, new Date().toISOString());
      await new PaperImporter(store).run(
        new ArraySource([paper('2510.00020', '2025-10-12', ['cs.LG'], 'Gradient noise', ['C. D'], 3), paper('2510.00021', '2025-10-12', ['cs.CL'], 'Parsing with style', ['E. F'], 2)]),
      );
      const { svc, close } = await service('2025-10-13T06:00:00Z');
      await svc.plan();
      await svc.sendDue();
      close();
      const mail = await mailbox.waitFor('member@example.org');
      expect(mail.text).toContain('Gradient noise');
      expect(mail.text).toContain('FOR YOU');
      expect(mail.html).toContain('For you');
      expect(mail.text).toContain('Parsing with style');
    });

    it('retries temporary SMTP failures with backoff and marks permanent ones undeliverable', async () => {
      const flaky = await startMailbox({ reject: (to, attempt) => (to.startsWith('busy@') && attempt <= 2 ? 451 : to.startsWith('gone@') ? 550 : 0) });
      try {
        await activeSubscriber(store, 'busy@example.org', { categories: ['cs.CL'] });
        await activeSubscriber(store, 'gone@example.org', { categories: ['cs.CL'] });
        await new PaperImporter(store).run(new ArraySource([paper('2510.00010', '2025-10-14', ['cs.CL'], 'Retrieval for the busy', ['A. B'], 1)]));
        const { svc, close, tick } = await service('2025-10-15T06:00:00Z', { retryBaseMs: 1_000 }, flaky.url);
        await svc.plan();
        const first = await svc.sendDue();
        expect(first).toMatchObject({ retried: 1, failed: 1 });
        expect(await store.subscribers.byEmail('gone@example.org')).toMatchObject({ status: 'undeliverable' });
        expect(await svc.sendDue()).toMatchObject({ sent: 0, retried: 0 }); // not due yet: 1 s backoff
        tick(1_000);
        expect(await svc.sendDue()).toMatchObject({ retried: 1 }); // second 451; now 2 s
        tick(1_999);
        expect(await svc.sendDue()).toMatchObject({ retried: 0, sent: 0 });
        tick(1);
        expect(await svc.sendDue()).toMatchObject({ sent: 1 });
        close();
        expect(flaky.messages.filter((m) => JSON.stringify(m.to).includes('busy@'))).toHaveLength(1);
        expect(flaky.messages.filter((m) => JSON.stringify(m.to).includes('gone@'))).toHaveLength(0);
      } finally {
        await flaky.close();
      }
    });

    it('fills a member’s "for you" from their precomputed recommendations (follows included), in that order', async () => {
      const user = await store.accounts.findOrCreateUser('follower@example.org', new Date('2025-01-01T00:00:00Z'));
      const sub = await store.subscribers.findOrCreate('follower@example.org', { frequency: 'daily', dailyMode: 'merge', categories: ['cs.LG'], keywords: [], authors: [] }, '2025-09-01T00:00:00.000Z', user.id);
      await store.subscribers.setStatus(sub.id, 'active', '2025-09-01T00:00:00.000Z');
      await new PaperImporter(store).run(
        new ArraySource([
          paper('2510.00030', '2025-10-20', ['cs.LG'], 'Kernel tricks', ['G. H'], 5),
          paper('2510.00031', '2025-10-20', ['math.AG'], 'Curves and surfaces', ['Ida Noether'], 0),
          paper('2510.00032', '2025-10-20', ['math.AG'], 'Sheaves again', ['J. K'], 0),
        ]),
      );
      await store.interests.follow(user.id, 'author', 'Ida Noether', new Date().toISOString());
      expect((await new RecommendationService(store, null).refresh(user.id))!.recs[0]!.reason).toBe('by Ida Noether, whom you follow');
      const { svc, close } = await service('2025-10-21T06:00:00Z');
      await svc.plan();
      await svc.sendDue();
      close();
      const mail = await mailbox.waitFor('follower@example.org');
      expect(mail.text).toContain('Kernel tricks');
      expect(mail.text).toMatch(/FOR YOU[\s\S]*Curves and surfaces/);
      expect(mail.text).not.toContain('Sheaves again');
    });
  });
});

describe.each(dialects)('two senders at once on $name', ({ name, available, open }) => {
  describe.runIf(available)(`exactly once (${name})`, () => {
    let mailbox: Mailbox;
    let store: Store;
    beforeAll(async () => {
      mailbox = await startMailbox();
      store = await open();
      await withPapers(store);
    });
    afterAll(async () => {
      await store?.close();
      await mailbox?.close();
    });

    it('sends each of 300 subscribers one copy when two senders share the ledger', async () => {
      for (let i = 0; i < 300; i++) await activeSubscriber(store, `s${String(i).padStart(3, '0')}@example.org`);
      const signer = await LinkSigner.open(store);
      const clock = () => Date.parse('2025-10-04T06:00:00Z');
      const senders = [0, 1].map(() => {
        const mailer = createMailer({ smtpUrl: mailbox.url, from: 'Paperboy <d@paperboy.test>', outboxDir: tempDir(), pool: 3 });
        return { mailer, svc: new DigestService(store, mailer, signer, options({ clock, batchSize: 20 })) };
      });
      await Promise.all(senders.map((s) => s.svc.plan()));
      const results = await Promise.all(senders.map((s) => s.svc.sendDue()));
      for (const s of senders) s.mailer.close();
      expect(results[0]!.sent + results[1]!.sent).toBe(300);
      expect(results[0]!.sent).toBeGreaterThan(0);
      expect(results[1]!.sent).toBeGreaterThan(0);
      const perAddress = new Map<string, number>();
      for (const m of mailbox.messages) for (const a of (Array.isArray(m.to) ? m.to : [m.to!]).flatMap((t) => t.value)) perAddress.set(a.address!, (perAddress.get(a.address!) ?? 0) + 1);
      expect(perAddress.size).toBe(300);
      expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    });
  });
});
