/** "For you": recent papers picked from the member's upvotes, saves and follows, each with its reason; and their interests. */
import type { Follows, RecommendationBasis } from '../../store/interest.repository.js';
import { feedLinks } from '../feeds.js';
import type { PaperCardModel } from '../presenters/paper.presenter.js';
import { EmptyState } from './components/empty-state.js';
import { CsrfField, FormError, FormOk, PostButton } from './components/forms.js';
import { PaperCard } from './components/paper-card.js';
import { Layout } from './layout.js';

export interface ForYouItem {
  card: PaperCardModel;
  reason: string;
  basis: RecommendationBasis;
}

/** The reason under a recommendation, with a link to the liked paper it is closest to. */
function Reason({ basis, reason }: { basis: RecommendationBasis; reason: string }) {
  if (basis.author || !basis.paperId) return <>{reason.charAt(0).toUpperCase() + reason.slice(1)}</>;
  return (
    <>
      Because you {basis.how} <a href={`/papers/${basis.paperId}`}>“{basis.paperTitle ?? basis.paperId}”</a>
      {basis.list !== undefined ? <> to “{basis.list}”</> : null}
      {basis.terms && basis.terms.length > 0 ? <> · shared terms: {basis.terms.join(', ')}</> : null}
      {basis.category ? <> · in {basis.category}, which you follow</> : null}
    </>
  );
}

export function ForYouView({
  items,
  math,
  computedAt,
  dismissed,
  windowDays,
  categories,
}: {
  items: ForYouItem[] | null;
  math: boolean;
  computedAt: string | null;
  dismissed?: { paperId: string; title: string } | undefined;
  windowDays: number;
  categories: Array<{ value: string; count: number }>;
}) {
  return (
    <Layout title="For you" math={math} scripts={['/static/app.js']}>
      <header class="period-header">
        <p class="period-kind">For you</p>
        <h1>Papers for you</h1>
        <p class="muted">
          Papers of the last {windowDays} feed days, ranked from what you upvoted, saved and follow. <a href="/for-you/interests">Your interests</a>
          {computedAt ? <> · updated {computedAt.slice(0, 16).replace('T', ' ')} UTC</> : null} · <a href="/api/for-you">JSON</a>
        </p>
      </header>
      {dismissed ? (
        <FormOk>
          Hidden “{dismissed.title}”; papers like it move down.{' '}
          <PostButton action="/for-you/undismiss" fields={{ paperId: dismissed.paperId }} class="link-button">
            Undo
          </PostButton>
        </FormOk>
      ) : null}
      {items === null ? (
        <EmptyState title="Nothing to go on yet">
          <p>Upvote a few papers, save them to a <a href="/lists">reading list</a>, or tell us what you read:</p>
          <ColdStart categories={categories} follows={{ authors: [], categories: [] }} />
        </EmptyState>
      ) : items.length === 0 ? (
        <EmptyState
          title="Nothing close to your interests just now"
          actions={[
            { href: '/for-you/interests', label: 'Follow more authors and categories' },
            { href: '/', label: 'Latest papers' },
          ]}
        >
          <p>No recent papers are close to what you liked. Come back after the next announcement, or widen what you follow.</p>
        </EmptyState>
      ) : (
        <ol class="paper-list">
          {items.map(({ card, reason, basis }, i) => (
            <li key={card.id}>
              <PaperCard card={card} rank={i + 1} />
              <div class="reason-row">
                <p class="reason muted">
                  <Reason basis={basis} reason={reason} />
                </p>
                <PostButton action="/for-you/dismiss" fields={{ paperId: card.id }} class="link-button" label={`Not interested: ${card.id}`}>
                  Not interested
                </PostButton>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

/** Cold start: pick categories, name authors, paste arXiv ids or a BibTeX file. */
function ColdStart({ categories, follows }: { categories: Array<{ value: string; count: number }>; follows: Follows }) {
  return (
    <form method="post" action="/for-you/start" class="stacked-form cold-start">
      <CsrfField />
      {categories.length > 0 ? (
        <fieldset>
          <legend>Categories you read</legend>
          <ul class="category-picks">
            {categories.map((c) => (
              <li key={c.value}>
                <label>
                  <input type="checkbox" name="category" value={c.value} checked={follows.categories.includes(c.value)} /> {c.value} <span class="muted">({c.count} recent)</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
      <label for="start-authors">Authors you follow (one per line, as written on their papers)</label>
      <textarea id="start-authors" name="authors" rows={3} maxlength={5000} placeholder="Yoshua Bengio"></textarea>
      <label for="start-seeds">Papers you liked: arXiv ids, arXiv links or DOIs, or pasted BibTeX entries (saved to a list named “Seed papers”; a .bib file can be uploaded on any list’s page)</label>
      <textarea id="start-seeds" name="seeds" rows={4} maxlength={200000} placeholder="2505.20278, https://arxiv.org/abs/1706.03762"></textarea>
      <button type="submit" class="primary-button">
        Start my feed
      </button>
    </form>
  );
}

export interface StartResult {
  followed: number;
  seeded: number;
  unmatched: Array<{ entry: string; reason: string }>;
}

/** The followed authors (or categories) with unfollow buttons, and a form to follow one more. */
function FollowSection({ kind, values }: { kind: 'author' | 'category'; values: string[] }) {
  const author = kind === 'author';
  return (
    <>
      <h2>{author ? 'Authors you follow' : 'Categories you follow'}</h2>
      {values.length === 0 ? <p class="muted">None yet.</p> : null}
      <ul class="plain-list">
        {values.map((v) => (
          <li key={v}>
            <a href={`/search?q=${encodeURIComponent(author ? `author:"${v}"` : `cat:${v}`)}`}>{v}</a>{' '}
            <PostButton action="/follows/remove" fields={{ kind, value: v }} class="link-button" label={`Unfollow ${v}`}>
              Unfollow
            </PostButton>
          </li>
        ))}
      </ul>
      <form method="post" action="/follows" class="follow-form">
        <CsrfField />
        <input type="hidden" name="kind" value={kind} />
        <label for={`follow-${kind}`}>{author ? 'Follow an author' : 'Follow a category'}</label>{' '}
        <input id={`follow-${kind}`} name="value" required maxlength={author ? 200 : 41} placeholder={author ? 'Name as on their papers' : 'cs.LG'} />{' '}
        <button type="submit" class="secondary-button">
          Follow
        </button>
      </form>
    </>
  );
}

export function InterestsView({
  follows,
  dismissed,
  categories,
  error,
  started,
  feed,
}: {
  feed: { createdAt: string | null; secret?: string | undefined };
  follows: Follows;
  dismissed: Array<{ paperId: string; title: string }>;
  categories: Array<{ value: string; count: number }>;
  error?: string | undefined;
  started?: StartResult | undefined;
}) {
  // The private feed's secret is stored only as a hash, so the one page that can announce it is this one, right after
  // it is made (sent no-store, to the member alone).
  return (
    <Layout title="Your interests" feeds={feed.secret ? feedLinks({ title: 'Paperboy: for you', feedPath: `/for-you/feed/${feed.secret}` }) : undefined}>
      <section class="form-page">
        <h1>Your interests</h1>
        <p class="muted">
          What <a href="/for-you">For you</a> ranks by, besides your upvotes and <a href="/lists">reading lists</a>.
        </p>
        <FormError message={error} />
        {started ? (
          <FormOk>
            Followed {started.followed} new {started.followed === 1 ? 'author or category' : 'authors and categories'}; saved {started.seeded} {started.seeded === 1 ? 'paper' : 'papers'} to “Seed papers”. <a href="/for-you">See your feed</a>.
          </FormOk>
        ) : null}
        {started && started.unmatched.length > 0 ? (
          <details open>
            <summary>
              {started.unmatched.length} {started.unmatched.length === 1 ? 'entry' : 'entries'} not found here
            </summary>
            <ul>
              {started.unmatched.map((u, i) => (
                <li key={i}>
                  <code>{u.entry}</code>: {u.reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}

        <FollowSection kind="author" values={follows.authors} />
        <FollowSection kind="category" values={follows.categories} />

        <h2>Add several at once</h2>
        <ColdStart categories={categories} follows={follows} />

        <h2>Private feed</h2>
        <p class="muted">Read “For you” in a feed reader. The address is secret: anyone who has it can read your recommendations (not change anything).</p>
        {feed.secret ? (
          <FormOk>
            Your private feed address (shown only now; copy it into your feed reader):{' '}
            <code class="secret-url">/for-you/feed/{feed.secret}.rss</code> · also <code>.atom</code> and <code>.json</code>
          </FormOk>
        ) : feed.createdAt ? (
          <p>You made a private feed address on {feed.createdAt.slice(0, 10)}. A new one turns that one off.</p>
        ) : null}
        <PostButton action="/for-you/feed-token" class="secondary-button">
          {feed.createdAt ? 'Make a new private feed address' : 'Make a private feed address'}
        </PostButton>{' '}
        {feed.createdAt ? (
          <PostButton action="/for-you/feed-token" fields={{ action: 'delete' }} class="link-button">
            Turn the private feed off
          </PostButton>
        ) : null}

        <h2>Not interested</h2>
        {dismissed.length === 0 ? <p class="muted">You have not hidden any paper.</p> : null}
        <ul class="plain-list">
          {dismissed.map((d) => (
            <li key={d.paperId}>
              <a href={`/papers/${d.paperId}`}>{d.title}</a>{' '}
              <PostButton action="/for-you/undismiss" fields={{ paperId: d.paperId, next: '/for-you/interests' }} class="link-button" label={`Show again: ${d.paperId}`}>
                Show again
              </PostButton>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
