/**
 * A member's interests for "for you" beyond votes and saves: followed authors and categories, papers dismissed as
 * "not interested", and the cache of precomputed recommendations.
 */
import type { Kysely } from 'kysely';
import { hashSecret, newSecret } from './account.repository.js';
import type { Database } from './schema.js';

export type FollowKind = 'author' | 'category';

export interface Follows {
  authors: string[];
  categories: string[];
}

/** Why a paper was recommended: the liked paper it is closest to (and shared terms), a followed author or category. */
export interface RecommendationBasis {
  paperId?: string;
  paperTitle?: string;
  how?: string;
  /** The reading list it was saved to (with how = "saved"). */
  list?: string;
  terms?: string[];
  author?: string;
  category?: string;
  /** Without vectors: categories shared with liked papers. */
  likedCategories?: string[];
}

export interface CachedRecommendation {
  id: string;
  score: number;
  reason: string;
  basis?: RecommendationBasis;
}

export interface RecommendationCacheRow {
  feedDay: string;
  signature: string;
  items: CachedRecommendation[];
  computedAt: string;
}

export class InterestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async follow(userId: number, kind: FollowKind, value: string, now: string): Promise<boolean> {
    const r = await this.db.insertInto('follows').values({ user_id: userId, kind, value, created_at: now }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async unfollow(userId: number, kind: FollowKind, value: string): Promise<void> {
    await this.db.deleteFrom('follows').where('user_id', '=', userId).where('kind', '=', kind).where('value', '=', value).execute();
  }

  async follows(userId: number): Promise<Follows> {
    const rows = await this.db.selectFrom('follows').select(['kind', 'value']).where('user_id', '=', userId).orderBy('created_at').orderBy('value').execute();
    return { authors: rows.filter((r) => r.kind === 'author').map((r) => r.value), categories: rows.filter((r) => r.kind === 'category').map((r) => r.value) };
  }

  async countFollows(userId: number): Promise<number> {
    const r = await this.db.selectFrom('follows').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async dismiss(userId: number, paperId: string, now: string): Promise<void> {
    await this.db.insertInto('paper_dismissals').values({ user_id: userId, paper_id: paperId, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
  }

  async undismiss(userId: number, paperId: string): Promise<void> {
    await this.db.deleteFrom('paper_dismissals').where('user_id', '=', userId).where('paper_id', '=', paperId).execute();
  }

  /** Papers the member dismissed, newest first. */
  async dismissed(userId: number, limit: number): Promise<Array<{ paperId: string; title: string; at: string }>> {
    const rows = await this.db
      .selectFrom('paper_dismissals as d')
      .innerJoin('papers as p', 'p.id', 'd.paper_id')
      .select(['d.paper_id', 'p.title', 'd.created_at'])
      .where('d.user_id', '=', userId)
      .orderBy('d.created_at', 'desc')
      .orderBy('d.paper_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ paperId: r.paper_id, title: r.title, at: r.created_at }));
  }

  /** Every paper the member dismissed, newest first (ids only: "for you" leaves them all out, however many). */
  async dismissedIds(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('paper_dismissals').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('paper_id').execute();
    return rows.map((r) => r.paper_id);
  }

  /** Papers a member saved to any of their reading lists, most recently added first, with the list's name. */
  async saved(userId: number, limit: number): Promise<Array<{ paperId: string; listName: string }>> {
    const rows = await this.db
      .selectFrom('reading_list_items as i')
      .innerJoin('reading_lists as l', 'l.id', 'i.list_id')
      .select(['i.paper_id', 'l.name'])
      .where('l.user_id', '=', userId)
      .orderBy('i.added_at', 'desc')
      .orderBy('i.paper_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ paperId: r.paper_id, listName: r.name }));
  }

  /**
   * A digest of everything "for you" reads for a member (votes, saves, lists, follows, dismissals: how many and the latest
   * change). When it differs from the cached row's, the member changed something and the cache is stale.
   */
  async signature(userId: number): Promise<string> {
    const [votes, saves, lists, follows, dismissals] = await Promise.all([
      this.db.selectFrom('votes').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('t')]).where('user_id', '=', userId).executeTakeFirstOrThrow(),
      this.db
        .selectFrom('reading_list_items as i')
        .innerJoin('reading_lists as l', 'l.id', 'i.list_id')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('i.added_at').as('t')])
        .where('l.user_id', '=', userId)
        .executeTakeFirstOrThrow(),
      // A renamed list changes the reasons ("saved “…” to “Reading group”").
      this.db.selectFrom('reading_lists').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('t')]).where('user_id', '=', userId).executeTakeFirstOrThrow(),
      this.db.selectFrom('follows').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('t')]).where('user_id', '=', userId).executeTakeFirstOrThrow(),
      this.db.selectFrom('paper_dismissals').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('t')]).where('user_id', '=', userId).executeTakeFirstOrThrow(),
    ]);
    return [votes, saves, lists, follows, dismissals].map((r) => `${Number(r.n)}@${r.t ?? ''}`).join('|');
  }

  private withSignals() {
    return this.db
      .selectFrom('users as u')
      .where('u.banned_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('votes as v').select('v.user_id').whereRef('v.user_id', '=', 'u.id')),
          eb.exists(eb.selectFrom('follows as f').select('f.user_id').whereRef('f.user_id', '=', 'u.id')),
          eb.exists(eb.selectFrom('reading_list_items as i').innerJoin('reading_lists as l', 'l.id', 'i.list_id').select('l.user_id').whereRef('l.user_id', '=', 'u.id')),
        ]),
      );
  }

  /** Members with anything to go on (a vote, a save, a follow), not suspended, in id order after `afterId`. */
  async membersWithSignals(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.withSignals().select('u.id').where('u.id', '>', afterId).orderBy('u.id').limit(limit).execute();
    return rows.map((r) => Number(r.id));
  }

  async countMembersWithSignals(): Promise<number> {
    const r = await this.withSignals().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async cached(userId: number): Promise<RecommendationCacheRow | null> {
    const r = await this.db.selectFrom('recommendation_cache').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? { feedDay: r.feed_day, signature: r.signature, items: JSON.parse(r.items) as CachedRecommendation[], computedAt: r.computed_at } : null;
  }

  async dropCache(userId: number): Promise<void> {
    await this.db.deleteFrom('recommendation_cache').where('user_id', '=', userId).execute();
  }

  /** Drops the cached lists of members left with nothing to go on (or suspended): digests must not keep using them. */
  async dropCachesWithoutSignals(): Promise<number> {
    const r = await this.db
      .deleteFrom('recommendation_cache')
      .where('user_id', 'not in', this.withSignals().select('u.id'))
      .executeTakeFirst();
    return Number(r.numDeletedRows ?? 0);
  }

  async putCache(userId: number, row: RecommendationCacheRow): Promise<void> {
    const values = { feed_day: row.feedDay, signature: row.signature, items: JSON.stringify(row.items), computed_at: row.computedAt };
    await this.db
      .insertInto('recommendation_cache')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  /** Makes a new private feed secret for the member (the old one stops working); returns it, the only time it is seen. */
  async newFeedToken(userId: number, now: string): Promise<string> {
    const { secret, hash } = newSecret();
    await this.db
      .insertInto('feed_tokens')
      .values({ user_id: userId, token_hash: hash, created_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: hash, created_at: now }))
      .execute();
    return secret;
  }

  async feedTokenCreatedAt(userId: number): Promise<string | null> {
    const r = await this.db.selectFrom('feed_tokens').select('created_at').where('user_id', '=', userId).executeTakeFirst();
    return r?.created_at ?? null;
  }

  async deleteFeedToken(userId: number): Promise<void> {
    await this.db.deleteFrom('feed_tokens').where('user_id', '=', userId).execute();
  }

  /** The member whose private feed secret this is (not suspended), or null. */
  async userIdByFeedToken(secret: string): Promise<number | null> {
    const r = await this.db
      .selectFrom('feed_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select('u.id')
      .where('t.token_hash', '=', hashSecret(secret))
      .where('u.banned_at', 'is', null)
      .executeTakeFirst();
    return r ? Number(r.id) : null;
  }
}
