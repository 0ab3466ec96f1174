/**
 * The job queue in the store of record, shared by every worker (and `serve`, which runs one): enqueue (once per key),
 * claim with a lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows; SQLite: one
 * writer), renew, finish or fail with a retry time. A worker that dies leaves its leases to expire; the next claim
 * takes such jobs back. Exclusive kinds (scheduled jobs) run one at a time: a partial unique index allows one running
 * row per kind, whoever races for it.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Dialect } from './db.js';
import type { Database, JobsTable, JobStatus } from './schema.js';

export interface Job {
  id: number;
  kind: string;
  key: string;
  payload: unknown;
  status: JobStatus;
  exclusive: boolean;
  runAt: string;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseUntil: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
}

function toJob(r: Selectable<JobsTable>): Job {
  let payload: unknown = null;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    payload = null;
  }
  return {
    id: Number(r.id),
    kind: r.kind,
    key: r.key,
    payload,
    status: r.status,
    exclusive: Number(r.exclusive) === 1,
    runAt: r.run_at,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    lastError: r.last_error,
  };
}

export interface NewJob {
  kind: string;
  /** Unique: a second enqueue with the same key is a no-op (a scheduled slot's job exists once). */
  key: string;
  payload?: unknown;
  runAt: string;
  exclusive?: boolean;
  maxAttempts?: number;
}

const isUniqueViolation = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err.code === '23505' || err.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err.message ?? '');
};

export class JobRepository {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Adds a job unless one with its key exists; true when added. */
  async enqueue(j: NewJob, now: string): Promise<boolean> {
    const r = await this.db
      .insertInto('jobs')
      .values({
        kind: j.kind,
        key: j.key,
        payload: JSON.stringify(j.payload ?? {}),
        status: 'queued',
        exclusive: j.exclusive ? 1 : 0,
        run_at: j.runAt,
        attempts: 0,
        max_attempts: j.maxAttempts ?? 5,
        created_at: now,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Puts jobs whose worker stopped renewing their lease back in the queue; returns how many. */
  async reap(now: string): Promise<number> {
    const r = await this.db
      .updateTable('jobs')
      .set({
        status: sql`case when attempts >= max_attempts then 'failed' else 'queued' end`,
        finished_at: sql`case when attempts >= max_attempts then ${now} else null end`,
        lease_owner: null,
        lease_until: null,
        last_error: 'lease expired: the worker stopped renewing it (killed or stuck)',
      })
      .where('status', '=', 'running')
      .where('lease_until', '<', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Claims the next due job of `kinds` for `owner` until `leaseUntil`, or null when none is due. An exclusive kind
   * with a job running is passed over; if two workers race for one, the unique index lets one win and the other
   * simply claims nothing this time.
   */
  async claimOne(owner: string, kinds: readonly string[], now: string, leaseUntil: string): Promise<Job | null> {
    if (kinds.length === 0) return null;
    const lock = this.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    try {
      const rows = await sql<Selectable<JobsTable>>`
        update jobs set status = 'running', lease_owner = ${owner}, lease_until = ${leaseUntil}, attempts = attempts + 1,
          started_at = ${now}
        where id = (
          select j.id from jobs j
          where j.status = 'queued' and j.run_at <= ${now} and j.kind in (${sql.join(kinds)})
            and not (j.exclusive = 1 and exists (select 1 from jobs r where r.kind = j.kind and r.status = 'running'))
          order by j.run_at, j.id
          limit 1
          ${lock}
        )
        returning *`.execute(this.db);
      const row = rows.rows[0];
      return row ? toJob(row) : null;
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }

  /** Extends a lease the owner still holds; false when it was lost (expired and taken by another worker). */
  async renew(id: number, owner: string, leaseUntil: string): Promise<boolean> {
    const r = await this.db.updateTable('jobs').set({ lease_until: leaseUntil }).where('id', '=', id).where('status', '=', 'running').where('lease_owner', '=', owner).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Marks a job done if `owner` still holds it; false when the lease was lost. */
  async complete(id: number, owner: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now, lease_owner: null, lease_until: null, last_error: null })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** A failed attempt: back in the queue at `retryAt`, or failed for good after its last attempt. */
  async fail(id: number, owner: string, now: string, error: string, retryAt: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        status: sql`case when attempts >= max_attempts then 'failed' else 'queued' end`,
        run_at: sql`case when attempts >= max_attempts then run_at else ${retryAt} end`,
        finished_at: sql`case when attempts >= max_attempts then ${now} else null end`,
        lease_owner: null,
        lease_until: null,
        last_error: error.slice(0, 2000),
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Gives back the owner's running jobs (a worker stopping cleanly), to run again at once elsewhere. */
  async release(owner: string, now: string): Promise<number> {
    const r = await this.db
      .updateTable('jobs')
      .set({ status: 'queued', lease_owner: null, lease_until: null, run_at: now, attempts: sql`case when attempts > 0 then attempts - 1 else 0 end` })
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async byKey(key: string): Promise<Job | null> {
    const r = await this.db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();
    return r ? toJob(r) : null;
  }

  async list(kind?: string): Promise<Job[]> {
    let q = this.db.selectFrom('jobs').selectAll().orderBy('id');
    if (kind !== undefined) q = q.where('kind', '=', kind);
    return (await q.execute()).map(toJob);
  }

  /** Jobs by status (metrics: queue depth). */
  async counts(): Promise<Record<JobStatus, number>> {
    const rows = await this.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /** When the longest-waiting due job became due, or null (metrics: queue age). */
  async oldestDue(now: string): Promise<string | null> {
    const due = await this.db.selectFrom('jobs').select((eb) => eb.fn.min('run_at').as('t')).where('status', '=', 'queued').where('run_at', '<=', now).executeTakeFirst();
    return (due?.t as string | null | undefined) ?? null;
  }

  /** Forgets finished jobs older than `before`; returns how many. */
  async prune(before: string): Promise<number> {
    const r = await this.db.deleteFrom('jobs').where('status', 'in', ['done', 'failed']).where('finished_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
