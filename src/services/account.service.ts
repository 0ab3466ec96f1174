/**
 * Accounts: sign-in by emailed one-time link, sessions, profiles, account deletion. The answer to "send me a link" is
 * the same whether or not the address has an account, and whether or not a link was actually sent (rate limits), so
 * nobody can learn who is a member from it.
 */
import { z } from 'zod';
import type { Mailer } from '../mail/mailer.js';
import { memberName, normalizeEmail, type User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { cleanLine, RuleError } from './rule-error.js';

/** A sign-in link works once, for 15 minutes. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;
/** A session lasts 30 days. */
export const SESSION_TTL_MS = 30 * 86_400_000;
/** Links mailed to one address per hour; more requests get the same answer but no mail (no mail bombing). */
export const SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = 5;
export const DISPLAY_NAME_MAX_CHARS = 60;
export const AFFILIATION_MAX_CHARS = 120;

/** Items per list on a profile page. */
export const PROFILE_LIST_LIMIT = 50;

export interface MemberProfile {
  id: number;
  name: string;
  affiliation: string | null;
  joined: string;
  banned: boolean;
  upvoted: Array<{ paperId: string; title: string }>;
  submitted: Array<{ paperId: string; title: string; feedDate: string }>;
  comments: Array<{ id: number; paperId: string; paperTitle: string; body: string; createdAt: string }>;
}

const emailSchema = z.email().max(254);

/** Shown on every sign-in request, whatever happened. */
export const SIGN_IN_SENT_MESSAGE = 'If that address can receive mail, a sign-in link is on its way. It works once, for 15 minutes.';

export interface AccountServiceOptions {
  /** Absolute base URL of the site, for the link in the mail (e.g. https://papers.example.org). */
  publicUrl: string;
  clock?: () => number;
  log?: (msg: string) => void;
}

export class AccountService {
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    private readonly mailer: Mailer,
    private readonly opts: AccountServiceOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
  }

  /** Mails a sign-in link to `rawEmail` (unless it had too many lately). Throws only for a malformed address. */
  async requestLink(rawEmail: unknown, next = '/'): Promise<void> {
    const parsed = emailSchema.safeParse(typeof rawEmail === 'string' ? rawEmail.trim() : rawEmail);
    if (!parsed.success) throw new RuleError('invalid', 'That does not look like an email address (name@example.org).');
    const email = normalizeEmail(parsed.data);
    const now = new Date(this.clock());
    const recent = await this.store.accounts.loginTokensSince(email, new Date(now.getTime() - 3_600_000));
    if (recent >= SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR) {
      this.opts.log?.(`sign-in link for an address not sent: ${recent} in the last hour`);
      return;
    }
    await this.store.accounts.deleteExpiredTokens(new Date(now.getTime() - 86_400_000));
    const token = await this.store.accounts.createLoginToken(email, now, SIGN_IN_LINK_TTL_MS);
    const back = next !== '/' ? `&next=${encodeURIComponent(next)}` : '';
    const link = `${this.opts.publicUrl.replace(/\/+$/, '')}/auth/verify?token=${encodeURIComponent(token)}${back}`;
    await this.mailer.send({
      to: email,
      subject: 'Your Paperboy sign-in link',
      text: [
        'Hello,',
        '',
        'Open this link to sign in to Paperboy. It works once, for the next 15 minutes:',
        '',
        link,
        '',
        'If you did not ask for it, ignore this mail: nobody can sign in without the link.',
      ].join('\n'),
    });
  }

  /**
   * Uses a sign-in link: a new session for its address (the account is created on first sign-in). Null when the link
   * is unknown, used or expired.
   */
  async signIn(token: unknown): Promise<{ user: User; sessionSecret: string } | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    const now = new Date(this.clock());
    const email = await this.store.accounts.consumeLoginToken(token, now);
    if (!email) return null;
    const user = await this.store.accounts.findOrCreateUser(email, now);
    if (user.bannedAt) throw new RuleError('forbidden', 'This account is suspended by the moderators. See the moderation log for the reason.');
    const sessionSecret = await this.store.accounts.createSession(user.id, now, SESSION_TTL_MS);
    return { user, sessionSecret };
  }

  /** The member a session cookie belongs to, or null (unknown, expired, or the member is gone). */
  async sessionUser(secret: string | undefined): Promise<User | null> {
    if (!secret || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
    return this.store.accounts.sessionUser(secret, new Date(this.clock()));
  }

  signOut(secret: string): Promise<void> {
    return this.store.accounts.deleteSession(secret);
  }

  /** Ends every session of the member, on every device. */
  signOutEverywhere(userId: number): Promise<number> {
    return this.store.accounts.deleteSessionsOf(userId);
  }

  async updateProfile(userId: number, input: { displayName?: unknown; affiliation?: unknown; emailOnReply?: unknown }): Promise<void> {
    const displayName = cleanLine(input.displayName, DISPLAY_NAME_MAX_CHARS, 'The display name');
    // Names the site itself shows (a member without a name, a deleted author, a role) cannot be taken.
    if (displayName && /^(member\s*\d+|\[?deleted\]?|\[?hidden.*|moderator|admin(istrator)?|paperboy)$/i.test(displayName)) {
      throw new RuleError('invalid', `"${displayName}" is reserved: choose another display name.`);
    }
    const affiliation = cleanLine(input.affiliation, AFFILIATION_MAX_CHARS, 'The affiliation');
    await this.store.accounts.updateProfile(userId, { displayName, affiliation });
    await this.store.accounts.setEmailOnReply(userId, input.emailOnReply === 'on' || input.emailOnReply === true);
  }

  /** What a member's public profile shows: name, affiliation, upvoted and submitted papers, recent comments. */
  async profile(userId: number): Promise<MemberProfile | null> {
    const user = await this.store.accounts.userById(userId);
    if (!user) return null;
    const upvotedIds = await this.store.votes.paperIdsUpvotedBy(userId, PROFILE_LIST_LIMIT);
    const papers = new Map((await this.store.papers.getByIds(upvotedIds)).map((p) => [p.id, p]));
    return {
      id: user.id,
      name: memberName(user),
      affiliation: user.affiliation,
      joined: user.createdAt.slice(0, 10),
      banned: user.bannedAt !== null,
      upvoted: upvotedIds.flatMap((id) => (papers.has(id) ? [{ paperId: id, title: papers.get(id)!.title }] : [])),
      submitted: await this.store.feed.submittedBy(userId, PROFILE_LIST_LIMIT),
      comments: (await this.store.comments.byUser(userId, PROFILE_LIST_LIMIT)).map((c) => ({ id: c.id, paperId: c.paperId, paperTitle: c.paperTitle, body: c.body, createdAt: c.createdAt })),
    };
  }

  /**
   * Deletes the account and its personal data: the address, profile, sessions and links, votes (counts are
   * recounted), reports, and comments (a comment with replies stays as an anonymous tombstone). Papers it submitted
   * stay in the feed without its name. The public moderation log keeps what moderators did, by their name then.
   */
  async deleteAccount(userId: number): Promise<void> {
    const now = this.clock();
    await this.store.transaction(async (repos) => {
      // Votes are recounted after the rows go; lock the counted rows first, in order (as bans do).
      const papers = [...(await repos.votes.paperIdsVotedByUser(userId))].sort();
      const commentVotes = [...(await repos.votes.commentIdsVotedByUser(userId))].sort((a, b) => a - b);
      for (const paperId of papers) await repos.feed.lock(paperId);
      for (const id of commentVotes) await repos.comments.lock(id, this.store.dialect);
      const commented = await repos.comments.deleteAllOf(userId, new Date(now).toISOString());
      await repos.feed.clearSubmitter(userId);
      // The digest subscription of the account's address goes too (its address is personal data).
      const user = await repos.accounts.userById(userId);
      const sub = (await repos.subscribers.byUser(userId)) ?? (user ? await repos.subscribers.byEmail(user.email) : null);
      if (sub) await repos.subscribers.delete(sub.id);
      await repos.accounts.deleteUser(userId); // cascades: votes, comment votes, reports filed, sessions
      await repos.moderation.deleteReportsAboutGone();
      for (const paperId of papers) await repos.feed.recount(paperId, now);
      await repos.changes.append(papers); // the search index's upvote counts follow
      for (const id of commentVotes) if (await repos.comments.byId(id)) await repos.comments.recount(id);
      for (const paperId of commented) await repos.feed.setCommentCount(paperId, await repos.comments.countVisible(paperId));
    });
  }
}
