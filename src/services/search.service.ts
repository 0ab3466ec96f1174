/** Search use case: parse the query, ask the index, and return papers with their feed data and highlights. */
import { type ParsedQuery, parseQuery } from '../domain/query-parser.js';
import type { FeedItem } from '../store/feed.repository.js';
import type { Store } from '../store/store.js';
import type { Facets, SearchSort, TextIndex } from '../search/text-index.js';

export interface SearchHit extends FeedItem {
  /** Title with matched words between MARK_START and MARK_END (text-index.ts). */
  titleMarked: string;
  snippetMarked: string | null;
}

export interface SearchRequest {
  q: string;
  sort?: SearchSort;
  /** Page index from 0. */
  page?: number;
  limit?: number;
  facets?: boolean;
}

export type SearchOutcome =
  | { ok: true; query: ParsedQuery; hits: SearchHit[]; total: number; page: number; limit: number; facets: Facets | null; tookMs: number }
  | { ok: false; reason: string };

export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly index: TextIndex,
  ) {}

  async search(req: SearchRequest): Promise<SearchOutcome> {
    const t0 = performance.now();
    const parsed = parseQuery(req.q);
    if (!parsed.ok) return parsed;
    const limit = req.limit ?? 20;
    const page = req.page ?? 0;
    const result = this.index.search(parsed.query, { sort: req.sort ?? 'relevance', limit, offset: page * limit });
    const ids = result.hits.map((h) => h.paperId);
    const [papers, feed] = await Promise.all([this.store.papers.getByIds(ids), this.store.feed.states(ids)]);
    const byId = new Map(papers.map((p) => [p.id, p]));
    const hits: SearchHit[] = result.hits.flatMap((h) => {
      const paper = byId.get(h.paperId);
      if (!paper) return []; // deleted since the index last synced
      const f = feed.get(h.paperId);
      return [
        {
          paper,
          feedDate: f?.feedDate ?? paper.published,
          submittedBy: f?.submittedBy ?? null,
          upvotes: f?.upvotes ?? 0,
          numComments: 0,
          titleMarked: h.titleMarked || paper.title,
          snippetMarked: h.snippetMarked,
        },
      ];
    });
    const facets = req.facets ? this.index.facets(parsed.query) : null;
    return { ok: true, query: parsed.query, hits, total: result.total, page, limit, facets, tookMs: performance.now() - t0 };
  }
}
