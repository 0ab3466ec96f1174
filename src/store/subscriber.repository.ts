/** Digest subscribers: an address, its state (pending until confirmed), frequency and topics. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, DigestFrequency, SubscribersTable, SubscriberStatus } from './schema.js';

export interface Topics {
  categories: string[];
  keywords: string[];
  authors: string[];
}

export interface Subscriber extends Topics {
  id: number;
  email: string;
  userId: number | null;
  status: SubscriberStatus;
  frequency: DigestFrequency;
  dailyMode: 'merge' | 'skip';
  createdAt: string;
  confirmedAt: string | null;
  confirmSentAt: string | null;
}

export interface SubscriptionPrefs extends Topics {
  frequency: DigestFrequency;
  dailyMode: 'merge' | 'skip';
}

const list = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

function toSubscriber(r: Selectable<SubscribersTable>): Subscriber {
  return {
    id: Number(r.id),
    email: r.email,
    userId: r.user_id === null ? null : Number(r.user_id),
    status: r.status,
    frequency: r.frequency,
    dailyMode: r.daily_mode,
    categories: list(r.categories),
    keywords: list(r.keywords),
    authors: list(r.authors),
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    confirmSentAt: r.confirm_sent_at,
  };
}

export class SubscriberRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async byId(id: number): Promise<Subscriber | null> {
    const r = await this.db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toSubscriber(r) : null;
  }

  async byEmail(email: string): Promise<Subscriber | null> {
    const r = await this.db.selectFrom('subscribers').selectAll().where('email', '=', email).executeTakeFirst();
    return r ? toSubscriber(r) : null;
  }

  async byUser(userId: number): Promise<Subscriber | null> {
    const r = await this.db.selectFrom('subscribers').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? toSubscriber(r) : null;
  }

  /** A new pending subscriber, or the existing row for the address (unchanged); returns it. */
  async findOrCreate(email: string, prefs: SubscriptionPrefs, now: string, userId: number | null): Promise<Subscriber> {
    await this.db
      .insertInto('subscribers')
      .values({
        email,
        user_id: userId,
        status: 'pending',
        frequency: prefs.frequency,
        daily_mode: prefs.dailyMode,
        categories: JSON.stringify(prefs.categories),
        keywords: JSON.stringify(prefs.keywords),
        authors: JSON.stringify(prefs.authors),
        created_at: now,
        confirmed_at: null,
        unsubscribed_at: null,
        confirm_sent_at: null,
        undeliverable_at: null,
        last_error: null,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
    return (await this.byEmail(email))!;
  }

  async setPrefs(id: number, prefs: SubscriptionPrefs): Promise<void> {
    await this.db
      .updateTable('subscribers')
      .set({
        frequency: prefs.frequency,
        daily_mode: prefs.dailyMode,
        categories: JSON.stringify(prefs.categories),
        keywords: JSON.stringify(prefs.keywords),
        authors: JSON.stringify(prefs.authors),
      })
      .where('id', '=', id)
      .execute();
  }

  async setStatus(id: number, status: SubscriberStatus, now: string, error: string | null = null): Promise<void> {
    await this.db
      .updateTable('subscribers')
      .set({
        status,
        ...(status === 'active' ? { confirmed_at: now, unsubscribed_at: null, undeliverable_at: null, last_error: null } : {}),
        ...(status === 'unsubscribed' ? { unsubscribed_at: now } : {}),
        ...(status === 'undeliverable' ? { undeliverable_at: now, last_error: error } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async setUser(id: number, userId: number | null): Promise<void> {
    await this.db.updateTable('subscribers').set({ user_id: userId }).where('id', '=', id).execute();
  }

  async markConfirmSent(id: number, now: string): Promise<void> {
    await this.db.updateTable('subscribers').set({ confirm_sent_at: now }).where('id', '=', id).execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('subscribers').where('id', '=', id).execute();
  }

  async activeIds(frequency: DigestFrequency): Promise<number[]> {
    const rows = await this.db.selectFrom('subscribers').select('id').where('status', '=', 'active').where('frequency', '=', frequency).orderBy('id').execute();
    return rows.map((r) => Number(r.id));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('subscribers').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
