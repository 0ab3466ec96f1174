/**
 * The change log of papers: every write to a paper or its feed entry appends the paper's id, in the same transaction.
 * Derived data (the search index of each app instance) follows the log with a cursor (`seq`). Writers of papers take
 * the import lock first (ImportRunRepository.lockForBatch), so sequence numbers commit in order and a cursor never
 * skips a change that commits late.
 */
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const sqliteInsert = new WeakMap<SQLite.Database, SQLite.Statement>();

export class ChangeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: SQLite.Database | null = null,
  ) {}

  async append(paperIds: readonly string[]): Promise<void> {
    if (paperIds.length === 0) return;
    if (this.sqlite) {
      let stmt = sqliteInsert.get(this.sqlite);
      if (!stmt) {
        stmt = this.sqlite.prepare('insert into paper_changes (paper_id) values (?)');
        sqliteInsert.set(this.sqlite, stmt);
      }
      for (const id of paperIds) stmt.run(id);
      return;
    }
    for (let i = 0; i < paperIds.length; i += 1000) {
      await this.db
        .insertInto('paper_changes')
        .values(paperIds.slice(i, i + 1000).map((paper_id) => ({ paper_id })))
        .execute();
    }
  }

  /** Changes after `cursor`, oldest first. */
  async since(cursor: number, limit: number): Promise<Array<{ seq: number; paperId: string }>> {
    const rows = await this.db.selectFrom('paper_changes').select(['seq', 'paper_id']).where('seq', '>', cursor).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), paperId: r.paper_id }));
  }

  /** The newest sequence number (0 for an empty log). */
  async latest(): Promise<number> {
    const r = await this.db.selectFrom('paper_changes').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  }
}
