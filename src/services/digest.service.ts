/**
 * Digests: subscriptions (double opt-in, signed links instead of accounts), editions (planned when due), and sending
 * through the delivery ledger (store/digest.repository) so that each subscriber gets each edition once.
 *
 * Exactly once, and its one limit: a delivery is leased, sent, then recorded as sent. If the process dies after the SMTP
 * server accepted a message and before that record is written (the time of one local database write), the message
 * is sent again when the lease runs out. Everything else — crashes before acceptance, temporary SMTP failures, two
 * workers at once, restarts — sends nothing twice and skips nobody. The Message-ID is fixed per edition and subscriber,
 * so a second copy in that window is recognisably the same mail (and many mail stores drop it).
 */
import os from 'node:os';
import crypto from 'node:crypto';
import pLimit from 'p-limit';
import { z } from 'zod';
import { dailyFrom, dueDailyDay, dueWeek, type FoldedPaper, foldPaper, topicMatcher, type Weekday } from '../domain/digest-schedule.js';
import { dayPeriod, isoWeekOf, periodLabel, weekPeriod } from '../domain/period.js';
import { type DigestModel, type DigestPaper, renderConfirmation, renderDigest } from '../mail/digest-template.js';
import { isTemporaryMailError, type Mailer } from '../mail/mailer.js';
import { normalizeEmail } from '../store/account.repository.js';
import type { ClaimedDelivery, Edition } from '../store/digest.repository.js';
import type { FeedItem } from '../store/feed.repository.js';
import type { DigestFrequency } from '../store/schema.js';
import type { Store } from '../store/store.js';
import type { Subscriber, SubscriptionPrefs } from '../store/subscriber.repository.js';
import { RuleError } from './rule-error.js';
import type { LinkSigner } from './signed-links.js';

export interface DigestOptions {
  publicUrl: string;
  clock?: () => number;
  log?: (msg: string) => void;
  /** Daily editions are due at this UTC hour the day after their feed day; weekly ones on `weeklyDay` at this hour. */
  sendHourUtc: number;
  weeklyDay: Weekday;
  /** How long a worker may hold a delivery before another may take it over. */
  leaseMs: number;
  /** First retry after a temporary failure; doubles each attempt. */
  retryBaseMs: number;
  maxAttempts: number;
  /** Messages in flight at once, and deliveries claimed per round. */
  concurrency: number;
  batchSize: number;
  papersPerDigest?: number;
  forYouPapers?: number;
}

export interface SendSummary {
  sent: number;
  skipped: number;
  retried: number;
  failed: number;
  lost: number;
}

/** Confirmation mails per address per day; more requests get the same answer and no mail. */
export const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;
export const MAX_TOPICS = 20;

const emailSchema = z.email().max(254);
const CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?$/;

/** Splits a free-text list field ("cs.LG, cs.CL" or one per line) into clean, distinct items. */
function items(raw: unknown, field: string, valid: (s: string) => boolean, maxChars: number): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(/[,\n;]+/) : []));
  const out = [...new Set(parts.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== ''))];
  if (out.length > MAX_TOPICS) throw new RuleError('invalid', `At most ${MAX_TOPICS} ${field}, please.`);
  for (const p of out) {
    if (p.length > maxChars || !valid(p)) throw new RuleError('invalid', `"${p.slice(0, 60)}" is not a valid ${field.replace(/s$/, '')}.`);
  }
  return out;
}

/** Validated preferences from a form: frequency, daily mode and optional topics. */
export function parsePrefs(input: Record<string, unknown>): SubscriptionPrefs {
  const frequency = input.frequency === 'weekly' ? 'weekly' : input.frequency === undefined || input.frequency === 'daily' ? 'daily' : null;
  if (!frequency) throw new RuleError('invalid', 'Choose daily or weekly.');
  return {
    frequency,
    dailyMode: input.dailyMode === 'skip' ? 'skip' : 'merge',
    categories: items(input.categories, 'categories', (c) => CATEGORY.test(c), 30),
    keywords: items(input.keywords, 'keywords', (k) => /[\p{L}\p{N}]/u.test(k), 60),
    authors: items(input.authors, 'authors', (a) => /\p{L}/u.test(a), 80),
  };
}

/** "cs.LG, cs.CL · "diffusion" · author Hinton", or null for every paper. */
export function topicsLabel(t: { categories: string[]; keywords: string[]; authors: string[] }): string | null {
  const parts = [t.categories.join(', '), t.keywords.map((k) => `“${k}”`).join(', '), t.authors.map((a) => `author ${a}`).join(', ')].filter((p) => p !== '');
  return parts.length ? parts.join(' · ') : null;
}

export class DigestService {
  private readonly clock: () => number;
  /** A period's papers in trending order, each folded once for topic matching (shared by every subscriber). */
  private readonly periodCache = new Map<string, Array<{ item: FeedItem; folded: FoldedPaper }>>();
  private readonly labelCache = new Map<string, string>();
  private readonly editionCache = new Map<number, Edition>();
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

  constructor(
    private readonly store: Store,
    private readonly mailer: Mailer,
    private readonly signer: LinkSigner,
    private readonly opts: DigestOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  private url(path: string): string {
    return `${this.opts.publicUrl.replace(/\/+$/, '')}${path}`;
  }

  link(purpose: 'confirm' | 'manage' | 'unsubscribe', s: Pick<Subscriber, 'id' | 'email'>): string {
    const page = purpose === 'confirm' ? '/digest/confirm' : purpose === 'manage' ? '/digest/preferences' : '/digest/unsubscribe';
    return this.url(`${page}?token=${this.signer.sign(purpose, s.id, s.email)}`);
  }

  // ---- Subscriptions ----

  /**
   * Subscribes an address: a confirmation mail (double opt-in), the same answer whatever the address's state. An
   * active subscriber instead gets a mail with their preferences link (their settings change only from there).
   */
  async subscribe(rawEmail: unknown, input: Record<string, unknown>, opts: { userId?: number | null } = {}): Promise<void> {
    const parsed = emailSchema.safeParse(typeof rawEmail === 'string' ? rawEmail.trim() : rawEmail);
    if (!parsed.success) throw new RuleError('invalid', 'That does not look like an email address (name@example.org).');
    const email = normalizeEmail(parsed.data);
    const prefs = parsePrefs(input);
    const now = this.now();
    let sub = await this.store.subscribers.findOrCreate(email, prefs, now, opts.userId ?? null);
    if (opts.userId && sub.userId === null) await this.store.subscribers.setUser(sub.id, opts.userId);
    // At most a few confirmation mails a day per address, whoever asks.
    if (sub.confirmSentAt && this.clock() - Date.parse(sub.confirmSentAt) < 86_400_000 / CONFIRMATIONS_PER_ADDRESS_PER_DAY) {
      this.opts.log?.('digest confirmation not sent: one was sent recently');
      return;
    }
    if (sub.status === 'active') {
      await this.store.subscribers.markConfirmSent(sub.id, now);
      await this.mailer.send({
        to: email,
        subject: 'Your Paperboy digest subscription',
        text: `You are already subscribed to the Paperboy ${sub.frequency} digest.\n\nChange topics or frequency, or unsubscribe, here:\n${this.link('manage', sub)}\n`,
      });
      return;
    }
    if (sub.status !== 'pending') await this.store.subscribers.setStatus(sub.id, 'pending', now);
    await this.store.subscribers.setPrefs(sub.id, prefs);
    sub = (await this.store.subscribers.byId(sub.id))!;
    await this.store.subscribers.markConfirmSent(sub.id, now);
    const mail = renderConfirmation({ siteName: 'Paperboy', confirmUrl: this.link('confirm', sub), frequency: prefs.frequency, topicsLabel: topicsLabel(prefs) });
    await this.mailer.send({ to: email, subject: mail.subject, text: mail.text, html: mail.html });
  }

  /**
   * A signed-in member subscribes their account's address: no confirmation mail (signing in by emailed link proved the
   * address), and the subscription is linked to the account for the "for you" section.
   */
  async subscribeMember(user: { id: number; email: string }, input: Record<string, unknown>): Promise<Subscriber> {
    const prefs = parsePrefs(input);
    const now = this.now();
    const sub = await this.store.subscribers.findOrCreate(user.email, prefs, now, user.id);
    await this.store.subscribers.setUser(sub.id, user.id);
    await this.store.subscribers.setPrefs(sub.id, prefs);
    if (sub.status !== 'active') await this.store.subscribers.setStatus(sub.id, 'active', now);
    return (await this.store.subscribers.byId(sub.id))!;
  }

  /** The subscription of a member (linked, or by their address), if any. */
  async ofMember(user: { id: number; email: string }): Promise<Subscriber | null> {
    return (await this.store.subscribers.byUser(user.id)) ?? (await this.store.subscribers.byEmail(user.email));
  }

  /** Unsubscribes a member's subscription, if any (idempotent). */
  async unsubscribeMember(user: { id: number; email: string }): Promise<void> {
    const sub = await this.ofMember(user);
    if (sub && sub.status !== 'unsubscribed') await this.store.subscribers.setStatus(sub.id, 'unsubscribed', this.now());
  }

  private emailOf = async (id: number) => (await this.store.subscribers.byId(id))?.email ?? null;

  /** The subscriber a signed link names, or null. */
  async fromToken(purpose: 'confirm' | 'manage' | 'unsubscribe', token: unknown): Promise<Subscriber | null> {
    const id = await this.signer.verify(purpose, token, this.emailOf);
    return id === null ? null : this.store.subscribers.byId(id);
  }

  /** Confirms a subscription (idempotent); null for a bad link. */
  async confirm(token: unknown): Promise<Subscriber | null> {
    const sub = await this.fromToken('confirm', token);
    if (!sub) return null;
    if (sub.status !== 'active') await this.store.subscribers.setStatus(sub.id, 'active', this.now());
    return this.store.subscribers.byId(sub.id);
  }

  /** Unsubscribes (idempotent; also the RFC 8058 one-click POST); null for a bad link. */
  async unsubscribe(token: unknown): Promise<Subscriber | null> {
    const sub = await this.fromToken('unsubscribe', token);
    if (!sub) return null;
    if (sub.status !== 'unsubscribed') await this.store.subscribers.setStatus(sub.id, 'unsubscribed', this.now());
    return this.store.subscribers.byId(sub.id);
  }

  /** Changes preferences through a manage link; `resubscribe` makes an unsubscribed address active again. */
  async updatePrefs(token: unknown, input: Record<string, unknown>, resubscribe = false): Promise<Subscriber | null> {
    const sub = await this.fromToken('manage', token);
    if (!sub) return null;
    await this.store.subscribers.setPrefs(sub.id, parsePrefs(input));
    if (resubscribe && sub.status !== 'active') await this.store.subscribers.setStatus(sub.id, 'active', this.now());
    return this.store.subscribers.byId(sub.id);
  }

  // ---- Editions ----

  /** Creates the editions due now (at most one daily and one weekly) and enqueues their deliveries. */
  async plan(): Promise<Edition[]> {
    const nowMs = this.clock();
    const now = this.now();
    const made: Edition[] = [];
    const latestDay = await this.store.feed.latestDate();
    const lastDaily = await this.store.digests.latestEdition('daily');
    const day = dueDailyDay(latestDay, lastDaily?.toDate ?? null, nowMs, this.opts.sendHourUtc);
    if (day) made.push(await this.store.digests.createEdition({ frequency: 'daily', periodKey: day, fromDate: day, toDate: day, createdAt: now }));
    const lastWeekly = await this.store.digests.latestEdition('weekly');
    const week = dueWeek(nowMs, this.opts.weeklyDay, this.opts.sendHourUtc, lastWeekly?.periodKey ?? null);
    if (week) made.push(await this.store.digests.createEdition({ frequency: 'weekly', periodKey: week.key, fromDate: week.from, toDate: week.to, createdAt: now }));
    for (const e of made) {
      const n = await this.store.digests.enqueue(e, now);
      this.opts.log?.(`digest ${e.frequency} ${e.periodKey}: ${n} deliveries enqueued`);
    }
    return made;
  }

  private async periodItems(from: string, to: string): Promise<Array<{ item: FeedItem; folded: FoldedPaper }>> {
    const key = `${from}|${to}`;
    let hit = this.periodCache.get(key);
    if (!hit) {
      const items = await this.store.feed.list({ from, to, sort: 'trending', limit: 5000, offset: 0 });
      hit = items.map((item) => ({ item, folded: foldPaper(item.paper) }));
      this.periodCache.set(key, hit);
      if (this.periodCache.size > 32) this.periodCache.delete(this.periodCache.keys().next().value!);
    }
    return hit;
  }

  private toDigestPaper(i: FeedItem): DigestPaper {
    return {
      id: i.paper.id,
      title: i.paper.title,
      authors: i.paper.authors,
      abstract: i.paper.abstract,
      url: this.url(`/papers/${encodeURI(i.paper.id)}`),
      upvotes: i.upvotes,
      comments: i.numComments,
      categories: i.paper.categories,
    };
  }

  /** The digest a subscriber gets for an edition (null when nothing matches: no empty mails). */
  async build(edition: Edition, sub: Subscriber): Promise<{ model: DigestModel; count: number } | null> {
    const from = edition.frequency === 'daily' ? dailyFrom(edition.toDate, await this.store.digests.lastSentUntil(sub.id, 'daily'), sub.dailyMode) : edition.fromDate;
    return this.buildFor({ frequency: edition.frequency, from, to: edition.toDate, topics: sub, userId: sub.userId, links: sub });
  }

  /** A digest for a period and topics (also the browser preview, which has no subscriber: links then point at the site). */
  async buildFor(q: {
    frequency: DigestFrequency;
    from: string;
    to: string;
    topics: { categories: string[]; keywords: string[]; authors: string[] };
    userId: number | null;
    links: Pick<Subscriber, 'id' | 'email'> | null;
  }): Promise<{ model: DigestModel; count: number } | null> {
    const perDigest = this.opts.papersPerDigest ?? 10;
    const period = await this.periodItems(q.from, q.to);
    const matches = topicMatcher(q.topics);
    const main: FeedItem[] = [];
    for (const p of period) {
      if (main.length >= perDigest) break;
      if (matches(p.folded)) main.push(p.item);
    }
    const all = period.map((p) => p.item);
    let forYou: FeedItem[] = [];
    if (q.userId !== null) {
      // The member's precomputed "for you" (upvotes, saves, follows, "not interested"), in its order, for this period.
      const cached = await this.store.interests.cached(q.userId);
      const shownIds = new Set(main.map((i) => i.paper.id));
      if (cached) {
        const inPeriod = new Map(all.map((i) => [i.paper.id, i]));
        forYou = cached.items.flatMap((c) => (inPeriod.has(c.id) && !shownIds.has(c.id) ? [inPeriod.get(c.id)!] : [])).slice(0, this.opts.forYouPapers ?? 5);
      }
      const upvoted = forYou.length > 0 ? [] : await this.store.votes.paperIdsUpvotedBy(q.userId, 200);
      if (upvoted.length) {
        const mine = new Set(upvoted);
        const counts = new Map<string, number>();
        for (const p of await this.store.papers.getByIds(upvoted)) {
          const c = p.categories[0];
          if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
        }
        const liked = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c]) => c);
        const shown = new Set(main.map((i) => i.paper.id));
        forYou = all.filter((i) => !shown.has(i.paper.id) && !mine.has(i.paper.id) && i.paper.categories.some((c) => liked.includes(c))).slice(0, this.opts.forYouPapers ?? 5);
      }
    }
    if (main.length === 0 && forYou.length === 0) return null;
    const labelKey = `${q.frequency}|${q.from}|${q.to}`;
    let label = this.labelCache.get(labelKey);
    if (label === undefined) {
      const week = q.frequency === 'weekly' ? weekPeriod(isoWeekOf(q.from)) : null;
      label = week ? periodLabel(week) : q.from === q.to ? periodLabel(dayPeriod(q.to)!) : `${periodLabel(dayPeriod(q.from)!)} – ${periodLabel(dayPeriod(q.to)!)}`;
      if (this.labelCache.size > 256) this.labelCache.clear();
      this.labelCache.set(labelKey, label);
    }
    const model: DigestModel = {
      siteName: 'Paperboy',
      siteUrl: this.url(''),
      frequency: q.frequency,
      periodLabel: label,
      topicsLabel: topicsLabel(q.topics),
      papers: main.map((i) => this.toDigestPaper(i)),
      forYou: forYou.map((i) => this.toDigestPaper(i)),
      webUrl: this.url(`/digest/preview?frequency=${q.frequency}&from=${q.from}&to=${q.to}`),
      preferencesUrl: q.links ? this.link('manage', q.links) : this.url('/digest/subscribe'),
      unsubscribeUrl: q.links ? this.link('unsubscribe', q.links) : this.url('/digest/subscribe'),
    };
    return { model, count: main.length + forYou.length };
  }

  // ---- Sending ----

  private async editionById(id: number): Promise<Edition | null> {
    let e = this.editionCache.get(id);
    if (!e) {
      const found = await this.store.digests.editionById(id);
      if (!found) return null;
      e = found;
      this.editionCache.set(id, e);
    }
    return e;
  }

  /** Sends one claimed delivery and records the outcome. */
  private async deliver(d: ClaimedDelivery, summary: SendSummary): Promise<void> {
    const at = this.now();
    const finish = async (outcome: Parameters<Store['digests']['finish']>[2]) => {
      if (!(await this.store.digests.finish(d, this.owner, outcome))) {
        summary.lost++;
        this.opts.log?.(`delivery ${d.editionId}/${d.subscriberId}: lease lost before the outcome was recorded`);
      }
    };
    const [edition, sub] = await Promise.all([this.editionById(d.editionId), this.store.subscribers.byId(d.subscriberId)]);
    if (!edition || !sub || sub.status !== 'active') {
      summary.skipped++;
      return finish({ status: 'skipped', at, error: 'not an active subscriber any more' });
    }
    const built = await this.build(edition, sub);
    if (!built) {
      summary.skipped++;
      return finish({ status: 'skipped', at, papers: 0 });
    }
    const mail = renderDigest(built.model);
    const unsubscribe = built.model.unsubscribeUrl;
    const host = new URL(this.opts.publicUrl).hostname || 'localhost';
    const messageId = `<digest-${edition.id}-${sub.id}@${host}>`;
    try {
      await this.mailer.send({
        to: sub.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        headers: {
          // RFC 8058 one-click unsubscribe (and RFC 2369's List-Unsubscribe); RFC 2919 List-Id.
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'List-Id': `Paperboy ${edition.frequency} digest <${edition.frequency}.digest.${host}>`,
        },
      });
    } catch (e) {
      const message = (e as Error).message.slice(0, 500);
      if (isTemporaryMailError(e) && d.attempts < this.opts.maxAttempts) {
        summary.retried++;
        const wait = this.opts.retryBaseMs * 2 ** (d.attempts - 1);
        return finish({ status: 'pending', at, error: message, nextAttemptAt: new Date(this.clock() + wait).toISOString() });
      }
      summary.failed++;
      await finish({ status: 'failed', at, error: message });
      if (!isTemporaryMailError(e)) await this.store.subscribers.setStatus(sub.id, 'undeliverable', at, message);
      return;
    }
    summary.sent++;
    return finish({ status: 'sent', at, messageId, papers: built.count });
  }

  /** Claims and sends due deliveries until none are due now; returns what happened. */
  async sendDue(): Promise<SendSummary> {
    const summary: SendSummary = { sent: 0, skipped: 0, retried: 0, failed: 0, lost: 0 };
    const limit = pLimit(this.opts.concurrency);
    for (;;) {
      const now = this.clock();
      const claimed = await this.store.digests.claim(this.owner, new Date(now).toISOString(), new Date(now + this.opts.leaseMs).toISOString(), this.opts.batchSize);
      if (claimed.length === 0) return summary;
      await Promise.all(claimed.map((d) => limit(() => this.deliver(d, summary))));
    }
  }

  /** Gives back this worker's leased deliveries (graceful shutdown). */
  release(): Promise<number> {
    return this.store.digests.release(this.owner, this.now());
  }

  /**
   * What a send would do now, without writing anything: the editions due (planned or already planned with deliveries
   * left) and, per active subscriber, how many papers their digest would hold (0: nothing matches, no mail).
   */
  async dryRun(): Promise<Array<{ email: string; edition: string; papers: number }>> {
    const nowMs = this.clock();
    const editions: Edition[] = [];
    const latestDay = await this.store.feed.latestDate();
    const lastDaily = await this.store.digests.latestEdition('daily');
    const day = dueDailyDay(latestDay, lastDaily?.toDate ?? null, nowMs, this.opts.sendHourUtc);
    if (day) editions.push({ id: 0, frequency: 'daily', periodKey: day, fromDate: day, toDate: day, createdAt: this.now() });
    const lastWeekly = await this.store.digests.latestEdition('weekly');
    const week = dueWeek(nowMs, this.opts.weeklyDay, this.opts.sendHourUtc, lastWeekly?.periodKey ?? null);
    if (week) editions.push({ id: 0, frequency: 'weekly', periodKey: week.key, fromDate: week.from, toDate: week.to, createdAt: this.now() });
    for (const e of [lastDaily, lastWeekly]) if (e && (await this.store.digests.pendingFor(e.id, 1)).length) editions.push(e);
    const out: Array<{ email: string; edition: string; papers: number }> = [];
    for (const e of editions) {
      const ids = e.id === 0 ? await this.store.subscribers.activeIds(e.frequency) : await this.store.digests.pendingFor(e.id, 1_000_000);
      for (const id of ids) {
        const sub = await this.store.subscribers.byId(id);
        if (!sub || sub.status !== 'active') continue;
        const built = await this.build(e, sub);
        out.push({ email: sub.email, edition: `${e.frequency} ${e.periodKey}`, papers: built?.count ?? 0 });
      }
    }
    return out;
  }
}
