/** Read side of the daily feed and paper pages: what the web pages, the JSON API and feeds present. */
import type { Period } from '../domain/period.js';
import type { FeedEntryView, FeedItem, FeedKey, FeedSort, FeedState } from '../store/feed.repository.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { Store } from '../store/store.js';

export interface FeedPage {
  period: Period;
  items: FeedItem[];
  total: number;
  page: number;
  limit: number;
}

export interface PaperView {
  paper: PaperRecord;
  feed: FeedEntryView | null;
  upvotes: number;
  numComments: number;
}

export class FeedService {
  constructor(private readonly store: Store) {}

  /** One page of a period's papers. `page` counts from 0. */
  async list(period: Period, opts: { sort: FeedSort; page: number; limit: number; submitter?: string | undefined }): Promise<FeedPage> {
    const range = { from: period.from, to: period.to, submitter: opts.submitter };
    const [items, total] = await Promise.all([
      this.store.feed.list({ ...range, sort: opts.sort, limit: opts.limit, offset: opts.page * opts.limit }),
      this.store.feed.count(range),
    ]);
    return { period, items, total, page: opts.page, limit: opts.limit };
  }

  /** A period's papers after a keyset position (cursor paging), with the period's total. */
  async listAfter(period: Period, opts: { sort: FeedSort; limit: number; after?: FeedKey | undefined; submitter?: string | undefined }): Promise<{ items: FeedItem[]; total: number }> {
    const range = { from: period.from, to: period.to, submitter: opts.submitter };
    const [items, total] = await Promise.all([this.store.feed.list({ ...range, sort: opts.sort, limit: opts.limit, offset: 0, after: opts.after }), this.store.feed.count(range)]);
    return { items, total };
  }

  /** Every visible paper by trending score, after a keyset position. */
  trendingAfter(limit: number, after?: FeedKey): Promise<FeedItem[]> {
    return this.store.feed.listTrendingAll(limit, 0, after);
  }

  /** The feed state (day, submitter, counts) of each of these papers that is in the feed. */
  states(ids: readonly string[]): Promise<Map<string, FeedState>> {
    return this.store.feed.states(ids);
  }

  /** The latest day with papers; null when the feed is empty. */
  latestDay(): Promise<string | null> {
    return this.store.feed.latestDate();
  }

  /** Nearest days with papers before and after `day` (skipping empty days such as weekends). */
  async neighbours(day: string): Promise<{ prev: string | null; next: string | null }> {
    const [prev, next] = await Promise.all([this.store.feed.adjacentDate(day, 'prev'), this.store.feed.adjacentDate(day, 'next')]);
    return { prev, next };
  }

  async paper(id: string): Promise<PaperView | null> {
    const paper = await this.store.papers.getById(id);
    if (!paper) return null;
    const feed = await this.store.feed.entry(id);
    return { paper, feed, upvotes: feed?.upvotes ?? 0, numComments: feed?.numComments ?? 0 };
  }
}
