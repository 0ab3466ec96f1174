/** The page shell every HTML page shares: head, header with navigation and search box, footer. */
import { feedLinks } from '../feeds.js';
import type { ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Theme } from '../theme.js';
import { ViewerContext } from '../viewer.js';
import { CsrfField, PostButton, signInHref } from './components/forms.js';

/** Every page announces the daily feed unless it has feeds of its own. */
const DAILY_FEEDS = feedLinks({ title: 'Paperboy: daily papers', feedPath: '/feeds/daily' });

export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Extra stylesheet needed by pages with math. */
  math?: boolean;
  description?: string;
  /** Canonical URL of the page (e.g. `/` points at the latest day's page). */
  canonical?: string;
  /** Static scripts besides app.js, which every page loads (progressive enhancement only: pages work without them), with `defer`. */
  scripts?: string[];
  /** Feeds of this page's papers, announced for feed readers (`<link rel="alternate">`); by default the daily feed. */
  feeds?: Array<{ title: string; href: string; type: string }>;
}

/** The search box in the header of every page: a plain GET form to /search (the search page has its own, larger one). */
function HeaderSearch() {
  return (
    <form class="site-search" action="/search" method="get" role="search" aria-label="Site search">
      <label for="site-search-q" class="visually-hidden">
        Search papers
      </label>
      <input id="site-search-q" type="search" name="q" placeholder="Search papers" maxlength={1000} autocomplete="off" />
      <button type="submit">Search</button>
    </form>
  );
}

/**
 * The colour theme: System (the default: follow the device), Light or Dark, as a group of radio buttons in the footer.
 * It is hidden until app.js shows it (the choice is a cookie the script writes); without JavaScript the site follows
 * the system setting.
 */
function ThemeChoice({ theme }: { theme: Theme | null }) {
  const choices = [
    ['system', 'System'],
    ['light', 'Light'],
    ['dark', 'Dark'],
  ] as const;
  return (
    <fieldset class="theme-choice" hidden>
      <legend>Theme</legend>
      <span class="theme-options">
        {choices.map(([value, label]) => (
          <label key={value}>
            <input type="radio" name="pb-theme" value={value} checked={(theme ?? 'system') === value} />
            <span>{label}</span>
          </label>
        ))}
      </span>
    </fieldset>
  );
}

/** Right side of the header: the member's links, or "Sign in". */
function AccountNav() {
  const viewer = useContext(ViewerContext);
  if (!viewer.user) {
    const onAuthPage = viewer.here.startsWith('/auth/');
    return (
      <nav class="account-nav" aria-label="Account">
        <a href={onAuthPage ? '/auth/signin' : signInHref(viewer.here)}>Sign in</a>
      </nav>
    );
  }
  return (
    <nav class="account-nav" aria-label="Account">
      <a href="/for-you">For you</a>
      <a href="/lists">Lists</a>
      <a href="/submit">Submit</a>
      {viewer.user.moderator ? <a href="/moderation/reports">Reports</a> : null}
      <a class="member-name" href={`/users/${viewer.user.id}`} title={viewer.user.name}>
        {viewer.user.name}
      </a>
      <a href="/account">Account</a>
      {viewer.csrf ? (
        <PostButton action="/auth/signout" class="link-button">
          Sign out
        </PostButton>
      ) : null}
    </nav>
  );
}

export function Layout({ title, children, math, description, canonical, scripts, feeds }: LayoutProps) {
  const viewer = useContext(ViewerContext);
  const allScripts = ['/static/app.js', ...(scripts ?? []).filter((s) => s !== '/static/app.js')];
  return (
    <html lang="en" data-theme={viewer.theme ?? undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === 'Paperboy' ? title : `${title} · Paperboy`}</title>
        {description ? <meta name="description" content={description} /> : null}
        {/* No favicon yet: an empty data: icon saves every page a /favicon.ico 404. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        {math ? <link rel="stylesheet" href="/static/katex/katex.min.css" /> : null}
        {canonical ? <link rel="canonical" href={canonical} /> : null}
        {(feeds ?? DAILY_FEEDS).map((f) => (
          <link key={f.href} rel="alternate" type={f.type} title={f.title} href={f.href} />
        ))}
        {allScripts.map((src) => (
          <script key={src} src={src} defer />
        ))}
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">
            Paperboy
          </a>
          <nav>
            <a href="/">Daily</a>
            <a href="/papers/week">Weekly</a>
            <a href="/papers/month">Monthly</a>
            <a href="/papers/trending">Trending</a>
          </nav>
          <HeaderSearch />
          <AccountNav />
        </header>
        <main>{children}</main>
        <section class="subscribe-box" aria-labelledby="subscribe-box-title">
          <form method="post" action="/digest/subscribe">
            <CsrfField />
            <h2 id="subscribe-box-title">Trending papers in your inbox</h2>
            <label for="subscribe-box-email" class="visually-hidden">
              Your email address for the digest
            </label>
            <input id="subscribe-box-email" type="email" name="email" required maxlength={254} autocomplete="email" placeholder="you@example.org" />
            <input type="hidden" name="frequency" value="daily" />
            <button type="submit">Subscribe</button>
            <a href="/digest/subscribe">Weekly, or only some topics?</a>
          </form>
        </section>
        <footer class="site-footer">
          <p>
            Paperboy · open source (MIT) · paper metadata from <a href="https://arxiv.org">arXiv</a> (CC0) · <a href="/moderation">Moderation log</a> ·{' '}
            <a href="/about/trending">How trending works</a> · <a href="/api/docs">API</a> · <a href="/feeds/daily.rss">RSS</a>
          </p>
          {/* Last in the page, so that app.js showing it moves nothing (no layout shift). */}
          <ThemeChoice theme={viewer.theme} />
        </footer>
      </body>
    </html>
  );
}
