/** Reading lists: members keep named lists of papers in their own order, private by default, public to share. */
import type { User } from '../store/account.repository.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { ReadingList } from '../store/reading-list.repository.js';
import type { Store } from '../store/store.js';
import type { UnmatchedReference } from '../domain/references.js';
import { resolveReferences } from './reference-resolver.js';
import { cleanLine, RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

export const LIST_NAME_MAX_CHARS = 80;
export const LIST_DESCRIPTION_MAX_CHARS = 500;
export const LISTS_PER_MEMBER = 100;
export const PAPERS_PER_LIST = 1_000;
/** Largest text or .bib file one import reads (a thousand-entry bibliography is ~0.5 MB). */
export const IMPORT_MAX_BYTES = 1_048_576;

/** What an import into a list did. */
export interface ImportResult {
  /** Papers added, in the order they came. */
  added: string[];
  /** Papers that matched but were in the list already. */
  alreadyThere: string[];
  /** References that matched no paper here (or did not fit in the list), with the reason. */
  unmatched: UnmatchedReference[];
  /** Parts of a BibTeX file that could not be read; the rest was imported. */
  errors: string[];
}

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
    if ((await this.store.readingLists.ofUser(user.id)).length >= LISTS_PER_MEMBER) throw new RuleError('conflict', `You can keep ${LISTS_PER_MEMBER} lists; delete one first.`);
    return this.store.readingLists.create(user.id, name, this.now());
  }

  /** Makes a list holding `paperId`; the paper is checked first, so a bad one leaves no empty list behind. */
  async createWith(user: User | null, rawName: unknown, paperId: string): Promise<number> {
    assertCanAct(user);
    if (!(await this.store.papers.getById(paperId))) throw new RuleError('not-found', `There is no paper ${paperId} here.`);
    const id = await this.create(user, rawName);
    await this.store.readingLists.add(id, paperId, this.now());
    return id;
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
    if (list.size >= PAPERS_PER_LIST) throw new RuleError('conflict', `A list holds at most ${PAPERS_PER_LIST} papers.`);
    return this.store.readingLists.add(listId, paperId, this.now());
  }

  /**
   * Adds the papers named in `text` (BibTeX, or arXiv ids, arXiv URLs and DOIs) to the end of one of the member's
   * lists, up to PAPERS_PER_LIST; references that match no paper here are reported, not fatal.
   */
  async importInto(user: User | null, listId: number, text: unknown): Promise<ImportResult> {
    const list = await this.owned(user, listId);
    if (typeof text !== 'string' || text.trim() === '') throw new RuleError('invalid', 'Paste arXiv ids, DOIs or BibTeX, or choose a .bib file.');
    if (Buffer.byteLength(text) > IMPORT_MAX_BYTES) throw new RuleError('invalid', `An import can be at most ${IMPORT_MAX_BYTES / 1_048_576} MB; split the file.`);
    const resolved = await resolveReferences(this.store, text);
    const inList = new Set(await this.store.readingLists.paperIdsOf(listId));
    const alreadyThere = resolved.ids.filter((id) => inList.has(id));
    const fresh = resolved.ids.filter((id) => !inList.has(id));
    const room = Math.max(0, PAPERS_PER_LIST - inList.size);
    const added = await this.store.readingLists.addMany(list.id, fresh.slice(0, room), this.now());
    const overflow = fresh.slice(room).map((id) => ({ entry: id, reason: `the list is full (a list holds at most ${PAPERS_PER_LIST.toLocaleString('en-GB')} papers)` }));
    return { added, alreadyThere, unmatched: [...resolved.unmatched, ...overflow], errors: resolved.errors };
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
