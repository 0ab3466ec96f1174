/**
 * Presents papers in the shapes of the Hugging Face papers API, so that huggingface_hub's `list_daily_papers`,
 * `list_papers` and `paper_info` (hf_api.py `PaperInfo`, `PaperAuthor`, `User`, huggingface_hub 1.23) parse them.
 *
 * What the client reads, and from where:
 * - daily item: `paper.id`, `paper.authors`, `paper.publishedAt`, `paper.summary`, `paper.upvotes`, `paper.discussionId`;
 *   `title`, `numComments`, `submittedBy`, `githubRepo`, `projectPage`, `ai_*` from the TOP level; the top-level
 *   `publishedAt` is the time the paper entered the daily feed (the client's `submitted_at`).
 * - flat paper: `id`, `authors`, `publishedAt`, `title`, `summary`, `upvotes`, `discussionId`, `numComments`,
 *   `submittedOnDailyAt`, `submittedOnDailyBy`, `githubRepo`, `projectPage`.
 * Datetimes are written `YYYY-MM-DDTHH:MM:SS.sssZ`: the client's `parse_datetime` accepts nothing else.
 * The client reads `upvotes` as `paper.upvotes or upvotes`, so 0 would turn into None unless the top level repeats it.
 */
import { createHash } from 'node:crypto';
import type { FeedItem, FeedState } from '../../store/feed.repository.js';
import type { PaperRecord } from '../../store/paper.repository.js';
import type { PaperView } from '../../services/feed.service.js';

/** An author as HF lists it. `_id` is stable for (paper, position). */
export interface HfAuthor {
  _id: string;
  name: string;
  hidden: boolean;
}

/** A submitter, in the shape of HF's user summaries; `user` is what the client's `User` reads as the username. */
export interface HfUser {
  _id: string;
  user: string;
  name: string;
  fullname: string;
  type: 'user';
  isPro: boolean;
}

/** The paper object nested in daily items, and the body of `GET /api/papers/{id}`. */
export interface HfPaper {
  id: string;
  authors: HfAuthor[];
  publishedAt: string;
  submittedOnDailyAt?: string;
  submittedOnDailyBy?: HfUser;
  title: string;
  summary: string;
  upvotes: number;
  discussionId: string;
  numComments: number;
  githubRepo?: string;
  projectPage?: string;
}

/** One element of `GET /api/daily_papers` (and, later, of `/api/papers/search`). */
export interface HfDailyItem {
  paper: HfPaper;
  /** When the paper entered the daily feed. */
  publishedAt: string;
  title: string;
  summary: string;
  upvotes: number;
  /** HF links a generated social image here; Paperboy has none yet. */
  thumbnail: string | null;
  numComments: number;
  submittedBy: HfUser | null;
  isAuthorParticipating: boolean;
  githubRepo?: string;
  projectPage?: string;
}

/**
 * A 24-hex-digit id like the MongoDB ObjectIds HF uses for `_id` and `discussionId`, derived from `seed` so the same
 * author of the same paper always gets the same id (clients may key on it).
 */
export function hfObjectId(seed: string): string {
  return createHash('sha1').update(seed).digest('hex').slice(0, 24);
}

/** `2025-05-26` -> `2025-05-26T00:00:00.000Z`: Paperboy knows days, HF clients parse datetimes. */
export function hfDateTime(day: string): string {
  return `${day}T00:00:00.000Z`;
}

export function hfAuthors(paper: Pick<PaperRecord, 'id' | 'authors'>): HfAuthor[] {
  return paper.authors.map((name, i) => ({ _id: hfObjectId(`${paper.id}#author:${i}`), name, hidden: false }));
}

export function hfUser(username: string): HfUser {
  return { _id: hfObjectId(`user:${username}`), user: username, name: username, fullname: username, type: 'user', isPro: false };
}

interface FeedFacts {
  feedDate: string | null;
  submittedBy: string | null;
  upvotes: number;
  numComments: number;
}

function paperObject(paper: PaperRecord, f: FeedFacts): HfPaper {
  const out: HfPaper = {
    id: paper.id,
    authors: hfAuthors(paper),
    publishedAt: hfDateTime(paper.published),
    title: paper.title,
    summary: paper.abstract,
    upvotes: f.upvotes,
    discussionId: hfObjectId(`${paper.id}#discussion`),
    numComments: f.numComments,
  };
  if (f.feedDate !== null) out.submittedOnDailyAt = hfDateTime(f.feedDate);
  if (f.submittedBy !== null) out.submittedOnDailyBy = hfUser(f.submittedBy);
  if (paper.links.code) out.githubRepo = paper.links.code;
  if (paper.links.project) out.projectPage = paper.links.project;
  return out;
}

/** A feed entry as an element of `GET /api/daily_papers`. */
export function presentHfDailyItem(item: FeedItem): HfDailyItem {
  const paper = paperObject(item.paper, item);
  const out: HfDailyItem = {
    paper,
    publishedAt: hfDateTime(item.feedDate),
    title: item.paper.title,
    summary: item.paper.abstract,
    upvotes: item.upvotes,
    thumbnail: null,
    numComments: item.numComments,
    submittedBy: item.submittedBy === null ? null : hfUser(item.submittedBy),
    isAuthorParticipating: false,
  };
  if (paper.githubRepo !== undefined) out.githubRepo = paper.githubRepo;
  if (paper.projectPage !== undefined) out.projectPage = paper.projectPage;
  return out;
}

/** A paper as the body of `GET /api/papers/{id}`. Papers outside the daily feed have no `submittedOnDaily*`. */
export function presentHfPaper(view: PaperView): HfPaper {
  return paperObject(view.paper, {
    feedDate: view.feed?.feedDate ?? null,
    submittedBy: view.feed?.submittedBy ?? null,
    upvotes: view.upvotes,
    numComments: view.numComments,
  });
}

/**
 * A stored paper in the flat shape of `GET /api/papers/{id}`, from its feed state (`feed.states`); papers outside the
 * daily feed have no `submittedOnDaily*` and no upvotes.
 */
export function presentHfPaperRecord(paper: PaperRecord, state: FeedState | undefined): HfPaper {
  return paperObject(paper, {
    feedDate: state?.feedDate ?? null,
    submittedBy: state?.submittedBy ?? null,
    upvotes: state?.totalUpvotes ?? state?.upvotes ?? 0,
    numComments: state?.numComments ?? 0,
  });
}

/** One element of `GET /api/papers/{id}/similar` and `GET /api/lists/{id}/similar`. */
export interface HfSimilarItem {
  id: string;
  title: string;
  authors: Array<{ name: string }>;
  publishedAt: string;
  upvotes: number;
  numComments: number;
  score: number;
  reason: string;
}

export function presentHfSimilar(h: { paper: PaperRecord; upvotes: number; numComments: number; score: number; reason: string }): HfSimilarItem {
  return {
    id: h.paper.id,
    title: h.paper.title,
    authors: h.paper.authors.map((name) => ({ name })),
    publishedAt: hfDateTime(h.paper.published),
    upvotes: h.upvotes,
    numComments: h.numComments,
    score: h.score,
    reason: h.reason,
  };
}
