/** A paper's discussion: the thread, each comment's actions, and the forms to comment and reply (no JavaScript needed). */
import { useContext } from 'preact/hooks';
import { COMMENT_MAX_CHARS } from '../../../services/comment.service.js';
import type { CommentModel, ThreadModel } from '../../presenters/comment.presenter.js';
import { paperHref } from '../../presenters/paper.presenter.js';
import { ViewerContext } from '../../viewer.js';
import { CsrfField, PostButton, signInHref } from './forms.js';

function CommentForm({ paperId, parentId, label }: { paperId: string; parentId?: number; label: string }) {
  const id = parentId ? `reply-body-${parentId}` : 'comment-body';
  return (
    <form method="post" action={`${paperHref(paperId)}/comments`} class="comment-form">
      <CsrfField />
      {parentId ? <input type="hidden" name="parentId" value={String(parentId)} /> : null}
      <label for={id}>{label}</label>
      <textarea id={id} name="body" rows={parentId ? 3 : 4} maxlength={COMMENT_MAX_CHARS} required />
      <p class="form-hint">Markdown and $math$ work; links get rel="nofollow".</p>
      <button type="submit" class="primary-button">
        {parentId ? 'Reply' : 'Comment'}
      </button>
    </form>
  );
}

function CommentVotes({ c }: { c: CommentModel }) {
  const viewer = useContext(ViewerContext);
  if (!viewer.user || c.state !== 'live') return <span class="comment-score">{c.scoreLabel}</span>;
  const action = `/comments/${c.id}/vote`;
  return (
    <span class="comment-votes">
      <PostButton action={action} fields={{ value: c.myVote === 1 ? '0' : '1', next: `${viewer.here.split('#')[0]}#${c.anchor}` }} class={c.myVote === 1 ? 'link-button voted' : 'link-button'} label="Upvote comment" pressed={c.myVote === 1}>
        ▲
      </PostButton>
      <span class="comment-score">{c.scoreLabel}</span>
      <PostButton action={action} fields={{ value: c.myVote === -1 ? '0' : '-1', next: `${viewer.here.split('#')[0]}#${c.anchor}` }} class={c.myVote === -1 ? 'link-button voted' : 'link-button'} label="Downvote comment" pressed={c.myVote === -1}>
        ▼
      </PostButton>
    </span>
  );
}

function Comment({ c, paperId, open }: { c: CommentModel; paperId: string; open: boolean }) {
  const viewer = useContext(ViewerContext);
  return (
    <li id={c.anchor} class={`comment comment-${c.state}`}>
      <article>
        <header class="comment-meta">
          {c.authorName ? c.authorHref ? <a href={c.authorHref}>{c.authorName}</a> : <span>{c.authorName}</span> : <span>[deleted]</span>}
          <a href={`#${c.anchor}`} class="muted">
            <time datetime={c.createdAt}>{c.createdLabel}</time>
          </a>
          {c.edited ? <span class="muted">edited</span> : null}
          {c.replyTo ? <span class="muted">in reply to {c.replyTo}</span> : null}
          {c.state === 'hidden' ? <span class="badge">hidden by moderators</span> : null}
          <CommentVotes c={c} />
        </header>
        {c.state === 'deleted' ? (
          <p class="muted">[deleted]</p>
        ) : c.html ? (
          <div class="comment-body" dangerouslySetInnerHTML={{ __html: c.html }} />
        ) : (
          <p class="muted">[hidden by moderators]</p>
        )}
        {c.state === 'live' && viewer.user ? (
          <div class="comment-actions">
            {open ? (
              <details>
                <summary>Reply</summary>
                <CommentForm paperId={paperId} parentId={c.id} label="Your reply" />
              </details>
            ) : null}
            {c.canEdit ? <a href={`/comments/${c.id}/edit`}>Edit</a> : null}
            {c.canDelete ? (
              <PostButton action={`/comments/${c.id}/delete`} class="link-button">
                Delete
              </PostButton>
            ) : null}
            <a href={`/report?type=comment&id=${c.id}`} rel="nofollow">
              Report
            </a>
            {viewer.user.moderator ? <a href={`/moderation/comments/${c.id}`}>Moderate</a> : null}
          </div>
        ) : null}
        {c.state === 'hidden' && viewer.user?.moderator ? <a href={`/moderation/comments/${c.id}`}>Moderate</a> : null}
      </article>
      {c.children.length > 0 ? (
        <ol class="comment-children">
          {c.children.map((child) => (
            <Comment key={child.id} c={child} paperId={paperId} open={open} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

export function CommentThread({ thread }: { thread: ThreadModel }) {
  const viewer = useContext(ViewerContext);
  const base = paperHref(thread.paperId);
  const empty = thread.comments.length === 0;
  return (
    <section class="discussion" aria-labelledby="discussion-heading" id="comments">
      <div class="discussion-header">
        <h2 id="discussion-heading">Discussion ({thread.count})</h2>
        {thread.comments.length > 1 ? (
          <p class="sort-links">
            Sort:{' '}
            {thread.order === 'best' ? <strong>best</strong> : <a href={`${base}#comments`}>best</a>} ·{' '}
            {thread.order === 'new' ? <strong>newest</strong> : <a href={`${base}?comments=new#comments`}>newest</a>}
          </p>
        ) : null}
      </div>
      {!thread.open ? (
        <p class="muted">The moderators hid this paper; its discussion is closed.</p>
      ) : viewer.user ? (
        <CommentForm paperId={thread.paperId} label="Add a comment" />
      ) : (
        <p class="comment-sign-in">
          <a href={signInHref(`${base}#comments`)}>Sign in</a> to {empty ? 'start the discussion' : 'comment'}.
        </p>
      )}
      {empty ? <p class="discussion-empty">{thread.open ? 'No comments yet. Questions, corrections and pointers to related work are welcome.' : 'No comments.'}</p> : null}
      <ol class="comment-list">
        {thread.comments.map((c) => (
          <Comment key={c.id} c={c} paperId={thread.paperId} open={thread.open} />
        ))}
      </ol>
    </section>
  );
}
