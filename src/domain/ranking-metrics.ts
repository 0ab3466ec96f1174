/**
 * Ranking quality metrics for known-item and small-judgement evaluations (bench/eval-search.ts). Pure.
 * Relevance is binary: a paper is in the query's `relevant` set or it is not. Definitions follow Manning, Raghavan &
 * Schütze, "Introduction to Information Retrieval" (2008), ch. 8, and Järvelin & Kekäläinen (2002) for nDCG.
 * Ranks count from 1. A paper listed twice in a ranking counts once, at its first position (later copies are skipped,
 * so they neither earn credit nor push relevant papers down).
 */

type Relevant = ReadonlySet<string> | readonly string[];

function relevantSet(relevant: Relevant): ReadonlySet<string> {
  const set = relevant instanceof Set ? relevant : new Set(relevant as readonly string[]);
  if (set.size === 0) throw new RangeError('a query needs at least one relevant paper');
  return set;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
}

/** The first `k` distinct ids of a ranking. */
function topK(ranked: readonly string[], k: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    if (out.length === k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/** Recall@k: the share of the relevant papers found in the first `k` results (1 or 0 for a single known item). */
export function recallAtK(ranked: readonly string[], relevant: Relevant, k: number): number {
  checkK(k);
  const rel = relevantSet(relevant);
  const found = topK(ranked, k).filter((id) => rel.has(id)).length;
  return found / rel.size;
}

/** Reciprocal rank cut at k: 1 / the rank of the first relevant paper, or 0 when none is in the first `k`. MRR@k is its mean. */
export function reciprocalRankAtK(ranked: readonly string[], relevant: Relevant, k: number): number {
  checkK(k);
  const rel = relevantSet(relevant);
  const i = topK(ranked, k).findIndex((id) => rel.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/**
 * nDCG@k with binary gains: DCG = Σ_{i ≤ k, result i relevant} 1 / log2(i + 1), divided by the DCG of an ideal ranking
 * (all relevant papers first, at most k of them). 1 means every slot that could hold a relevant paper does.
 */
export function ndcgAtK(ranked: readonly string[], relevant: Relevant, k: number): number {
  checkK(k);
  const rel = relevantSet(relevant);
  let dcg = 0;
  topK(ranked, k).forEach((id, i) => {
    if (rel.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(rel.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Arithmetic mean; NaN for no values (an average over nothing is undefined, not 0). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median (the mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
