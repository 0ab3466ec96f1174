/**
 * Runs jobs from the store's queue (JobRepository): any number of runners, in any number of processes, share it.
 * Each claimed job holds a lease that the runner renews while the handler works; a runner that dies stops renewing,
 * and once the lease ends another runner takes the job back (so handlers must be idempotent: the digest ledger, the
 * vote recount and the harvest all are). A failure retries with exponential backoff up to the job's attempts.
 *
 * The scheduler turns periodic work into jobs: each slot (a daily time, or every N minutes) has a key, so however
 * many workers schedule it, the slot's job exists once; scheduled kinds are exclusive (one running at a time).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Job } from '../store/job.repository.js';
import type { Store } from '../store/store.js';

export type JobHandler = (job: Job, ctx: { signal: AbortSignal }) => Promise<void>;

export interface RunnerOptions {
  /** Who holds leases (host, pid and a random part by default). */
  owner?: string;
  leaseMs?: number;
  /** How often an idle runner looks for work. */
  pollMs?: number;
  /** Jobs this runner works on at once. */
  concurrency?: number;
  retryBaseMs?: number;
  clock?: () => number;
  onError?: (e: unknown, job: Job | null) => void;
}

export function workerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

export class JobRunner {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly retryBaseMs: number;
  private readonly clock: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private polling: Promise<number> | null = null;

  constructor(
    private readonly store: Store,
    private readonly handlers: Record<string, JobHandler>,
    opts: RunnerOptions = {},
  ) {
    this.owner = opts.owner ?? workerId();
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 5_000;
    this.concurrency = opts.concurrency ?? 2;
    this.retryBaseMs = opts.retryBaseMs ?? 30_000;
    this.clock = opts.clock ?? Date.now;
    this.onError = opts.onError ?? (() => {});
  }

  private readonly onError: (e: unknown, job: Job | null) => void;

  private iso(ms = this.clock()): string {
    return new Date(ms).toISOString();
  }

  /** Claims and starts due jobs until the runner is full or nothing is due; returns how many it started. */
  async pollOnce(): Promise<number> {
    this.polling ??= this.fill().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async fill(): Promise<number> {
    let started = 0;
    await this.store.jobs.reap(this.iso());
    while (!this.stopped && this.inFlight.size < this.concurrency) {
      const now = this.clock();
      const job = await this.store.jobs.claimOne(this.owner, Object.keys(this.handlers), this.iso(now), this.iso(now + this.leaseMs));
      if (!job) break;
      started++;
      const run = this.run(job).finally(() => {
        this.inFlight.delete(run);
      });
      this.inFlight.add(run);
    }
    return started;
  }

  private async run(job: Job): Promise<void> {
    const renew = setInterval(() => {
      this.store.jobs.renew(job.id, this.owner, this.iso(this.clock() + this.leaseMs)).catch((e) => this.onError(e, job));
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      await this.handlers[job.kind]!(job, { signal: this.abort.signal });
      if (!(await this.store.jobs.complete(job.id, this.owner, this.iso()))) {
        this.onError(new Error(`job ${job.key}: its lease was lost before it finished; another worker runs it again`), job);
      }
    } catch (e) {
      this.onError(e, job);
      const retryAt = this.iso(this.clock() + this.retryBaseMs * 2 ** Math.max(0, job.attempts - 1));
      await this.store.jobs.fail(job.id, this.owner, this.iso(), e instanceof Error ? e.message : String(e), retryAt).catch((err) => this.onError(err, job));
    } finally {
      clearInterval(renew);
    }
  }

  /** Polls every `pollMs` (and right away) until stopped. */
  start(): this {
    const tick = () => {
      this.pollOnce().catch((e) => this.onError(e, null));
    };
    this.timer = setInterval(tick, this.pollMs);
    this.timer.unref();
    setImmediate(tick);
    return this;
  }

  /** Waits for the jobs in hand to finish. */
  async idle(): Promise<void> {
    await this.polling;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops claiming, tells handlers to wrap up (the abort signal), waits up to `graceMs` for them, then gives back the
   * leases of any still running so another worker takes them at once instead of after the lease.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.store.jobs.release(this.owner, this.iso());
  }
}

export interface Schedule {
  kind: string;
  /** Every this many milliseconds (slots aligned to the epoch), or daily at this UTC time ("HH:MM"). */
  every?: number;
  dailyAt?: string;
  maxAttempts?: number;
}

/** The key and due time of the slot of `s` that contains `nowMs` (daily: today's time, if it has passed). */
export function slotOf(s: Schedule, nowMs: number): { key: string; runAt: string } | null {
  if (s.every) {
    const start = Math.floor(nowMs / s.every) * s.every;
    return { key: `${s.kind}@${new Date(start).toISOString()}`, runAt: new Date(start).toISOString() };
  }
  if (s.dailyAt) {
    const [h, m] = s.dailyAt.split(':').map(Number);
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const at = Date.parse(`${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00.000Z`);
    if (nowMs < at) return null;
    return { key: `${s.kind}@${day}`, runAt: new Date(at).toISOString() };
  }
  return null;
}

/** Enqueues the current slot's job of each schedule (once per slot, whoever asks). Returns the keys added. */
export async function scheduleDue(store: Store, schedules: readonly Schedule[], nowMs: number): Promise<string[]> {
  const added: string[] = [];
  for (const s of schedules) {
    const slot = slotOf(s, nowMs);
    if (!slot) continue;
    const created = await store.jobs.enqueue({ kind: s.kind, key: slot.key, runAt: slot.runAt, exclusive: true, maxAttempts: s.maxAttempts ?? 3 }, new Date(nowMs).toISOString());
    if (created) added.push(slot.key);
  }
  return added;
}

/** How often a process schedules the current slots (cheap: one no-op insert per schedule once the slot exists). */
export const SCHEDULE_EVERY_MS = 30_000;
const KEEP_FINISHED_MS = 7 * 86_400_000;

/**
 * Runs `handlers` from the queue and schedules `schedules`' slots, until the returned stop function is called (which
 * finishes or gives back the jobs in hand).
 */
export function startQueue(
  store: Store,
  work: { handlers: Record<string, JobHandler>; schedules: readonly Schedule[] },
  opts: RunnerOptions & { scheduleEveryMs?: number } = {},
): { runner: JobRunner; stop: (graceMs?: number) => Promise<void> } {
  const clock = opts.clock ?? Date.now;
  const onError = opts.onError ?? (() => {});
  const runner = new JobRunner(store, work.handlers, opts);
  let scheduling: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    scheduling = scheduling
      .then(async () => {
        await scheduleDue(store, work.schedules, clock());
        await store.jobs.prune(new Date(clock() - KEEP_FINISHED_MS).toISOString());
        await runner.pollOnce();
      })
      .catch((e) => onError(e, null));
  };
  const timer = setInterval(schedule, opts.scheduleEveryMs ?? SCHEDULE_EVERY_MS);
  timer.unref();
  schedule();
  runner.start();
  return {
    runner,
    stop: async (graceMs?: number) => {
      clearInterval(timer);
      await scheduling;
      await runner.stop(graceMs);
    },
  };
}
