/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): score(d) = Σ w_i / (k + rank_i(d)), ranks from 1.
 * Weights let one list count more than the other; k = 60 is the paper's constant. Pure.
 */
export const RRF_K = 60;

export interface RankedList {
  ids: readonly string[];
  weight: number;
}

/** Fuses ranked lists into one ranking, best first; ties keep the order of first appearance. */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): string[] {
  const score = new Map<string, number>();
  for (const { ids, weight } of lists) {
    ids.forEach((id, i) => score.set(id, (score.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return [...score.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}
