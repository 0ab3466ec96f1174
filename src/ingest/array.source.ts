/** A source over papers already in memory (a user's submission, tests). */
import type { PaperInput } from '../domain/paper.js';
import type { PaperSource, SourceItem } from './source.js';

export class ArraySource implements PaperSource {
  readonly size: { unit: 'records'; total: number };
  constructor(
    private readonly papers: readonly PaperInput[],
    readonly description = 'papers in memory',
  ) {
    this.size = { unit: 'records', total: papers.length };
  }

  async *items(): AsyncGenerator<SourceItem> {
    let i = 0;
    for (const paper of this.papers) yield { kind: 'paper', paper, where: `${this.description} #${++i}` };
  }
}
