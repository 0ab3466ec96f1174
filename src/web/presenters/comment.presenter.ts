/** Comment threads for the paper page: rendered Markdown (cached), labels, links and what the viewer may do. */
import type { CommentNode, CommentOrder } from '../../services/comment.service.js';
import { renderCommentMarkdown } from './comment-markdown.js';
import { plural } from './format.js';

export interface CommentModel {
  id: number;
  anchor: string;
  state: CommentNode['state'];
  authorName: string | null;
  authorHref: string | null;
  /** Sanitised HTML from the Markdown renderer; empty for tombstones. */
  html: string;
  createdAt: string;
  createdLabel: string;
  edited: boolean;
  scoreLabel: string;
  canEdit: boolean;
  canDelete: boolean;
  myVote: number;
  depth: number;
  /** Shown beside its parent (the thread is at its deepest): who it answers. */
  replyTo: string | null;
  children: CommentModel[];
}

export interface ThreadModel {
  paperId: string;
  order: CommentOrder;
  count: number;
  comments: CommentModel[];
  math: boolean;
  /** False when the paper is hidden (discussion closed). */
  open: boolean;
}

/** Rendering thousands of tiny formulas costs tenths of a second: keep recent renders (bodies are immutable per edit). */
const RENDER_CACHE_MAX = 2_000;
const renderCache = new Map<string, { html: string; math: boolean }>();

export function renderCached(body: string): { html: string; math: boolean } {
  const hit = renderCache.get(body);
  if (hit) {
    renderCache.delete(body);
    renderCache.set(body, hit); // most recently used last
    return hit;
  }
  const out = renderCommentMarkdown(body);
  renderCache.set(body, out);
  if (renderCache.size > RENDER_CACHE_MAX) renderCache.delete(renderCache.keys().next().value!);
  return out;
}

/** `2026-11-26T10:00:00Z` relative to `nowMs`: "just now", "5 minutes ago", "3 hours ago", else the date. */
export function ageLabel(iso: string, nowMs: number): string {
  const minutes = Math.floor((nowMs - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  if (minutes < 48 * 60) return `${plural(Math.floor(minutes / 60), 'hour')} ago`;
  return iso.slice(0, 10);
}

/** Hidden comments keep their text only for moderators; everyone else sees a tombstone (kept for its replies). */
export function presentThread(paperId: string, nodes: CommentNode[], opts: { order: CommentOrder; open: boolean; nowMs: number; moderator: boolean }): ThreadModel {
  const { order, open, nowMs, moderator } = opts;
  let math = false;
  let count = 0;
  const present = (n: CommentNode): CommentModel => {
    const c = n.comment;
    const live = n.state === 'live' || (n.state === 'hidden' && moderator);
    const rendered = live ? renderCached(c.body) : { html: '', math: false };
    math ||= rendered.math;
    if (n.state === 'live') count++;
    const score = c.upvotes - c.downvotes;
    return {
      id: c.id,
      anchor: `comment-${c.id}`,
      state: n.state,
      authorName: live ? c.authorName : null,
      authorHref: live && c.userId !== null ? `/users/${c.userId}` : null,
      html: rendered.html,
      createdAt: c.createdAt,
      createdLabel: ageLabel(c.createdAt, nowMs),
      edited: c.editedAt !== null,
      scoreLabel: plural(score, 'point'),
      canEdit: n.canEdit,
      canDelete: n.canDelete,
      myVote: n.myVote,
      depth: n.depth,
      replyTo: n.replyTo,
      children: n.children.map(present),
    };
  };
  const comments = nodes.map(present);
  return { paperId, order, count, comments, math, open };
}

/** A paper's comments, flat in thread order (a reply follows its parent), tombstones for removed ones with replies. */
export function flattenComments(roots: CommentNode[]) {
  const out: Array<{ id: number; parent_id: number | null; depth: number; state: 'live' | 'deleted'; author: { name: string } | null; body: string | null; created_at: string; edited_at: string | null; upvotes: number; downvotes: number }> = [];
  const walk = (nodes: CommentNode[], depth: number) => {
    for (const n of nodes) {
      const live = n.state === 'live';
      out.push({
        id: n.comment.id,
        parent_id: n.comment.parentId,
        depth,
        state: live ? 'live' : 'deleted',
        author: live ? { name: n.comment.authorName ?? '[deleted]' } : null,
        body: live ? n.comment.body : null,
        created_at: n.comment.createdAt,
        edited_at: live ? n.comment.editedAt : null,
        upvotes: n.comment.upvotes,
        downvotes: n.comment.downvotes,
      });
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}
