/** Reading lists: a member's named lists of papers, in the member's order, private or public. */
import { type Kysely, sql } from 'kysely';
import { type PaperRecord, toPaperRecord } from './paper.repository.js';
import type { Database } from './schema.js';

/** Papers of one page whose "saved" marks are looked up (a page shows at most a few hundred). */
const SAVE_MENU_MAX_PAPERS = 500;
/** Rows per multi-row INSERT when importing into a list. */
const ADD_CHUNK_ROWS = 500;

export interface ReadingList {
  id: number;
  userId: number;
  name: string;
  description: string | null;
  public: boolean;
  createdAt: string;
  updatedAt: string;
  size: number;
}

export class ReadingListRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('reading_lists as l')
      .selectAll('l')
      .select((eb) => eb.selectFrom('reading_list_items as i').select(eb.fn.countAll<number>().as('n')).whereRef('i.list_id', '=', 'l.id').as('size'));
  }

  private static toList(r: { id: number; user_id: number; name: string; description: string | null; public: number; created_at: string; updated_at: string; size: number | null }): ReadingList {
    return {
      id: Number(r.id),
      userId: Number(r.user_id),
      name: r.name,
      description: r.description,
      public: Number(r.public) === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      size: Number(r.size ?? 0),
    };
  }

  async create(userId: number, name: string, now: string): Promise<number> {
    const r = await this.db.insertInto('reading_lists').values({ user_id: userId, name, description: null, public: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async byId(id: number): Promise<ReadingList | null> {
    const r = await this.select().where('l.id', '=', id).executeTakeFirst();
    return r ? ReadingListRepository.toList(r) : null;
  }

  async ofUser(userId: number, publicOnly = false): Promise<ReadingList[]> {
    let q = this.select().where('l.user_id', '=', userId);
    if (publicOnly) q = q.where('l.public', '=', 1);
    return (await q.orderBy('l.updated_at', 'desc').orderBy('l.id', 'desc').execute()).map(ReadingListRepository.toList);
  }

  async update(id: number, fields: { name?: string; description?: string | null; public?: boolean }, now: string): Promise<void> {
    await this.db
      .updateTable('reading_lists')
      .set({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.description !== undefined ? { description: fields.description } : {}),
        ...(fields.public !== undefined ? { public: fields.public ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('reading_lists').where('id', '=', id).execute();
  }

  /** Adds a paper at the end (idempotent: a paper already in the list stays where it is). */
  async add(listId: number, paperId: string, now: string): Promise<boolean> {
    const r = await sql`
      insert into reading_list_items (list_id, paper_id, position, added_at)
      select ${listId}, ${paperId}, coalesce(max(position), 0) + 1, ${now} from reading_list_items where list_id = ${listId}
      on conflict (list_id, paper_id) do nothing`.execute(this.db);
    await this.db.updateTable('reading_lists').set({ updated_at: now }).where('id', '=', listId).execute();
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  /**
   * Adds papers at the end in the given order, in one transaction; papers already in the list stay where they are.
   * Returns the ids actually added.
   */
  async addMany(listId: number, paperIds: readonly string[], now: string): Promise<string[]> {
    if (paperIds.length === 0) return [];
    const run = async (trx: Kysely<Database>) => {
      const top = await trx.selectFrom('reading_list_items').select((eb) => eb.fn.max('position').as('top')).where('list_id', '=', listId).executeTakeFirst();
      let position = Number(top?.top ?? 0);
      const added: string[] = [];
      // 4 values a row: far below both databases' bound-parameter limits.
      for (let i = 0; i < paperIds.length; i += ADD_CHUNK_ROWS) {
        const rows = paperIds.slice(i, i + ADD_CHUNK_ROWS).map((paperId) => ({ list_id: listId, paper_id: paperId, position: ++position, added_at: now }));
        const r = await trx
          .insertInto('reading_list_items')
          .values(rows)
          .onConflict((oc) => oc.columns(['list_id', 'paper_id']).doNothing())
          .returning('paper_id')
          .execute();
        added.push(...r.map((x) => x.paper_id));
      }
      await trx.updateTable('reading_lists').set({ updated_at: now }).where('id', '=', listId).execute();
      const order = new Map(paperIds.map((id, i) => [id, i]));
      return added.sort((a, b) => order.get(a)! - order.get(b)!);
    };
    // Inside the store's transaction already (repositories handed out by Store.transaction), or in one of its own.
    return this.db.isTransaction ? run(this.db) : this.db.transaction().execute(run);
  }

  /** The ids of a list's papers, in order (without loading the papers). */
  async paperIdsOf(listId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('reading_list_items').select('paper_id').where('list_id', '=', listId).orderBy('position').orderBy('added_at').execute();
    return rows.map((r) => r.paper_id);
  }

  async remove(listId: number, paperId: string): Promise<void> {
    await this.db.deleteFrom('reading_list_items').where('list_id', '=', listId).where('paper_id', '=', paperId).execute();
  }

  /** The papers of a list, in order. */
  async papers(listId: number): Promise<PaperRecord[]> {
    const rows = await this.db
      .selectFrom('reading_list_items as i')
      .innerJoin('papers', 'papers.id', 'i.paper_id')
      .selectAll('papers')
      .where('i.list_id', '=', listId)
      .orderBy('i.position')
      .orderBy('i.added_at')
      .execute();
    return rows.map(toPaperRecord);
  }

  /** Rewrites the order: `paperIds` in their new order (papers not named keep their place after them). */
  async reorder(listId: number, paperIds: readonly string[]): Promise<void> {
    const current = (await this.db.selectFrom('reading_list_items').select('paper_id').where('list_id', '=', listId).orderBy('position').execute()).map((r) => r.paper_id);
    const wanted = paperIds.filter((id) => current.includes(id));
    const order = [...new Set([...wanted, ...current])];
    for (let i = 0; i < order.length; i++) {
      await this.db.updateTable('reading_list_items').set({ position: i + 1 }).where('list_id', '=', listId).where('paper_id', '=', order[i]!).execute();
    }
  }

  /**
   * For a page of papers, in one query: the member's lists (most recently changed first) and, for each of the papers,
   * which of those lists hold it (the "Save" menu on every card).
   */
  async saveMenu(userId: number, paperIds: readonly string[]): Promise<{ lists: Array<{ id: number; name: string }>; holding: Map<string, number[]> }> {
    const ids = paperIds.slice(0, SAVE_MENU_MAX_PAPERS);
    const rows = await this.db
      .selectFrom('reading_lists as l')
      .leftJoin('reading_list_items as i', (join) => {
        const on = join.onRef('i.list_id', '=', 'l.id');
        return ids.length > 0 ? on.on('i.paper_id', 'in', ids) : on.on(sql<boolean>`1 = 0`);
      })
      .select(['l.id', 'l.name', 'i.paper_id'])
      .where('l.user_id', '=', userId)
      .orderBy('l.updated_at', 'desc')
      .orderBy('l.id', 'desc')
      .execute();
    const lists: Array<{ id: number; name: string }> = [];
    const holding = new Map<string, number[]>();
    for (const r of rows) {
      const id = Number(r.id);
      if (lists.at(-1)?.id !== id) lists.push({ id, name: r.name });
      if (r.paper_id !== null) holding.set(r.paper_id, [...(holding.get(r.paper_id) ?? []), id]);
    }
    return { lists, holding };
  }

  /** The member's lists that hold a paper (for the "saved in" marks). */
  async listsHolding(userId: number, paperId: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('reading_list_items as i')
      .innerJoin('reading_lists as l', 'l.id', 'i.list_id')
      .select('l.id')
      .where('l.user_id', '=', userId)
      .where('i.paper_id', '=', paperId)
      .execute();
    return rows.map((r) => Number(r.id));
  }
}
