/** Keyword search: the query language, the index and its sync from the store (on both dialects), the JSON API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { type ParsedQuery, parseQuery, textWords } from '../src/domain/query-parser.js';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { IndexSync } from '../src/search/index-sync.js';
import { matchExpression, TextIndex } from '../src/search/text-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { SearchService } from '../src/services/search.service.js';
import type { Store } from '../src/store/store.js';
import { seededApp, tempDir } from './helpers/app.js';
import { dialects } from './helpers/db.js';

const parsed = (q: string): ParsedQuery => {
  const r = parseQuery(q);
  if (!r.ok) throw new Error(r.reason);
  return r.query;
};

describe('query language', () => {
  it('parses words, phrases, exclusions and filters', () => {
    expect(parsed('"in-context learning" -survey author:"Yann LeCun" cat:cs.LG year:2020-2024 transform')).toEqual({
      terms: ['transform'],
      prefixLast: true,
      phrases: [['in', 'context', 'learning']],
      excluded: [['survey']],
      authors: [['yann', 'lecun']],
      categories: ['cs.LG'],
      excludedCategories: [],
      from: '2020-01-01',
      to: '2024-12-31',
    });
    expect(parsed('grokking ').prefixLast).toBe(false);
    expect(parsed('from:2025-01-01 to:2025-03-31 diffusion')).toMatchObject({ from: '2025-01-01', to: '2025-03-31', terms: ['diffusion'] });
    expect(parsed('Émile Zoé')).toMatchObject({ terms: ['emile', 'zoe'] });
  });

  it('gives the words of the text in the order typed, without fields and exclusions', () => {
    expect(textWords('"In-context learning" -survey author:lecun cat:cs.LG year:2024 Grök')).toEqual(['in', 'context', 'learning', 'grok']);
  });

  it('turns index syntax into plain words, so nothing can be injected', () => {
    expect(matchExpression(parsed('NEAR(a b) OR c* "d" ^e AND -f'))).toBe('("b" AND "or" AND "c" AND "e" AND "and" AND "near a" AND "d") NOT ("f")');
    expect(matchExpression(parsed('x" OR "y'))).toBe('"x" AND "or" AND "y"');
    expect(matchExpression(parsed('author:hinton deep'))).toBe('"deep"* AND authors : "hinton"');
  });

  it('refuses what it cannot run, saying why', () => {
    for (const [q, reason] of [
      ['-only -exclusions', 'type some words to search for (exclusions alone match nothing)'],
      ['year:abc x', '"abc" is not a year or range (expected e.g. year:2024 or year:2020-2024)'],
      ['cat:"cs LG" x', '"cs LG" is not a category (expected e.g. cat:cs.LG)'],
      ['from:2025-02-30 x', '"2025-02-30" is not a date (expected from:YYYY-MM-DD)'],
      ['year:2024 year:2020', 'the date range is empty (from 2024-01-01 to 2020-12-31)'],
      ['x'.repeat(1001), 'the query is too long (1001 characters; at most 1000)'],
      ['', 'type some words to search for'],
      ['!!! ??? ***', 'type some words to search for'],
      ['-year:2024 x', '-year: cannot exclude dates; use year:, from: and to: to say which dates to keep'],
    ] as const) {
      expect(parseQuery(q), q.slice(0, 30)).toEqual({ ok: false, reason });
    }
  });
});

function paper(id: string, over: Partial<PaperInput> = {}): PaperInput {
  return {
    id,
    title: `Paper ${id}`,
    abstract: 'An abstract about nothing in particular.',
    authors: ['Ada Lovelace'],
    categories: ['cs.LG'],
    published: '2025-05-26',
    updated: null,
    version: 1,
    comment: null,
    journalRef: null,
    doi: null,
    links: { abs: null, pdf: null, code: null, project: null },
    feed: { date: '2025-05-26', submittedBy: null, upvotes: 0 },
    ...over,
  };
}

const CORPUS: PaperInput[] = [
  paper('2501.00001', { title: 'Grokking modular arithmetic', abstract: 'Networks generalize long after memorising the training set.', published: '2025-01-10', feed: { date: '2025-01-10', submittedBy: null, upvotes: 3 } }),
  paper('2502.00002', { title: 'A survey of in-context learning', abstract: 'We review in-context learning in large language models.', categories: ['cs.CL', 'cs.LG'], published: '2025-02-11', feed: { date: '2025-02-11', submittedBy: null, upvotes: 9 } }),
  paper('2503.00003', { title: 'In-context learning without gradients', abstract: 'Transformers implement learning in context.', authors: ['Yann LeCun', 'Ada Lovelace'], categories: ['cs.LG'], published: '2024-03-12', feed: { date: '2024-03-12', submittedBy: null, upvotes: 1 } }),
  paper('2504.00004', { title: 'Galaxy rotation curves', abstract: 'Dark matter halos and learning-free fits.', categories: ['astro-ph.GA'], published: '2023-04-13', feed: { date: '2023-04-13', submittedBy: null, upvotes: 0 } }),
  paper('hep-th/9108002', { title: 'Hamiltonian construction of W-gravity actions', abstract: 'Gauge invariant actions from the Hamiltonian formalism.', categories: ['hep-th'], published: '1991-08-15', feed: { date: '1991-08-15', submittedBy: null, upvotes: 0 } }),
];

describe.each(dialects)('search over a store on $name', ({ name, available, open }) => {
  describe.runIf(available)(`index and sync (${name})`, () => {
    let store: Store;
    let index: TextIndex;
    let sync: IndexSync;
    let search: SearchService;
    const ids = async (q: string, opts: { sort?: 'relevance' | 'date' | 'upvotes'; typing?: boolean } = {}) => {
      const r = await search.search({ q, ...opts });
      if (!r.ok) throw new Error(r.reason);
      return r.hits.map((h) => h.paper.id);
    };

    beforeAll(async () => {
      store = await open();
      await new PaperImporter(store).run(new ArraySource(CORPUS));
      index = TextIndex.open(path.join(tempDir(), 'search.db'));
      sync = new IndexSync(store, index);
      expect(await sync.syncOnce()).toBe(5);
      search = new SearchService(store, index);
    });
    afterAll(async () => {
      index?.close();
      await store?.close();
    });

    it('finds by words (stemmed), phrases, prefixes, authors, and excludes', async () => {
      expect(await ids('memorising ')).toEqual(['2501.00001']);
      expect(await ids('memorizing', { typing: true })).toEqual(['2501.00001']); // porter stems both to "memor"; the typed prefix matches
      expect(await ids('grok', { typing: true })).toEqual(['2501.00001']); // search as you type: prefix of the last word
      expect(await ids('hamilt', { typing: true })).toEqual(['hep-th/9108002']);
      expect(await ids('hamilt')).toEqual([]); // a submitted search means the word
      expect(await ids('"in-context learning"')).toEqual(['2503.00003', '2502.00002']);
      expect(await ids('"in-context learning" -survey')).toEqual(['2503.00003']);
      expect(await ids('author:lecun')).toEqual(['2503.00003']);
      expect(await ids('hamiltonian gravity')).toEqual(['hep-th/9108002']);
    });

    it('ranks title matches above abstract matches, and sorts by date or upvotes on request', async () => {
      expect(await ids('learning ')).toEqual(['2503.00003', '2502.00002', '2504.00004']);
      expect(await ids('learning', { sort: 'date' })).toEqual(['2502.00002', '2503.00003', '2504.00004']);
      expect(await ids('learning', { sort: 'upvotes' })).toEqual(['2502.00002', '2503.00003', '2504.00004']);
    });

    it('filters by category, year and date, also without words', async () => {
      expect(await ids('learning cat:cs.CL')).toEqual(['2502.00002']);
      expect(await ids('cat:cs.LG')).toEqual(['2502.00002', '2501.00001', '2503.00003']);
      expect(await ids('year:2023-2024')).toEqual(['2503.00003', '2504.00004']);
      expect(await ids('year:2025 -survey')).toEqual(['2501.00001']);
      expect(await ids('learning from:2025-01-01')).toEqual(['2502.00002']);
      expect(await ids('learning -cat:cs.CL')).toEqual(['2503.00003', '2504.00004']);
    });

    it('falls back to papers with some of the words when none has all, and says so', async () => {
      const r = await search.search({ q: 'galaxies of dark halos without gradients ' });
      expect(r.ok && r.relaxed).toBe(true);
      expect(r.ok && r.hits.map((h) => h.paper.id)).toEqual(['2504.00004', '2503.00003']);
      const strict = await search.search({ q: 'dark matter' });
      expect(strict.ok && strict.relaxed).toBe(false);
      const stop = await search.search({ q: 'of the with ' });
      expect(stop.ok && [stop.relaxed, stop.total]).toEqual([false, 0]);
    });

    it('counts matches per category and year', async () => {
      const r = await search.search({ q: 'learning', facets: true });
      expect(r.ok && r.facets).toEqual({
        categories: [
          { value: 'cs.LG', count: 2 },
          { value: 'astro-ph.GA', count: 1 },
          { value: 'cs.CL', count: 1 },
        ],
        years: [
          { value: '2025', count: 1 },
          { value: '2024', count: 1 },
          { value: '2023', count: 1 },
        ],
      });
    });

    it('marks matched words in the title and the snippet', async () => {
      const r = await search.search({ q: 'galaxy halos' });
      expect(r.ok && r.hits[0]).toMatchObject({ titleMarked: '\u0002Galaxy\u0003 rotation curves', snippetMarked: 'Dark matter \u0002halos\u0003 and learning-free fits.' });
    });

    it('follows the store: new versions, new upvotes and new papers arrive with the next sync', async () => {
      await new PaperImporter(store).run(
        new ArraySource([
          paper('2501.00001', { title: 'Grokking, revisited', version: 2, published: '2025-01-10', updated: '2025-06-01', feed: { date: '2025-01-10', submittedBy: null, upvotes: 50 } }),
          paper('2506.00006', { title: 'Zebra finches learn songs', published: '2025-06-02', feed: { date: '2025-06-02', submittedBy: null, upvotes: 0 } }),
        ]),
      );
      expect(await ids('zebra')).toEqual([]);
      expect(await sync.syncOnce()).toBe(2);
      expect(await ids('zebra')).toEqual(['2506.00006']);
      expect(await ids('revisited')).toEqual(['2501.00001']);
      expect(await ids('modular')).toEqual([]);
      expect((await ids('cat:cs.LG', { sort: 'upvotes' }))[0]).toBe('2501.00001');
      expect(await sync.syncOnce()).toBe(0);
    });

    it('rebuilds from scratch to the same result', async () => {
      const before = await ids('learning');
      index.clear();
      expect(await ids('learning')).toEqual([]);
      await sync.syncOnce();
      expect(await ids('learning')).toEqual(before);
      expect(index.count()).toBe(6);
    });
  });
});

describe('GET /api/v1/search', () => {
  it('returns results with highlights, facets and paging', async () => {
    const { app } = await seededApp();
    const res = await app.inject({ url: '/api/v1/search?q=grokking&limit=2&page=1&facets=1' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ query: 'grokking', total: 6, page: 1, limit: 2 });
    expect(body.results).toHaveLength(2);
    expect(body.results[0].highlight.title).toMatch(/<mark>grok/i);
    expect(body.facets.categories[0]).toEqual({ value: 'cs.LG', count: expect.any(Number) });
    const bad = await app.inject({ url: '/api/v1/search?q=x&sort=best' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('sort must be one of relevance, date, upvotes.');
    const xss = await app.inject({ url: `/api/v1/search?q=${encodeURIComponent('<script>alert(1)</script> grokking')}` });
    expect(xss.statusCode).toBe(200);
    for (const r of xss.json().results) expect(r.highlight.title).not.toContain('<script>');
    // Search as you type: the unfinished last word matches as a prefix only when the client says it is typing.
    const typed = (await app.inject({ url: '/api/v1/search?q=gro&typing=1' })).json();
    expect(typed.total).toBeGreaterThanOrEqual(6);
    expect((await app.inject({ url: '/api/v1/search?q=gro' })).json().total).toBe(0);
    expect((await app.inject({ url: '/api/v1/search?q=grokking&typing=yes' })).json().message).toBe('typing must be one of 0, 1.');
    await app.close();
  });
});
