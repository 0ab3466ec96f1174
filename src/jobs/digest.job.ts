/**
 * The digest job: every minute, plan the editions that are due and send what is due (new deliveries, retries, and
 * deliveries a dead worker left leased). Runs inside `paperboy serve` by default, or in `paperboy worker`; any number
 * of copies may run at once (the delivery ledger hands each delivery to one of them).
 */
import type { DigestService } from '../services/digest.service.js';

export const DIGEST_JOB_INTERVAL_MS = 60_000;

export function startDigestJob(digests: DigestService, intervalMs = DIGEST_JOB_INTERVAL_MS, onError: (e: unknown) => void = () => {}): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running
      .then(async () => {
        if (stopped) return;
        await digests.plan();
        await digests.sendDue();
      })
      .catch(onError);
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setImmediate(tick);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await digests.release();
  };
}
