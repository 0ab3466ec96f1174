/** Import runs: one row per `paperboy ingest`, with running counters so a killed run leaves a record of how far it got. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Dialect } from './db.js';
import type { Database, ImportRunsTable } from './schema.js';

/** Any constant works: every import batch on PostgreSQL takes this transaction-level advisory lock. */
const IMPORT_LOCK_KEY = 0x70617065; // "pape"


export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export type ImportRun = Selectable<ImportRunsTable>;

export class ImportRunRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async start(source: string, now: string, owner: string | null = null): Promise<number> {
    const r = await this.db
      .insertInto('import_runs')
      .values({
        source,
        status: 'running',
        started_at: now,
        added: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        error: null,
        finished_at: null,
        owner,
        heartbeat_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  /** Adds one batch's counts and rejects; called inside the batch's transaction so counters match what was stored. */
  async addBatch(runId: number, delta: ImportCounts, rejects: ReadonlyArray<{ location: string; reason: string }>): Promise<void> {
    await this.db
      .updateTable('import_runs')
      .set((eb) => ({
        added: eb('added', '+', delta.added),
        updated: eb('updated', '+', delta.updated),
        unchanged: eb('unchanged', '+', delta.unchanged),
        rejected: eb('rejected', '+', delta.rejected),
      }))
      .where('id', '=', runId)
      .execute();
    for (let i = 0; i < rejects.length; i += 500) {
      const rows = rejects.slice(i, i + 500).map((r) => ({ run_id: runId, location: r.location.slice(0, 500), reason: r.reason.slice(0, 500) }));
      await this.db.insertInto('import_rejects').values(rows).execute();
    }
  }

  async finish(runId: number, status: 'completed' | 'failed', now: string, error: string | null = null): Promise<void> {
    await this.db.updateTable('import_runs').set({ status, finished_at: now, error }).where('id', '=', runId).execute();
  }

  /**
   * First statement of every import batch's transaction: takes the database's write lock before anything is read, so
   * concurrent imports queue instead of failing. SQLite: a write as the first statement takes the lock under
   * busy_timeout (a read first would make the later upgrade fail at once with SQLITE_BUSY). PostgreSQL: a
   * transaction-level advisory lock, held until commit. Also records the run's heartbeat.
   */
  async lockForBatch(runId: number, now: string): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY})`.execute(this.db);
    await this.db.updateTable('import_runs').set({ heartbeat_at: now }).where('id', '=', runId).execute();
  }

  /** Runs recorded as running: some may belong to processes that died. */
  async running(): Promise<Array<Pick<ImportRun, 'id' | 'owner' | 'heartbeat_at'>>> {
    return this.db.selectFrom('import_runs').select(['id', 'owner', 'heartbeat_at']).where('status', '=', 'running').execute();
  }

  async markInterrupted(ids: readonly number[], now: string): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db
      .updateTable('import_runs')
      .set({ status: 'interrupted', finished_at: now })
      .where('status', '=', 'running')
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Runs of a source, newest first. */
  async bySource(source: string): Promise<ImportRun[]> {
    return this.db.selectFrom('import_runs').selectAll().where('source', '=', source).orderBy('id', 'desc').execute();
  }

  async get(runId: number): Promise<ImportRun | null> {
    return (await this.db.selectFrom('import_runs').selectAll().where('id', '=', runId).executeTakeFirst()) ?? null;
  }

  async recent(limit = 20): Promise<ImportRun[]> {
    return this.db.selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }

  async rejects(runId: number, limit = 1000): Promise<Array<{ location: string; reason: string }>> {
    return this.db.selectFrom('import_rejects').select(['location', 'reason']).where('run_id', '=', runId).orderBy('id').limit(limit).execute();
  }

  /** Papers added, updated and rejected by every import so far (metrics). */
  async totals(): Promise<{ added: number; updated: number; rejected: number; runs: number }> {
    const r = await this.db
      .selectFrom('import_runs')
      .select((eb) => [eb.fn.sum<number>('added').as('added'), eb.fn.sum<number>('updated').as('updated'), eb.fn.sum<number>('rejected').as('rejected'), eb.fn.countAll<number>().as('runs')])
      .executeTakeFirst();
    return { added: Number(r?.added ?? 0), updated: Number(r?.updated ?? 0), rejected: Number(r?.rejected ?? 0), runs: Number(r?.runs ?? 0) };
  }
}
