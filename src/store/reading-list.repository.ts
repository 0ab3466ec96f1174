/** Reading lists: a member's named lists of papers, in the member's order, private or public. */
import { type Kysely, sql } from 'kysely';
import { type PaperRecord, toPaperRecord } from './paper.repository.js';
import type { Database } from './schema.js';

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
