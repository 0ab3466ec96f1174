/** Pages of the community features: submit a paper, edit a comment, report something, trending, how trending works. */
import { feedLinks } from '../feeds.js';
import { TRENDING_WINDOW_SECONDS, TRUSTED_ACCOUNT_AGE_MS } from '../../domain/hotness.js';
import { COMMENT_MAX_CHARS } from '../../services/comment.service.js';
import type { SubmissionRules } from '../../services/submission.service.js';
import type { PaperCardModel } from '../presenters/paper.presenter.js';
import { CsrfField, FormError } from './components/forms.js';
import { NewSinceNote, PaperCard } from './components/paper-card.js';
import { Layout } from './layout.js';

export function SubmitView({ rules, error, value }: { rules: SubmissionRules; error?: string; value?: string }) {
  return (
    <Layout title="Submit a paper">
      <section class="form-page">
        <h1>Submit a paper</h1>
        <p>
          Give an arXiv id or link. We fetch its details from arXiv and it enters today's feed with your name. Papers first published in the last {rules.maxAgeDays}{' '}
          days, each once, up to {rules.dailyCap} a day per member.
        </p>
        <FormError message={error} />
        <form method="post" action="/submit" class="stacked-form">
          <CsrfField />
          <label for="submit-paper">arXiv id or URL</label>
          <input id="submit-paper" name="paper" required maxlength={300} placeholder="2505.20278 or https://arxiv.org/abs/2505.20278" value={value ?? ''} aria-invalid={error ? 'true' : undefined} />
          <button type="submit" class="primary-button">
            Submit
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function EditCommentView({ id, body, paperHrefWithAnchor, error }: { id: number; body: string; paperHrefWithAnchor: string; error?: string }) {
  return (
    <Layout title="Edit comment">
      <section class="form-page">
        <h1>Edit your comment</h1>
        <FormError message={error} />
        <form method="post" action={`/comments/${id}/edit`} class="stacked-form">
          <CsrfField />
          <label for="edit-body">Comment (Markdown and $math$)</label>
          <textarea id="edit-body" name="body" rows={8} maxlength={COMMENT_MAX_CHARS} required>
            {body}
          </textarea>
          <button type="submit" class="primary-button">
            Save
          </button>
        </form>
        <p>
          <a href={paperHrefWithAnchor}>Cancel</a>
        </p>
      </section>
    </Layout>
  );
}

export function ReportView({ type, id, label, error, done }: { type: string; id: string; label: string; error?: string; done?: boolean }) {
  return (
    <Layout title="Report">
      <section class="form-page">
        <h1>Report {label}</h1>
        {done ? (
          <p role="status">Thank you: the moderators will look at it. What they decide appears in the public moderation log.</p>
        ) : (
          <>
            <FormError message={error} />
            <form method="post" action="/report" class="stacked-form">
              <CsrfField />
              <input type="hidden" name="type" value={type} />
              <input type="hidden" name="id" value={id} />
              <label for="report-reason">What is wrong? (moderators read this)</label>
              <textarea id="report-reason" name="reason" rows={3} maxlength={500} required />
              <button type="submit" class="primary-button">
                Send report
              </button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}

export function TrendingView({ cards, firstRank, nextHref, prevHref, math }: { cards: PaperCardModel[]; firstRank: number; nextHref: string | null; prevHref: string | null; math: boolean }) {
  return (
    <Layout title="Trending papers" math={math} description="Papers ranked by recent upvotes, newer papers first unless outvoted." scripts={['/static/app.js']} feeds={feedLinks({ title: 'Paperboy: trending papers', feedPath: '/feeds/trending' })}>
      <header class="period-header">
        <p class="period-kind">Trending</p>
        <h1>Trending papers</h1>
        <p class="muted">
          Upvotes weighed against age: a paper two days older needs ten times the votes. <a href="/about/trending">How trending works</a>.
        </p>
      </header>
      {cards.length === 0 ? (
        <p class="empty-state">Nothing is trending yet.</p>
      ) : (
        <>
          <NewSinceNote />
          <ol class="paper-list">
            {cards.map((card, i) => (
              <li key={card.id}>
                <PaperCard card={card} rank={firstRank + i} />
              </li>
            ))}
          </ol>
        </>
      )}
      <nav class="pagination" aria-label="Pages">
        {prevHref ? <a href={prevHref}>← Previous</a> : null} {nextHref ? <a href={nextHref}>Next →</a> : null}
      </nav>
    </Layout>
  );
}

export function AboutTrendingView() {
  const windowDays = TRENDING_WINDOW_SECONDS / 86_400;
  return (
    <Layout title="How trending works">
      <article class="form-page prose">
        <h1>How trending works</h1>
        <p>Each paper in the feed has a trending score, stored with it and updated on every vote:</p>
        <pre class="command">
          <code>score = log10(max(votes, 1)) + (feed day − 2020-01-01) / {windowDays} days</code>
        </pre>
        <p>
          Ten times the votes are worth {windowDays} days of age: a paper that entered the feed {windowDays} days later ranks level with one that has ten times its
          votes. The logarithm makes the first votes count most, as in Reddit's and Lobsters' rankings; the score only changes when votes do, so the ranking is
          stable from one minute to the next.
        </p>
        <h2>Which votes count</h2>
        <ul>
          <li>Upvotes imported with a listing (e.g. from Hugging Face Daily Papers), and</li>
          <li>
            upvotes by members whose account is at least {TRUSTED_ACCOUNT_AGE_MS / 3_600_000} hours old and not suspended. Votes by newer accounts show in the
            count but move trending only once the account has aged (a job recounts every few minutes); votes by suspended accounts are removed.
          </li>
        </ul>
        <p>
          The formula and its parameters live in one file, <code>src/domain/hotness.ts</code>, and are described in <code>docs/trending.md</code>.
        </p>
      </article>
    </Layout>
  );
}
