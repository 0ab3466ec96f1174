/**
 * Puts papers from sources without a notion of "feed day" (arXiv API, OAI-PMH) into the daily feed on the day of
 * their first version, which is about the day arXiv announced them. Papers that already carry a feed entry keep it.
 */
import type { PaperSource, SourceItem } from './source.js';

export function withFeedOnPublished(source: PaperSource): PaperSource {
  return {
    description: source.description,
    get size() {
      return source.size;
    },
    progress: source.progress?.bind(source),
    async *items(): AsyncGenerator<SourceItem> {
      for await (const item of source.items()) {
        if (item.kind === 'paper' && !item.paper.feed && item.paper.published) {
          yield { ...item, paper: { ...item.paper, feed: { date: item.paper.published, submittedBy: null, upvotes: null } } };
        } else yield item;
      }
    },
  };
}
