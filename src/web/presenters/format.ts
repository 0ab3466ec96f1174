/** Small text formatting shared by the HTML views. Dates are YYYY-MM-DD strings and are shown in UTC, British order. */

const fmt = (date: string, o: Intl.DateTimeFormatOptions) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', ...o });

/** `2025-05-26` -> `26 May 2025`. */
export function longDate(date: string): string {
  return fmt(date, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** `2025-05-26` -> `Mon 26 May 2025`. */
export function dayWithWeekday(date: string): string {
  return fmt(date, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).replace(',', '');
}

/** `1 upvote`, `3 upvotes`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is dropped. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}
