/**
 * Decides what an incoming copy of a paper does to the stored one. Pure.
 * A newer version replaces the stored paper; an older version never does (imports can arrive in any order);
 * the same version with different metadata is a correction and replaces it; identical content changes nothing.
 */
export interface VersionedState {
  contentHash: string;
  version: number | null;
  updated: string | null;
  published: string;
}

export type VersionDecision = 'unchanged' | 'update' | 'stale';

export function decideUpdate(incoming: VersionedState, stored: VersionedState): VersionDecision {
  if (incoming.contentHash === stored.contentHash) return 'unchanged';
  if (incoming.version !== null && stored.version !== null) {
    if (incoming.version < stored.version) return 'stale';
    return 'update';
  }
  // Without version numbers on both sides, fall back to dates: never let an older copy overwrite a newer one.
  const inDate = incoming.updated ?? incoming.published;
  const stDate = stored.updated ?? stored.published;
  if (inDate < stDate) return 'stale';
  if (incoming.version === null && stored.version !== null && inDate === stDate) return 'stale';
  return 'update';
}
