/** Search use case: parse the query, ask the index, and return papers with their feed data and highlights. */
import { reciprocalRankFusion } from '../domain/fusion.js';
import { hasText, indexWords, type ParsedQuery, parseQuery, textWords } from '../domain/query-parser.js';
import type { FeedItem } from '../store/feed.repository.js';
import type { Store } from '../store/store.js';
import type { SemanticParts } from '../search/index-sync.js';
import { paperText } from '../search/embedder.js';
import type { Facets, SearchSort, TextHit, TextIndex } from '../search/text-index.js';

export interface SearchHit extends FeedItem {
  /** Title with matched words between MARK_START and MARK_END (text-index.ts). */
  titleMarked: string;
  snippetMarked: string | null;
}

export type SearchMode = 'keyword' | 'semantic' | 'hybrid';

export interface SearchRequest {
  q: string;
  /** Default: hybrid when semantic search is configured, else keyword. Sorting by date or upvotes is keyword-only. */
  mode?: SearchMode;
  sort?: SearchSort;
  /** Page index from 0. */
  page?: number;
  limit?: number;
  facets?: boolean;
  /**
   * Search as you type: the last word, unless followed by a space, also matches as the start of longer words. Off for
   * submitted searches, where a word means the word (and prefix expansion costs time on every common word).
   */
  typing?: boolean;
}

export type SearchOutcome =
  | {
      ok: true;
      query: ParsedQuery;
      mode: SearchMode;
      /** True when no paper has every word, so the results are papers with some of them (keyword mode). */
      relaxed: boolean;
      hits: SearchHit[];
      total: number;
      page: number;
      limit: number;
      facets: Facets | null;
      tookMs: number;
    }
  | { ok: false; reason: string };

/** How many results of each list hybrid search fuses. */
export const HYBRID_CANDIDATES = 200;
/**
 * Hybrid adds papers with some of the words when fewer than this many have them all (one page). Measured
 * (npm run eval:search): the same quality as adding them below HYBRID_CANDIDATES, without ranking an OR of the words
 * for queries that already have enough keyword evidence.
 */
export const HYBRID_RELAX_BELOW = 20;
/** Weights of the keyword and semantic lists in the fusion (tuned on the evaluation set: npm run eval:search). */
export const HYBRID_WEIGHTS = {
  /** When some papers have every word (a title, a precise phrase), keyword evidence leads. */
  strictKeyword: 20,
  /**
   * When none has them all (a half-remembered description), papers with some of the words count three times as much
   * as meaning. Evaluation (73 paraphrases, submitted searches without prefix matching): weight 1 → hybrid R@5 0.425,
   * MRR@10 0.334 (= keyword); 2 → 0.438 / 0.336; 3 → 0.438 / 0.338. On each half of the set alone, 3 is at least as
   * good as 1 on every measure, but hybrid does not beat keyword on both halves: the margin is within one query.
   */
  relaxedKeyword: 3,
  semantic: 1,
};

/** Papers of a set (a reading list) that stand for it in similarToMany: the first ones, in the set's order. */
export const SIMILAR_TO_MANY_SEEDS = 200;
/** Of those, how many also get a neighbour search (or a title-words search) of their own; the rest count via the centroid. */
export const SIMILAR_TO_MANY_QUERIES = 30;

/** Fewest query words for the title rule (titleMatchesFirst), and how many of the best keyword matches it looks at. */
export const TITLE_MATCH_MIN_WORDS = 3;
const TITLE_MATCH_CANDIDATES = 10;

/** Whether `seq` occurs contiguously in `hay`; with `prefixLast` its last word may be the start of a word. */
export function containsInOrder(hay: readonly string[], seq: readonly string[], prefixLast = false): boolean {
  outer: for (let i = 0; i + seq.length <= hay.length; i++) {
    for (let j = 0; j < seq.length; j++) {
      const h = hay[i + j]!;
      const w = seq[j]!;
      if (h === w || (prefixLast && j === seq.length - 1 && h.startsWith(w))) continue;
      continue outer;
    }
    return true;
  }
  return false;
}

export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly index: TextIndex,
    private readonly semantic: SemanticParts | null = null,
  ) {}

  /** Whether semantic (and so hybrid) search is available. */
  get hasSemantic(): boolean {
    return this.semantic !== null;
  }

  async search(req: SearchRequest): Promise<SearchOutcome> {
    const t0 = performance.now();
    const parsed = parseQuery(req.q);
    if (!parsed.ok) return parsed;
    const q = req.typing ? parsed.query : { ...parsed.query, prefixLast: false };
    const limit = req.limit ?? 20;
    const page = req.page ?? 0;
    const sort = req.sort ?? 'relevance';
    let mode: SearchMode = req.mode ?? (this.semantic ? 'hybrid' : 'keyword');
    if (mode !== 'keyword' && !this.semantic) return { ok: false, reason: 'semantic search is not configured on this server' };
    // Without words, or sorted by something other than relevance, there is nothing for meaning to add.
    if (!hasText(q) || sort !== 'relevance') mode = 'keyword';

    let ranked: TextHit[];
    let total: number;
    let relaxed = false;
    if (mode === 'keyword') {
      let r = this.index.search(q, { sort, limit, offset: page * limit });
      // Nothing has every word (typical of a half-remembered description): rank papers having any of them.
      if (r.total === 0 && q.terms.length + q.phrases.length > 1) {
        r = this.index.search(q, { sort, limit, offset: page * limit, any: true });
        relaxed = r.total > 0;
      }
      ranked = r.hits;
      total = r.total;
    } else {
      const depth = Math.max(HYBRID_CANDIDATES, (page + 1) * limit);
      const semantic = await this.semanticIds(q, depth);
      let ids: string[];
      if (mode === 'semantic') {
        ids = semantic;
        total = semantic.length;
      } else {
        const keywordIds = this.index.rankedIds(q, depth, { titlesWhenCommon: true });
        // Counting every match is costly for common words; fewer matches than asked for are the count.
        const keywordTotal = keywordIds.length === depth ? this.index.matchCount(q, { titlesWhenCommon: true }) : keywordIds.length;
        const strict = keywordIds.length > 0;
        // Few papers with every word (typical of a description in other words): add papers with some of them, so
        // long descriptive queries still bring keyword evidence to the fusion.
        if (keywordIds.length < HYBRID_RELAX_BELOW && q.terms.length + q.phrases.length > 1) {
          const seen = new Set(keywordIds);
          const some = this.index.rankedIds(q, depth, { any: true, titlesWhenCommon: true });
          keywordIds.push(...some.filter((id) => !seen.has(id)).slice(0, depth - keywordIds.length));
        }
        ids = reciprocalRankFusion([
          { ids: keywordIds, weight: strict ? HYBRID_WEIGHTS.strictKeyword : HYBRID_WEIGHTS.relaxedKeyword },
          { ids: semantic, weight: HYBRID_WEIGHTS.semantic },
        ]);
        if (strict) ids = this.titleMatchesFirst(req.q, q, keywordIds, ids);
        total = Math.max(keywordTotal, ids.length);
      }
      // Highlights for the shown page only: the query's words wherever they occur.
      const pageIds = ids.slice(page * limit, (page + 1) * limit);
      const marks = this.index.mark(q, pageIds);
      ranked = pageIds.map((paperId) => marks.get(paperId) ?? { paperId, titleMarked: '', snippetMarked: null });
    }
    const hits = await this.present(ranked);
    const facets = req.facets ? this.index.facets(q, 12, relaxed) : null;
    return { ok: true, query: q, mode, relaxed, hits, total, page, limit, facets, tookMs: performance.now() - t0 };
  }

  /**
   * Suggestions while someone types (`/search/suggest`): the best papers by their titles and authors (BM25 over the
   * titles table, whose posting lists are a tenth as long as the full index's), the unfinished last word matching as a
   * prefix, the query's filters (cat:, year:, -word) honoured. No counting, no highlights, no semantic list: a few
   * milliseconds a keystroke. Hidden papers are left out.
   */
  async suggest(raw: string, limit: number): Promise<{ ok: true; hits: SearchHit[] } | { ok: false; reason: string }> {
    const parsed = parseQuery(raw);
    if (!parsed.ok) return parsed;
    // An unfinished last word of one or two letters is not yet a prefix (matchExpression wants three): leave it out
    // while other words remain, so the list does not empty and refill at the start of every word ("transformers tr").
    let query = parsed.query;
    const last = query.terms.at(-1);
    if (!/\s$/.test(raw) && last !== undefined && last.length < 3 && query.terms.length + query.phrases.length + query.authors.length > 1) {
      query = { ...query, terms: query.terms.slice(0, -1), prefixLast: false };
    }
    // A few more than asked for, in case some are hidden by the moderators.
    const ids = this.index.rankedIds(query, limit + 5, { titlesOnly: true });
    const hits = await this.present(ids.map((paperId) => ({ paperId, titleMarked: '', snippetMarked: null })));
    return { ok: true, hits: hits.slice(0, limit) };
  }

  /**
   * Known-item rule: someone who types (the start of) a paper's title wants that paper first. Among the best keyword
   * matches, papers whose title contains the query's words in order (at least TITLE_MATCH_MIN_WORDS of them; the last
   * one may be unfinished) are moved to the front, in keyword order; everything else keeps its fused order.
   */
  private titleMatchesFirst(raw: string, q: ParsedQuery, keyword: readonly string[], fused: string[]): string[] {
    if (q.authors.length || q.excluded.length) return fused;
    const wanted = textWords(raw);
    if (wanted.length < TITLE_MATCH_MIN_WORDS) return fused;
    const titles = this.index.titles(keyword.slice(0, TITLE_MATCH_CANDIDATES));
    const pinned = [...titles].filter(([, title]) => containsInOrder(indexWords(title), wanted, q.prefixLast)).map(([id]) => id);
    if (pinned.length === 0) return fused;
    const set = new Set(pinned);
    return [...pinned, ...fused.filter((id) => !set.has(id))];
  }

  /** Papers nearest in meaning to the query's words, honouring its filters. */
  private async semanticIds(q: ParsedQuery, k: number): Promise<string[]> {
    const { embedder, vectors } = this.semantic!;
    const text = [...q.terms, ...q.phrases.flat(), ...q.authors.flat()].join(' ');
    const [vector] = await embedder.embed([text]);
    const allowed = this.index.filterSet(q);
    return vectors.search(vector!, k, allowed ?? undefined).map((h) => h.paperId);
  }

  /**
   * Papers similar to one: its nearest neighbours by meaning (its stored vector), or, without semantic search, a
   * keyword search on its title's words; a shared primary category breaks near-ties. Null for an unknown paper.
   */
  async similar(paperId: string, limit: number): Promise<Array<SearchHit & { score: number; reason: string }> | null> {
    const paper = await this.store.papers.getById(paperId);
    if (!paper) return null;
    const scored = new Map<string, { score: number; reason: string }>();
    if (this.semantic) {
      const { embedder, vectors } = this.semantic;
      const v = vectors.vectorOf(paperId) ?? (await embedder.embed([paperText(paper)]))[0]!;
      for (const h of vectors.search(v, limit * 3 + 1)) if (h.paperId !== paperId) scored.set(h.paperId, { score: h.score, reason: 'close in meaning' });
    }
    if (scored.size < limit) {
      const words = [...new Set(textWords(paper.title).filter((w) => w.length > 2))].slice(0, 12);
      const parsed = parseQuery(words.join(' '));
      const hits = parsed.ok && words.length ? this.index.rankedIds({ ...parsed.query, prefixLast: false }, limit * 3 + 1, { any: true }) : [];
      let rank = 0;
      for (const id of hits) {
        if (id === paperId || scored.has(id)) continue;
        scored.set(id, { score: 1 / (60 + ++rank), reason: 'shares title words' });
      }
    }
    const ids = [...scored.keys()];
    const primary = paper.primaryCategory;
    const records = new Map((await this.store.papers.getByIds(ids)).map((p) => [p.id, p]));
    const ranked = ids
      .map((id) => {
        const s = scored.get(id)!;
        const same = primary !== null && records.get(id)?.primaryCategory === primary;
        return { id, score: s.score + (same ? 0.02 : 0), reason: same ? `${s.reason}, also in ${primary}` : s.reason };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit + 5);
    const presented = await this.present(ranked.map((r) => ({ paperId: r.id, titleMarked: '', snippetMarked: null })));
    const byId = new Map(ranked.map((r) => [r.id, r]));
    return presented.slice(0, limit).map((h) => ({ ...h, titleMarked: h.paper.title, score: Math.round(byId.get(h.paper.id)!.score * 10_000) / 10_000, reason: byId.get(h.paper.id)!.reason }));
  }

  /**
   * Papers like a set of papers (a reading list's "more like these"), without the set's own papers. With semantic
   * search, a candidate scores the mean of its similarity to the closest paper of the set and to the set's centroid (the
   * normalised mean of their vectors): close to one of them counts, close to the set as a whole counts as much; the
   * reason names the closest one. Without vectors (or to fill up), papers sharing title words with the set's papers,
   * ranked by reciprocal rank fusion over the set (k = 60, as in similar's fallback). Unknown ids are ignored; the
   * first SIMILAR_TO_MANY_SEEDS papers of the set stand for it.
   */
  async similarToMany(paperIds: readonly string[], limit: number): Promise<Array<SearchHit & { score: number; reason: string }>> {
    const seeds = await this.store.papers.getByIds([...new Set(paperIds)].slice(0, SIMILAR_TO_MANY_SEEDS));
    if (seeds.length === 0) return [];
    const inSet = new Set(paperIds);
    const titleOf = new Map(seeds.map((p) => [p.id, p.title]));
    const scored = new Map<string, { score: number; reason: string }>();
    if (this.semantic) {
      const { vectors } = this.semantic;
      const seedVectors = [...vectors.vectorsOf(seeds.map((p) => p.id))];
      if (seedVectors.length > 0) {
        const d = seedVectors[0]![1].length;
        const centroid = new Float32Array(d);
        for (const [, v] of seedVectors) for (let j = 0; j < d; j++) centroid[j]! += v[j]!;
        const norm = Math.hypot(...centroid);
        if (norm > 0) for (let j = 0; j < d; j++) centroid[j]! /= norm;
        // Candidates: the centroid's neighbours and each seed's own (the first SIMILAR_TO_MANY_QUERIES seeds).
        const candidates = new Set<string>();
        const k = limit * 3 + inSet.size;
        if (norm > 0) for (const h of vectors.search(centroid, k)) candidates.add(h.paperId);
        for (const [, v] of seedVectors.slice(0, SIMILAR_TO_MANY_QUERIES)) for (const h of vectors.search(v, limit + inSet.size)) candidates.add(h.paperId);
        for (const id of inSet) candidates.delete(id);
        const dot = (a: Float32Array, b: Float32Array) => {
          let s = 0;
          for (let j = 0; j < d; j++) s += a[j]! * b[j]!;
          return s;
        };
        for (const [id, v] of vectors.vectorsOf([...candidates])) {
          let best = -Infinity;
          let closest = '';
          for (const [seedId, sv] of seedVectors) {
            const s = dot(v, sv);
            if (s > best) {
              best = s;
              closest = seedId;
            }
          }
          const score = norm > 0 ? (best + dot(v, centroid)) / 2 : best;
          scored.set(id, { score, reason: `close in meaning to “${titleOf.get(closest)}”` });
        }
      }
    }
    if (scored.size < limit) {
      // Keyword fallback: each seed's title words, fused by reciprocal rank; the reason names the seed that ranked it best.
      const fused = new Map<string, { score: number; best: number; seed: string }>();
      for (const seed of seeds.slice(0, SIMILAR_TO_MANY_QUERIES)) {
        const words = [...new Set(textWords(seed.title).filter((w) => w.length > 2))].slice(0, 12);
        const parsed = parseQuery(words.join(' '));
        if (!parsed.ok || words.length === 0) continue;
        let rank = 0;
        for (const id of this.index.rankedIds({ ...parsed.query, prefixLast: false }, limit * 2 + inSet.size, { any: true })) {
          if (inSet.has(id) || scored.has(id)) continue;
          const r = ++rank;
          const f = fused.get(id) ?? { score: 0, best: Infinity, seed: seed.id };
          f.score += 1 / (60 + r);
          if (r < f.best) Object.assign(f, { best: r, seed: seed.id });
          fused.set(id, f);
        }
      }
      // Below any similarity score: meaning, when there is some, ranks first.
      const floor = scored.size > 0 ? Math.min(...[...scored.values()].map((s) => s.score)) - 1 : 0;
      for (const [id, f] of fused) scored.set(id, { score: floor + f.score, reason: `shares title words with “${titleOf.get(f.seed)}”` });
    }
    const ranked = [...scored].sort((a, b) => b[1].score - a[1].score).slice(0, limit + 5);
    const presented = await this.present(ranked.map(([id]) => ({ paperId: id, titleMarked: '', snippetMarked: null })));
    const byId = new Map(ranked);
    return presented.slice(0, limit).map((h) => ({ ...h, titleMarked: h.paper.title, score: Math.round(byId.get(h.paper.id)!.score * 10_000) / 10_000, reason: byId.get(h.paper.id)!.reason }));
  }

  private async present(ranked: TextHit[]): Promise<SearchHit[]> {
    const ids = ranked.map((h) => h.paperId);
    const [papers, feed] = await Promise.all([this.store.papers.getByIds(ids), this.store.feed.states(ids)]);
    const byId = new Map(papers.map((p) => [p.id, p]));
    return ranked.flatMap((h) => {
      const paper = byId.get(h.paperId);
      if (!paper) return []; // deleted since the index last synced
      const f = feed.get(h.paperId);
      if (f?.hidden) return []; // hidden by the moderators
      return [
        {
          paper,
          feedDate: f?.feedDate ?? paper.published,
          submittedBy: f?.submittedBy ?? null,
          upvotes: f?.totalUpvotes ?? f?.upvotes ?? 0,
          numComments: f?.numComments ?? 0,
          titleMarked: h.titleMarked || paper.title,
          snippetMarked: h.snippetMarked,
        },
      ];
    });
  }
}
