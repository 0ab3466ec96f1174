/**
 * Digest editions and the delivery ledger. Every (edition, subscriber) pair has one row, created when the edition is
 * planned; a worker *claims* due rows by leasing them (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers
 * never claim the same row; SQLite: one writer at a time), sends, and records the outcome only if it still holds the
 * lease. A worker that dies leaves its rows leased; when the lease runs out another worker takes them over.
 */
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './db.js';
import type { Database, DeliveryStatus, DigestFrequency } from './schema.js';

export interface Edition {
  id: number;
  frequency: DigestFrequency;
  periodKey: string;
  fromDate: string;
  toDate: string;
  createdAt: string;
}

export interface ClaimedDelivery {
  editionId: number;
  subscriberId: number;
  attempts: number;
}

const toEdition = (r: { id: number; frequency: DigestFrequency; period_key: string; from_date: string; to_date: string; created_at: string }): Edition => ({
  id: Number(r.id),
  frequency: r.frequency,
  periodKey: r.period_key,
  fromDate: r.from_date,
  toDate: r.to_date,
  createdAt: r.created_at,
});

export class DigestRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async edition(frequency: DigestFrequency, periodKey: string): Promise<Edition | null> {
    const r = await this.db.selectFrom('digest_editions').selectAll().where('frequency', '=', frequency).where('period_key', '=', periodKey).executeTakeFirst();
    return r ? toEdition(r) : null;
  }

  async editionById(id: number): Promise<Edition | null> {
    const r = await this.db.selectFrom('digest_editions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toEdition(r) : null;
  }

  async latestEdition(frequency: DigestFrequency): Promise<Edition | null> {
    const r = await this.db.selectFrom('digest_editions').selectAll().where('frequency', '=', frequency).orderBy('to_date', 'desc').limit(1).executeTakeFirst();
    return r ? toEdition(r) : null;
  }

  /** Creates the edition unless it exists (two planners at once: one row); returns it. */
  async createEdition(e: Omit<Edition, 'id'>): Promise<Edition> {
    await this.db
      .insertInto('digest_editions')
      .values({ frequency: e.frequency, period_key: e.periodKey, from_date: e.fromDate, to_date: e.toDate, created_at: e.createdAt })
      .onConflict((oc) => oc.columns(['frequency', 'period_key']).doNothing())
      .execute();
    return (await this.edition(e.frequency, e.periodKey))!;
  }

  /** Adds a pending delivery for every active subscriber of the edition's frequency (idempotent); returns rows added. */
  async enqueue(edition: Edition, now: string): Promise<number> {
    const r = await sql`
      insert into digest_deliveries (edition_id, subscriber_id, status, attempts, next_attempt_at)
      select ${edition.id}, id, 'pending', 0, ${now} from subscribers where status = 'active' and frequency = ${edition.frequency}
      on conflict (edition_id, subscriber_id) do nothing`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  /**
   * Leases up to `limit` due deliveries to `owner` until `leaseUntil`: pending ones whose time has come, and ones
   * whose previous lease ran out (a worker died or hung). Counts the attempt.
   */
  async claim(owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    // Two index-ordered claims (due pending rows, then expired leases) rather than one OR, which would sort the backlog.
    const fresh = await this.claimWhere(owner, leaseUntil, limit, sql`status = 'pending' and next_attempt_at <= ${now}`, sql`order by next_attempt_at, edition_id, subscriber_id`);
    if (fresh.length >= limit) return fresh;
    const expired = await this.claimWhere(owner, leaseUntil, limit - fresh.length, sql`status = 'sending' and lease_until < ${now}`, sql`order by lease_until`);
    return [...fresh, ...expired];
  }

  private async claimWhere(owner: string, leaseUntil: string, limit: number, where: ReturnType<typeof sql>, order: ReturnType<typeof sql>): Promise<ClaimedDelivery[]> {
    const lock = this.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const r = await sql<{ edition_id: number; subscriber_id: number; attempts: number }>`
      update digest_deliveries set status = 'sending', lease_owner = ${owner}, lease_until = ${leaseUntil}, attempts = attempts + 1
      where (edition_id, subscriber_id) in (
        select edition_id, subscriber_id from digest_deliveries where ${where} ${order} limit ${limit} ${lock})
      returning edition_id, subscriber_id, attempts`.execute(this.db);
    return r.rows.map((row) => ({ editionId: Number(row.edition_id), subscriberId: Number(row.subscriber_id), attempts: Number(row.attempts) }));
  }

  /** Records an outcome if `owner` still holds the lease; false when it lost it (another worker took over). */
  async finish(
    d: { editionId: number; subscriberId: number },
    owner: string,
    outcome: { status: Exclude<DeliveryStatus, 'sending'>; at: string; messageId?: string | null; papers?: number | null; error?: string | null; nextAttemptAt?: string },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('digest_deliveries')
      .set({
        status: outcome.status,
        lease_owner: null,
        lease_until: null,
        sent_at: outcome.status === 'sent' ? outcome.at : null,
        message_id: outcome.messageId ?? null,
        papers: outcome.papers ?? null,
        last_error: outcome.error ?? null,
        ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
      })
      .where('edition_id', '=', d.editionId)
      .where('subscriber_id', '=', d.subscriberId)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Gives back leased rows unsent (graceful shutdown): due again at once. */
  async release(owner: string, now: string): Promise<number> {
    const r = await this.db
      .updateTable('digest_deliveries')
      .set({ status: 'pending', lease_owner: null, lease_until: null, next_attempt_at: now, attempts: sql`attempts - 1` })
      .where('status', '=', 'sending')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The end of the period covered by the last digest sent to a subscriber for a frequency (merge mode starts after it). */
  async lastSentUntil(subscriberId: number, frequency: DigestFrequency): Promise<string | null> {
    // Newest edition first, probing the ledger's primary key: stops at the last digest sent (usually the previous one).
    // (Filtering the ledger by subscriber instead lets SQLite scan every sent row through the status index.)
    const r = await this.db
      .selectFrom('digest_editions as e')
      .select('e.to_date')
      .where('e.frequency', '=', frequency)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('digest_deliveries as d')
            .select('d.status')
            .whereRef('d.edition_id', '=', 'e.id')
            .where('d.subscriber_id', '=', subscriberId)
            .where('d.status', '=', 'sent'),
        ),
      )
      .orderBy('e.to_date', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.to_date ?? null;
  }

  /** Subscribers with a delivery of the edition still to send (pending or leased). */
  async pendingFor(editionId: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('digest_deliveries')
      .select('subscriber_id')
      .where('edition_id', '=', editionId)
      .where('status', 'in', ['pending', 'sending'])
      .orderBy('subscriber_id')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.subscriber_id));
  }

  /** Delivery counts by status, for one edition or all. */
  async counts(editionId?: number): Promise<Record<string, number>> {
    let q = this.db.selectFrom('digest_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
    if (editionId !== undefined) q = q.where('edition_id', '=', editionId);
    const rows = await q.execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Due or leased deliveries remain (a sender loops until none do). */
  async hasUnfinished(): Promise<boolean> {
    const r = await this.db.selectFrom('digest_deliveries').select('status').where('status', 'in', ['pending', 'sending']).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  /** The earliest time a pending delivery becomes due, or a leased one's lease ends. */
  async nextDueAt(): Promise<string | null> {
    const p = await this.db.selectFrom('digest_deliveries').select((eb) => eb.fn.min('next_attempt_at').as('t')).where('status', '=', 'pending').executeTakeFirst();
    const s = await this.db.selectFrom('digest_deliveries').select((eb) => eb.fn.min('lease_until').as('t')).where('status', '=', 'sending').executeTakeFirst();
    const times = [p?.t, s?.t].filter((t): t is string => typeof t === 'string');
    return times.length ? times.sort()[0]! : null;
  }
}
