/** A member's interests for "for you": following authors and categories, and "not interested" on papers. */
import type { User } from '../store/account.repository.js';
import type { FollowKind, Follows } from '../store/interest.repository.js';
import type { Store } from '../store/store.js';
import { cleanLine, RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

export const FOLLOWS_PER_MEMBER = 300;
/** Authors offered on a paper page's follow form (the first ones of very long bylines). */
export const PAPER_FOLLOW_AUTHORS = 50;
export const AUTHOR_NAME_MAX_CHARS = 200;
/** arXiv categories: an archive (math, hep-th, q-bio) and optionally a subject class (cs.LG, math.AG, q-fin.ST). */
export const CATEGORY_PATTERN = /^[a-z][a-z-]{0,19}(\.[A-Za-z][A-Za-z-]{0,19})?$/;

export function parseFollowKind(raw: unknown): FollowKind {
  if (raw === 'author' || raw === 'category') return raw;
  throw new RuleError('invalid', 'Follow an author or a category (kind=author or kind=category).');
}

/** Validates a followed value: an author's name, or an arXiv category. Returns it cleaned. */
export function cleanFollowValue(kind: FollowKind, raw: unknown): string {
  if (kind === 'author') {
    const name = cleanLine(raw, AUTHOR_NAME_MAX_CHARS, 'The author’s name');
    if (!name) throw new RuleError('invalid', 'Name the author to follow.');
    return name;
  }
  const category = cleanLine(raw, 41, 'The category');
  if (!category || !CATEGORY_PATTERN.test(category)) throw new RuleError('invalid', `“${category ?? ''}” is not an arXiv category (such as cs.LG, math.AG or hep-th).`);
  return category;
}

export class InterestService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  private now(): string {
    return new Date(this.clock()).toISOString();
  }

  async follows(user: User | null): Promise<Follows> {
    assertCanAct(user);
    return this.store.interests.follows(user.id);
  }

  /** Follows an author or a category; true when new. */
  async follow(user: User | null, kind: FollowKind, raw: unknown): Promise<boolean> {
    assertCanAct(user);
    const value = cleanFollowValue(kind, raw);
    if ((await this.store.interests.countFollows(user.id)) >= FOLLOWS_PER_MEMBER) throw new RuleError('conflict', `You follow ${FOLLOWS_PER_MEMBER} authors and categories, the most there can be; unfollow some first.`);
    return this.store.interests.follow(user.id, kind, value, this.now());
  }

  async unfollow(user: User | null, kind: FollowKind, raw: unknown): Promise<void> {
    assertCanAct(user);
    await this.store.interests.unfollow(user.id, kind, cleanFollowValue(kind, raw));
  }

  /**
   * Sets which of a paper's authors and categories the member follows, from one form on the paper page: those named
   * are followed, the paper's others are unfollowed.
   */
  async setFromPaper(user: User | null, paperId: string, authors: readonly string[], categories: readonly string[]): Promise<void> {
    assertCanAct(user);
    const paper = await this.store.papers.getById(paperId);
    if (!paper) throw new RuleError('not-found', `There is no paper ${paperId} here.`);
    for (const a of paper.authors.slice(0, PAPER_FOLLOW_AUTHORS)) {
      if (authors.includes(a)) await this.follow(user, 'author', a);
      else await this.store.interests.unfollow(user.id, 'author', a);
    }
    for (const c of paper.categories) {
      if (categories.includes(c)) await this.follow(user, 'category', c);
      else await this.store.interests.unfollow(user.id, 'category', c);
    }
  }

  /** "Not interested": the paper leaves the member's "for you" and pushes similar papers down. */
  async dismiss(user: User | null, paperId: string): Promise<void> {
    assertCanAct(user);
    if (!(await this.store.papers.getById(paperId))) throw new RuleError('not-found', `There is no paper ${paperId} here.`);
    await this.store.interests.dismiss(user.id, paperId, this.now());
  }

  async undismiss(user: User | null, paperId: string): Promise<void> {
    assertCanAct(user);
    await this.store.interests.undismiss(user.id, paperId);
  }

  async dismissed(user: User | null, limit = 100): Promise<Array<{ paperId: string; title: string; at: string }>> {
    assertCanAct(user);
    return this.store.interests.dismissed(user.id, limit);
  }
}
