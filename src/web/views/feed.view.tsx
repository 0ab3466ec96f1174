/** A day's, week's or month's papers, most upvoted first. Also the home page (the latest day). */
import type { FeedPageModel } from '../presenters/feed-page.presenter.js';
import { plural } from '../presenters/format.js';
import { EmptyState } from './components/empty-state.js';
import { Pagination } from './components/pagination.js';
import { NewSinceNote, PaperCard } from './components/paper-card.js';
import { PeriodHeader } from './components/period-header.js';
import { Layout } from './layout.js';

const EMPTY_TITLE: Record<FeedPageModel['kind'], string> = {
  day: 'No papers on this day',
  week: 'No papers in this week',
  month: 'No papers in this month',
};

const EMPTY_TEXT: Record<FeedPageModel['kind'], string> = {
  day: 'No papers entered the feed on this day — weekends and holidays are often empty.',
  week: 'No papers entered the feed in this week.',
  month: 'No papers entered the feed in this month.',
};

export function FeedView({ model }: { model: FeedPageModel }) {
  const last = model.firstRank + model.cards.length - 1;
  return (
    <Layout
      title={model.home ? 'Daily papers' : `${model.heading} · ${model.kindTitle}`}
      math={model.math}
      canonical={model.canonicalHref}
      description={`${model.kindTitle} for ${model.heading}, ranked by upvotes.`}
      scripts={['/static/app.js']}
    >
      <PeriodHeader model={model} />
      {model.cards.length === 0 ? (
        <EmptyState
          title={EMPTY_TITLE[model.kind]}
          actions={[
            ...(model.prev ? [{ href: model.prev.href, label: `← ${model.prev.detail}` }] : []),
            ...(model.next ? [{ href: model.next.href, label: `${model.next.detail} →` }] : []),
            { href: '/', label: 'Latest papers' },
            { href: '/papers/trending', label: 'Trending' },
          ]}
        >
          <p>{EMPTY_TEXT[model.kind]}</p>
          <p>Step to the nearest {model.kind === 'day' ? 'day' : model.kind} with papers, pick another day above, or see what is new.</p>
        </EmptyState>
      ) : (
        <section class="feed" aria-label="Papers">
          <p class="feed-summary">
            {model.pagination
              ? `Papers ${model.firstRank}–${last} of ${model.total}, ranked by upvotes`
              : `${plural(model.total, 'paper')}, ranked by upvotes`}
          </p>
          <NewSinceNote />
          <ol class="paper-list">
            {model.cards.map((card, i) => (
              <li key={card.id}>
                <PaperCard card={card} rank={model.firstRank + i} />
              </li>
            ))}
          </ol>
          <Pagination model={model.pagination} />
          <p class="export-links">
            Export this {model.kind === 'day' ? 'day' : model.kind}: <a href={`${model.canonicalHref.split('?')[0]}.bib`}>BibTeX</a> ·{' '}
            <a href={`${model.canonicalHref.split('?')[0]}.ris`}>RIS</a>
          </p>
        </section>
      )}
    </Layout>
  );
}
