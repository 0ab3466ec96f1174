/** A paper's page: title and abstract with math typeset, every author, dates, links, the feed day and a BibTeX entry. */
import { plural } from '../presenters/format.js';
import { PAGE_AUTHORS_SHOWN, type PaperCardModel, type PaperPageModel, paperHref } from '../presenters/paper.presenter.js';
import { useContext } from 'preact/hooks';
import type { ThreadModel } from '../presenters/comment.presenter.js';
import { ViewerContext } from '../viewer.js';
import { PAPER_FOLLOW_AUTHORS } from '../../services/interest.service.js';
import { CommentThread } from './components/comments.js';
import { CsrfField, FormOk } from './components/forms.js';
import { SaveToList } from './lists.view.js';
import type { ReadingList } from '../../store/reading-list.repository.js';
import { CardVotes, Categories } from './components/paper-card.js';
import { Tex } from './components/tex.js';
import { Layout } from './layout.js';

function Authors({ authors }: { authors: string[] }) {
  if (authors.length === 0) return null;
  const shown = authors.slice(0, PAGE_AUTHORS_SHOWN);
  const rest = authors.slice(PAGE_AUTHORS_SHOWN);
  return (
    <div class="paper-authors">
      <p class="authors">{shown.join(', ')}</p>
      {rest.length > 0 ? (
        <details class="more-authors-list">
          <summary>and {plural(rest.length, 'more author')}</summary>
          <p class="authors">{rest.join(', ')}</p>
        </details>
      ) : null}
    </div>
  );
}

export interface SimilarModel {
  card: PaperCardModel;
  reason: string;
}

function SimilarPapers({ items }: { items: SimilarModel[] }) {
  if (items.length === 0) return null;
  return (
    <section class="similar" aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar papers</h2>
      <ol class="similar-list">
        {items.map(({ card, reason }) => (
          <li key={card.id}>
            <a href={card.href}>
              <Tex html={card.titleHtml} />
            </a>
            <span class="muted">
              {' '}
              · {card.publishedLabel} · {reason}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

export interface FollowModel {
  authors: string[];
  categories: string[];
  /** What the member follows (authors and categories together). */
  followed: Set<string>;
  /** The member just saved this form. */
  done: boolean;
}

/** Follow this paper's authors or categories: their new papers rank higher in "for you". */
function FollowForm({ paperId, follow }: { paperId: string; follow: FollowModel }) {
  const count = [...follow.authors, ...follow.categories].filter((x) => follow.followed.has(x)).length;
  return (
    <details class="follow-box" id="follow" open={follow.done}>
      <summary>Follow authors or categories{count > 0 ? ` (${count} followed)` : ''}</summary>
      <form method="post" action="/follows/paper">
        <CsrfField />
        <input type="hidden" name="paperId" value={paperId} />
        <fieldset>
          <legend>Authors</legend>
          {follow.authors.slice(0, PAPER_FOLLOW_AUTHORS).map((a, i) => (
            <label key={a} class="follow-choice">
              <input type="checkbox" name="author" value={a} checked={follow.followed.has(a)} id={i === 0 ? 'follow-first' : undefined} /> {a}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Categories</legend>
          {follow.categories.map((c) => (
            <label key={c} class="follow-choice">
              <input type="checkbox" name="category" value={c} checked={follow.followed.has(c)} /> {c}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="secondary-button">
          Save follows
        </button>{' '}
        <a href="/for-you/interests">All your interests</a>
        {follow.done ? <FormOk>Saved. New papers by them rank higher in <a href="/for-you">For you</a>.</FormOk> : null}
      </form>
    </details>
  );
}

export function PaperView({
  model,
  thread,
  hidden,
  similar,
  save,
  follow,
}: {
  model: PaperPageModel;
  thread?: ThreadModel | undefined;
  hidden?: boolean;
  similar?: SimilarModel[];
  save?: { lists: ReadingList[]; holding: number[] } | undefined;
  follow?: FollowModel | undefined;
}) {
  const m = model;
  const viewer = useContext(ViewerContext);
  return (
    <Layout title={m.titleText} math={m.math || Boolean(thread?.math)} description={m.description} canonical={paperHref(m.id)} scripts={['/static/app.js']}>
      <article class="paper-page">
        {m.feed ? (
          <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href={m.feed.href}>← Daily papers · {m.feed.label}</a>
          </nav>
        ) : null}
        <header class="paper-header">
          <p class="paper-id">
            {m.idLabel}
            {m.version !== null ? <span class="version">v{m.version}</span> : null}
          </p>
          <h1 class="paper-title">
            <Tex html={m.titleHtml} />
          </h1>
          <Authors authors={m.authors} />
          <p class="paper-dates">
            <span>
              Published <time datetime={m.published}>{m.publishedLabel}</time>
            </span>
            {m.updated && m.updatedLabel ? (
              <span>
                Updated <time datetime={m.updated}>{m.updatedLabel}</time>
              </span>
            ) : null}
            {m.version !== null ? <span>Version {m.version}</span> : null}
          </p>
          <Categories categories={m.categories} />
          {m.links.length > 0 || m.doi ? (
            <ul class="paper-links" aria-label="Links">
              {m.links.map((l) => (
                <li key={l.label}>
                  <a class="button-link" href={l.href} rel="noopener">
                    {l.label}
                  </a>
                </li>
              ))}
              {m.doi ? (
                <li>
                  <a class="button-link" href={m.doi.href} rel="noopener">
                    DOI
                  </a>
                </li>
              ) : null}
            </ul>
          ) : null}
        </header>

        {hidden ? (
          <p class="notice" role="note">
            The moderators hid this paper from the feeds. <a href="/moderation">See the moderation log</a>.
          </p>
        ) : null}
        {m.feed ? (
          <div class="feed-box">
            <CardVotes upvotes={m.feed.upvotes} paperId={hidden ? undefined : m.id} />
            <span>
              In the daily feed on <a href={m.feed.href}>{m.feed.label}</a>
              {m.feed.submittedBy ? <> · submitted by {m.feed.submittedBy}</> : null}
            </span>
            <span>{plural(m.feed.numComments, 'comment')}</span>
            {viewer.user ? (
              <a href={`/report?type=paper&id=${encodeURIComponent(m.id)}`} rel="nofollow">
                Report
              </a>
            ) : null}
            {viewer.user?.moderator ? <a href={`/moderation/papers/${m.id}`}>Moderate</a> : null}
          </div>
        ) : null}

        {save ? <SaveToList paperId={m.id} lists={save.lists} holding={save.holding} /> : null}
        {follow ? <FollowForm paperId={m.id} follow={follow} /> : null}
        <section class="abstract" aria-labelledby="abstract-heading">
          <h2 id="abstract-heading">Abstract</h2>
          <p>
            <Tex html={m.abstractHtml} />
          </p>
        </section>

        {m.comment || m.journalRef || m.doi ? (
          <section class="paper-details" aria-label="Details">
            <dl>
              {m.comment ? (
                <>
                  <dt>Comment</dt>
                  <dd>{m.comment}</dd>
                </>
              ) : null}
              {m.journalRef ? (
                <>
                  <dt>Journal reference</dt>
                  <dd>{m.journalRef}</dd>
                </>
              ) : null}
              {m.doi ? (
                <>
                  <dt>DOI</dt>
                  <dd>
                    <a href={m.doi.href} rel="noopener">
                      {m.doi.text}
                    </a>
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
        ) : null}

        <section class="cite" aria-labelledby="cite-heading">
          <div class="cite-header">
            <h2 id="cite-heading">Cite</h2>
            <span class="cite-actions">
              <button type="button" class="copy-button" data-copy-target="bibtex" hidden>
                Copy BibTeX
              </button>
              <a href={`${paperHref(m.id)}.bib`} download>
                .bib
              </a>
              <a href={`${paperHref(m.id)}.ris`} download>
                .ris (EndNote, Zotero, Mendeley)
              </a>
            </span>
          </div>
          <pre id="bibtex" class="bibtex">
            <code>{m.bibtex}</code>
          </pre>
        </section>
        <SimilarPapers items={similar ?? []} />
        {thread ? <CommentThread thread={thread} /> : null}
      </article>
    </Layout>
  );
}
