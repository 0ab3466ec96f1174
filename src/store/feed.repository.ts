/** Daily-feed entries: which paper entered the feed on which day, who submitted it, its imported upvotes. */
import type SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
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
}

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
    let query = this.base(q)
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .selectAll('papers')
      .select(['feed_entries.feed_date', 'feed_entries.submitted_by', 'feed_entries.upvotes', 'feed_entries.comment_count']);
    query =
      q.sort === 'upvotes'
        ? query.orderBy('feed_entries.upvotes', 'desc').orderBy('feed_date', 'desc').orderBy('papers.published', 'desc')
        : q.sort === 'trending'
          ? query.orderBy('feed_entries.trending_score', 'desc').orderBy('feed_entries.upvotes', 'desc').orderBy('papers.published', 'desc')
          : query.orderBy('papers.published', 'desc').orderBy('feed_date', 'desc').orderBy('feed_entries.upvotes', 'desc');
    const rows = await query.orderBy(this.byId()).limit(q.limit).offset(q.offset).execute();
    return rows.map((r) => this.item(r));
  }

  /** The trending page: every visible entry by stored score (an index scan; newer papers rank first unless outvoted). */
  async listTrendingAll(limit: number, offset: number): Promise<FeedItem[]> {
    const rows = await this.db
      .selectFrom('feed_entries')
      .innerJoin('papers', 'papers.id', 'feed_entries.paper_id')
      .where('feed_entries.hidden_at', 'is', null)
      .selectAll('papers')
      .select(['feed_entries.feed_date', 'feed_entries.submitted_by', 'feed_entries.upvotes', 'feed_entries.comment_count'])
      .orderBy('feed_entries.trending_score', 'desc')
      .orderBy('feed_entries.upvotes', 'desc')
      .orderBy('papers.published', 'desc')
      .orderBy(this.byId())
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => this.item(r));
  }

  /** Ties break on the id compared bytewise on both dialects (PostgreSQL would otherwise use the database's collation). */
  private byId() {
    return this.dialect === 'postgres' ? sql`papers.id collate "C"` : sql`papers.id`;
  }

  private item(r: Parameters<typeof toPaperRecord>[0] & { feed_date: string; submitted_by: string | null; upvotes: number; comment_count: number }): FeedItem {
    return { paper: toPaperRecord(r), feedDate: r.feed_date, submittedBy: r.submitted_by, upvotes: r.upvotes, numComments: r.comment_count };
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
