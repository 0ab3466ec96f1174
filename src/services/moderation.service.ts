/**
 * Moderation: roles, hiding and restoring papers and comments, banning members, members' reports. Every action needs
 * a reason and is written to the public, append-only moderation log in the same transaction as the action itself.
 */
import { memberName, type User } from '../store/account.repository.js';
import type { ModerationEntry, Report } from '../store/moderation.repository.js';
import type { Repositories, Store } from '../store/store.js';
import type { ReportTarget, Role } from '../store/schema.js';
import { cleanLine, RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

export const ROLES: readonly Role[] = ['user', 'moderator', 'admin'];
export const REASON_MAX_CHARS = 500;

export type ModerationAction = 'hide-paper' | 'restore-paper' | 'hide-comment' | 'restore-comment' | 'ban' | 'unban' | 'grant' | 'dismiss-reports';

/**
 * Recounts every paper and comment a member voted on (after a ban, an unban or a deletion changed which votes count).
 * Each row is locked first, in a fixed order, so concurrent bans neither count stale votes nor deadlock.
 */
export async function recountVotesOf(repos: Repositories, userId: number, nowMs: number, dialect: 'sqlite' | 'postgres'): Promise<{ papers: string[]; comments: number[] }> {
  const papers = [...(await repos.votes.paperIdsVotedByUser(userId))].sort();
  const comments = [...(await repos.votes.commentIdsVotedByUser(userId))].sort((a, b) => a - b);
  for (const paperId of papers) {
    await repos.feed.lock(paperId);
    await repos.feed.recount(paperId, nowMs);
  }
  await repos.changes.append(papers); // the search index's upvote counts follow
  for (const id of comments) {
    await repos.comments.lock(id, dialect);
    await repos.comments.recount(id);
  }
  return { papers, comments };
}

export function isModerator(user: User | null): boolean {
  return user !== null && user.bannedAt === null && (user.role === 'moderator' || user.role === 'admin');
}

function requireModerator(user: User | null): asserts user is User {
  assertCanAct(user);
  if (!isModerator(user)) throw new RuleError('forbidden', 'Only moderators can do this.');
}

function reasonOf(input: unknown): string {
  const reason = cleanLine(input, REASON_MAX_CHARS, 'The reason');
  if (!reason) throw new RuleError('invalid', 'Give a reason: it is shown in the public moderation log.');
  return reason;
}

export class ModerationService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  private async act(mod: User, action: ModerationAction, target: { type: ReportTarget; id: string; label: string }, reason: string, fn: (repos: Repositories, now: string) => Promise<void>) {
    const now = new Date(this.clock()).toISOString();
    await this.store.transaction(async (repos) => {
      await fn(repos, now);
      await repos.moderation.resolve(target.type, target.id, mod.id, now);
      await repos.moderation.log({ createdAt: now, moderatorId: mod.id, moderatorName: memberName(mod), action, targetType: target.type, targetId: target.id, targetLabel: target.label, reason });
    });
  }

  async setPaperHidden(mod: User | null, paperId: string, hidden: boolean, rawReason: unknown): Promise<void> {
    requireModerator(mod);
    const reason = reasonOf(rawReason);
    const paper = await this.store.papers.getById(paperId);
    const entry = await this.store.feed.entry(paperId);
    if (!paper || !entry) throw new RuleError('not-found', `Paper ${paperId} is not in the feed.`);
    await this.act(mod, hidden ? 'hide-paper' : 'restore-paper', { type: 'paper', id: paperId, label: paper.title.slice(0, 200) }, reason, async (repos, now) => {
      await repos.feed.setHidden(paperId, hidden ? now : null);
    });
  }

  async setCommentHidden(mod: User | null, commentId: number, hidden: boolean, rawReason: unknown): Promise<{ paperId: string }> {
    requireModerator(mod);
    const reason = reasonOf(rawReason);
    const c = await this.store.comments.byId(commentId);
    if (!c || c.deletedAt) throw new RuleError('not-found', 'That comment does not exist any more.');
    // Labels name no member: the log is permanent, and a member who deletes their account leaves no name in it.
    const label = `comment ${commentId} on ${c.paperId}`;
    await this.act(mod, hidden ? 'hide-comment' : 'restore-comment', { type: 'comment', id: String(commentId), label }, reason, async (repos, now) => {
      await repos.comments.setHidden(commentId, hidden ? now : null);
      await repos.feed.setCommentCount(c.paperId, await repos.comments.countVisible(c.paperId));
    });
    return { paperId: c.paperId };
  }

  /**
   * Bans (or unbans) a member: they are signed out and can no longer vote, comment or submit, and their votes stop
   * counting (papers and comments they voted on are recounted).
   */
  async setBanned(mod: User | null, userId: number, banned: boolean, rawReason: unknown): Promise<void> {
    requireModerator(mod);
    const reason = reasonOf(rawReason);
    const target = await this.store.accounts.userById(userId);
    if (!target) throw new RuleError('not-found', 'There is no such member.');
    if (target.id === mod.id) throw new RuleError('forbidden', 'You cannot ban yourself.');
    if (target.role === 'admin' && mod.role !== 'admin') throw new RuleError('forbidden', 'Only an admin can ban an admin.');
    const nowMs = this.clock();
    await this.act(mod, banned ? 'ban' : 'unban', { type: 'user', id: String(userId), label: `member ${userId}` }, reason, async (repos) => {
      await repos.accounts.setBanned(userId, banned ? new Date(nowMs) : null);
      if (banned) await repos.accounts.deleteSessionsOf(userId);
      await recountVotesOf(repos, userId, nowMs, this.store.dialect);
    });
  }

  /** Closes the open reports on a target without other action. */
  async dismissReports(mod: User | null, type: ReportTarget, id: string, rawReason: unknown): Promise<void> {
    requireModerator(mod);
    await this.act(mod, 'dismiss-reports', { type, id, label: `${type} ${id}` }, reasonOf(rawReason), async () => {});
  }

  /** A member reports a paper, a comment or a member to the moderators (once per thing). */
  async report(user: User | null, type: unknown, id: unknown, rawReason: unknown): Promise<boolean> {
    assertCanAct(user);
    if (type !== 'paper' && type !== 'comment' && type !== 'user') throw new RuleError('invalid', 'Report a paper, a comment or a member.');
    if (typeof id !== 'string' || id.length === 0 || id.length > 100) throw new RuleError('invalid', 'Say what you are reporting.');
    const reason = reasonOf(rawReason);
    const exists =
      type === 'paper'
        ? (await this.store.papers.getById(id)) !== null
        : type === 'comment'
          ? /^\d{1,15}$/.test(id) && (await this.store.comments.byId(Number(id))) !== null
          : /^\d{1,15}$/.test(id) && (await this.store.accounts.userById(Number(id))) !== null;
    if (!exists) throw new RuleError('not-found', 'What you are reporting does not exist (any more).');
    return this.store.moderation.report({ reporterId: user.id, targetType: type, targetId: id, reason, createdAt: new Date(this.clock()).toISOString() });
  }

  async openReports(mod: User | null, limit = 200): Promise<Report[]> {
    requireModerator(mod);
    return this.store.moderation.openReports(limit);
  }

  /** The public log, newest first. */
  log(limit: number, beforeId?: number): Promise<ModerationEntry[]> {
    return this.store.moderation.entries(limit, beforeId);
  }

  /**
   * Gives the account with `email` a role (creating the account if needed, so a new moderator can sign in). Used by
   * `paperboy admin grant`; logged with the operator as the actor.
   */
  async grant(email: string, role: string, actor = 'operator (command line)'): Promise<User> {
    if (!ROLES.includes(role as Role)) throw new RuleError('invalid', `Unknown role "${role}": use ${ROLES.join(', ')}.`);
    const now = new Date(this.clock());
    return this.store.transaction(async (repos) => {
      const user = await repos.accounts.findOrCreateUser(email, now);
      await repos.accounts.setRole(user.id, role as Role);
      await repos.moderation.log({ createdAt: now.toISOString(), moderatorId: null, moderatorName: actor, action: 'grant', targetType: 'user', targetId: String(user.id), targetLabel: `member ${user.id}`, reason: `role set to ${role}` });
      return { ...user, role: role as Role };
    });
  }
}
