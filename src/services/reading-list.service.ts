/** Reading lists: members keep named lists of papers in their own order, private by default, public to share. */
import type { User } from '../store/account.repository.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { ReadingList } from '../store/reading-list.repository.js';
import type { Store } from '../store/store.js';
import { cleanLine, RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

export const LIST_NAME_MAX_CHARS = 80;
export const LIST_DESCRIPTION_MAX_CHARS = 500;
export const LISTS_PER_MEMBER = 100;
export const PAPERS_PER_LIST = 1_000;

export class ReadingListService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  /** The list if `user` owns it; else a refusal that does not say whether it exists. */
  private async owned(user: User | null, listId: number): Promise<ReadingList> {
    assertCanAct(user);
    const list = await this.store.readingLists.byId(listId);
    if (!list || list.userId !== user.id) throw new RuleError('not-found', 'There is no such list of yours.');
    return list;
  }

  async create(user: User | null, rawName: unknown): Promise<number> {
    assertCanAct(user);
    const name = cleanLine(rawName, LIST_NAME_MAX_CHARS, 'The list name');
    if (!name) throw new RuleError('invalid', 'Give the list a name.');
    if ((await this.store.readingLists.ofUser(user.id)).length >= LISTS_PER_MEMBER) throw new RuleError('limit', `You can keep ${LISTS_PER_MEMBER} lists; delete one first.`);
    return this.store.readingLists.create(user.id, name, this.now());
  }

  /** A list and its papers for `viewer`: the owner sees it always, others only when it is public. Null otherwise. */
  async view(viewer: User | null, listId: number): Promise<{ list: ReadingList; papers: PaperRecord[]; owner: boolean } | null> {
    const list = await this.store.readingLists.byId(listId);
    if (!list) return null;
    const owner = viewer !== null && viewer.id === list.userId;
    if (!owner && !list.public) return null;
    return { list, papers: await this.store.readingLists.papers(listId), owner };
  }

  async mine(user: User | null): Promise<ReadingList[]> {
    assertCanAct(user);
    return this.store.readingLists.ofUser(user.id);
  }

  async update(user: User | null, listId: number, input: { name?: unknown; description?: unknown; public?: unknown }): Promise<void> {
    await this.owned(user, listId);
    const fields: { name?: string; description?: string | null; public?: boolean } = {};
    if (input.name !== undefined) {
      const name = cleanLine(input.name, LIST_NAME_MAX_CHARS, 'The list name');
      if (!name) throw new RuleError('invalid', 'Give the list a name.');
      fields.name = name;
    }
    if (input.description !== undefined) fields.description = cleanLine(input.description, LIST_DESCRIPTION_MAX_CHARS, 'The description');
    if (input.public !== undefined) fields.public = input.public === true || input.public === '1' || input.public === 'on';
    await this.store.readingLists.update(listId, fields, this.now());
  }

  async delete(user: User | null, listId: number): Promise<void> {
    await this.owned(user, listId);
    await this.store.readingLists.delete(listId);
  }

  async add(user: User | null, listId: number, paperId: string): Promise<boolean> {
    const list = await this.owned(user, listId);
    if (!(await this.store.papers.getById(paperId))) throw new RuleError('not-found', `There is no paper ${paperId} here.`);
    if (list.size >= PAPERS_PER_LIST) throw new RuleError('limit', `A list holds at most ${PAPERS_PER_LIST} papers.`);
    return this.store.readingLists.add(listId, paperId, this.now());
  }

  async remove(user: User | null, listId: number, paperId: string): Promise<void> {
    await this.owned(user, listId);
    await this.store.readingLists.remove(listId, paperId);
  }

  /** Moves a paper one place up or down. */
  async move(user: User | null, listId: number, paperId: string, direction: 'up' | 'down'): Promise<void> {
    await this.owned(user, listId);
    const ids = (await this.store.readingLists.papers(listId)).map((p) => p.id);
    const i = ids.indexOf(paperId);
    if (i < 0) throw new RuleError('not-found', 'That paper is not in the list.');
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    await this.store.readingLists.reorder(listId, ids);
  }
}
