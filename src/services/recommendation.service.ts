/**
 * "For you": recent papers ranked for one member from their signals, each with its reason.
 *
 * Signals: upvotes and reading-list saves (liked papers), followed authors and categories, and papers dismissed as
 * "not interested". With semantic search a candidate's score blends, each as a z-score over the member's candidates
 * (decision 016): its highest cosine similarity to any liked paper (that paper is the reason, with the terms the two
 * share; a candidate closer to something dismissed than to anything liked loses the difference first), the score of a
 * per-member linear model (w = Σ⁻¹(mean of liked − corpus mean), `domain/linear-model.ts`), and a quarter weight for
 * the window's trending order. Papers by followed authors come first; a followed category adds one standard deviation.
 * Without vectors, the share of liked papers in a candidate's categories stands in for similarity. Decision records
 * 014 and 016 give the measurements.
 *
 * Rankings are precomputed per member by the refresh job (jobs/recommendations.job.ts) and cached in
 * `recommendation_cache`; the page reads the cache and recomputes only when the member's signals or the latest feed
 * day changed since (`cachedForYou`).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Background, BLEND_WEIGHTS, backgroundOf, blendScores, trainWhitened, zScores } from '../domain/linear-model.js';
import type { SemanticParts } from '../search/index-sync.js';
import { STOPWORDS } from '../search/text-index.js';
import type { FeedItem } from '../store/feed.repository.js';
import type { CachedRecommendation, Follows, RecommendationBasis } from '../store/interest.repository.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { Store } from '../store/store.js';

/** Recent days of the feed that "for you" draws from. */
export const FOR_YOU_DAYS = 14;
/** Liked papers considered (most recent first), per kind of signal. */
export const FOR_YOU_SIGNALS = 100;
/** Recommendations kept per member in the cache. */
export const FOR_YOU_CACHED = 50;
/** A followed category adds this to a paper's blended score (z units: about one standard deviation). */
export const FOLLOWED_CATEGORY_LIFT = 1;
/** Papers in the background sample of the linear model (decision 016): the corpus mean and covariance. */
export const BACKGROUND_SAMPLE = 5_000;
/** Shrinkage of the background covariance towards a multiple of the identity (decision 016). */
export const BACKGROUND_SHRINKAGE = 0.5;
/**
 * The background is recomputed after this long (new papers shift the corpus only slowly). Computing it takes ~0.3 s of
 * CPU at 87k papers (5,000 × 256² multiply-adds and a 256×256 inverse), so `warm()` does it at start, before traffic,
 * and a web request pays it at most once a day.
 */
const BACKGROUND_TTL_MS = 24 * 3_600_000;
/** A window (candidates and their vectors) is reused for this long: across members in a refresh, and between page views. */
const WINDOW_TTL_MS = 10 * 60_000;

export type { RecommendationBasis };

export interface Recommendation {
  item: FeedItem;
  score: number;
  reason: string;
  basis: RecommendationBasis;
}

/** How a paper was liked: upvoted, or saved to one of the member's reading lists (named). */
export interface Liked {
  how: 'upvoted' | 'saved';
  list?: string;
}

export interface Signals {
  /** Liked paper id → how it was liked. */
  liked: Map<string, Liked>;
  /** Every paper dismissed as "not interested", newest first; the newest FOR_YOU_SIGNALS push look-alikes down. */
  dismissed: Set<string>;
  follows: Follows;
}

interface Window {
  key: string;
  items: FeedItem[];
  vectors: Map<string, Float32Array> | null;
  loadedAt: number;
}

/**
 * Dot product with four running sums: the additions no longer wait on one another, which makes the refresh's scoring
 * loop (candidates × liked papers × dimensions, ~9 million multiply-adds a member at 87k) about twice as fast.
 */
export function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  const end = n - (n % 4);
  let j = 0;
  for (; j < end; j += 4) {
    s0 += a[j]! * b[j]!;
    s1 += a[j + 1]! * b[j + 1]!;
    s2 += a[j + 2]! * b[j + 2]!;
    s3 += a[j + 3]! * b[j + 3]!;
  }
  for (; j < n; j++) s0 += a[j]! * b[j]!;
  return s0 + s1 + (s2 + s3);
}

/** Content words of a text, crudely singularised: for naming the terms a recommendation shares with a liked paper. */
function contentWords(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.toLowerCase().match(/[\p{L}][\p{L}\p{N}-]{2,}/gu) ?? []) {
    if (STOPWORDS.has(raw)) continue;
    const key = raw.replace(/(ies)$/, 'y').replace(/(?<!s)s$/, '');
    if (!out.has(key)) out.set(key, raw);
  }
  return out;
}

/** Up to `max` words of the liked paper's title that the candidate's title or abstract also uses. */
export function sharedTerms(liked: Pick<PaperRecord, 'title'>, candidate: Pick<PaperRecord, 'title' | 'abstract'>, max = 3): string[] {
  const inCandidate = contentWords(`${candidate.title} ${candidate.abstract}`);
  const out: string[] = [];
  for (const [key, word] of contentWords(liked.title)) {
    if (inCandidate.has(key)) out.push(word);
    if (out.length >= max) break;
  }
  return out;
}

export function reasonText(b: RecommendationBasis): string {
  if (b.author) return `by ${b.author}, whom you follow`;
  if (b.paperId) {
    const terms = b.terms && b.terms.length > 0 ? ` · shared terms: ${b.terms.join(', ')}` : '';
    return `because you ${b.how} “${b.paperTitle ?? b.paperId}”${b.list ? ` to “${b.list}”` : ''}${terms}${b.category ? ` · in ${b.category}, which you follow` : ''}`;
  }
  if (b.category) return `in ${b.category}, which you follow`;
  return `in ${(b.likedCategories ?? []).join(', ') || 'categories'}, like papers you liked`;
}

export class RecommendationService {
  private readonly windows = new Map<string, Window>();
  private background: { value: Background; at: number } | null = null;

  constructor(
    private readonly store: Store,
    private readonly semantic: SemanticParts | null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Everything "for you" reads about a member. */
  async signals(userId: number): Promise<Signals> {
    const liked = new Map<string, Liked>();
    for (const id of await this.store.votes.paperIdsUpvotedBy(userId, FOR_YOU_SIGNALS)) liked.set(id, { how: 'upvoted' });
    for (const s of await this.store.interests.saved(userId, FOR_YOU_SIGNALS)) if (!liked.has(s.paperId)) liked.set(s.paperId, { how: 'saved', list: s.listName });
    const dismissed = new Set(await this.store.interests.dismissedIds(userId));
    for (const id of dismissed) liked.delete(id);
    return { liked, dismissed, follows: await this.store.interests.follows(userId) };
  }

  /** The candidates: the feed's papers of the `days` days up to `until`, most trending first, with their vectors. */
  private async window(until: string, days: number): Promise<Window> {
    const key = `${until}/${days}`;
    const now = this.clock();
    const cached = this.windows.get(key);
    if (cached && now - cached.loadedAt < WINDOW_TTL_MS) return cached;
    const from = new Date(Date.parse(`${until}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const items = await this.store.feed.list({ from, to: until, sort: 'trending', limit: 20_000, offset: 0 });
    const vectors = this.semantic ? this.semantic.vectors.vectorsOf(items.map((i) => i.paper.id)) : null;
    const w: Window = { key, items, vectors, loadedAt: now };
    for (const [k, old] of this.windows) if (now - old.loadedAt >= WINDOW_TTL_MS || this.windows.size >= 4) this.windows.delete(k);
    this.windows.set(key, w);
    return w;
  }

  /** Computes what rankings share ahead of the first one (the linear model's background), so no request waits for it. */
  warm(): void {
    if (this.semantic && this.semantic.vectors.size() > 0) this.backgroundFor();
  }

  /** The linear model's background: mean and shrunk covariance of a sample of the corpus's vectors (cached). */
  private backgroundFor(): Background {
    const now = this.clock();
    if (!this.background || now - this.background.at >= BACKGROUND_TTL_MS) {
      const sample = this.semantic!.vectors.sample(BACKGROUND_SAMPLE);
      this.background = { value: backgroundOf(sample.length > 0 ? sample : [new Float32Array(this.semantic!.embedder.dimensions)], BACKGROUND_SHRINKAGE), at: now };
    }
    return this.background.value;
  }

  /** The most common categories among the recent window's papers (for the cold-start form). */
  async recentCategories(limit: number): Promise<Array<{ value: string; count: number }>> {
    const latest = await this.store.feed.latestDate();
    if (!latest) return [];
    const counts = new Map<string, number>();
    for (const i of (await this.window(latest, FOR_YOU_DAYS)).items) for (const c of i.paper.categories) counts.set(c, (counts.get(c) ?? 0) + 1);
    return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, limit);
  }

  /** Ranks a window for one member's signals. Null when there is nothing to go on (no likes, no follows). */
  async rank(signals: Signals, w: Window, limit: number): Promise<Recommendation[] | null> {
    const { liked, dismissed, follows } = signals;
    if (liked.size === 0 && follows.authors.length === 0 && follows.categories.length === 0) return null;
    const likedPapers = await this.store.papers.getByIds([...liked.keys()]);
    const byId = new Map(likedPapers.map((p) => [p.id, p]));
    const vectors = this.semantic?.vectors;
    const likedV = w.vectors && vectors && likedPapers.length > 0 ? [...vectors.vectorsOf(likedPapers.map((p) => p.id))] : [];
    const dismissedV = w.vectors && vectors && dismissed.size > 0 ? [...vectors.vectorsOf([...dismissed].slice(0, FOR_YOU_SIGNALS)).values()] : [];
    const authors = new Set(follows.authors.map((a) => a.toLowerCase()));
    const categories = new Set(follows.categories);
    // Without vectors: categories of liked papers, weighted by how often, as a stand-in for similarity.
    const catWeight = new Map<string, number>();
    if (likedV.length === 0) for (const p of likedPapers) for (const c of p.categories) catWeight.set(c, (catWeight.get(c) ?? 0) + 1 / likedPapers.length);

    // The member's candidates: every window paper with vectors; without, those sharing a liked or followed category.
    const cands: Array<{ item: FeedItem; rank: number; v: Float32Array | undefined; author: string | undefined; basis: RecommendationBasis }> = [];
    w.items.forEach((item, rank) => {
      const id = item.paper.id;
      if (liked.has(id) || dismissed.has(id)) return;
      const author = authors.size > 0 ? item.paper.authors.find((a) => authors.has(a.toLowerCase())) : undefined;
      const category = categories.size > 0 ? item.paper.categories.find((c) => categories.has(c)) : undefined;
      const basis: RecommendationBasis = {};
      if (author) basis.author = author;
      if (category) basis.category = category;
      const v = w.vectors?.get(id);
      if (likedV.length === 0) {
        const shared = item.paper.categories.filter((c) => catWeight.has(c));
        if (shared.length > 0) basis.likedCategories = shared.slice(0, 2);
        else if (!author && !category) return;
      }
      cands.push({ item, rank, v, author, basis });
    });
    const n = cands.length;
    const popularity = cands.map((c) => -c.rank);
    let blended: Float64Array;
    if (likedV.length > 0) {
      // Nearest liked paper (less the excess closeness to a dismissed one) and the linear model, with the trending order.
      const similarity = new Float64Array(n);
      const linear = new Float64Array(n);
      const model = trainWhitened(this.backgroundFor(), { positives: likedV.map(([, v]) => v) });
      const known: number[] = [];
      cands.forEach((c, i) => {
        if (!c.v) return;
        let best = -Infinity;
        for (const [lid, lv] of likedV) {
          const s = dot(c.v, lv);
          if (s > best) {
            best = s;
            c.basis.paperId = lid;
          }
        }
        let worst = -Infinity;
        for (const dv of dismissedV) worst = Math.max(worst, dot(c.v, dv));
        similarity[i] = worst > best ? best - (worst - best) : best;
        linear[i] = model.score(c.v);
        known.push(i);
      });
      // Papers not embedded yet (just imported) sit at the average of the others.
      if (known.length < n) {
        const avg = (xs: Float64Array) => known.reduce((s, i) => s + xs[i]!, 0) / (known.length || 1);
        const [ms, ml] = [avg(similarity), avg(linear)];
        cands.forEach((c, i) => {
          if (!c.v) [similarity[i], linear[i]] = [ms, ml];
        });
      }
      blended = blendScores({ similarity, linear, popularity });
    } else {
      const share = cands.map((c) => Math.min(1, c.item.paper.categories.reduce((s, cat) => s + (catWeight.get(cat) ?? 0), 0)));
      blended = zScores(share);
      const pop = zScores(popularity);
      for (let i = 0; i < n; i++) blended[i]! += BLEND_WEIGHTS.mu * pop[i]!;
    }
    const scored = cands.map((c, i) => ({ item: c.item, author: c.author, basis: c.basis, score: blended[i]! + (c.basis.category ? FOLLOWED_CATEGORY_LIFT : 0) }));
    // Followed authors first, then by score.
    scored.sort((a, b) => Number(Boolean(b.author)) - Number(Boolean(a.author)) || b.score - a.score || (a.item.paper.id < b.item.paper.id ? -1 : 1));
    return scored.slice(0, limit).map(({ item, score, basis }) => {
      if (basis.paperId) {
        const p = byId.get(basis.paperId);
        const how = liked.get(basis.paperId);
        basis.how = how?.how;
        if (how?.list !== undefined) basis.list = how.list;
        basis.paperTitle = p?.title ?? basis.paperId;
        basis.terms = p ? sharedTerms(p, item.paper) : [];
      }
      return { item, score: Math.round(score * 10_000) / 10_000, reason: reasonText(basis), basis };
    });
  }

  /** Up to `limit` recommendations for a member, computed now; null when there is nothing to go on yet. */
  async forYou(userId: number, limit = 30, window: { until?: string; days?: number } = {}): Promise<Recommendation[] | null> {
    const signals = await this.signals(userId);
    if (signals.liked.size === 0 && signals.follows.authors.length === 0 && signals.follows.categories.length === 0) return null;
    const latest = window.until ?? (await this.store.feed.latestDate());
    if (!latest) return [];
    return this.rank(signals, await this.window(latest, window.days ?? FOR_YOU_DAYS), limit);
  }

  /**
   * The member's cached recommendations when still fresh (same latest feed day, same signals), else computed now and
   * cached. Null when there is nothing to go on.
   */
  async cachedForYou(userId: number, limit = 30): Promise<{ recs: Recommendation[]; computedAt: string } | null> {
    const [latest, signature, cached] = await Promise.all([this.store.feed.latestDate(), this.store.interests.signature(userId), this.store.interests.cached(userId)]);
    if (!latest) return { recs: [], computedAt: new Date(this.clock()).toISOString() };
    if (cached && cached.feedDay === latest && cached.signature === signature) {
      const w = await this.window(latest, FOR_YOU_DAYS);
      const items = new Map(w.items.map((i) => [i.paper.id, i]));
      const recs = cached.items.flatMap((c) => {
        const item = items.get(c.id);
        return item ? [{ item, score: c.score, reason: c.reason, basis: c.basis ?? {} }] : [];
      });
      return { recs: (await this.withoutHidden(recs)).slice(0, limit), computedAt: cached.computedAt };
    }
    const fresh = await this.refresh(userId, latest, signature);
    return fresh ? { recs: (await this.withoutHidden(fresh.recs)).slice(0, limit), computedAt: fresh.computedAt } : null;
  }

  /** Leaves out papers the moderators hid after the window was read (a window is reused for WINDOW_TTL_MS). */
  private async withoutHidden(recs: Recommendation[]): Promise<Recommendation[]> {
    if (recs.length === 0) return recs;
    const states = await this.store.feed.states(recs.map((r) => r.item.paper.id));
    return recs.filter((r) => !states.get(r.item.paper.id)?.hidden);
  }

  /**
   * Computes and caches one member's recommendations as of `latest`. Null with nothing to go on, and then an earlier
   * cached list is dropped (the digest's "for you" reads the cache).
   */
  async refresh(userId: number, latest?: string, signature?: string): Promise<{ recs: Recommendation[]; computedAt: string } | null> {
    const day = latest ?? (await this.store.feed.latestDate());
    if (!day) return null;
    const sig = signature ?? (await this.store.interests.signature(userId));
    const recs = await this.rank(await this.signals(userId), await this.window(day, FOR_YOU_DAYS), FOR_YOU_CACHED);
    if (recs === null) {
      await this.store.interests.dropCache(userId);
      return null;
    }
    const computedAt = new Date(this.clock()).toISOString();
    const items: CachedRecommendation[] = recs.map((r) => ({ id: r.item.paper.id, score: r.score, reason: r.reason, basis: r.basis }));
    await this.store.interests.putCache(userId, { feedDay: day, signature: sig, items, computedAt });
    return { recs, computedAt };
  }

  /**
   * Refreshes every member with signals whose cache is stale (or all with `force`), in id order, in batches, then drops
   * the cached lists of members left without signals. Reports progress after each member. Returns how many were looked at and how many recomputed.
   */
  async refreshAll(opts: { force?: boolean; onProgress?: (done: number, refreshed: number) => void; shouldStop?: () => boolean } = {}): Promise<{ members: number; refreshed: number }> {
    const latest = await this.store.feed.latestDate();
    if (!latest) return { members: 0, refreshed: 0 };
    let after = 0;
    let members = 0;
    let refreshed = 0;
    for (;;) {
      const batch = await this.store.interests.membersWithSignals(after, 500);
      if (batch.length === 0) break;
      for (const userId of batch) {
        if (opts.shouldStop?.()) return { members, refreshed };
        members++;
        const signature = await this.store.interests.signature(userId);
        const cached = opts.force ? null : await this.store.interests.cached(userId);
        if (!cached || cached.feedDay !== latest || cached.signature !== signature) {
          if (await this.refresh(userId, latest, signature)) refreshed++;
        }
        opts.onProgress?.(members, refreshed);
        // Let the event loop turn between members: on SQLite every query resolves without waiting for I/O, so a
        // refresh inside `paperboy serve` otherwise held every request until it ended (200 members: 5 s; 10,000: minutes).
        await nextTurn();
      }
      after = batch.at(-1)!;
    }
    // Members who withdrew every signal since (or were suspended) are not in the batches above.
    await this.store.interests.dropCachesWithoutSignals();
    return { members, refreshed };
  }
}
