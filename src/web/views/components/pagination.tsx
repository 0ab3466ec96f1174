/** Page links under a feed: previous/next page and numbered pages with gaps. Plain links, no JavaScript. */
import type { PaginationModel } from '../../presenters/feed-page.presenter.js';

export function Pagination({ model }: { model: PaginationModel | null }) {
  if (!model) return null;
  return (
    <nav class="pagination" aria-label="Pages">
      {model.prevHref ? (
        <a class="page-step" rel="prev" href={model.prevHref}>
          ← Previous page
        </a>
      ) : null}
      <ol class="page-list">
        {model.links.map((l, i) =>
          l.kind === 'gap' ? (
            <li key={`gap-${i}`} class="page-gap" aria-hidden="true">
              …
            </li>
          ) : (
            <li key={l.page}>
              {l.current ? (
                <span class="page-link current" aria-current="page">
                  {l.page}
                </span>
              ) : (
                <a class="page-link" href={l.href} aria-label={`Page ${l.page}`}>
                  {l.page}
                </a>
              )}
            </li>
          ),
        )}
      </ol>
      {model.nextHref ? (
        <a class="page-step" rel="next" href={model.nextHref}>
          Next page →
        </a>
      ) : null}
    </nav>
  );
}
