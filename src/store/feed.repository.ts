/** Daily-feed entries: which paper entered the feed on which day, who submitted it, its imported upvotes. */
import type SQLite from 'better-sqlite3';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { feedDayMs, trendingScore, TRUSTED_ACCOUNT_AGE_MS } from '../domain/hotness.js';
import type { Dialect } from './db.js';
import type { FeedInput } from '../domain/paper.js';
import { type PaperRecord, toPaperRecord } from './paper.repository.js';
import type { Database } from './schema.js';

/** What imports compare and merge (`upvotes` = imported upvotes), plus the shown totals for readers of the state. */
export interface FeedState {
  feedDate: string;
  submittedBy: string | null;
  upvotes: number;
  /** Imported plus members' votes (read-only here: imports never write it). */
  totalUpvotes?: number;
  numComments?: number;
  hidden?: boolean;
}

/** What pages show about a paper's place in the feed. */
export interface FeedEntryView {
  feedDate: string;
  submittedBy: string | null;
  submitterUserId: number | null;
  /** Imported upvotes plus members' votes. */
  upvotes: number;
  numComments: number;
  trendingScore: number;
  hiddenAt: string | null;
}

export interface FeedItem {
  paper: PaperRecord;
  feedDate: string;
  submittedBy: string | null;
  upvotes: number;
  numComments: number;
  /** The stored trending score (what `trending` ranks by). */
  trendingScore?: number;
  /** When the entry was made (ISO): the time the paper entered the feed (feed pages' "new since your last visit"). */
  enteredAt?: string;
}

/** `upvotes`: most upvoted first, then newest; `publishedAt`: newest paper first; `trending`: the stored trending score. */
export type FeedSort = 'upvotes' | 'publishedAt' | 'trending';

export interface FeedQuery {
  /** Inclusive YYYY-MM-DD bounds. */
  from: string;
  to: string;
  sort: FeedSort;
  limit: number;
  offset: number;
  submitter?: string | undefined;
  /** Keyset paging: only entries ranked after this one (`offset` is then usually 0). */
  after?: FeedKey | undefined;
}

/**
 * Where an entry sits in a ranking: the values of its sort columns (all descending) and its id (ascending, the tie
 * break). A cursor made of the last entry of a page resumes exactly after it, whatever was added before it since.
 */
export interface FeedKey {
  values: [number | string, number | string, number | string];
  id: string;
}

/** The sort columns of each ranking, in order; every one descending, then the id ascending. */
const SORT_COLUMNS = {
  upvotes: ['feed_entries.upvotes', 'feed_entries.feed_date', 'papers.published'],
  trending: ['feed_entries.trending_score', 'feed_entries.upvotes', 'papers.published'],
  publishedAt: ['papers.published', 'feed_entries.feed_date', 'feed_entries.upvotes'],
} as const;

/** What each sort column holds, so a key from outside (a cursor) can be checked before it reaches SQL. */
export const SORT_KINDS: Record<FeedSort, readonly ['int' | 'num' | 'date', 'int' | 'num' | 'date', 'int' | 'num' | 'date']> = {
  upvotes: ['int', 'date', 'date'],
  trending: ['num', 'int', 'date'],
  publishedAt: ['date', 'date', 'int'],
};

/** The key of an item in a ranking (what a cursor carries). */
export function feedKey(item: FeedItem, sort: FeedSort): FeedKey {
  const v = { 'feed_entries.upvotes': item.upvotes, 'feed_entries.feed_date': item.feedDate, 'papers.published': item.paper.published, 'feed_entries.trending_score': item.trendingScore ?? 0 };
  const [a, b, c] = SORT_COLUMNS[sort];
  return { values: [v[a], v[b], v[c]], id: item.paper.id };
}

/** The feed entry's columns a listed paper carries (`item` reads them). */
const LISTED_ENTRY_COLUMNS = [
  'feed_entries.feed_date',
  'feed_entries.submitted_by',
  'feed_entries.upvotes',
  'feed_entries.comment_count',
  'feed_entries.trending_score',
  'feed_entries.created_at as entered_at',
] as const;

const LOOKUP_CHUNK = 900;

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
        .select(['paper_id', 'feed_date', 'submitted_by', 'imported_upvotes', 'upvotes', 'comment_count', 'hidden_at'])
        .where('paper_id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) {
        out.set(r.paper_id, {
          feedDate: r.feed_date,
          submittedBy: r.submitted_by,
          upvotes: r.imported_upvotes,
          totalUpvotes: r.upvotes,
          numComments: r.comment_count,
          hidden: r.hidden_at !== null,
        });
      }
    }
    return out;
  }

  async insertMany(entries: ReadonlyArray<{ paperId: string; feed: FeedInput; submitterUserId?: number | null }>, now: string): Promise<void> {
    if (this.sqlite) {
      let stmt = sqliteInsert.get(this.sqlite);
      if (!stmt) {
        stmt = this.sqlite.prepare(
          'insert into feed_entries (paper_id, feed_date, submitted_by, imported_upvotes, upvotes, trending_score, submitter_user_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
        );
        sqliteInsert.set(this.sqlite, stmt);
      }
      for (const e of entries) {
        const up = e.feed.upvotes ?? 0;
        stmt.run(e.paperId, e.feed.date, e.feed.submittedBy, up, up, trendingScore(up, feedDayMs(e.feed.date)), e.submitterUserId ?? null, now);
      }
      return;
    }
    for (let i = 0; i < entries.length; i += 1000) {
      const rows = entries.slice(i, i + 1000).map((e) => ({
        paper_id: e.paperId,
        feed_date: e.feed.date,
        submitted_by: e.feed.submittedBy,
        imported_upvotes: e.feed.upvotes ?? 0,
        upvotes: e.feed.upvotes ?? 0,
        trending_score: trendingScore(e.feed.upvotes ?? 0, feedDayMs(e.feed.date)),
        submitter_user_id: e.submitterUserId ?? null,
        created_at: now,
      }));
      await this.db.insertInto('feed_entries').values(rows).execute();
    }
  }

  /** An import changed the imported fields: the shown count and the trending score follow. */
  async update(paperId: string, state: FeedState): Promise<void> {
    const row = await this.db.selectFrom('feed_entries').select(['trusted_votes']).where('paper_id', '=', paperId).executeTakeFirst();
    if (!row) return;
    await this.db
      .updateTable('feed_entries')
      .set((eb) => ({
        feed_date: state.feedDate,
        submitted_by: state.submittedBy,
        imported_upvotes: state.upvotes,
        upvotes: eb(eb.val(state.upvotes), '+', eb.ref('votes')),
        trending_score: trendingScore(state.upvotes + row.trusted_votes, feedDayMs(state.feedDate)),
      }))
      .where('paper_id', '=', paperId)
      .execute();
  }

  /**
   * Recounts a paper's member votes from the votes table and stores the shown count and the trending score. Called in
   * the transaction that changed a vote (after locking the entry) and by the periodic recount, which also lets votes
   * of accounts that have since aged start to count.
   */
  async recount(paperId: string, nowMs: number): Promise<{ upvotes: number; trendingScore: number } | null> {
    const entry = await this.db.selectFrom('feed_entries').select(['feed_date', 'imported_upvotes']).where('paper_id', '=', paperId).executeTakeFirst();
    if (!entry) return null;
    const trustedBefore = new Date(nowMs - TRUSTED_ACCOUNT_AGE_MS).toISOString();
    const counts = await this.db
      .selectFrom('votes')
      .innerJoin('users', 'users.id', 'votes.user_id')
      .where('votes.paper_id', '=', paperId)
      .where('users.banned_at', 'is', null)
      .select((eb) => [
        eb.fn.countAll<number>().as('votes'),
        eb.fn.sum<number>(eb.case().when('users.created_at', '<=', trustedBefore).then(1).else(0).end()).as('trusted'),
      ])
      .executeTakeFirstOrThrow();
    const votes = Number(counts.votes);
    const trusted = Number(counts.trusted ?? 0);
    const upvotes = entry.imported_upvotes + votes;
    const score = trendingScore(entry.imported_upvotes + trusted, feedDayMs(entry.feed_date));
    await this.db
      .updateTable('feed_entries')
      .set({ votes, trusted_votes: trusted, upvotes, trending_score: score })
      .where('paper_id', '=', paperId)
      .execute();
    return { upvotes, trendingScore: score };
  }

  /**
   * Locks a feed entry's row until the transaction ends (PostgreSQL; SQLite transactions already run one at a time),
   * so concurrent votes on one paper recount one after another and the stored count is never stale.
   */
  async lock(paperId: string): Promise<boolean> {
    let q = this.db.selectFrom('feed_entries').select('paper_id').where('paper_id', '=', paperId);
    if (this.dialect === 'postgres') q = q.forUpdate();
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** Papers with member votes, for the periodic recount. */
  async votedPaperIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('feed_entries').select('paper_id').where('votes', '>', 0).execute();
    return rows.map((r) => r.paper_id);
  }

  async setHidden(paperId: string, hiddenAt: string | null): Promise<void> {
    await this.db.updateTable('feed_entries').set({ hidden_at: hiddenAt }).where('paper_id', '=', paperId).execute();
  }

  async setCommentCount(paperId: string, count: number): Promise<void> {
    await this.db.updateTable('feed_entries').set({ comment_count: count }).where('paper_id', '=', paperId).execute();
  }

  /** Account deletion: the member's submissions stay in the feed without their name. */
  async clearSubmitter(userId: number): Promise<void> {
    await this.db.updateTable('feed_entries').set({ submitted_by: null, submitter_user_id: null }).where('submitter_user_id', '=', userId).execute();
  }

  /** Marks a member's submission (only an entry nobody has claimed yet); true when it is now theirs. */
  async claimSubmission(paperId: string, userId: number, name: string): Promise<boolean> {
    const r = await this.db
      .updateTable('feed_entries')
      .set({ submitter_user_id: userId, submitted_by: name })
      .where('paper_id', '=', paperId)
      .where('submitter_user_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** A member's submissions, newest first, with titles (profile page). */
  async submittedBy(userId: number, limit: number): Promise<Array<{ paperId: string; title: string; feedDate: string }>> {
    const rows = await this.db
      .selectFrom('feed_entries')
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .select(['feed_entries.paper_id', 'papers.title', 'feed_entries.feed_date'])
      .where('feed_entries.submitter_user_id', '=', userId)
      .where('feed_entries.hidden_at', 'is', null)
      .orderBy('feed_entries.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ paperId: r.paper_id, title: r.title, feedDate: r.feed_date }));
  }

  /** How many papers a user submitted since `since` (ISO), for the daily cap. */
  async submittedSince(userId: number, since: string): Promise<number> {
    const r = await this.db
      .selectFrom('feed_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('submitter_user_id', '=', userId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async entry(paperId: string): Promise<FeedEntryView | null> {
    const r = await this.db.selectFrom('feed_entries').selectAll().where('paper_id', '=', paperId).executeTakeFirst();
    if (!r) return null;
    return {
      feedDate: r.feed_date,
      submittedBy: r.submitted_by,
      submitterUserId: r.submitter_user_id,
      upvotes: r.upvotes,
      numComments: r.comment_count,
      trendingScore: r.trending_score,
      hiddenAt: r.hidden_at,
    };
  }

  private base(q: Pick<FeedQuery, 'from' | 'to' | 'submitter'>) {
    let query = this.db.selectFrom('feed_entries').where('feed_date', '>=', q.from).where('feed_date', '<=', q.to).where('feed_entries.hidden_at', 'is', null);
    if (q.submitter !== undefined) query = query.where('submitted_by', '=', q.submitter);
    return query;
  }

  async count(q: Pick<FeedQuery, 'from' | 'to' | 'submitter'>): Promise<number> {
    const r = await this.base(q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** One page of the feed between two days, ranked as asked. Hidden entries are left out. */
  async list(q: FeedQuery): Promise<FeedItem[]> {
    const query = this.base(q)
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .selectAll('papers')
      .select(LISTED_ENTRY_COLUMNS);
    const rows = await this.ranked(query, q.sort, q.after).limit(q.limit).offset(q.offset).execute();
    return rows.map((r) => this.item(r));
  }

  /** The trending page: every visible entry by stored score (an index scan; newer papers rank first unless outvoted). */
  async listTrendingAll(limit: number, offset: number, after?: FeedKey): Promise<FeedItem[]> {
    const query = this.db
      .selectFrom('feed_entries')
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .where('feed_entries.hidden_at', 'is', null)
      .selectAll('papers')
      .select(LISTED_ENTRY_COLUMNS);
    const rows = await this.ranked(query, 'trending', after).limit(limit).offset(offset).execute();
    return rows.map((r) => this.item(r));
  }

  /**
   * Orders by a ranking and, given a key, keeps only what ranks after it: (a < a0) or (a = a0 and b < b0) or … or
   * (a = a0 and b = b0 and c = c0 and id > id0), the expanded row comparison (the columns are not all one direction).
   */
  private ranked<Q extends SelectQueryBuilder<Database, 'feed_entries' | 'papers', object>>(query: Q, sort: FeedSort, after: FeedKey | undefined): Q {
    const cols = SORT_COLUMNS[sort];
    let q = query;
    if (after) {
      const [a, b, c] = cols.map((col) => sql.ref(col));
      const [va, vb, vc] = after.values;
      const id = this.byId();
      q = q.where(
        // The leading `a <= a0` is implied by the rest; it is there so the planner can seek the index on `a`
        // instead of reading every row ranked before the cursor.
        sql<boolean>`${a} <= ${va} and (${a} < ${va} or (${a} = ${va} and ${b} < ${vb}) or (${a} = ${va} and ${b} = ${vb} and ${c} < ${vc}) or (${a} = ${va} and ${b} = ${vb} and ${c} = ${vc} and ${id} > ${after.id}))`,
      ) as Q;
    }
    for (const col of cols) q = q.orderBy(sql.ref(col), 'desc') as Q;
    return q.orderBy(this.byId()) as Q;
  }

  /** Ties break on the id compared bytewise on both dialects (PostgreSQL would otherwise use the database's collation). */
  private byId() {
    return this.dialect === 'postgres' ? sql`papers.id collate "C"` : sql`papers.id`;
  }

  private item(r: Parameters<typeof toPaperRecord>[0] & { feed_date: string; submitted_by: string | null; upvotes: number; comment_count: number; trending_score?: number; entered_at?: string }): FeedItem {
    const item: FeedItem = { paper: toPaperRecord(r), feedDate: r.feed_date, submittedBy: r.submitted_by, upvotes: r.upvotes, numComments: r.comment_count };
    if (r.trending_score !== undefined) item.trendingScore = Number(r.trending_score);
    if (r.entered_at !== undefined) item.enteredAt = r.entered_at;
    return item;
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
