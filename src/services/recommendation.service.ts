/**
 * "For you": recent papers ranked for one member from what they upvoted and saved to reading lists, each with its
 * reason. With semantic search, a candidate's score is its highest similarity to any liked paper (the liked paper it is
 * closest to is the reason); without, shared categories. A first version: issue 6 asks for a model chosen by measured
 * quality (npm run eval:recs), which will replace or refine this one.
 */
import type { SemanticParts } from '../search/index-sync.js';
import type { FeedItem } from '../store/feed.repository.js';
import type { Store } from '../store/store.js';

/** Recent days of the feed that "for you" draws from. */
export const FOR_YOU_DAYS = 14;
/** Liked papers considered (most recent first). */
export const FOR_YOU_SIGNALS = 100;

export interface Recommendation {
  item: FeedItem;
  score: number;
  reason: string;
}

export class RecommendationService {
  constructor(
    private readonly store: Store,
    private readonly semantic: SemanticParts | null,
  ) {}

  /** Liked papers of a member: upvotes and reading-list saves, newest first, with how they were liked. */
  private async signals(userId: number): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of await this.store.votes.paperIdsUpvotedBy(userId, FOR_YOU_SIGNALS)) out.set(id, 'upvoted');
    for (const list of await this.store.readingLists.ofUser(userId)) {
      for (const p of await this.store.readingLists.papers(list.id)) if (!out.has(p.id) && out.size < FOR_YOU_SIGNALS * 2) out.set(p.id, `saved to “${list.name}”`);
    }
    return out;
  }

  /** Up to `limit` recommendations for a member; null when there is nothing to go on yet (no upvotes, no saves). */
  async forYou(userId: number, limit = 30, window: { until?: string; days?: number } = {}): Promise<Recommendation[] | null> {
    const liked = await this.signals(userId);
    if (liked.size === 0) return null;
    const latest = window.until ?? (await this.store.feed.latestDate());
    if (!latest) return [];
    const from = new Date(Date.parse(`${latest}T00:00:00Z`) - ((window.days ?? FOR_YOU_DAYS) - 1) * 86_400_000).toISOString().slice(0, 10);
    const candidates = (await this.store.feed.list({ from, to: latest, sort: 'trending', limit: 3000, offset: 0 })).filter((i) => !liked.has(i.paper.id));
    const likedPapers = await this.store.papers.getByIds([...liked.keys()]);
    const titleOf = new Map(likedPapers.map((p) => [p.id, p.title]));
    const recs: Recommendation[] = [];
    const vectors = this.semantic?.vectors;
    const likedMap = vectors ? vectors.vectorsOf(likedPapers.map((p) => p.id)) : new Map<string, Float32Array>();
    const likedVectors = [...likedMap.entries()].map(([id, v]) => ({ id, v }));
    if (likedVectors.length > 0) {
      // One read for the whole window's vectors (not one query per candidate).
      const candidateVectors = vectors!.vectorsOf(candidates.map((i) => i.paper.id));
      for (const item of candidates) {
        const v = candidateVectors.get(item.paper.id);
        if (!v) continue;
        let best = -Infinity;
        let because = '';
        for (const l of likedVectors) {
          let s = 0;
          for (let j = 0; j < v.length; j++) s += v[j]! * l.v[j]!;
          if (s > best) {
            best = s;
            because = l.id;
          }
        }
        recs.push({ item, score: best, reason: `because you ${liked.get(because)} “${titleOf.get(because) ?? because}”` });
      }
    } else {
      // No vectors: shared categories with what was liked, weighted by how often.
      const weight = new Map<string, number>();
      for (const p of likedPapers) for (const c of p.categories) weight.set(c, (weight.get(c) ?? 0) + 1);
      for (const item of candidates) {
        const shared = item.paper.categories.filter((c) => weight.has(c));
        if (shared.length === 0) continue;
        recs.push({ item, score: shared.reduce((s, c) => s + weight.get(c)!, 0), reason: `in ${shared.slice(0, 2).join(', ')}, like papers you liked` });
      }
    }
    return recs.sort((a, b) => b.score - a.score).slice(0, limit).map((r) => ({ ...r, score: Math.round(r.score * 10_000) / 10_000 }));
  }
}
