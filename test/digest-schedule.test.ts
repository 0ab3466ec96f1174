/** When digest editions are due and which papers match a subscription (domain/digest-schedule), at pinned times. */
import { describe, expect, it } from 'vitest';
import { dailyFrom, dueDailyDay, dueWeek, matchesTopics } from '../src/domain/digest-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('daily editions', () => {
  it('are due the morning after a feed day, once', () => {
    expect(dueDailyDay('2025-10-03', null, at('2025-10-04T05:59:59Z'), 6)).toBeNull();
    expect(dueDailyDay('2025-10-03', null, at('2025-10-04T06:00:00Z'), 6)).toBe('2025-10-03');
    expect(dueDailyDay('2025-10-03', '2025-10-03', at('2025-10-05T06:00:00Z'), 6)).toBeNull(); // already made
    expect(dueDailyDay(null, null, at('2025-10-05T06:00:00Z'), 6)).toBeNull(); // an empty feed: no mail
  });
  it('cover the days since the last digest in merge mode (at most a week), the newest day in skip mode', () => {
    expect(dailyFrom('2025-10-06', '2025-10-03', 'merge')).toBe('2025-10-04');
    expect(dailyFrom('2025-10-06', '2025-09-01', 'merge')).toBe('2025-09-30');
    expect(dailyFrom('2025-10-06', null, 'merge')).toBe('2025-10-06');
    expect(dailyFrom('2025-10-06', '2025-10-03', 'skip')).toBe('2025-10-06');
  });
});

describe('weekly editions', () => {
  it('are due on the chosen weekday after the ISO week, up to two days late, once', () => {
    // Week 40 of 2025: Monday 29 September – Sunday 5 October.
    expect(dueWeek(at('2025-10-06T05:59:00Z'), 'monday', 6, null)?.key).not.toBe('2025-W40');
    expect(dueWeek(at('2025-10-06T06:00:00Z'), 'monday', 6, null)).toMatchObject({ key: '2025-W40', from: '2025-09-29', to: '2025-10-05' });
    expect(dueWeek(at('2025-10-07T23:00:00Z'), 'monday', 6, null)?.key).toBe('2025-W40');
    expect(dueWeek(at('2025-10-08T06:00:00Z'), 'monday', 6, null)).toBeNull(); // stale by then
    expect(dueWeek(at('2025-10-06T07:00:00Z'), 'monday', 6, '2025-W40')).toBeNull();
    expect(dueWeek(at('2025-10-10T06:00:00Z'), 'friday', 6, null)?.key).toBe('2025-W40');
  });
});

describe('topics', () => {
  const p = { title: 'Diffusion Models for Tabular Data', abstract: 'We study score-based generative modelling.', authors: ['José Hernández-Lobato'], categories: ['cs.LG', 'stat.ML'] };
  it('match every paper without topics, and any one topic otherwise', () => {
    const t = (o: Partial<{ categories: string[]; keywords: string[]; authors: string[] }>) => ({ categories: [], keywords: [], authors: [], ...o });
    expect(matchesTopics(p, t({}))).toBe(true);
    expect(matchesTopics(p, t({ categories: ['stat.ML'] }))).toBe(true);
    expect(matchesTopics(p, t({ categories: ['cs'] }))).toBe(true); // a whole archive
    expect(matchesTopics(p, t({ categories: ['c'] }))).toBe(false);
    expect(matchesTopics(p, t({ keywords: ['score-based'] }))).toBe(true);
    expect(matchesTopics(p, t({ keywords: ['tabular data'] }))).toBe(true);
    expect(matchesTopics(p, t({ keywords: ['diff'] }))).toBe(false); // whole words
    expect(matchesTopics(p, t({ authors: ['hernandez'] }))).toBe(true); // accents ignored
    expect(matchesTopics(p, t({ categories: ['math.OC'], keywords: ['quantum'], authors: ['Hinton'] }))).toBe(false);
  });
});
