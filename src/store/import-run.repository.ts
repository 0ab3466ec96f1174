/** Import runs: one row per `paperboy ingest`, with running counters so a killed run leaves a record of how far it got. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, ImportRunsTable } from './schema.js';

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export type ImportRun = Selectable<ImportRunsTable>;

export class ImportRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async start(source: string, now: string): Promise<number> {
    const r = await this.db
      .insertInto('import_runs')
      .values({ source, status: 'running', started_at: now, added: 0, updated: 0, unchanged: 0, rejected: 0, error: null, finished_at: null })
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

  /** Marks runs still 'running' as interrupted (their process died); returns how many. */
  async markInterrupted(now: string): Promise<number> {
    const r = await this.db
      .updateTable('import_runs')
      .set({ status: 'interrupted', finished_at: now })
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
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
}
