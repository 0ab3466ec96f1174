/** Daily-feed entries: which paper entered the feed on which day, who submitted it, its imported upvotes. */
import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { hotness } from '../domain/hotness.js';
import type { Dialect } from './db.js';
import type { FeedInput } from '../domain/paper.js';
import { type PaperRecord, toPaperRecord } from './paper.repository.js';
import type { Database } from './schema.js';

export interface FeedState {
  feedDate: string;
  submittedBy: string | null;
  upvotes: number;
}

export interface FeedItem {
  paper: PaperRecord;
  feedDate: string;
  submittedBy: string | null;
  upvotes: number;
  numComments: number;
}

/** `upvotes`: most upvoted first, then newest; `publishedAt`: newest paper first; `trending`: hotness. */
export type FeedSort = 'upvotes' | 'publishedAt' | 'trending';

export interface FeedQuery {
  /** Inclusive YYYY-MM-DD bounds. */
  from: string;
  to: string;
  sort: FeedSort;
  limit: number;
  offset: number;
  submitter?: string | undefined;
  /** Reference time for `trending` (ms since epoch). */
  nowMs?: number;
}

const LOOKUP_CHUNK = 900;

/** Code-unit order, like SQLite's BINARY and PostgreSQL's "C" collation (localeCompare would depend on the locale). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One prepared INSERT per SQLite connection (see PaperRepository). */
const sqliteInsert = new WeakMap<SQLite.Database, SQLite.Statement>();

export class FeedRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect = 'sqlite',
    private readonly sqlite: SQLite.Database | null = null,
  ) {}

  async states(ids: readonly string[]): Promise<Map<string, FeedState>> {
    const out = new Map<string, FeedState>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('feed_entries')
        .select(['paper_id', 'feed_date', 'submitted_by', 'imported_upvotes'])
        .where('paper_id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) out.set(r.paper_id, { feedDate: r.feed_date, submittedBy: r.submitted_by, upvotes: r.imported_upvotes });
    }
    return out;
  }

  async insertMany(entries: ReadonlyArray<{ paperId: string; feed: FeedInput }>, now: string): Promise<void> {
    if (this.sqlite) {
      let stmt = sqliteInsert.get(this.sqlite);
      if (!stmt) {
        stmt = this.sqlite.prepare('insert into feed_entries (paper_id, feed_date, submitted_by, imported_upvotes, created_at) values (?, ?, ?, ?, ?)');
        sqliteInsert.set(this.sqlite, stmt);
      }
      for (const e of entries) stmt.run(e.paperId, e.feed.date, e.feed.submittedBy, e.feed.upvotes ?? 0, now);
      return;
    }
    for (let i = 0; i < entries.length; i += 1000) {
      const rows = entries.slice(i, i + 1000).map((e) => ({
        paper_id: e.paperId,
        feed_date: e.feed.date,
        submitted_by: e.feed.submittedBy,
        imported_upvotes: e.feed.upvotes ?? 0,
        created_at: now,
      }));
      await this.db.insertInto('feed_entries').values(rows).execute();
    }
  }

  async update(paperId: string, state: FeedState): Promise<void> {
    await this.db
      .updateTable('feed_entries')
      .set({ feed_date: state.feedDate, submitted_by: state.submittedBy, imported_upvotes: state.upvotes })
      .where('paper_id', '=', paperId)
      .execute();
  }

  private base(q: Pick<FeedQuery, 'from' | 'to' | 'submitter'>) {
    let query = this.db.selectFrom('feed_entries').where('feed_date', '>=', q.from).where('feed_date', '<=', q.to);
    if (q.submitter !== undefined) query = query.where('submitted_by', '=', q.submitter);
    return query;
  }

  async count(q: Pick<FeedQuery, 'from' | 'to' | 'submitter'>): Promise<number> {
    const r = await this.base(q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** One page of the feed between two days, ranked as asked. */
  async list(q: FeedQuery): Promise<FeedItem[]> {
    if (q.sort === 'trending') return this.listTrending(q);
    let query = this.base(q)
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .selectAll('papers')
      .select(['feed_entries.feed_date', 'feed_entries.submitted_by', 'feed_entries.imported_upvotes']);
    query =
      q.sort === 'upvotes'
        ? query.orderBy('imported_upvotes', 'desc').orderBy('feed_date', 'desc').orderBy('papers.published', 'desc')
        : query.orderBy('papers.published', 'desc').orderBy('feed_date', 'desc').orderBy('imported_upvotes', 'desc');
    // Ties break on the id compared bytewise on both dialects (PostgreSQL would otherwise use the database's collation).
    const byId = this.dialect === 'postgres' ? sql`papers.id collate "C"` : sql`papers.id`;
    const rows = await query.orderBy(byId).limit(q.limit).offset(q.offset).execute();
    return rows.map((r) => ({
      paper: toPaperRecord(r),
      feedDate: r.feed_date,
      submittedBy: r.submitted_by,
      upvotes: r.imported_upvotes,
      numComments: 0,
    }));
  }

  /** Trending ranks in code (domain/hotness) over the period's entries, which are few (a month is a few thousand). */
  private async listTrending(q: FeedQuery): Promise<FeedItem[]> {
    const now = q.nowMs ?? Date.now();
    const entries = await this.base(q).select(['paper_id', 'feed_date', 'submitted_by', 'imported_upvotes']).execute();
    const ranked = entries
      .map((e) => ({ e, score: hotness(e.imported_upvotes, Date.parse(`${e.feed_date}T00:00:00Z`), now) }))
      .sort((a, b) => b.score - a.score || b.e.imported_upvotes - a.e.imported_upvotes || cmp(b.e.feed_date, a.e.feed_date) || cmp(a.e.paper_id, b.e.paper_id))
      .slice(q.offset, q.offset + q.limit);
    if (ranked.length === 0) return [];
    const rows = await this.db.selectFrom('papers').selectAll().where('id', 'in', ranked.map((r) => r.e.paper_id)).execute();
    const byId = new Map(rows.map((r) => [r.id, toPaperRecord(r)]));
    return ranked.flatMap(({ e }) => {
      const paper = byId.get(e.paper_id);
      return paper ? [{ paper, feedDate: e.feed_date, submittedBy: e.submitted_by, upvotes: e.imported_upvotes, numComments: 0 }] : [];
    });
  }

  async getByPaperId(paperId: string): Promise<FeedState | null> {
    return (await this.states([paperId])).get(paperId) ?? null;
  }

  /** The latest day that has papers, or null for an empty feed. */
  async latestDate(): Promise<string | null> {
    const r = await this.db.selectFrom('feed_entries').select((eb) => eb.fn.max('feed_date').as('d')).executeTakeFirst();
    return (r?.d as string | null | undefined) ?? null;
  }

  /** The nearest day before `date` (or after, for 'next') that has papers. */
  async adjacentDate(date: string, direction: 'prev' | 'next'): Promise<string | null> {
    const r =
      direction === 'prev'
        ? await this.db.selectFrom('feed_entries').select((eb) => eb.fn.max('feed_date').as('d')).where('feed_date', '<', date).executeTakeFirst()
        : await this.db.selectFrom('feed_entries').select((eb) => eb.fn.min('feed_date').as('d')).where('feed_date', '>', date).executeTakeFirst();
    return (r?.d as string | null | undefined) ?? null;
  }

  async countAll(): Promise<number> {
    const r = await this.db.selectFrom('feed_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
