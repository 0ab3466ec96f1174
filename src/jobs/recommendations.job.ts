/**
 * The "for you" refresh (the `recs.refresh` job, every half hour: jobs/standard.ts): every member with signals whose
 * cached recommendations are stale (a newer feed day, or signals changed since) gets them recomputed. Members who changed
 * something in between are recomputed on their next visit anyway; this job makes the first visit after an
 * announcement instant and keeps the cost off the web requests.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { RecommendationService } from '../services/recommendation.service.js';
import type { SettingsRepository } from '../store/settings.repository.js';

/**
 * One refresh at a time across every process sharing the store (each `serve` instance and worker runs the job): the
 * one holding this lease refreshes, the others skip the round. Longer than a refresh of 10,000 members (bench:recs).
 */
export const RECOMMENDATIONS_LEASE = 'recommendations-refresh';
export const RECOMMENDATIONS_LEASE_MS = 20 * 60_000;

/** A name for this process in leases: host, pid and a random part (no LIKE wildcards). */
export function leaseOwner(): string {
  return `${os.hostname().replace(/[^A-Za-z0-9.-]/g, '-')}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** One refresh round if this process gets the lease; null when another process holds it. */
export async function refreshOnce(
  recs: RecommendationService,
  settings: SettingsRepository,
  owner: string,
  opts: { shouldStop?: () => boolean; now?: () => Date } = {},
): Promise<{ members: number; refreshed: number } | null> {
  const now = opts.now ?? (() => new Date());
  if (!(await settings.lease(RECOMMENDATIONS_LEASE, owner, now(), RECOMMENDATIONS_LEASE_MS))) return null;
  try {
    return await recs.refreshAll({ shouldStop: opts.shouldStop });
  } finally {
    await settings.release(RECOMMENDATIONS_LEASE, owner);
  }
}

