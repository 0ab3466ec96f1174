/**
 * Members' votes: one per member per paper (the primary key), and per comment one up or down. Setting a vote is
 * idempotent (insert-or-ignore / delete), so a double-click or a retried request changes nothing the second time;
 * counts are recounted from these rows by the caller in the same transaction (FeedRepository.recount, recountComment).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class VoteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records (`up`) or withdraws a member's upvote; true when something changed. */
  async setPaperVote(userId: number, paperId: string, up: boolean, now: string): Promise<boolean> {
    if (up) {
      const r = await this.db
        .insertInto('votes')
        .values({ user_id: userId, paper_id: paperId, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const r = await this.db.deleteFrom('votes').where('user_id', '=', userId).where('paper_id', '=', paperId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Which of `paperIds` the member has upvoted. */
  async upvotedAmong(userId: number, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).where('paper_id', 'in', paperIds).execute();
    return new Set(rows.map((r) => r.paper_id));
  }

  /** Papers a member upvoted, newest vote first. */
  async paperIdsUpvotedBy(userId: number, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('paper_id').limit(limit).execute();
    return rows.map((r) => r.paper_id);
  }

  async paperIdsVotedByUser(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('votes').select('paper_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.paper_id);
  }

  /** Sets a member's vote on a comment: 1, -1, or 0 to withdraw it. */
  async setCommentVote(userId: number, commentId: number, value: -1 | 0 | 1, now: string): Promise<void> {
    if (value === 0) {
      await this.db.deleteFrom('comment_votes').where('user_id', '=', userId).where('comment_id', '=', commentId).execute();
      return;
    }
    await this.db
      .insertInto('comment_votes')
      .values({ user_id: userId, comment_id: commentId, value, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'comment_id']).doUpdateSet({ value }))
      .execute();
  }

  /** The member's votes on the given comments. */
  async commentVotesAmong(userId: number, commentIds: readonly number[]): Promise<Map<number, number>> {
    if (commentIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('comment_votes')
      .select(['comment_id', 'value'])
      .where('user_id', '=', userId)
      .where('comment_id', 'in', commentIds)
      .execute();
    return new Map(rows.map((r) => [Number(r.comment_id), Number(r.value)]));
  }

  async commentIdsVotedByUser(userId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('comment_votes').select('comment_id').where('user_id', '=', userId).execute();
    return rows.map((r) => Number(r.comment_id));
  }
}
