/**
 * Comment threads: add, reply, edit within a window, delete (a tombstone when there are replies), and the thread as a
 * tree whose siblings rank by the Wilson lower bound of their votes (domain/wilson) or newest first.
 */
import { wilsonLowerBound } from '../domain/wilson.js';
import type { Mailer } from '../mail/mailer.js';
import { memberName, type User } from '../store/account.repository.js';
import type { CommentRecord } from '../store/comment.repository.js';
import type { Store } from '../store/store.js';
import { RuleError } from './rule-error.js';
import { isModerator } from './moderation.service.js';
import { assertCanAct } from './vote.service.js';

export const COMMENT_MAX_CHARS = 10_000;
/** Authors can edit a comment for an hour after posting it (Hacker News allows two hours, Lobsters longer). */
export const COMMENT_EDIT_WINDOW_MS = 60 * 60_000;

export type CommentOrder = 'best' | 'new';

/**
 * Threads show at most this many levels; a reply to a comment at the deepest level is shown beside it, marked "in
 * reply to …" (as Lobsters does). The stored parent stays true; only the display flattens, so no thread, however
 * long, can nest the page into unreadability (or exhaust the renderer's stack).
 */
export const COMMENT_MAX_DEPTH = 10;

export interface CommentNode {
  comment: CommentRecord;
  /** live, deleted (tombstone), hidden (by moderators; shown to moderators, a tombstone to others) */
  state: 'live' | 'deleted' | 'hidden';
  children: CommentNode[];
  depth: number;
  /** Set when the display flattened this reply beside its parent (too deep): who it answers. */
  replyTo: string | null;
  canEdit: boolean;
  canDelete: boolean;
  myVote: number;
}

function cleanBody(input: unknown): string {
  if (typeof input !== 'string') throw new RuleError('invalid', 'Write something in the comment box.');
  // Keep newlines and tabs (Markdown needs them); drop other control characters.
  // eslint-disable-next-line no-control-regex
  const body = input.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  if (body === '') throw new RuleError('invalid', 'Write something in the comment box.');
  if (body.length > COMMENT_MAX_CHARS) throw new RuleError('invalid', `A comment can be at most ${COMMENT_MAX_CHARS.toLocaleString('en')} characters (this one has ${body.length.toLocaleString('en')}).`);
  return body;
}

export class CommentService {
  constructor(
    private readonly store: Store,
    private readonly opts: { clock?: () => number; mailer?: Mailer; publicUrl?: string; log?: (msg: string) => void } = {},
  ) {}

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** The paper's comments as a tree for `viewer`. Hidden comments without replies are left out for non-moderators. */
  async thread(paperId: string, viewer: User | null, order: CommentOrder = 'best'): Promise<CommentNode[]> {
    const all = await this.store.comments.forPaper(paperId);
    const myVotes = viewer ? await this.store.votes.commentVotesAmong(viewer.id, all.map((c) => c.id)) : new Map<number, number>();
    const mod = isModerator(viewer);
    const now = this.now();
    const nodes = new Map<number, CommentNode>();
    for (const c of all) {
      const mine = viewer !== null && c.userId === viewer.id;
      nodes.set(c.id, {
        comment: c,
        state: c.deletedAt ? 'deleted' : c.hiddenAt ? 'hidden' : 'live',
        children: [],
        depth: 0,
        replyTo: null,
        canEdit: mine && !c.deletedAt && !c.hiddenAt && now - Date.parse(c.createdAt) < COMMENT_EDIT_WINDOW_MS,
        canDelete: mine && !c.deletedAt,
        myVote: myVotes.get(c.id) ?? 0,
      });
    }
    // True depth of each comment (iteratively: a chain can be thousands long).
    const depthOf = new Map<number, number>();
    const trueDepth = (id: number): number => {
      const chain: number[] = [];
      let cur: number | null = id;
      while (cur !== null && !depthOf.has(cur)) {
        chain.push(cur);
        const parentId: number | null = nodes.get(cur)?.comment.parentId ?? null;
        cur = parentId !== null && nodes.has(parentId) ? parentId : null;
      }
      let d = cur === null ? -1 : depthOf.get(cur)!;
      for (let i = chain.length - 1; i >= 0; i--) depthOf.set(chain[i]!, ++d);
      return depthOf.get(id)!;
    };
    const roots: CommentNode[] = [];
    for (const node of nodes.values()) {
      let parent = node.comment.parentId === null ? undefined : nodes.get(node.comment.parentId);
      if (parent && trueDepth(parent.comment.id) >= COMMENT_MAX_DEPTH - 1) {
        node.replyTo = parent.state === 'live' ? (parent.comment.authorName ?? '[deleted]') : '[deleted]';
        while (parent && trueDepth(parent.comment.id) > COMMENT_MAX_DEPTH - 2) parent = parent.comment.parentId === null ? undefined : nodes.get(parent.comment.parentId);
      }
      (parent ? parent.children : roots).push(node);
    }
    const score = (n: CommentNode) => wilsonLowerBound(n.comment.upvotes, n.comment.downvotes);
    const compare =
      order === 'new'
        ? (a: CommentNode, b: CommentNode) => b.comment.createdAt.localeCompare(a.comment.createdAt) || b.comment.id - a.comment.id
        : (a: CommentNode, b: CommentNode) => score(b) - score(a) || a.comment.createdAt.localeCompare(b.comment.createdAt) || a.comment.id - b.comment.id;
    // Hidden comments stay visible to moderators; for everyone else they are tombstones, and gone without replies.
    const prune = (list: CommentNode[], depth: number): CommentNode[] =>
      list
        .map((n) => ({ ...n, depth, children: prune(n.children, depth + 1) }))
        .filter((n) => mod || n.state !== 'hidden' || n.children.length > 0)
        .filter((n) => n.state !== 'deleted' || n.children.length > 0)
        .sort(compare);
    return prune(roots, 0);
  }

  /** Adds a comment (or a reply to `parentId`) by `user`; returns its id. */
  async add(user: User | null, paperId: string, input: { body: unknown; parentId?: unknown }): Promise<number> {
    assertCanAct(user);
    const body = cleanBody(input.body);
    const parentId = input.parentId === undefined || input.parentId === '' || input.parentId === null ? null : Number(input.parentId);
    if (parentId !== null && (!Number.isSafeInteger(parentId) || parentId < 1)) throw new RuleError('invalid', 'The comment you reply to is not valid.');
    const now = new Date(this.now()).toISOString();
    const { id, parent } = await this.store.transaction(async (repos) => {
      if (!(await repos.papers.getById(paperId))) throw new RuleError('not-found', `There is no paper ${paperId} here.`);
      const entry = await repos.feed.entry(paperId);
      if (entry?.hiddenAt) throw new RuleError('forbidden', 'This paper was hidden by the moderators; its discussion is closed.');
      let parent: CommentRecord | null = null;
      if (parentId !== null) {
        parent = await repos.comments.byId(parentId);
        if (!parent || parent.paperId !== paperId) throw new RuleError('not-found', 'The comment you reply to is not on this paper.');
        if (parent.deletedAt || parent.hiddenAt) throw new RuleError('conflict', 'The comment you reply to was deleted.');
      }
      const id = await repos.comments.create({ paperId, parentId, userId: user.id, body, now });
      await repos.feed.setCommentCount(paperId, await repos.comments.countVisible(paperId));
      return { id, parent };
    });
    if (parent) await this.notifyReply(parent, user, paperId, id);
    return id;
  }

  /** Mails the parent's author about a reply when they asked for it; a mail failure never fails the reply. */
  private async notifyReply(parent: CommentRecord, replier: User, paperId: string, replyId: number): Promise<void> {
    const { mailer, publicUrl } = this.opts;
    if (!mailer || !publicUrl || parent.userId === null || parent.userId === replier.id) return;
    try {
      const author = await this.store.accounts.userById(parent.userId);
      if (!author?.emailOnReply || author.bannedAt) return;
      const link = `${publicUrl.replace(/\/+$/, '')}/papers/${paperId}#comment-${replyId}`;
      const who = memberName(replier);
      await mailer.send({
        to: author.email,
        subject: `${who} replied to your comment on Paperboy`,
        text: `${who} replied to your comment:\n\n${link}\n\nYou get these mails because "Mail me replies to my comments" is on in your account settings.`,
      });
    } catch (e) {
      this.opts.log?.(`reply notification not sent: ${(e as Error).message}`);
    }
  }

  /** Changes a comment's text: its author only, within the edit window. */
  async edit(user: User | null, commentId: number, input: { body: unknown }): Promise<CommentRecord> {
    assertCanAct(user);
    const body = cleanBody(input.body);
    const c = await this.store.comments.byId(commentId);
    if (!c || c.deletedAt) throw new RuleError('not-found', 'That comment does not exist any more.');
    if (c.userId !== user.id) throw new RuleError('forbidden', 'Only its author can edit a comment.');
    if (c.hiddenAt) throw new RuleError('forbidden', 'The moderators hid this comment; it can no longer be edited.');
    if (this.now() - Date.parse(c.createdAt) >= COMMENT_EDIT_WINDOW_MS) throw new RuleError('forbidden', 'Comments can be edited for an hour after posting; this one can no longer be changed.');
    await this.store.comments.updateBody(commentId, body, new Date(this.now()).toISOString());
    return (await this.store.comments.byId(commentId))!;
  }

  /** Deletes a comment (its author): a tombstone when it has replies. */
  async delete(user: User | null, commentId: number): Promise<CommentRecord> {
    assertCanAct(user);
    const c = await this.store.comments.byId(commentId);
    if (!c || c.deletedAt) throw new RuleError('not-found', 'That comment does not exist any more.');
    if (c.userId !== user.id) throw new RuleError('forbidden', 'Only its author can delete a comment (moderators hide comments instead).');
    await this.store.transaction(async (repos) => {
      await repos.comments.delete(commentId, new Date(this.now()).toISOString());
      await repos.moderation.deleteReportsAboutGone();
      await repos.feed.setCommentCount(c.paperId, await repos.comments.countVisible(c.paperId));
    });
    return c;
  }
}
