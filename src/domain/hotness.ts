/**
 * Trending score: Hacker News' gravity formula, score = votes / (ageHours + 2)^1.8, as described by
 * Amir Salihefendic, "How Hacker News ranking algorithm works" (2010). Pure; `now` is passed in so tests pin time.
 */
export const HOTNESS_GRAVITY = 1.8;
export const HOTNESS_OFFSET_HOURS = 2;

/** Trending score of an item with `votes` upvotes that entered the feed at `enteredAt` (ms since epoch). */
export function hotness(votes: number, enteredAtMs: number, nowMs: number): number {
  const ageHours = Math.max(0, (nowMs - enteredAtMs) / 3_600_000);
  return votes / Math.pow(ageHours + HOTNESS_OFFSET_HOURS, HOTNESS_GRAVITY);
}
