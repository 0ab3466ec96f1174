import { describe, expect, it } from 'vitest';
import { isCanonicalPaperId, parsePaperId } from '../src/domain/arxiv-id.js';
import { trendingScore, TRENDING_EPOCH_MS } from '../src/domain/hotness.js';
import { wilsonLowerBound } from '../src/domain/wilson.js';
import { decideUpdate } from '../src/domain/paper-version.js';
import { type PaperInput, validatePaper } from '../src/domain/paper.js';
import { addDays, dayPeriod, isoWeekOf, monthPeriod, periodLabel, shiftPeriod, weekPeriod } from '../src/domain/period.js';

describe('paper ids', () => {
  it.each([
    ['2505.20278', '2505.20278', null, 'arxiv-new'],
    ['2505.20278v3', '2505.20278', 3, 'arxiv-new'],
    ['arXiv:0808.0539v2', '0808.0539', 2, 'arxiv-new'],
    ['https://arxiv.org/abs/2505.20278v1', '2505.20278', 1, 'arxiv-new'],
    ['http://arxiv.org/pdf/hep-th/9108002v1.pdf', 'hep-th/9108002', 1, 'arxiv-old'],
    ['hep-th/9108002', 'hep-th/9108002', null, 'arxiv-old'],
    ['math.GT/0309136', 'math.GT/0309136', null, 'arxiv-old'],
    ['quant-ph/0201082v1', 'quant-ph/0201082', 1, 'arxiv-old'],
    ['openreview:AbC_12-x', 'openreview:AbC_12-x', null, 'namespaced'],
  ])('parses %s', (input, id, version, kind) => {
    expect(parsePaperId(input)).toEqual({ id, version, kind });
  });

  it.each(['', 'abc', 'openreview:abc.md', '2513.00001', '2505.2027', '1412.12345', '0703.1234', 'hep-th/9113002', '2505.20278v0', '../etc/passwd', '<script>', 'x'.repeat(300)])(
    'rejects %s',
    (input) => {
      expect(parsePaperId(input)).toBeNull();
    },
  );

  it('knows canonical ids', () => {
    expect(isCanonicalPaperId('2505.20278')).toBe(true);
    expect(isCanonicalPaperId('2505.20278v2')).toBe(false);
  });
});

describe('periods', () => {
  it('computes ISO weeks, including week 53 and year boundaries', () => {
    expect(weekPeriod('2025-W22')).toEqual({ kind: 'week', key: '2025-W22', from: '2025-05-26', to: '2025-06-01' });
    expect(weekPeriod('2020-W53')).toEqual({ kind: 'week', key: '2020-W53', from: '2020-12-28', to: '2021-01-03' });
    expect(weekPeriod('2021-W53')).toBeNull();
    expect(weekPeriod('2025-W00')).toBeNull();
    expect(isoWeekOf('2021-01-01')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
  });
  it('computes months and days', () => {
    expect(monthPeriod('2024-02')).toEqual({ kind: 'month', key: '2024-02', from: '2024-02-01', to: '2024-02-29' });
    expect(monthPeriod('2025-13')).toBeNull();
    expect(dayPeriod('2025-02-30')).toBeNull();
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
  it('moves to neighbouring periods and labels them', () => {
    expect(shiftPeriod(monthPeriod('2025-01')!, -1).key).toBe('2024-12');
    expect(shiftPeriod(weekPeriod('2025-W01')!, -1).key).toBe('2024-W52');
    expect(shiftPeriod(dayPeriod('2025-03-01')!, -1).key).toBe('2025-02-28');
    expect(periodLabel(dayPeriod('2025-05-26')!)).toBe('Monday, 26 May 2025');
    expect(periodLabel(weekPeriod('2025-W22')!)).toBe('Week 22 of 2025 (26 May – 1 Jun)');
    expect(periodLabel(monthPeriod('2025-05')!)).toBe('May 2025');
  });
});

describe('version decisions', () => {
  const s = (contentHash: string, version: number | null, updated: string | null, published = '2025-01-01') => ({ contentHash, version, updated, published });
  it('decides by version, then by date', () => {
    expect(decideUpdate(s('a', 2, null), s('a', 2, null))).toBe('unchanged');
    expect(decideUpdate(s('b', 3, null), s('a', 2, null))).toBe('update');
    expect(decideUpdate(s('b', 1, null), s('a', 2, null))).toBe('stale');
    expect(decideUpdate(s('b', 2, null), s('a', 2, null))).toBe('update');
    expect(decideUpdate(s('b', null, '2025-02-01'), s('a', null, '2025-03-01'))).toBe('stale');
    expect(decideUpdate(s('b', null, '2025-04-01'), s('a', 2, '2025-03-01'))).toBe('update');
    expect(decideUpdate(s('b', null, '2025-03-01'), s('a', 2, '2025-03-01'))).toBe('stale');
  });
});

describe('trending score (docs/trending.md)', () => {
  it('is log10 of the votes plus the feed day in two-day windows since 2020-01-01, to 7 decimals', () => {
    const day = Date.parse('2025-01-01T00:00:00Z'); // 1,827 days after the epoch: 913.5 windows
    expect(trendingScore(10, day)).toBe(914.5);
    expect(trendingScore(5, day)).toBe(914.19897);
    expect(trendingScore(1, day)).toBe(913.5);
    expect(trendingScore(0, day)).toBe(913.5); // no votes ranks like one, as in Lobsters and Reddit
    expect(trendingScore(1, TRENDING_EPOCH_MS)).toBe(0);
    // A paper two days newer ties with one that has ten times the votes.
    expect(trendingScore(3, day + 2 * 86_400_000)).toBe(trendingScore(30, day));
  });
});

describe('Wilson lower bound (z = 1.281551565545)', () => {
  it('matches the formula at known points', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(1, 0)).toBeCloseTo(0.3784475, 7); // 1 / (1 + z²);
    expect(wilsonLowerBound(5, 0)).toBeCloseTo(0.7527429, 7);
    expect(wilsonLowerBound(50, 5)).toBeCloseTo(0.8468602, 7);
    expect(wilsonLowerBound(0, 3)).toBe(0);
  });
  it('ranks more evidence above less at the same share, and a mixed record below a clean one of equal size', () => {
    expect(wilsonLowerBound(50, 5)).toBeGreaterThan(wilsonLowerBound(5, 0));
    expect(wilsonLowerBound(10, 0)).toBeGreaterThan(wilsonLowerBound(9, 1));
  });
});

describe('paper validation', () => {
  const base: PaperInput = {
    id: '2505.20278',
    title: 'T',
    abstract: 'A',
    authors: ['A B'],
    categories: ['cs.LG'],
    published: '2025-05-26',
    updated: null,
    version: null,
    comment: null,
    journalRef: null,
    doi: null,
    links: { abs: null, pdf: null, code: null, project: null },
    feed: null,
  };
  const ok = (p: Partial<PaperInput>) => {
    const v = validatePaper({ ...base, ...p });
    if (!v.ok) throw new Error(v.reason);
    return v.value;
  };

  it('collapses whitespace and removes control characters (PostgreSQL refuses NUL)', () => {
    const v = ok({ title: ' Deep\u0000 \t learning\n\u00a0 for\u0007 all ', abstract: 'a\r\nb  c', comment: ' 10\u0000 pages\n', authors: [' Ada\u0001  Lovelace '] });
    expect(v.title).toBe('Deep learning for all');
    expect(v.abstract).toBe('a b c');
    expect(v.comment).toBe('10 pages');
    expect(v.authors).toEqual(['Ada Lovelace']);
  });

  it('keeps tidy text as it is and links arXiv papers to their unversioned pages', () => {
    const v = ok({ abstract: 'Already tidy text with $x^2$.', links: { abs: 'https://arxiv.org/abs/2505.20278v2', pdf: null, code: 'https://github.com/a/b', project: 'javascript:alert(1)' } });
    expect(v.abstract).toBe('Already tidy text with $x^2$.');
    expect(v.links).toEqual({ abs: 'https://arxiv.org/abs/2505.20278', pdf: 'https://arxiv.org/pdf/2505.20278', code: 'https://github.com/a/b', project: null });
  });

  it('rejects dates outside 1900 .. a week from now', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(validatePaper({ ...base, published: '2999-01-01' }, now)).toEqual({ ok: false, reason: 'published date "2999-01-01" is in the future' });
    expect(validatePaper({ ...base, published: '1899-12-31' }, now)).toEqual({ ok: false, reason: 'published date "1899-12-31" is before 1900' });
    expect(validatePaper({ ...base, feed: { date: '2026-12-31', submittedBy: null, upvotes: null } }, now)).toEqual({ ok: false, reason: 'feed date "2026-12-31" is in the future' });
    expect(validatePaper({ ...base, published: '2026-12-01' }, now).ok).toBe(true);
  });
});
