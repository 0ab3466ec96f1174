/**
 * Papers as the HTML views show them: cards in the feed and the full paper page. Titles and abstracts are LaTeX
 * source; they are rendered here (math by KaTeX, the rest escaped) so views only place ready, safe HTML.
 */
import { parsePaperId } from '../../domain/arxiv-id.js';
import { bibtexEntry } from '../../domain/bibtex.js';
import { hasMath, type MathHtml, renderMath, truncateLatex } from '../../domain/math.js';
import { dayPeriod, periodLabel } from '../../domain/period.js';
import type { PaperView } from '../../services/feed.service.js';
import type { FeedItem } from '../../store/feed.repository.js';
import type { PaperRecord } from '../../store/paper.repository.js';
import { longDate, safeUrl } from './format.js';

/** Authors a card lists before "and N more". */
export const CARD_AUTHORS = 4;
/** Characters of abstract source a card shows. */
export const CARD_EXCERPT_CHARS = 300;
/** Authors the paper page lists before folding the rest into a disclosure. */
export const PAGE_AUTHORS_SHOWN = 30;

export interface CategoryModel {
  name: string;
  primary: boolean;
}

export interface PaperCardModel {
  id: string;
  href: string;
  titleHtml: MathHtml;
  /** The first CARD_AUTHORS authors. */
  authors: string[];
  /** How many more there are. */
  moreAuthors: number;
  excerptHtml: MathHtml;
  published: string;
  publishedLabel: string;
  upvotes: number;
  numComments: number;
  categories: CategoryModel[];
  math: boolean;
  /** When the paper entered the feed (ISO), when known: app.js marks papers new since the visitor's last visit. */
  enteredAt: string | null;
}

export interface LinkModel {
  label: string;
  href: string;
}

export interface PaperPageModel {
  id: string;
  /** `arXiv:2505.20278` for arXiv papers, the id itself otherwise. */
  idLabel: string;
  titleText: string;
  titleHtml: MathHtml;
  abstractHtml: MathHtml;
  authors: string[];
  published: string;
  publishedLabel: string;
  updated: string | null;
  updatedLabel: string | null;
  version: number | null;
  categories: CategoryModel[];
  comment: string | null;
  journalRef: string | null;
  doi: { text: string; href: string } | null;
  links: LinkModel[];
  feed: { href: string; label: string; upvotes: number; numComments: number; submittedBy: string | null } | null;
  bibtex: string;
  math: boolean;
  /** Plain-text abstract start for `<meta name="description">`. */
  description: string;
}

/** The paper page's path. Ids only hold URL-safe characters (old-style ones keep their slash). */
export function paperHref(id: string): string {
  return `/papers/${encodeURI(id)}`;
}

/** Categories with the primary one first and marked. */
export function presentCategories(p: Pick<PaperRecord, 'categories' | 'primaryCategory'>): CategoryModel[] {
  const primary = p.primaryCategory ?? p.categories[0] ?? null;
  const rest = p.categories.filter((c) => c !== primary);
  return [...(primary ? [{ name: primary, primary: true }] : []), ...rest.map((name) => ({ name, primary: false }))];
}

export function presentCard(item: FeedItem): PaperCardModel {
  const p = item.paper;
  const excerpt = truncateLatex(p.abstract, CARD_EXCERPT_CHARS);
  return {
    id: p.id,
    href: paperHref(p.id),
    titleHtml: renderMath(p.title),
    authors: p.authors.slice(0, CARD_AUTHORS),
    moreAuthors: Math.max(0, p.authors.length - CARD_AUTHORS),
    excerptHtml: renderMath(excerpt),
    published: p.published,
    publishedLabel: longDate(p.published),
    upvotes: item.upvotes,
    numComments: item.numComments,
    categories: presentCategories(p),
    math: hasMath(p.title) || hasMath(excerpt),
    enteredAt: item.enteredAt ?? null,
  };
}

/** arXiv's own pages for arXiv ids; stored links win when the source gave them. */
function paperLinks(p: PaperRecord): LinkModel[] {
  const isArxiv = parsePaperId(p.id)?.kind !== 'namespaced';
  const abs = safeUrl(p.links.abs) ?? (isArxiv ? `https://arxiv.org/abs/${p.id}` : null);
  const pdf = safeUrl(p.links.pdf) ?? (isArxiv ? `https://arxiv.org/pdf/${p.id}` : null);
  const links: Array<[string, string | null]> = [
    [isArxiv ? 'arXiv page' : 'Abstract page', abs],
    ['PDF', pdf],
    ['Code', safeUrl(p.links.code)],
    ['Project page', safeUrl(p.links.project)],
  ];
  return links.flatMap(([label, href]) => (href ? [{ label, href }] : []));
}

function plainText(src: string, max: number): string {
  const s = src.replace(/\s+/g, ' ').trim();
  return s.length <= max ? s : `${s.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

export function presentPaper(view: PaperView): PaperPageModel {
  const p = view.paper;
  const feedDay = view.feed ? dayPeriod(view.feed.feedDate) : null;
  return {
    id: p.id,
    idLabel: parsePaperId(p.id)?.kind === 'namespaced' ? p.id : `arXiv:${p.id}`,
    titleText: p.title,
    titleHtml: renderMath(p.title),
    abstractHtml: renderMath(p.abstract, { linkify: true }),
    authors: p.authors,
    published: p.published,
    publishedLabel: longDate(p.published),
    updated: p.updated && p.updated !== p.published ? p.updated : null,
    updatedLabel: p.updated && p.updated !== p.published ? longDate(p.updated) : null,
    version: p.version,
    categories: presentCategories(p),
    comment: p.comment,
    journalRef: p.journalRef,
    doi: p.doi ? { text: p.doi, href: `https://doi.org/${p.doi.split('/').map(encodeURIComponent).join('/')}` } : null,
    links: paperLinks(p),
    feed: feedDay
      ? { href: `/papers/date/${feedDay.key}`, label: periodLabel(feedDay), upvotes: view.upvotes, numComments: view.numComments, submittedBy: view.feed?.submittedBy ?? null }
      : null,
    bibtex: bibtexEntry(p),
    math: hasMath(p.title) || hasMath(p.abstract),
    description: plainText(p.abstract, 200),
  };
}
