/**
 * The "for you" refresh: soon after start and then every half hour, every member with signals whose cached
 * recommendations are stale (a newer feed day, or signals changed since) gets them recomputed. Members who changed
 * something in between are recomputed on their next visit anyway; this job makes the first visit after an
 * announcement instant and keeps the cost off the web requests.
 */
import type { RecommendationService } from '../services/recommendation.service.js';

export const RECOMMENDATIONS_INTERVAL_MS = 30 * 60_000;
/** First run after start: long enough for the search index to catch up with the store. */
export const RECOMMENDATIONS_FIRST_RUN_MS = 60_000;

/**
 * Starts the job; returns a function that stops it and waits for a run in progress. `before` runs ahead of each
 * refresh (a worker brings its search index up to date there).
 */
export function startRecommendationRefresh(
  recs: RecommendationService,
  opts: { intervalMs?: number; firstRunMs?: number; before?: () => Promise<unknown>; onError?: (e: unknown) => void; onDone?: (r: { members: number; refreshed: number; ms: number }) => void } = {},
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    running = running
      .then(async () => {
        if (stopped) return;
        const t0 = performance.now();
        await opts.before?.();
        const r = await recs.refreshAll({ shouldStop: () => stopped });
        opts.onDone?.({ ...r, ms: performance.now() - t0 });
      })
      .catch(opts.onError ?? (() => {}));
  };
  const first = setTimeout(run, opts.firstRunMs ?? RECOMMENDATIONS_FIRST_RUN_MS);
  const timer = setInterval(run, opts.intervalMs ?? RECOMMENDATIONS_INTERVAL_MS);
  first.unref();
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
