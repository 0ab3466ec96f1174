/**
 * Comments: threaded by `parent_id`, Markdown kept as written. A deleted comment with replies stays as a tombstone
 * (no author, no body) so the thread keeps its shape; one without replies is removed. Vote counts on each comment are
 * recounted from `comment_votes` (banned members' votes left out) in the transaction that changed them.
 */
import type { Kysely } from 'kysely';
import { memberName } from './account.repository.js';
import type { Database } from './schema.js';

export interface CommentRecord {
  id: number;
  paperId: string;
  parentId: number | null;
  userId: number | null;
  authorName: string | null;
  authorBanned: boolean;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  hiddenAt: string | null;
  upvotes: number;
  downvotes: number;
}

export class CommentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('comments')
      .leftJoin('users', 'users.id', 'comments.user_id')
      .selectAll('comments')
      .select(['users.display_name', 'users.email', 'users.banned_at']);
  }

  private static toRecord(r: {
    id: number; paper_id: string; parent_id: number | null; user_id: number | null; body: string; created_at: string; edited_at: string | null;
    deleted_at: string | null; hidden_at: string | null; upvotes: number; downvotes: number; display_name: string | null; banned_at: string | null;
  }): CommentRecord {
    return {
      id: Number(r.id),
      paperId: r.paper_id,
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      userId: r.user_id === null ? null : Number(r.user_id),
      authorName: r.user_id === null ? null : memberName({ id: r.user_id, displayName: r.display_name }),
      authorBanned: r.banned_at !== null,
      body: r.body,
      createdAt: r.created_at,
      editedAt: r.edited_at,
      deletedAt: r.deleted_at,
      hiddenAt: r.hidden_at,
      upvotes: Number(r.upvotes),
      downvotes: Number(r.downvotes),
    };
  }

  async create(c: { paperId: string; parentId: number | null; userId: number; body: string; now: string }): Promise<number> {
    const r = await this.db
      .insertInto('comments')
      .values({ paper_id: c.paperId, parent_id: c.parentId, user_id: c.userId, body: c.body, created_at: c.now, edited_at: null, deleted_at: null, hidden_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async byId(id: number): Promise<CommentRecord | null> {
    const r = await this.select().where('comments.id', '=', id).executeTakeFirst();
    return r ? CommentRepository.toRecord(r) : null;
  }

  /** Every comment on a paper, oldest first (the caller builds and ranks the tree). */
  async forPaper(paperId: string): Promise<CommentRecord[]> {
    const rows = await this.select().where('comments.paper_id', '=', paperId).orderBy('comments.created_at').orderBy('comments.id').execute();
    return rows.map(CommentRepository.toRecord);
  }

  /** A member's live comments, newest first, with the paper's title. */
  async byUser(userId: number, limit: number): Promise<Array<CommentRecord & { paperTitle: string }>> {
    const rows = await this.select()
      .innerJoin('papers', 'papers.id', 'comments.paper_id')
      .select('papers.title as paper_title')
      .where('comments.user_id', '=', userId)
      .where('comments.deleted_at', 'is', null)
      .where('comments.hidden_at', 'is', null)
      .orderBy('comments.created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...CommentRepository.toRecord(r), paperTitle: r.paper_title }));
  }

  async updateBody(id: number, body: string, now: string): Promise<void> {
    await this.db.updateTable('comments').set({ body, edited_at: now }).where('id', '=', id).execute();
  }

  async hasReplies(id: number): Promise<boolean> {
    const r = await this.db.selectFrom('comments').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  /** Deletes a comment: a tombstone when it has replies, gone otherwise (then a tombstone parent left bare goes too). */
  async delete(id: number, now: string): Promise<void> {
    await this.db.updateTable('comments').set({ deleted_at: now, body: '', user_id: null }).where('id', '=', id).execute();
    await this.pruneTombstones();
  }

  /** Removes tombstones nobody replies to any more, leaf by leaf. */
  private async pruneTombstones(): Promise<void> {
    for (;;) {
      const leaves = await this.db
        .selectFrom('comments as c')
        .select('c.id')
        .where('c.deleted_at', 'is not', null)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('comments as r').select('r.id').whereRef('r.parent_id', '=', 'c.id'))))
        .limit(500)
        .execute();
      if (leaves.length === 0) return;
      await this.db.deleteFrom('comments').where('id', 'in', leaves.map((l) => Number(l.id))).execute();
    }
  }

  /** Account deletion: every comment of the member is deleted as above; returns the papers touched. */
  async deleteAllOf(userId: number, now: string): Promise<string[]> {
    const papers = await this.db.selectFrom('comments').select('paper_id').distinct().where('user_id', '=', userId).execute();
    await this.db.updateTable('comments').set({ deleted_at: now, body: '', user_id: null }).where('user_id', '=', userId).execute();
    await this.pruneTombstones();
    return papers.map((p) => p.paper_id);
  }

  async setHidden(id: number, hiddenAt: string | null): Promise<void> {
    await this.db.updateTable('comments').set({ hidden_at: hiddenAt }).where('id', '=', id).execute();
  }

  /** Comments shown on a paper (not deleted, not hidden): the count on feed cards. */
  async countVisible(paperId: string): Promise<number> {
    const r = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('paper_id', '=', paperId)
      .where('deleted_at', 'is', null)
      .where('hidden_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Recounts a comment's votes from comment_votes, leaving out banned members. */
  async recount(id: number): Promise<{ upvotes: number; downvotes: number }> {
    const r = await this.db
      .selectFrom('comment_votes')
      .innerJoin('users', 'users.id', 'comment_votes.user_id')
      .where('comment_votes.comment_id', '=', id)
      .where('users.banned_at', 'is', null)
      .select((eb) => [
        eb.fn.sum<number>(eb.case().when('comment_votes.value', '>', 0).then(1).else(0).end()).as('up'),
        eb.fn.sum<number>(eb.case().when('comment_votes.value', '<', 0).then(1).else(0).end()).as('down'),
      ])
      .executeTakeFirstOrThrow();
    const counts = { upvotes: Number(r.up ?? 0), downvotes: Number(r.down ?? 0) };
    await this.db.updateTable('comments').set(counts).where('id', '=', id).execute();
    return counts;
  }

  /** Locks a comment row for the transaction (PostgreSQL), as FeedRepository.lock does for papers. */
  async lock(id: number, dialect: 'sqlite' | 'postgres'): Promise<boolean> {
    let q = this.db.selectFrom('comments').select('id').where('id', '=', id);
    if (dialect === 'postgres') q = q.forUpdate();
    return (await q.executeTakeFirst()) !== undefined;
  }
}
