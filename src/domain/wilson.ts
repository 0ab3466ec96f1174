/**
 * Ranking comments by the lower bound of the Wilson score interval for the share of upvotes (Evan Miller, "How Not To
 * Sort By Average Rating", 2009): a comment with 5 up and 0 down ranks below one with 50 up and 5 down, because we
 * are surer of the second. z = 1.281551565545 is the 80% confidence level Reddit's "best" sort and Lobsters'
 * `Comment#calculated_confidence` use.
 */
export const WILSON_Z = 1.281551565545;

/** Lower bound of the Wilson interval for `ups` of `ups + downs` votes; 0 with no votes. */
export function wilsonLowerBound(ups: number, downs: number, z = WILSON_Z): number {
  const n = ups + downs;
  if (n === 0) return 0;
  const p = ups / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}
