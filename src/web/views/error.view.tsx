/** An error page (404, 500…): what happened, why, and where to go next, in the same shape as the empty states. */
import { type EmptyAction, EmptyState } from './components/empty-state.js';
import { Layout } from './layout.js';

function nextSteps(status: number, retry: string | null): EmptyAction[] {
  const home = { href: '/', label: 'Latest papers' };
  if (status === 404) return [home, { href: '/search', label: 'Search papers' }, { href: '/papers/trending', label: 'Trending' }];
  if ((status >= 500 || status === 429) && retry) return [{ href: retry, label: 'Try again' }, home];
  return [home];
}

const HINTS: Record<number, string> = {
  404: 'The address may be mistyped, or the page may have moved. Look for the paper by its title, an author or its arXiv id.',
  429: 'Wait a minute before the next request.',
};

/** `retry`: the address to load again (a GET request's own), or null. */
export function ErrorView({ status, title, message, retry = null }: { status: number; title: string; message: string; retry?: string | null }) {
  const hint = HINTS[status] ?? (status >= 500 ? 'Nothing you did caused this. If it keeps happening, the site’s operators can find the details in their logs.' : null);
  return (
    <Layout title={title}>
      <EmptyState
        heading="h1"
        class="error-page"
        title={
          <>
            {status} · {title}
          </>
        }
        actions={nextSteps(status, retry)}
      >
        <p class="error-message">{message}</p>
        {hint ? <p>{hint}</p> : null}
      </EmptyState>
    </Layout>
  );
}
