/**
 * Imports papers from any source into the store: validates, dedupes, decides added / updated / unchanged per paper,
 * and writes in batches, one transaction each. A run killed at any point leaves whole batches only; running the
 * same import again completes it, because every write is decided against what is already stored.
 */
import os from 'node:os';
import { decideUpdate } from '../domain/paper-version.js';
import { type PreparedPaper, preparePaper } from '../domain/paper-hash.js';
import type { PaperInput } from '../domain/paper.js';
import type { PaperSource } from '../ingest/source.js';
import type { FeedState } from '../store/feed.repository.js';
import type { ImportCounts } from '../store/import-run.repository.js';
import type { Store } from '../store/store.js';

export interface Reject {
  location: string;
  reason: string;
}

export interface ImportSummary extends ImportCounts {
  runId: number;
  source: string;
  /** Every reject, up to `maxRejectsKept`. */
  rejects: Reject[];
  durationMs: number;
}

export interface ImportOptions {
  /** Papers per transaction. */
  batchSize?: number;
  /** Called after each batch is committed. */
  onBatch?: (totals: ImportCounts) => void;
  /** Called for each reject as it is found. */
  onReject?: (r: Reject) => void;
  maxRejectsKept?: number;
  clock?: () => Date;
}

export const DEFAULT_BATCH_SIZE = 1000;

/** A run on another machine with no batch committed for this long is taken as dead. */
export const STALE_RUN_MS = 15 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Whether a running import's owner is gone: a dead process on this host, or a silent one elsewhere. */
export function isAbandoned(run: { owner: string | null; heartbeat_at: string | null }, nowMs: number, host = os.hostname()): boolean {
  const m = run.owner ? /^(.*):(\d+)$/.exec(run.owner) : null;
  if (m && m[1] === host) return !processAlive(Number(m[2]));
  const beat = run.heartbeat_at ? Date.parse(run.heartbeat_at) : 0;
  return nowMs - beat > STALE_RUN_MS;
}

/** Who runs an import: host and process, so a later import can tell a dead run from one still going elsewhere. */
export function runOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}

interface Pending {
  paper: PreparedPaper;
  where: string;
}

export class PaperImporter {
  constructor(private readonly store: Store) {}

  /** Runs a whole import from `source`, recording it as an import run. Source errors end the run as failed and are rethrown. */
  async run(source: PaperSource, opts: ImportOptions = {}): Promise<ImportSummary> {
    const clock = opts.clock ?? (() => new Date());
    const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    const maxKept = opts.maxRejectsKept ?? 10_000;
    const started = Date.now();
    await this.markAbandonedRuns(clock());
    const runId = await this.store.importRuns.start(source.description, clock().toISOString(), runOwner());
    const totals: ImportCounts = { added: 0, updated: 0, unchanged: 0, rejected: 0 };
    const rejects: Reject[] = [];
    let batch: Pending[] = [];
    let batchIds = new Set<string>();
    let batchRejects: Reject[] = [];

    const reject = (r: Reject) => {
      batchRejects.push(r);
      if (rejects.length < maxKept) rejects.push(r);
      opts.onReject?.(r);
    };
    const flush = async () => {
      const counts = await this.writeBatch(runId, batch, batchRejects, clock().toISOString());
      totals.added += counts.added;
      totals.updated += counts.updated;
      totals.unchanged += counts.unchanged;
      totals.rejected += counts.rejected;
      batch = [];
      batchIds = new Set();
      batchRejects = [];
      opts.onBatch?.({ ...totals });
    };
    // A second copy of a paper in the same batch would be decided against a state the first copy has not written yet:
    // write the batch first, so every copy meets the same rules whatever the batch boundaries (copies are rare).
    const add = async (p: Pending) => {
      if (batchIds.has(p.paper.id)) await flush();
      batch.push(p);
      batchIds.add(p.paper.id);
    };

    try {
      for await (const item of source.items()) {
        if (item.kind === 'rejected') {
          reject({ location: item.where, reason: item.reason });
        } else if (item.kind === 'prepared') {
          await add({ paper: item.paper, where: item.where });
        } else {
          const v = preparePaper(item.paper);
          if (!v.ok) reject({ location: item.where, reason: v.reason });
          else await add({ paper: v.value, where: item.where });
        }
        if (batch.length >= batchSize || batchRejects.length >= batchSize) await flush();
      }
      await flush();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      await this.store.importRuns.finish(runId, 'failed', clock().toISOString(), msg.slice(0, 2000));
      throw e;
    }
    await this.store.importRuns.finish(runId, 'completed', clock().toISOString());
    return { runId, source: source.description, ...totals, rejects, durationMs: Date.now() - started };
  }

  /** Marks runs whose process died (killed, crashed, machine lost) as interrupted; leaves live ones alone. */
  private async markAbandonedRuns(now: Date): Promise<void> {
    const running = await this.store.importRuns.running();
    const dead = running.filter((r) => isAbandoned(r, now.getTime())).map((r) => r.id);
    await this.store.importRuns.markInterrupted(dead, now.toISOString());
  }

  /** Decides and writes one batch in one transaction, together with the run's counters. */
  private async writeBatch(runId: number, batch: Pending[], rejects: Reject[], now: string): Promise<ImportCounts> {
    const byId = new Map(batch.map((p) => [p.paper.id, p]));
    const ids = [...byId.keys()];
    return this.store.transaction(async (repos) => {
      // Serialise import batches across processes before reading any state (two imports at once, several app
      // instances loading the demo together): what we read below stays true until we commit.
      await repos.importRuns.lockForBatch(runId, now);
      const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, rejected: rejects.length };
      const stored = ids.length ? await repos.papers.states(ids) : new Map();
      const feedIds = ids.filter((id) => byId.get(id)!.paper.feed);
      const feedStored = feedIds.length ? await repos.feed.states(feedIds) : new Map<string, FeedState>();
      const inserts: PreparedPaper[] = [];
      const updates: PreparedPaper[] = [];
      const feedInserts: Array<{ paperId: string; feed: NonNullable<PaperInput['feed']> }> = [];
      const feedUpdates: Array<[string, FeedState]> = [];
      for (const id of ids) {
        const { paper } = byId.get(id)!;
        const st = stored.get(id);
        let changed = false;
        if (!st) inserts.push(paper);
        else if (decideUpdate(paper, st) === 'update') {
          updates.push(paper);
          changed = true;
        }
        if (paper.feed) {
          const f = feedStored.get(id);
          if (!f) {
            feedInserts.push({ paperId: id, feed: paper.feed });
            changed ||= Boolean(st);
          } else {
            // Merge rules that do not depend on import order (docs/decisions/003-feed-entries.md): the feed day and the
            // submitter are fixed once known; imported upvotes only grow (later listings count more votes).
            const next: FeedState = {
              feedDate: f.feedDate,
              submittedBy: f.submittedBy ?? paper.feed.submittedBy,
              upvotes: Math.max(f.upvotes, paper.feed.upvotes ?? 0),
            };
            if (next.submittedBy !== f.submittedBy || next.upvotes !== f.upvotes) {
              feedUpdates.push([id, next]);
              changed = true;
            }
          }
        }
        if (!st) counts.added++;
        else if (changed) counts.updated++;
        else counts.unchanged++;
      }
      await repos.papers.insertMany(inserts, now);
      await repos.papers.updateMany(updates, now);
      await repos.feed.insertMany(feedInserts, now);
      for (const [id, state] of feedUpdates) await repos.feed.update(id, state);
      const changed = new Set([...inserts.map((p) => p.id), ...updates.map((p) => p.id), ...feedInserts.map((f) => f.paperId), ...feedUpdates.map(([id]) => id)]);
      await repos.changes.append([...changed]);
      await repos.importRuns.addBatch(runId, counts, rejects);
      return counts;
    });
  }
}
