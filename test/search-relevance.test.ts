/** Relevance rules beyond BM25: relaxed matching within a cost budget, and the known-item title rule of hybrid search. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../src/domain/query-parser.js';
import type { Embedder } from '../src/search/embedder.js';
import { normalize } from '../src/search/embedder.js';
import { TextIndex, type IndexDoc } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { containsInOrder, SearchService } from '../src/services/search.service.js';
import { tempDir } from './helpers/app.js';

const parsed = (q: string) => {
  const r = parseQuery(q);
  if (!r.ok) throw new Error(r.reason);
  return r.query;
};

const doc = (paperId: string, title: string, abstract = 'Nothing to see.'): IndexDoc => ({
  paperId,
  title,
  authors: ['Ada Lovelace'],
  abstract,
  categories: ['cs.LG'],
  published: '2025-05-26',
  feedDate: null,
  upvotes: 0,
});

describe('relaxed matching ("any of the words") within a cost budget', () => {
  // "network" is in 30 papers, "sparse" in 5, "lottery" and "ticket" in 1 each.
  const docs = [
    doc('t1', 'Lottery ticket hypothesis', 'sparse network'),
    ...Array.from({ length: 4 }, (_, i) => doc(`s${i}`, `Sparse study ${i}`, 'network')),
    ...Array.from({ length: 25 }, (_, i) => doc(`n${i}`, `Network study ${i}`, 'network')),
  ];

  it('keeps the rarest words while their papers fit the budget, always at least one', () => {
    const index = TextIndex.open(path.join(tempDir(), 'search.db'), { relaxedBudget: 8 });
    index.apply(docs, [], 1);
    const q = parsed('lottery sparse network pruning ');
    // Every word: nothing has all four; the relaxed search ranks papers with the rare words and skips "network".
    const r = index.search(q, { sort: 'relevance', limit: 50, offset: 0, any: true });
    expect(r.hits[0]!.paperId).toBe('t1');
    expect(r.total).toBe(5); // t1 and the four "sparse" papers, not the 25 with "network" only
    const wide = TextIndex.open(path.join(tempDir(), 'search.db'), { relaxedBudget: 1_000 });
    wide.apply(docs, [], 1);
    expect(wide.search(q, { sort: 'relevance', limit: 50, offset: 0, any: true }).total).toBe(30);
    index.close();
    wide.close();
  });
});

describe('known-item rule in hybrid search', () => {
  it('matches the words in order, the last one possibly unfinished', () => {
    expect(containsInOrder(['one', 'size', 'does', 'not', 'fit', 'all'], ['does', 'not', 'fit'])).toBe(true);
    expect(containsInOrder(['one', 'size', 'does', 'not', 'fit', 'all'], ['does', 'fit'])).toBe(false);
    expect(containsInOrder(['token', 'wise', 'pruning'], ['token', 'wi'], true)).toBe(true);
    expect(containsInOrder(['token', 'wise', 'pruning'], ['token', 'wi'], false)).toBe(false);
  });

  it('puts the paper whose title the user typed first, even when meaning prefers another', async () => {
    const index = TextIndex.open(path.join(tempDir(), 'search.db'));
    // The titled paper's abstract is far from the query's meaning; the other paper's is close, and mentions the words.
    index.apply(
      [
        doc('target', 'Scaling laws for sparse routers', 'Unrelated abstract about chemistry.'),
        doc('other', 'Routers at scale', 'Scaling laws for sparse routers and experts in language models; sparse routers scale.'),
      ],
      [],
      1,
    );
    const embedder: Embedder = {
      id: 'test/2',
      dimensions: 2,
      // The query and "other" point one way, "target" the other.
      embed: async (texts) => texts.map((t) => normalize(Float32Array.from(t.includes('chemistry') ? [0, 1] : [1, 0.1]))),
    };
    const vectors = new VectorIndex(index.database, 2, embedder.id);
    vectors.apply(
      [
        { paperId: 'target', vector: normalize(Float32Array.from([0, 1])) },
        { paperId: 'other', vector: normalize(Float32Array.from([1, 0.1])) },
      ],
      [],
      1,
    );
    const store = { papers: { getByIds: async (ids: string[]) => ids.map((id) => ({ id, title: id, published: '2025-05-26' })) }, feed: { states: async () => new Map() } };
    const svc = new SearchService(store as never, index, { embedder, vectors });
    const typed = await svc.search({ q: 'Scaling laws for sparse rou', mode: 'hybrid' });
    expect(typed.ok && typed.hits.map((h) => h.paper.id)).toEqual(['target', 'other']);
    index.close();
  });
});

describe('hybrid keyword list when every word is common', () => {
  it('ranks only papers with the words in the title, so the cost does not grow with the corpus', () => {
    const index = TextIndex.open(path.join(tempDir(), 'search.db'), { commonWordPapers: 3 });
    index.apply(
      [
        doc('title', 'Large language models', 'x'),
        ...Array.from({ length: 6 }, (_, i) => doc(`abs${i}`, `Study ${i}`, 'large language models')),
      ],
      [],
      1,
    );
    const q = parsed('large language models ');
    expect(index.rankedIds(q, 10)).toHaveLength(7);
    expect(index.rankedIds(q, 10, { titlesWhenCommon: true })).toEqual(['title']);
    // With a rare word among them, the whole index is ranked as usual.
    index.apply([doc('rare', 'Large language models for lichens', 'x')], [], 2);
    expect(index.rankedIds(parsed('large language models lichens '), 10, { titlesWhenCommon: true })).toEqual(['rare']);
    // The titles table follows new versions and removals.
    index.apply([doc('title', 'Small vision models', 'x'), doc('abs0', 'Large language models, again', 'x')], ['rare'], 3);
    expect({ ids: index.rankedIds(q, 10, { titlesWhenCommon: true }), total: index.matchCount(q, { titlesWhenCommon: true }) }).toEqual({ ids: ['abs0'], total: 1 });
    index.close();
  });
});
