/**
 * The periodic vote recount: every few minutes, each voted paper's counts and trending score are recomputed from the
 * votes table, so votes of accounts that have aged past the trust threshold start to count and any drift is repaired.
 */
import type { VoteService } from '../services/vote.service.js';

export const RECOUNT_INTERVAL_MS = 10 * 60_000;

/** Starts the job; returns a function that stops it and waits for a run in progress. */
export function startVoteRecount(votes: VoteService, intervalMs = RECOUNT_INTERVAL_MS, onError: (e: unknown) => void = () => {}): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => votes.recountAll()).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
