/** Small helpers the benchmarks share: a seedable PRNG, percentiles, and number formats for their tables. */
import { seededRandom } from '../../src/domain/random.js';

/** The project's seeded PRNG (mulberry32) with helpers: deterministic corpora, subscribers and queries. */
export function rng(seed: number): { next: () => number; int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

/** Nearest-rank percentile of unsorted values. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMb = (kb: number) => `${fmtInt(kb / 1024)} MB`;

/** A plain-text table: left-aligned first `leftCols` columns, the rest right-aligned. */
export function table(head: string[], rows: string[][], leftCols = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Milliseconds with as many decimals as their size deserves ('-' when not measured). */
export const fmtMs = (ms: number) => (!Number.isFinite(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 0.1 ? ms.toFixed(2) : ms.toFixed(3));
export const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '-');
