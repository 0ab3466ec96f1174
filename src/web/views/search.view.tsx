/**
 * The search page: the box, then (by state) the query-language help, results with highlights and facets, an empty
 * state with suggestions, or the reason a query cannot be run. Works without JavaScript: every control is a link or a
 * GET form. The query is only ever echoed as text (escaped by preact); highlighted HTML comes from domain/highlight.ts.
 */
import { feedLinks } from '../feeds.js';
import type { ActiveFilterModel, FacetLinkModel, ResultCardModel, SearchPageModel } from '../presenters/search.presenter.js';
import { plural } from '../presenters/format.js';
import { AuthorsShort, CardSave, CardTitle, CardVotes } from './components/paper-card.js';
import { EmptyState } from './components/empty-state.js';
import { Pagination } from './components/pagination.js';
import { Tex } from './components/tex.js';
import { Layout } from './layout.js';

/** The page's own search form (the header has a smaller one on every page). */
function SearchForm({ model }: { model: SearchPageModel }) {
  return (
    <form class="search-form" action="/search" method="get" role="search" aria-label="Search papers">
      <label for="search-q" class="visually-hidden">
        Search query
      </label>
      <input
        id="search-q"
        type="search"
        name="q"
        value={model.q}
        placeholder="Words, “a phrase”, author:name, cat:cs.LG, year:2024"
        maxlength={1000}
        autocomplete="off"
        spellcheck={false}
        autofocus={model.state === 'start' || model.state === 'error'}
      />
      {model.sort !== 'relevance' ? <input type="hidden" name="sort" value={model.sort} /> : null}
      <button type="submit">Search</button>
    </form>
  );
}

function Help({ model }: { model: SearchPageModel }) {
  return (
    <section class="search-help" aria-labelledby="search-help-title">
      <h2 id="search-help-title">How to search</h2>
      <dl>
        {model.examples.map((e) => (
          <div key={e.q}>
            <dt>
              <a href={e.href}>
                <code>{e.q}</code>
              </a>
            </dt>
            <dd>{e.text}</dd>
          </div>
        ))}
      </dl>
      <p>
        Combine them freely:{' '}
        <a href={model.combinedExample.href}>
          <code>{model.combinedExample.q}</code>
        </a>
        .
      </p>
    </section>
  );
}

function Filters({ filters }: { filters: ActiveFilterModel[] }) {
  if (filters.length === 0) return null;
  return (
    <ul class="search-filters" aria-label="Active filters">
      {filters.map((f) => (
        <li key={f.label}>
          <span class="filter-chip">
            <code>{f.label}</code>
            <a class="filter-remove" href={f.removeHref} aria-label={`Remove filter ${f.label}`} title="Remove this filter">
              ×
            </a>
          </span>
        </li>
      ))}
    </ul>
  );
}

function SortLinks({ model }: { model: SearchPageModel }) {
  return (
    <nav class="search-sort" aria-label="Sort results">
      <span class="search-sort-label">Sort by</span>
      {model.sortLinks.map((s) =>
        s.current ? (
          <span key={s.sort} class="sort-link current" aria-current="true">
            {s.label}
          </span>
        ) : (
          <a key={s.sort} class="sort-link" href={s.href}>
            {s.label}
          </a>
        ),
      )}
    </nav>
  );
}

function FacetList({ title, field, items }: { title: string; field: string; items: FacetLinkModel[] }) {
  if (items.length === 0) return null;
  return (
    <section class="facet" aria-label={title}>
      <h2>{title}</h2>
      <ul>
        {items.map((f) => (
          <li key={f.value}>
            <a
              class={f.active ? 'facet-link active' : 'facet-link'}
              href={f.href}
              aria-current={f.active ? 'true' : undefined}
              title={f.active ? `Remove ${field}:${f.value}` : `Only ${field}:${f.value}`}
            >
              <span class="facet-value">{f.value}</span>
              <span class="facet-count">{f.active ? '×' : f.count.toLocaleString('en-GB')}</span>
              {f.active ? <span class="visually-hidden"> (remove this filter)</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ResultCard({ card, rank }: { card: ResultCardModel; rank: number }) {
  return (
    <article class="paper-card search-result" data-paper-id={card.id}>
      <CardVotes upvotes={card.upvotes} />
      <div class="paper-card-body">
        <CardTitle rank={rank} href={card.href} titleHtml={card.titleHtml} />
        <AuthorsShort authors={card.authors} more={card.moreAuthors} />
        <p class="excerpt snippet">
          <Tex html={card.snippetHtml} />
        </p>
        <footer class="paper-meta">
          <time datetime={card.published}>{card.publishedLabel}</time>
          <ul class="categories" aria-label="Categories">
            {card.categories.map((c) => (
              <li key={c.name} class={c.primary ? 'category primary' : 'category'}>
                {c.href ? (
                  <a href={c.href} title={`Only cat:${c.name}`}>
                    {c.name}
                  </a>
                ) : (
                  c.name
                )}
              </li>
            ))}
          </ul>
          <CardSave paperId={card.id} />
        </footer>
      </div>
    </article>
  );
}

function Results({ model }: { model: SearchPageModel }) {
  const last = model.firstRank + model.cards.length - 1;
  return (
    <div class="search-layout">
      <section class="search-results" aria-label="Results">
        {model.cards.length === 0 ? (
          <EmptyState title={`No page ${model.page}`} actions={[{ href: model.firstPageHref, label: 'Back to the first page' }]}>
            <p>
              There is no page {model.page} for this search: it has {plural(model.pages, 'page')}.
            </p>
          </EmptyState>
        ) : (
          <ol class="paper-list" start={model.firstRank}>
            {model.cards.map((card, i) => (
              // The anchor a card's forms come back to (`next=…#paper-ID`).
              <li key={card.id} id={`paper-${card.id}`}>
                <ResultCard card={card} rank={model.firstRank + i} />
              </li>
            ))}
          </ol>
        )}
        {model.pages > 1 ? (
          <p class="search-range">
            Results {model.firstRank}–{last} of {model.total.toLocaleString('en-GB')}
          </p>
        ) : null}
        <Pagination model={model.pagination} />
      </section>
      {model.facets ? (
        <aside class="search-facets" aria-label="Narrow the results">
          <FacetList title="Categories" field="cat" items={model.facets.categories} />
          <FacetList title="Years" field="year" items={model.facets.years} />
        </aside>
      ) : null}
    </div>
  );
}

function Empty({ model }: { model: SearchPageModel }) {
  return (
    <EmptyState
      class="search-empty"
      title="Try another search"
      actions={[
        { href: '/search', label: 'How to search' },
        { href: '/', label: 'Latest papers' },
        { href: '/papers/trending', label: 'Trending' },
      ]}
    >
      <p>No paper matches every part of this search. Suggestions:</p>
      <ul class="search-suggestions">
        <li>Check the spelling.</li>
        <li>Use fewer or more general words{model.hasPhrase ? ', or drop the quotes around a phrase' : ''}.</li>
        {model.filters.length > 0 ? (
          <li>
            Remove a filter: <Filters filters={model.filters} />
          </li>
        ) : null}
      </ul>
    </EmptyState>
  );
}

/** A search's feed; a category's page (`cat:cs.LG` alone) offers that category's feed first. */
function searchFeeds(model: SearchPageModel) {
  const search = feedLinks({ title: `Paperboy: “${model.q}”`, feedPath: '/feeds/search', query: new URLSearchParams({ q: model.q }).toString() });
  return model.feedCategory ? [...feedLinks({ title: `Paperboy: ${model.feedCategory}`, feedPath: `/feeds/category/${model.feedCategory}` }), ...search] : search;
}

/** The search page in each of its states. */
export function SearchView({ model }: { model: SearchPageModel }) {
  const title = model.state === 'start' ? 'Search' : `${model.q.length > 80 ? `${model.q.slice(0, 80)}…` : model.q} · Search`;
  return (
    <Layout
      title={title}
      math={model.math}
      description="Search papers by words, phrases, authors, categories and dates."
      feeds={model.q.trim() !== '' ? searchFeeds(model) : undefined}
    >
      <div class={`search-page is-${model.state}`}>
        <header class="search-header">
          {model.state === 'start' ? <h1>Search papers</h1> : null}
          <SearchForm model={model} />
          {model.state === 'results' ? <Filters filters={model.filters} /> : null}
        </header>

        {model.state === 'error' ? (
          <section class="search-error" role="alert">
            <h1>This search cannot be run</h1>
            <p class="search-error-reason">{model.error}</p>
            {model.filters.length > 0 ? (
              <div class="search-error-filters">
                <p>Or search without one of its filters:</p>
                <Filters filters={model.filters} />
              </div>
            ) : null}
          </section>
        ) : null}

        {model.state === 'results' ? (
          <>
            <div class="search-summary">
              <h1>
                {model.totalLabel} for <q class="search-query">{model.q}</q>
              </h1>
              <p class="search-meta">
                in {model.tookLabel}
                {model.pages > 1 ? ` · page ${model.page} of ${model.pages}` : ''}
              </p>
              {model.relaxed ? <p class="search-relaxed">No paper has all of these words; these have some of them, best matches first.</p> : null}
              <SortLinks model={model} />
              <p class="export-links">
                Export the first {Math.min(model.total, 200)}: <a href={`/search.bib?${new URLSearchParams({ q: model.q, sort: model.sort })}`}>BibTeX</a> ·{' '}
                <a href={`/search.ris?${new URLSearchParams({ q: model.q, sort: model.sort })}`}>RIS</a>
              </p>
            </div>
            <Results model={model} />
          </>
        ) : null}

        {model.state === 'empty' ? (
          <>
            <div class="search-summary">
              <h1>
                No results for <q class="search-query">{model.q}</q>
              </h1>
              <p class="search-meta">in {model.tookLabel}</p>
            </div>
            <Empty model={model} />
          </>
        ) : null}

        {model.state === 'start' || model.state === 'error' ? <Help model={model} /> : null}
      </div>
    </Layout>
  );
}
