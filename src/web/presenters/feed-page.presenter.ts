/**
 * The daily, weekly and monthly feed pages: heading, neighbour links, Daily/Weekly/Monthly tabs, the date picker,
 * cards and page links. Pure: the route gathers the data, this shapes it.
 */
import { isoWeekOf, monthOf, type Period, periodLabel } from '../../domain/period.js';
import type { FeedPage } from '../../services/feed.service.js';
import { dayWithWeekday } from './format.js';
import { type PaperCardModel, presentCard } from './paper.presenter.js';

/** Papers per page on the HTML feed pages. */
export const FEED_PAGE_SIZE = 30;

const SEGMENT: Record<Period['kind'], string> = { day: 'date', week: 'week', month: 'month' };
const NOUN: Record<Period['kind'], string> = { day: 'day', week: 'week', month: 'month' };
const KIND_TITLE: Record<Period['kind'], string> = { day: 'Daily papers', week: 'Weekly papers', month: 'Monthly papers' };

/** `/papers/date/2025-05-26`, `/papers/week/2025-W22?p=2`, `/papers/month/2025-05`. Page 1 has no `p`. */
export function periodHref(p: Pick<Period, 'kind' | 'key'>, page = 1): string {
  return `/papers/${SEGMENT[p.kind]}/${p.key}${page > 1 ? `?p=${page}` : ''}`;
}

export interface NeighbourLink {
  href: string;
  /** "Previous day", "Next week". */
  text: string;
  /** The neighbour itself: "Thu 25 Sep 2025", "Week 21, 2025", "April 2025". */
  detail: string;
}

export interface TabModel {
  label: string;
  href: string;
  active: boolean;
}

export type PageLinkModel = { kind: 'page'; page: number; href: string; current: boolean } | { kind: 'gap' };

export interface PaginationModel {
  current: number;
  pages: number;
  links: PageLinkModel[];
  prevHref: string | null;
  nextHref: string | null;
}

export interface FeedPageModel {
  kind: Period['kind'];
  kindTitle: string;
  heading: string;
  canonicalHref: string;
  tabs: TabModel[];
  prev: NeighbourLink | null;
  next: NeighbourLink | null;
  /** The date picker's initial value and upper bound (the latest day with papers). */
  picker: { value: string; max: string | null };
  cards: PaperCardModel[];
  total: number;
  /** Rank of the first card on this page (1-based). */
  firstRank: number;
  pagination: PaginationModel | null;
  math: boolean;
  /** Served at `/`: the latest day. */
  home: boolean;
}

export interface FeedPageInput {
  feed: FeedPage;
  /** 1-based page number. */
  page: number;
  prev: Period | null;
  next: Period | null;
  /** The day the tabs are anchored on: the day shown, or a day inside the week/month shown. */
  anchorDay: string;
  latestDay: string | null;
  home?: boolean;
}

function neighbourDetail(p: Period): string {
  if (p.kind === 'day') return dayWithWeekday(p.key);
  if (p.kind === 'week') return `Week ${Number(p.key.slice(6))}, ${p.key.slice(0, 4)}`;
  return periodLabel(p);
}

function neighbour(p: Period | null, direction: 'Previous' | 'Next'): NeighbourLink | null {
  if (!p) return null;
  return { href: periodHref(p), text: `${direction} ${NOUN[p.kind]}`, detail: neighbourDetail(p) };
}

/**
 * Page links: first, last, and two either side of the current page, with gaps between. `href` builds a page's
 * address; a page past the last one (shown only as a "not found" page) gets no previous link.
 */
export function pageLinks(current: number, pages: number, href: (page: number) => string): PaginationModel | null {
  if (pages <= 1) return null;
  const shown = new Set([1, pages]);
  for (let i = current - 2; i <= current + 2; i++) if (i >= 1 && i <= pages) shown.add(i);
  const links: PageLinkModel[] = [];
  let last = 0;
  for (const page of [...shown].sort((a, b) => a - b)) {
    if (page > last + 1) links.push({ kind: 'gap' });
    links.push({ kind: 'page', page, href: href(page), current: page === current });
    last = page;
  }
  return {
    current,
    pages,
    links,
    prevHref: current > 1 && current <= pages ? href(current - 1) : null,
    nextHref: current < pages ? href(current + 1) : null,
  };
}

/** The feed's page links for a period. */
export function paginate(period: Pick<Period, 'kind' | 'key'>, current: number, pages: number): PaginationModel | null {
  return pageLinks(current, pages, (page) => periodHref(period, page));
}

export function presentFeedPage(input: FeedPageInput): FeedPageModel {
  const { feed, page } = input;
  const period = feed.period;
  const cards = feed.items.map(presentCard);
  const pages = Math.max(1, Math.ceil(feed.total / feed.limit));
  const anchor = input.anchorDay;
  return {
    kind: period.kind,
    kindTitle: KIND_TITLE[period.kind],
    heading: periodLabel(period),
    canonicalHref: periodHref(period, page),
    tabs: [
      { label: 'Daily', href: periodHref({ kind: 'day', key: anchor }), active: period.kind === 'day' },
      { label: 'Weekly', href: periodHref({ kind: 'week', key: isoWeekOf(anchor) }), active: period.kind === 'week' },
      { label: 'Monthly', href: periodHref({ kind: 'month', key: monthOf(anchor) }), active: period.kind === 'month' },
    ],
    prev: neighbour(input.prev, 'Previous'),
    next: neighbour(input.next, 'Next'),
    picker: { value: period.kind === 'day' ? period.key : anchor, max: input.latestDay },
    cards,
    total: feed.total,
    firstRank: (page - 1) * feed.limit + 1,
    pagination: paginate(period, page, pages),
    math: cards.some((c) => c.math),
    home: input.home ?? false,
  };
}
