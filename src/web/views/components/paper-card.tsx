/** One paper in a feed: upvotes, title, authors, abstract excerpt, date, comments and categories. */
import { plural } from '../../presenters/format.js';
import type { CategoryModel, PaperCardModel } from '../../presenters/paper.presenter.js';
import type { MathHtml } from '../../../domain/math.js';
import { useContext } from 'preact/hooks';
import { paperHref } from '../../presenters/paper.presenter.js';
import { ViewerContext } from '../../viewer.js';
import { CsrfField, signInHref } from './forms.js';
import { Tex } from './tex.js';

export function Categories({ categories }: { categories: CategoryModel[] }) {
  if (categories.length === 0) return null;
  return (
    <ul class="categories" aria-label="Categories">
      {categories.map((c) => (
        <li key={c.name} class={c.primary ? 'category primary' : 'category'} title={c.primary ? 'Primary category' : undefined}>
          {c.name}
        </li>
      ))}
    </ul>
  );
}

export function AuthorsShort({ authors, more }: { authors: string[]; more: number }) {
  if (authors.length === 0) return null;
  return (
    <p class="authors">
      {authors.join(', ')}
      {more > 0 ? <span class="more-authors"> and {more} more</span> : null}
    </p>
  );
}

/**
 * The upvote box (feed cards, search results, paper pages). Signed in: a form that POSTs the member's new state
 * (`up` or `withdraw`, so a double-click cannot undo itself); app.js sends it in place. Signed out: a link to sign in.
 */
export function CardVotes({ upvotes, paperId, inCard }: { upvotes: number; paperId?: string | undefined; inCard?: boolean }) {
  const viewer = useContext(ViewerContext);
  const body = (
    <>
      <span class="votes-arrow" aria-hidden="true">
        ▲
      </span>
      <span class="votes-count">{upvotes}</span>
      <span class="visually-hidden"> {upvotes === 1 ? 'upvote' : 'upvotes'}</span>
    </>
  );
  if (!paperId) {
    return (
      <div class="votes" title={plural(upvotes, 'upvote')}>
        {body}
      </div>
    );
  }
  if (!viewer.user) {
    return (
      <a class="votes" href={signInHref(viewer.here)} title="Sign in to upvote">
        {body}
      </a>
    );
  }
  const upvoted = viewer.upvoted.has(paperId);
  return (
    <form class="vote-form" method="post" action={`${paperHref(paperId)}/vote`} data-vote>
      <CsrfField />
      <input type="hidden" name="action" value={upvoted ? 'withdraw' : 'up'} />
      {/* Back to the same card (without JavaScript the page reloads; in a long feed, not at the top). */}
      <input type="hidden" name="next" value={inCard ? `${viewer.here.split('#')[0]}#paper-${paperId}` : viewer.here} />
      <button type="submit" class={upvoted ? 'votes voted' : 'votes'} aria-pressed={upvoted ? 'true' : 'false'} title={upvoted ? 'Withdraw your upvote' : 'Upvote'}>
        {body}
      </button>
    </form>
  );
}

/**
 * "Save" on a card (signed-in members, on pages that loaded their lists): a <details> menu holding a plain form that
 * posts to /lists/add and comes back to the same card, so it works without JavaScript. With no list yet, the form
 * names a new one. The summary says when the paper is already in one of the member's lists.
 */
export function CardSave({ paperId }: { paperId: string }) {
  const viewer = useContext(ViewerContext);
  if (!viewer.user || viewer.lists === null) return null;
  const holding = viewer.savedIn.get(paperId) ?? [];
  const fieldId = `save-${paperId}`;
  return (
    <details class="card-save">
      <summary>
        {holding.length > 0 ? 'Saved ✓' : 'Save'}
        <span class="visually-hidden"> {paperId} to a reading list</span>
      </summary>
      <form method="post" action="/lists/add" class="card-save-form">
        <CsrfField />
        <input type="hidden" name="paperId" value={paperId} />
        <input type="hidden" name="next" value={`${viewer.here.split('#')[0]}#paper-${paperId}`} />
        {viewer.lists.length > 0 ? (
          <>
            <label for={fieldId}>Save to</label>
            <select id={fieldId} name="listId">
              {viewer.lists.map((l) => (
                <option key={l.id} value={String(l.id)}>
                  {l.name}
                  {holding.includes(l.id) ? ' ✓' : ''}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <label for={fieldId}>New list</label>
            <input id={fieldId} name="newList" maxlength={80} placeholder="e.g. To read" required />
          </>
        )}
        <button type="submit" class="secondary-button">
          Save
        </button>
      </form>
    </details>
  );
}

/** A card's ranked title linking to the paper page (title HTML from the math renderer or the highlighter). */
export function CardTitle({ rank, href, titleHtml }: { rank: number; href: string; titleHtml: MathHtml }) {
  return (
    <h2 class="paper-title">
      <span class="rank" aria-hidden="true">
        {rank}.
      </span>{' '}
      <a href={href}>
        <Tex html={titleHtml} />
      </a>
    </h2>
  );
}

/**
 * Feed pages list their cards in one of these: it holds the line where app.js says how many papers are new since the
 * visitor's last visit (`data-entered` on each card). The line's height is always reserved, so filling it moves nothing.
 */
export function NewSinceNote() {
  return <p class="new-since" data-new-since />;
}

export function PaperCard({ card, rank }: { card: PaperCardModel; rank: number }) {
  return (
    <article class="paper-card" data-paper-id={card.id} id={`paper-${card.id}`} data-entered={card.enteredAt ?? undefined}>
      <CardVotes upvotes={card.upvotes} paperId={card.id} inCard />
      <div class="paper-card-body">
        <CardTitle rank={rank} href={card.href} titleHtml={card.titleHtml} />
        <AuthorsShort authors={card.authors} more={card.moreAuthors} />
        <p class="excerpt">
          <Tex html={card.excerptHtml} />
        </p>
        <footer class="paper-meta">
          <time datetime={card.published}>{card.publishedLabel}</time>
          <span class="comments">{plural(card.numComments, 'comment')}</span>
          <Categories categories={card.categories} />
          <CardSave paperId={card.id} />
        </footer>
      </div>
    </article>
  );
}
