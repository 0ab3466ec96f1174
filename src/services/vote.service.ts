/**
 * Casting votes. Each vote is explicit (up or withdraw, never "toggle whatever is there"), so a double-click or a
 * retried request lands on the same state; the write, the recount and the new trending score commit together, one
 * vote per paper at a time (the entry's row is locked first), so concurrent votes never leave a stale count.
 */
import type { User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { RuleError } from './rule-error.js';

export function assertCanAct(user: User | null): asserts user is User {
  if (!user) throw new RuleError('signed-out', 'Sign in first: we mail you a link, no password needed.');
  if (user.bannedAt) throw new RuleError('forbidden', 'This account is suspended by the moderators.');
}

export class VoteService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Upvotes (`up`) or withdraws the member's upvote on a paper in the feed; returns the new count and state. */
  async votePaper(user: User | null, paperId: string, up: boolean): Promise<{ upvotes: number; upvoted: boolean }> {
    assertCanAct(user);
    const now = this.clock();
    return this.store.transaction(async (repos) => {
      if (!(await repos.feed.lock(paperId))) throw new RuleError('not-found', `Paper ${paperId} is not in the feed, so it cannot be upvoted.`);
      const entry = await repos.feed.entry(paperId);
      if (entry?.hiddenAt) throw new RuleError('forbidden', 'This paper was hidden by the moderators.');
      await repos.votes.setPaperVote(user.id, paperId, up, new Date(now).toISOString());
      const counted = await repos.feed.recount(paperId, now);
      // The search index keeps upvotes for sort=upvotes; it follows the change log.
      await repos.changes.append([paperId]);
      return { upvotes: counted?.upvotes ?? 0, upvoted: up };
    });
  }

  /** Sets the member's vote on a comment (1 up, -1 down, 0 none). Members cannot vote on their own comments. */
  async voteComment(user: User | null, commentId: number, value: -1 | 0 | 1): Promise<{ upvotes: number; downvotes: number }> {
    assertCanAct(user);
    const now = this.clock();
    return this.store.transaction(async (repos) => {
      if (!(await repos.comments.lock(commentId, this.store.dialect))) throw new RuleError('not-found', 'That comment does not exist any more.');
      const comment = await repos.comments.byId(commentId);
      if (!comment || comment.deletedAt || comment.hiddenAt) throw new RuleError('not-found', 'That comment does not exist any more.');
      if (comment.userId === user.id) throw new RuleError('forbidden', 'You cannot vote on your own comment.');
      await repos.votes.setCommentVote(user.id, commentId, value, new Date(now).toISOString());
      return repos.comments.recount(commentId);
    });
  }

  /**
   * The periodic recount (the trending.recount job, jobs/standard.ts): every voted paper's counts and trending score from the votes
   * table. It repairs any drift and lets the votes of accounts that have aged past the trust threshold count.
   */
  async recountAll(): Promise<number> {
    const ids = await this.store.feed.votedPaperIds();
    const now = this.clock();
    // Housekeeping that needs the same rhythm: ended sessions and sign-in links older than a day go.
    await this.store.accounts.deleteExpiredSessions(new Date(now));
    await this.store.accounts.deleteExpiredTokens(new Date(now - 86_400_000));
    for (const id of ids) {
      await this.store.transaction(async (repos) => {
        await repos.feed.lock(id);
        const before = await repos.feed.entry(id);
        const after = await repos.feed.recount(id, now);
        if (after && before && after.upvotes !== before.upvotes) await repos.changes.append([id]);
      });
    }
    return ids.length;
  }
}
