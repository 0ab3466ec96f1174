/**
 * When digest editions are due, and which papers a subscription gets. Pure; times in UTC, passed in.
 *
 * Daily editions follow the feed, which follows arXiv's announcements: an edition exists only for a day that has
 * papers (no empty mails on weekends and holidays), and is due the next morning at the send hour, once the day's
 * papers are in. Weekly editions cover an ISO week and are due on the configured weekday after it ends.
 */
import { addDays, isoWeekOf, type Period, weekPeriod } from './period.js';

const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The feed day whose daily edition is due at `nowMs`, or null (not yet, or already made). */
export function dueDailyDay(latestFeedDay: string | null, lastEditionDay: string | null, nowMs: number, sendHourUtc: number): string | null {
  if (!latestFeedDay) return null;
  if (lastEditionDay !== null && latestFeedDay <= lastEditionDay) return null;
  const dueAt = ms(addDays(latestFeedDay, 1)) + sendHourUtc * 3_600_000;
  return nowMs >= dueAt ? latestFeedDay : null;
}

/** A weekly edition still goes out this long after its send time (the job was down), but not later: it would be stale. */
export const WEEKLY_LATE_LIMIT_MS = 2 * 86_400_000;

/**
 * The ISO week whose weekly edition is due at `nowMs`: the latest week whose send time (the configured weekday after
 * its Sunday, at the send hour) has passed, if that was less than WEEKLY_LATE_LIMIT_MS ago and it was not made yet.
 */
export function dueWeek(nowMs: number, weekday: Weekday, sendHourUtc: number, lastEditionKey: string | null): Period | null {
  const today = new Date(nowMs).toISOString().slice(0, 10);
  for (const back of [7, 14]) {
    const week = weekPeriod(isoWeekOf(addDays(today, -back)))!;
    const dueAt = ms(addDays(week.to, WEEKDAYS.indexOf(weekday) + 1)) + sendHourUtc * 3_600_000;
    if (nowMs < dueAt) continue;
    if (nowMs >= dueAt + WEEKLY_LATE_LIMIT_MS) return null;
    return lastEditionKey !== null && week.key <= lastEditionKey ? null : week;
  }
  return null;
}

/** The first day a daily digest covers for a subscriber: after their last one (merge, at most a week back) or the day itself (skip). */
export function dailyFrom(editionDay: string, lastSentUntil: string | null, mode: 'merge' | 'skip'): string {
  if (mode === 'skip' || lastSentUntil === null) return editionDay;
  const weekBack = addDays(editionDay, -6);
  const after = addDays(lastSentUntil, 1);
  const from = after > weekBack ? after : weekBack;
  return from > editionDay ? editionDay : from;
}

export interface TopicFilter {
  categories: readonly string[];
  keywords: readonly string[];
  authors: readonly string[];
}

export interface CandidatePaper {
  title: string;
  abstract: string;
  authors: readonly string[];
  categories: readonly string[];
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const words = (s: string) => fold(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** A paper folded once for matching (accents and case removed), shared by every subscription it is matched against. */
export interface FoldedPaper {
  categories: readonly string[];
  /** ` title abstract ` as space-separated folded words. */
  text: string;
  authors: string[];
}

export function foldPaper(p: CandidatePaper): FoldedPaper {
  return { categories: p.categories, text: ` ${words(`${p.title} ${p.abstract}`)} `, authors: p.authors.map(fold) };
}

/**
 * A matcher for one subscription's topics: no topics means every paper; otherwise any listed category (exact, or a
 * whole archive such as `cs` or `math`), any keyword or phrase in the title or abstract (whole words, accents
 * ignored), or any author name fragment.
 */
export function topicMatcher(t: TopicFilter): (p: FoldedPaper) => boolean {
  if (t.categories.length === 0 && t.keywords.length === 0 && t.authors.length === 0) return () => true;
  const keywords = t.keywords.map((k) => ` ${words(k)} `).filter((k) => k.trim() !== '');
  const authors = t.authors.map((a) => fold(a).trim()).filter((a) => a !== '');
  return (p) =>
    t.categories.some((c) => p.categories.some((pc) => pc === c || pc.startsWith(`${c}.`))) ||
    keywords.some((k) => p.text.includes(k)) ||
    authors.some((a) => p.authors.some((n) => n.includes(a)));
}

/** Whether a paper matches a subscription's topics (see topicMatcher). */
export function matchesTopics(p: CandidatePaper, t: TopicFilter): boolean {
  return topicMatcher(t)(foldPaper(p));
}
