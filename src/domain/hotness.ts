/**
 * Trending, documented in docs/trending.md. The score is the logarithmic, time-anchored form Reddit's "hot" ranking
 * and Lobsters' `hotness` use (lobsters/app/models/story.rb):
 *
 *   score = log10(max(votes, 1)) + (enteredAt − TRENDING_EPOCH) / TRENDING_WINDOW_SECONDS, rounded to 7 decimals
 *
 * Because it does not depend on the current time, the score is stored with each feed entry and indexed: it changes
 * only when the votes do (each vote recomputes it; a periodic job recounts), and ranking is an index scan. The window
 * sets how votes trade against age: a paper one window newer needs a tenth of the votes to rank level. With a
 * two-day window, each day of age divides a paper's weight by √10 ≈ 3.16.
 */
export const TRENDING_EPOCH_MS = Date.UTC(2020, 0, 1);
export const TRENDING_WINDOW_SECONDS = 2 * 86_400;
/**
 * Votes from accounts younger than this are shown in the count but do not move trending: a throwaway account made to
 * push a paper counts only once it has aged, by which time the paper has too. (Votes of suspended accounts count
 * nowhere.)
 */
export const TRUSTED_ACCOUNT_AGE_MS = 24 * 3_600_000;

/** Trending score of a feed entry with `votes` counted votes that entered the feed at `enteredAtMs`. */
export function trendingScore(votes: number, enteredAtMs: number): number {
  const order = Math.log10(Math.max(votes, 1));
  const age = (enteredAtMs - TRENDING_EPOCH_MS) / 1000 / TRENDING_WINDOW_SECONDS;
  return Math.round((order + age) * 1e7) / 1e7;
}

/** When a feed entry entered the feed: the start (UTC) of its feed day. */
export function feedDayMs(feedDate: string): number {
  return Date.parse(`${feedDate}T00:00:00Z`);
}
