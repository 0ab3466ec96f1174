import { describe, expect, it } from 'vitest';
import { mean, median, ndcgAtK, reciprocalRankAtK, recallAtK } from '../src/domain/ranking-metrics.js';

// Eleven results, so the 11th sits just outside a top 10.
const RANKED = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];

describe('ranking metrics on a single known item', () => {
  it('scores the item at rank 3', () => {
    expect(recallAtK(RANKED, ['c'], 5)).toBe(1);
    expect(recallAtK(RANKED, ['c'], 2)).toBe(0);
    expect(reciprocalRankAtK(RANKED, ['c'], 10)).toBe(1 / 3);
    expect(reciprocalRankAtK(RANKED, ['c'], 2)).toBe(0);
    // 1 / log2(3 + 1) over an ideal of 1 / log2(2)
    expect(ndcgAtK(RANKED, ['c'], 10)).toBe(0.5);
  });

  it('gives full marks at rank 1', () => {
    expect(recallAtK(RANKED, ['a'], 1)).toBe(1);
    expect(reciprocalRankAtK(RANKED, ['a'], 10)).toBe(1);
    expect(ndcgAtK(RANKED, ['a'], 10)).toBe(1);
  });

  it('gives nothing for an item just past the cut-off, or a ranking without it', () => {
    expect(recallAtK(RANKED, ['k'], 10)).toBe(0);
    expect(reciprocalRankAtK(RANKED, ['k'], 10)).toBe(0);
    expect(ndcgAtK(RANKED, ['k'], 10)).toBe(0);
    expect(reciprocalRankAtK(RANKED, ['k'], 11)).toBe(1 / 11);
    expect(recallAtK([], ['a'], 5)).toBe(0);
    expect(ndcgAtK([], ['a'], 10)).toBe(0);
  });
});

describe('ranking metrics with several relevant papers', () => {
  // Relevant at ranks 2 and 5; `z` was never retrieved.
  const relevant = new Set(['b', 'e', 'z']);

  it('counts the share of relevant papers found', () => {
    expect(recallAtK(RANKED, relevant, 5)).toBe(2 / 3);
    expect(recallAtK(RANKED, relevant, 4)).toBe(1 / 3);
    expect(recallAtK(RANKED, relevant, 1)).toBe(0);
  });

  it('takes the reciprocal rank of the first relevant paper only', () => {
    expect(reciprocalRankAtK(RANKED, relevant, 10)).toBe(0.5);
  });

  it('discounts each relevant paper by log2(rank + 1) against the ideal ranking', () => {
    // (1/log2 3 + 1/log2 6) / (1 + 1/log2 3 + 1/log2 4) = 1.0177825608059992 / 2.1309297535714578
    expect(ndcgAtK(RANKED, relevant, 10)).toBeCloseTo(0.4776237035032179, 15);
    // Relevant at ranks 3 and 4 of two: (1/log2 4 + 1/log2 5) / (1 + 1/log2 3)
    expect(ndcgAtK(RANKED, ['c', 'd'], 10)).toBeCloseTo(0.5706417189553201, 15);
  });

  it('caps the ideal ranking at k, so a full top k scores 1 even when more papers are relevant', () => {
    expect(ndcgAtK(['a', 'b'], ['a', 'b', 'c'], 2)).toBe(1);
    expect(recallAtK(['a', 'b'], ['a', 'b', 'c'], 2)).toBe(2 / 3);
  });
});

describe('ranking metrics edge cases', () => {
  it('counts a paper listed twice once, at its first position', () => {
    expect(reciprocalRankAtK(['x', 'x', 'y'], ['y'], 10)).toBe(0.5);
    expect(recallAtK(['x', 'x', 'y'], ['y'], 2)).toBe(1);
    expect(recallAtK(['y', 'y'], ['y', 'w'], 2)).toBe(0.5);
    expect(ndcgAtK(['x', 'x', 'y'], ['y'], 10)).toBe(1 / Math.log2(3));
  });

  it('rejects an empty relevant set and a k that is not a positive integer', () => {
    expect(() => recallAtK(RANKED, [], 5)).toThrow(RangeError);
    expect(() => ndcgAtK(RANKED, new Set<string>(), 5)).toThrow(RangeError);
    expect(() => reciprocalRankAtK(RANKED, ['a'], 0)).toThrow(RangeError);
    expect(() => recallAtK(RANKED, ['a'], 2.5)).toThrow(RangeError);
  });

  it('averages and takes medians, NaN for nothing', () => {
    expect(mean([1, 0, 0.5, 0.5])).toBe(0.5);
    expect(mean([])).toBeNaN();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
