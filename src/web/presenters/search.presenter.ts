/**
 * The search page: result cards with highlights, sort links, paging, facet links that add `cat:`/`year:` to the query,
 * removable filter chips, and the help shown before the first search. Pure: the route runs the search, this shapes it.
 */
import { alignSnippet, highlight } from '../../domain/highlight.js';
import { hasMath, renderMath, truncateLatex } from '../../domain/math.js';
import { parseQuery } from '../../domain/query-parser.js';
import type { SearchSort } from '../../search/text-index.js';
import { CATEGORY_PATTERN } from '../../services/interest.service.js';
import type { SearchHit } from '../../services/search.service.js';
import type { MathHtml } from '../../domain/math.js';
import { type PaginationModel, pageLinks } from './feed-page.presenter.js';
import { longDate, plural } from './format.js';
import { CARD_AUTHORS, CARD_EXCERPT_CHARS, type CategoryModel, paperHref, presentCategories } from './paper.presenter.js';

/** Results per page. */
export const SEARCH_PAGE_SIZE = 20;
export const SEARCH_SORTS: readonly SearchSort[] = ['relevance', 'date', 'upvotes'];
const SORT_LABELS: Record<SearchSort, string> = { relevance: 'Relevance', date: 'Newest', upvotes: 'Most upvoted' };

/** `/search?q=…`, with `sort` unless relevance and `p` unless 1; `/search` alone for an empty query. */
export function searchHref(q: string, opts: { sort?: SearchSort; page?: number } = {}): string {
  const params = new URLSearchParams();
  const text = q.trim();
  if (text === '') return '/search';
  params.set('q', text);
  if (opts.sort && opts.sort !== 'relevance') params.set('sort', opts.sort);
  if (opts.page && opts.page > 1) params.set('p', String(opts.page));
  return `/search?${params.toString()}`;
}

// --- The query as typed, in tokens (the same split as domain/query-parser.ts), to add and remove filters. ---

interface QueryToken {
  start: number;
  end: number;
  /** Lower-cased field name (`cat`, `category`, `year`, …), or null for words and phrases. */
  field: string | null;
  value: string;
  negated: boolean;
}

const TOKEN = /(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
const FIELDS = new Set(['author', 'au', 'cat', 'category', 'year', 'from', 'to']);
const DATE_FIELDS = new Set(['year', 'from', 'to']);
const CATEGORY_FIELDS = new Set(['cat', 'category']);

/** Splits the raw query like the parser does; positions index into `q`. */
export function queryTokens(q: string): QueryToken[] {
  const src = q.replace(/[\u201c\u201d\u201e]/g, '"'); // curly quotes count as quotes (same length: offsets hold)
  return [...src.matchAll(TOKEN)].map((m) => {
    const field = m[2]?.toLowerCase() ?? null;
    return {
      start: m.index,
      end: m.index + m[0].length,
      field: field && FIELDS.has(field) ? field : null,
      value: m[3] ?? m[4] ?? '',
      negated: m[1] === '-',
    };
  });
}

/** The query without the given tokens, spaces tidied. */
function withoutTokens(q: string, drop: readonly QueryToken[]): string {
  let out = '';
  let at = 0;
  for (const t of [...drop].sort((a, b) => a.start - b.start)) {
    out += `${q.slice(at, t.start)} `;
    at = t.end;
  }
  return (out + q.slice(at)).replace(/\s+/g, ' ').trim();
}

/** Adds a filter at the end of the query (where a reader expects what they just clicked). */
const withFilter = (q: string, filter: string) => `${q.trim()} ${filter}`.trim();

// --- Models ---

export interface ResultCategoryModel extends CategoryModel {
  /** The search narrowed to this category; null when the category is already a filter or not valid query syntax. */
  href: string | null;
}

export interface ResultCardModel {
  id: string;
  href: string;
  titleHtml: MathHtml;
  authors: string[];
  moreAuthors: number;
  /** The abstract around the matches (highlighted), or its start when the search had no words. */
  snippetHtml: MathHtml;
  published: string;
  publishedLabel: string;
  upvotes: number;
  categories: ResultCategoryModel[];
  math: boolean;
}

export interface SortLinkModel {
  sort: SearchSort;
  label: string;
  href: string;
  current: boolean;
}

export interface FacetLinkModel {
  value: string;
  count: number;
  /** Adds the filter; for an active facet, removes it. */
  href: string;
  active: boolean;
}

export interface ActiveFilterModel {
  /** The filter as typed: `cat:cs.LG`, `year:2024`, `author:"ada lovelace"`. */
  label: string;
  /** The search without it. */
  removeHref: string;
}

export interface ExampleModel {
  q: string;
  href: string;
  text: string;
}

export type SearchPageState = 'start' | 'results' | 'empty' | 'error';

export interface SearchPageModel {
  state: SearchPageState;
  /** The query as typed (echoed in the box; views escape it). */
  q: string;
  sort: SearchSort;
  /** For `error`: what is wrong, in words the user can act on. */
  error: string | null;
  total: number;
  /** `28 results`. */
  totalLabel: string;
  /** `2.4 ms`. */
  tookLabel: string;
  /** No paper has every word: the results have some of them. */
  relaxed: boolean;
  page: number;
  pages: number;
  /** The same search's first page. */
  firstPageHref: string;
  /** Rank of the first card on this page (1-based). */
  firstRank: number;
  cards: ResultCardModel[];
  sortLinks: SortLinkModel[];
  pagination: PaginationModel | null;
  facets: { categories: FacetLinkModel[]; years: FacetLinkModel[] } | null;
  filters: ActiveFilterModel[];
  /** Whether the query has a phrase in quotes (the empty state suggests dropping them). */
  hasPhrase: boolean;
  examples: ExampleModel[];
  combinedExample: ExampleModel;
  math: boolean;
  /** The query is exactly one category filter (`cat:cs.LG`): this is that category's page, with its own feed. */
  feedCategory: string | null;
}

/** The one category a query is made of (`cat:cs.LG`, nothing else), if the category feed takes it. */
function soleCategory(q: string): string | null {
  const parsed = parseQuery(q);
  if (!parsed.ok) return null;
  const { terms, phrases, excluded, authors, categories, excludedCategories, from, to } = parsed.query;
  if (categories.length !== 1 || terms.length + phrases.length + excluded.length + authors.length + excludedCategories.length > 0 || from || to) return null;
  return CATEGORY_PATTERN.test(categories[0]!) ? categories[0]! : null;
}

/** The query language, by example (docs for the start and error pages; each is a link that runs it). */
const EXAMPLES: ReadonlyArray<{ q: string; text: string }> = [
  { q: 'grokking', text: 'every word must match; word forms count (grok, grokked)' },
  { q: '"compositional generalization"', text: 'a phrase: these words, in this order' },
  { q: 'generalization -transformer', text: 'leave out papers that mention a word (or -"a phrase")' },
  { q: 'author:raffel', text: 'by an author; author:"colin raffel" for a full name' },
  { q: 'cat:cs.LG', text: 'in an arXiv category' },
  { q: 'year:2025', text: 'first published in a year; year:2020-2024 for a range' },
  { q: 'from:2025-01-01 to:2025-06-30', text: 'first published between two dates' },
];

export const SEARCH_EXAMPLES: ExampleModel[] = EXAMPLES.map((e) => ({ ...e, href: searchHref(e.q) }));
/** Shown after the examples: they combine. */
export const SEARCH_COMBINED_EXAMPLE: ExampleModel = { q: 'generalization cat:cs.LG year:2023-2025', href: searchHref('generalization cat:cs.LG year:2023-2025'), text: 'they combine' };

/** `0.4 ms`, `2.4 ms`, `37 ms`. */
export function tookLabel(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** The search's page links (same layout as the feed pages). */
export function searchPagination(q: string, sort: SearchSort, current: number, pages: number): PaginationModel | null {
  return pageLinks(current, pages, (page) => searchHref(q, { sort, page }));
}

/** A category is offered as a link only if the query language accepts it (`cat:` takes `archive.subject`). */
const isCategorySyntax = (c: string) => parseQuery(`cat:${c}`).ok;

function presentHit(hit: SearchHit, q: string, activeCategories: ReadonlySet<string>): ResultCardModel {
  const p = hit.paper;
  const snippetSource = hit.snippetMarked === null ? truncateLatex(p.abstract, CARD_EXCERPT_CHARS) : alignSnippet(hit.snippetMarked, p.abstract);
  return {
    id: p.id,
    href: paperHref(p.id),
    titleHtml: highlight(hit.titleMarked),
    authors: p.authors.slice(0, CARD_AUTHORS),
    moreAuthors: Math.max(0, p.authors.length - CARD_AUTHORS),
    snippetHtml: hit.snippetMarked === null ? renderMath(snippetSource) : highlight(snippetSource),
    published: p.published,
    publishedLabel: longDate(p.published),
    upvotes: hit.upvotes,
    categories: presentCategories(p).map((c) => ({
      ...c,
      href: activeCategories.has(c.name) || !isCategorySyntax(c.name) ? null : searchHref(withFilter(q, `cat:${c.name}`)),
    })),
    math: hasMath(p.title) || hasMath(snippetSource),
  };
}

export interface SearchPageInput {
  q: string;
  sort: SearchSort;
  /** 1-based. */
  page: number;
  /** The search's answer; absent before the first search. */
  result?:
    | { ok: true; hits: SearchHit[]; total: number; tookMs: number; relaxed?: boolean; facets: { categories: Array<{ value: string; count: number }>; years: Array<{ value: string; count: number }> } | null }
    | { ok: false; reason: string };
  /** An error found before searching (bad sort, bad page). */
  error?: string;
}

/** A reason from the parser as a sentence: capitalised, with a full stop. */
function sentence(reason: string): string {
  const s = reason.trim();
  if (s === '') return s;
  return `${s[0]!.toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
}

export function presentSearchPage(input: SearchPageInput): SearchPageModel {
  const { q, sort, page } = input;
  const tokens = queryTokens(q);
  const dateTokens = tokens.filter((t) => t.field !== null && DATE_FIELDS.has(t.field));
  const categoryTokens = tokens.filter((t) => t.field !== null && CATEGORY_FIELDS.has(t.field));
  const filterTokens = tokens.filter((t) => t.field !== null && !(t.negated && (t.field === 'author' || t.field === 'au')));
  const activeCategories = new Set(categoryTokens.map((t) => t.value));

  const base: SearchPageModel = {
    state: 'start',
    q,
    sort,
    error: null,
    total: 0,
    totalLabel: '',
    tookLabel: '',
    relaxed: false,
    page,
    pages: 0,
    firstPageHref: searchHref(q, { sort }),
    firstRank: (page - 1) * SEARCH_PAGE_SIZE + 1,
    cards: [],
    sortLinks: SEARCH_SORTS.map((s) => ({ sort: s, label: SORT_LABELS[s], href: searchHref(q, { sort: s }), current: s === sort })),
    pagination: null,
    facets: null,
    filters: filterTokens.map((t) => ({ label: q.slice(t.start, t.end).replace(/^-/, ''), removeHref: searchHref(withoutTokens(q, [t]), { sort }) })),
    hasPhrase: tokens.some((t) => t.field === null && q.slice(t.start, t.end).includes('"')),
    examples: SEARCH_EXAMPLES,
    combinedExample: SEARCH_COMBINED_EXAMPLE,
    math: false,
    feedCategory: soleCategory(q),
  };
  const error = input.error ?? (input.result && !input.result.ok ? input.result.reason : null);
  if (error !== null) return { ...base, state: 'error', error: sentence(error) };
  const result = input.result;
  if (!result || !result.ok) return base;

  const pages = Math.max(1, Math.ceil(result.total / SEARCH_PAGE_SIZE));
  const cards = result.hits.map((h) => presentHit(h, q, activeCategories));
  const yearOf = (from: string | undefined) => from?.slice(0, 4);
  // An active year facet: the query's date filters are exactly that whole year.
  const parsed = parseQuery(q);
  const activeYear =
    parsed.ok && parsed.query.from?.endsWith('-01-01') && parsed.query.to === `${yearOf(parsed.query.from)}-12-31` ? yearOf(parsed.query.from) : undefined;
  const withoutDates = withoutTokens(q, dateTokens);
  const facets = result.facets
    ? {
        categories: result.facets.categories
          .filter((f) => activeCategories.has(f.value) || isCategorySyntax(f.value))
          .map((f) => {
            const active = activeCategories.has(f.value);
            const href = active
              ? searchHref(withoutTokens(q, categoryTokens.filter((t) => t.value === f.value)), { sort })
              : searchHref(withFilter(q, `cat:${f.value}`), { sort });
            return { value: f.value, count: f.count, href, active };
          }),
        // Years replace any date filter: two year ranges together would only intersect.
        years: result.facets.years.map((f) => {
          const active = f.value === activeYear;
          return { value: f.value, count: f.count, href: searchHref(active ? withoutDates : withFilter(withoutDates, `year:${f.value}`), { sort }), active };
        }),
      }
    : null;
  return {
    ...base,
    state: result.total === 0 ? 'empty' : 'results',
    total: result.total,
    totalLabel: plural(result.total, 'result'),
    tookLabel: tookLabel(result.tookMs),
    relaxed: result.relaxed ?? false,
    pages,
    cards,
    pagination: searchPagination(q, sort, page, pages),
    facets,
    math: cards.some((c) => c.math),
  };
}
