/**
 * The keyword index: SQLite FTS5 with BM25, in a file of its own beside the store (derived data: it can be deleted and
 * rebuilt from the store at any time with `paperboy reindex`). The same engine serves SQLite and PostgreSQL installs
 * (docs/decisions/007-search-index-per-instance.md). Field weights: title 10, authors 4, abstract 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { ParsedQuery } from '../domain/query-parser.js';

/** BM25 weights per column, in column order (title, authors, abstract). */
export const BM25_WEIGHTS = [10, 4, 1] as const;
/** Highlight markers: control characters, which validation strips from stored text, so they cannot collide. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
const SCHEMA_VERSION = '2';
/** FTS5's rank function for relevance: BM25 with the field weights. */
const RANK_FUNCTION = `bm25(${BM25_WEIGHTS.map((w) => w.toFixed(1)).join(', ')})`;
/** The same for the titles table (title, authors). */
const TITLE_RANK_FUNCTION = `bm25(${BM25_WEIGHTS.slice(0, 2).map((w) => w.toFixed(1)).join(', ')})`;
const TOKENIZER = "'porter unicode61 remove_diacritics 2'";
/** What decides the index file's contents (the benchmark's cache key): changes to query code leave it alone. */
export const INDEX_LAYOUT = `schema ${SCHEMA_VERSION}, tokenizer ${TOKENIZER}`;
/** Title highlight and abstract snippet of the FTS5 table `t`. */
const MARKS = (t: string) => `highlight(${t}, 0, char(2), char(3)) as title_marked, snippet(${t}, 2, char(2), char(3), '…', 32) as snippet_marked`;

export interface IndexDoc {
  paperId: string;
  title: string;
  authors: string[];
  abstract: string;
  categories: string[];
  published: string;
  feedDate: string | null;
  upvotes: number;
}

export type SearchSort = 'relevance' | 'date' | 'upvotes';

export interface TextHit {
  paperId: string;
  /** Title with matched words between MARK_START and MARK_END. */
  titleMarked: string;
  /** A piece of the abstract around the matches, marked the same way; null for filter-only searches. */
  snippetMarked: string | null;
}

export interface TextSearchResult {
  hits: TextHit[];
  total: number;
}

export interface Facets {
  categories: Array<{ value: string; count: number }>;
  years: Array<{ value: string; count: number }>;
}

/**
 * English function words: left out when a query is relaxed to "any of these words" (they would match nearly every
 * paper and cost a scan of the whole index) and never matched as a prefix.
 */
export const STOPWORDS = new Set(
  'a an and are as at be been but by can do does for from has have how in into is it its may more most not of on or our over such than that the their them then there these they this those through to under up was we were what when where which while who why will with within without would you your after before between during about above below via using based towards toward new'.split(
    ' ',
  ),
);

/**
 * FTS5 MATCH text for a parsed query. Every word is quoted, so nothing the user typed is read as FTS5 syntax.
 * `any`: words and phrases are alternatives (OR, function words dropped) instead of all being required.
 */
export function matchExpression(q: ParsedQuery, any = false): string | null {
  const quote = (ws: string[]) => `"${ws.join(' ')}"`;
  const wanted: string[] = [];
  q.terms.forEach((t, i) => {
    if (any && STOPWORDS.has(t)) return;
    const prefix = i === q.terms.length - 1 && q.prefixLast && t.length >= 3 && !STOPWORDS.has(t);
    wanted.push(prefix ? `${quote([t])}*` : quote([t]));
  });
  for (const p of q.phrases) wanted.push(quote(p));
  const authors = q.authors.map((a) => `authors : ${quote(a)}`);
  if (wanted.length + authors.length === 0) return null;
  const words = wanted.length === 0 ? [] : [any && wanted.length > 1 ? `(${wanted.join(' OR ')})` : wanted.join(' AND ')];
  let expr = [...words, ...authors].join(' AND ');
  if (q.excluded.length) expr = `(${expr}) NOT (${q.excluded.map(quote).join(' OR ')})`;
  return expr;
}

/** Relaxed matching ranks at most about this many (paper, word) pairs (see TextIndex.expression). */
export const RELAXED_POSTINGS_BUDGET = 40_000;
/** ... but always keeps at least this many of the query's words, the rarest. */
export const MIN_RELAXED_WORDS = 1;
/**
 * Hybrid's keyword list ranks the titles table when every query word is in more papers than this (`rankedIds`): the
 * papers having all the words are then too many to rank quickly at a million papers. Measured at 1M (scratch breakdown,
 * same run): 40,000 → hybrid p95 ~175 ms, 10,000 → 169 ms, 3,000 → 141 ms (98 ms with MIN_RELAXED_WORDS 1); the
 * 87k evaluation scores are identical at each setting.
 */
export const COMMON_WORD_PAPERS = 3_000;
const DF_CACHE_SIZE = 50_000;

/** How hybrid's keyword lists are made (see rankedIds). */
export interface KeywordListOptions {
  /** Papers with some of the words (relaxed matching) instead of all of them. */
  any?: boolean;
  /** Rank the titles table when every word is common. */
  titlesWhenCommon?: boolean;
  /** Rank the titles table whatever the words (search suggestions: titles and authors only, short posting lists). */
  titlesOnly?: boolean;
}

/** Thresholds, for tests on small corpora. */
export interface TextIndexOptions {
  relaxedBudget?: number;
  commonWordPapers?: number;
}

export class TextIndex {
  private readonly db: SQLite.Database;
  /** A small in-memory FTS5 table with the same tokenizer, where a page of results gets its highlights (see `marks`). */
  private scratch: SQLite.Database | null = null;
  /** Papers per word (docFrequencies), and the number of papers when the cache was started. */
  private readonly dfCache = new Map<string, number>();
  private dfCacheDocs = 0;
  private vocabReady = false;
  /** Papers written or removed by `apply` since the document-frequency cache started. */
  private changesSinceDf = 0;

  private readonly relaxedBudget: number;
  private readonly commonWordPapers: number;

  private constructor(
    readonly file: string,
    opts: TextIndexOptions = {},
  ) {
    this.relaxedBudget = opts.relaxedBudget ?? RELAXED_POSTINGS_BUDGET;
    this.commonWordPapers = opts.commonWordPapers ?? COMMON_WORD_PAPERS;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new SQLite(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  /** Opens (creating when needed) the index in `file`. An index of an older layout is emptied, to be rebuilt. */
  static open(file: string, opts: TextIndexOptions = {}): TextIndex {
    const index = new TextIndex(file, opts);
    index.migrate();
    return index;
  }

  private migrate(): void {
    this.db.exec('create table if not exists meta (key text primary key, value text not null)');
    const version = this.meta('schema');
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      drop table if exists docs_fts; drop table if exists titles_fts; drop table if exists doc_categories; drop table if exists docs;
      create table docs (
        rowid integer primary key, paper_id text not null unique, published text not null, feed_date text,
        upvotes integer not null default 0);
      create index docs_published on docs (published);
      create index docs_upvotes on docs (upvotes);
      create table doc_categories (category text not null, doc integer not null, primary key (category, doc)) without rowid;
      create index doc_categories_doc on doc_categories (doc);
      create virtual table docs_fts using fts5 (title, authors, abstract, tokenize = ${TOKENIZER});
      -- Titles and authors again, without stored text or abstracts: posting lists a tenth as long, for ranking when
      -- every query word is common (see rankedIds).
      create virtual table titles_fts using fts5 (title, authors, content = '', contentless_delete = 1, tokenize = ${TOKENIZER});
    `);
    this.setMeta('schema', SCHEMA_VERSION);
    this.setMeta('cursor', '0');
  }

  private meta(key: string): string | null {
    const r = this.db.prepare('select value from meta where key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(key, value);
  }

  /** The index's SQLite connection, shared with the vector index stored in the same file. */
  get database(): SQLite.Database {
    return this.db;
  }

  /** Papers passing the query's filters (categories, dates, exclusions), or null when it has none. */
  filterSet(q: ParsedQuery): Set<string> | null {
    if (!q.categories.length && !q.excludedCategories.length && !q.from && !q.to && !q.excluded.length) return null;
    const { joins, where, params } = this.filters({ ...q, terms: [], phrases: [], authors: [] }, null);
    const rows = this.db.prepare(`select d.paper_id from ${joins} ${where.length ? `where ${where.join(' and ')}` : ''}`).pluck().all(...params) as string[];
    return new Set(rows);
  }

  /** The store change sequence this index has caught up to. */
  cursor(): number {
    return Number(this.meta('cursor') ?? 0);
  }

  /** Writes documents, removes the given papers, and moves the cursor, in one transaction. */
  apply(docs: readonly IndexDoc[], removed: readonly string[], cursor: number): void {
    const findRow = this.db.prepare('select rowid from docs where paper_id = ?').pluck();
    const insertDoc = this.db.prepare('insert into docs (paper_id, published, feed_date, upvotes) values (?, ?, ?, ?)');
    const updateDoc = this.db.prepare('update docs set published = ?, feed_date = ?, upvotes = ? where rowid = ?');
    const deleteFts = this.db.prepare('delete from docs_fts where rowid = ?');
    const insertFts = this.db.prepare('insert into docs_fts (rowid, title, authors, abstract) values (?, ?, ?, ?)');
    const deleteTitle = this.db.prepare('delete from titles_fts where rowid = cast(? as integer)');
    const insertTitle = this.db.prepare('insert into titles_fts (rowid, title, authors) values (?, ?, ?)');
    const deleteCats = this.db.prepare('delete from doc_categories where doc = ?');
    const insertCat = this.db.prepare('insert or ignore into doc_categories (category, doc) values (?, ?)');
    const deleteDoc = this.db.prepare('delete from docs where rowid = ?');
    this.db.transaction(() => {
      for (const d of docs) {
        let rowid = findRow.get(d.paperId) as number | undefined;
        if (rowid === undefined) rowid = Number(insertDoc.run(d.paperId, d.published, d.feedDate, d.upvotes).lastInsertRowid);
        else {
          updateDoc.run(d.published, d.feedDate, d.upvotes, rowid);
          deleteFts.run(rowid);
          deleteTitle.run(rowid);
          deleteCats.run(rowid);
        }
        insertFts.run(rowid, d.title, d.authors.join(', '), d.abstract);
        insertTitle.run(rowid, d.title, d.authors.join(', '));
        for (const c of d.categories) insertCat.run(c, rowid);
      }
      for (const id of removed) {
        const rowid = findRow.get(id) as number | undefined;
        if (rowid === undefined) continue;
        deleteFts.run(rowid);
        deleteTitle.run(rowid);
        deleteCats.run(rowid);
        deleteDoc.run(rowid);
      }
      this.setMeta('cursor', String(cursor));
    })();
    this.changesSinceDf += docs.length + removed.length;
  }

  /** Empties the index (for a rebuild). */
  clear(): void {
    this.db.exec('delete from docs_fts; delete from titles_fts; delete from doc_categories; delete from docs;');
    this.dfCacheDocs = 0;
    this.setMeta('cursor', '0');
  }

  count(): number {
    return (this.db.prepare('select count(*) n from docs').get() as { n: number }).n;
  }


  /** WHERE clauses and parameters shared by the search and its facets. */
  private filters(q: ParsedQuery, match: string | null | undefined, table = 'docs_fts'): { joins: string; where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (match) {
      where.push(`${table} match ?`);
      params.push(match);
    }
    if (q.from) {
      where.push('d.published >= ?');
      params.push(q.from);
    }
    if (q.to) {
      where.push('d.published <= ?');
      params.push(q.to);
    }
    for (const c of q.categories) {
      where.push('d.rowid in (select doc from doc_categories where category = ?)');
      params.push(c);
    }
    for (const c of q.excludedCategories) {
      where.push('d.rowid not in (select doc from doc_categories where category = ?)');
      params.push(c);
    }
    if (!match && q.excluded.length) {
      // Filters with exclusions only: exclude through the text index.
      where.push('d.rowid not in (select rowid from docs_fts where docs_fts match ?)');
      params.push(q.excluded.map((w) => `"${w.join(' ')}"`).join(' OR '));
    }
    return { joins: match ? `${table} join docs d on d.rowid = ${table}.rowid` : 'docs d', where, params };
  }

  /**
   * One page of matches. Relevance is BM25 with the field weights, ranked inside FTS5 (`order by rank`), so highlights
   * and snippets are made for the returned page only; filter-only searches go newest first.
   */
  search(q: ParsedQuery, opts: { sort: SearchSort; limit: number; offset: number; any?: boolean }): TextSearchResult {
    const match = this.expression(q, opts.any);
    if (opts.any && match === null) return { total: 0, hits: [] }; // only function words: nothing to relax to
    const { joins, where, params } = this.filters(q, match);
    const whereSql = where.length ? `where ${where.join(' and ')}` : '';
    type Row = { rowid: number; paper_id: string; title_marked: string | null; snippet_marked: string | null };
    let rows: Row[];
    if (match && opts.sort === 'relevance') {
      rows = this.db
        .prepare(
          `select d.rowid, d.paper_id, ${MARKS('docs_fts')}
           from ${joins} ${whereSql} and docs_fts.rank match '${RANK_FUNCTION}' order by docs_fts.rank limit ? offset ?`,
        )
        .all(...params, opts.limit, opts.offset) as Row[];
    } else {
      // Sorted by date or upvotes (or no words): pick the page first, then mark only its rows.
      const rank = match ? `bm25(docs_fts, ${BM25_WEIGHTS.join(', ')}), ` : '';
      const order = opts.sort === 'upvotes' ? `d.upvotes desc, ${rank}d.published desc, d.rowid desc` : 'd.published desc, d.rowid desc';
      rows = this.db
        .prepare(`select d.rowid, d.paper_id, null as title_marked, null as snippet_marked from ${joins} ${whereSql} order by ${order} limit ? offset ?`)
        .all(...params, opts.limit, opts.offset) as Row[];
      if (match) {
        const marks = this.marks(match, rows.map((r) => r.rowid));
        for (const r of rows) Object.assign(r, marks.get(r.rowid));
      }
    }
    const total = this.countMatches(q, match);
    return {
      total,
      hits: rows.map((r) => ({ paperId: r.paper_id, titleMarked: r.title_marked ?? '', snippetMarked: r.snippet_marked })),
    };
  }

  /** Paper ids of the best `limit` matches by relevance, without highlights (the keyword lists of hybrid search). */
  rankedIds(q: ParsedQuery, limit: number, opts: KeywordListOptions = {}): string[] {
    const source = this.keywordSource(q, opts);
    if (!source) return [];
    const { table, match } = source;
    const rank = table === 'titles_fts' ? TITLE_RANK_FUNCTION : RANK_FUNCTION;
    const { joins, where, params } = this.filters(q, match, table);
    return this.db
      .prepare(`select d.paper_id from ${joins} where ${where.join(' and ')} and ${table}.rank match '${rank}' order by ${table}.rank limit ?`)
      .pluck()
      .all(...params, limit) as string[];
  }

  /** How many papers `rankedIds` chooses from (counting needs no ranking, so it is asked separately, when needed). */
  matchCount(q: ParsedQuery, opts: KeywordListOptions = {}): number {
    const source = this.keywordSource(q, opts);
    return source ? this.countMatches(q, source.match, source.table) : 0;
  }

  /**
   * The MATCH expression and the table it runs on. When every word is common, ranking every paper that has them would
   * cost in proportion to the corpus, so hybrid's list holds the papers with them in the title or authors, from the
   * titles table (posting lists a tenth as long); meaning (the semantic list) covers the abstracts. Exclusions need
   * the full text, so they keep the full index, except for `titlesOnly` (suggestions), which never leaves the titles.
   */
  private keywordSource(q: ParsedQuery, opts: KeywordListOptions): { match: string; table: 'docs_fts' | 'titles_fts' } | null {
    const match = this.expression(q, opts.any);
    if (match === null) return null;
    // titlesOnly (suggestions) stays on the titles table even with exclusions: they then exclude by title and authors.
    const titles = opts.titlesOnly || (!q.excluded.length && opts.titlesWhenCommon && this.allCommon(q));
    const table = titles ? 'titles_fts' : 'docs_fts';
    return { match, table };
  }

  /** Matches of `match` in `table` passing the query's filters; without filters the text index alone is counted. */
  private countMatches(q: ParsedQuery, match: string | null, table: 'docs_fts' | 'titles_fts' = 'docs_fts'): number {
    const { joins, where, params } = this.filters(q, match, table);
    if (match && where.length === 1) return this.db.prepare(`select count(*) from ${table} where ${table} match ?`).pluck().get(match) as number;
    return this.db.prepare(`select count(*) from ${joins} ${where.length ? `where ${where.join(' and ')}` : ''}`).pluck().get(...params) as number;
  }



  /**
   * The MATCH expression: every word required, or with `any` some of them. Ranking "any of the words" costs BM25 over
   * every paper having one of them, so relaxed matching keeps the query's rarest words while the papers they are in
   * add up to at most RELAXED_POSTINGS_BUDGET (always at least MIN_RELAXED_WORDS words): a very common word (and with
   * the Porter stemmer "generalization" is "gener", as in "generative") would otherwise mean ranking a large share of
   * the corpus, a cost that grows with the corpus, for a word whose low idf adds little next to the rarer ones.
   * Measured (npm run eval:search, paraphrase queries): Recall@5 0.425 vs 0.452 with every word, p95 latency of hybrid
   * search 49 vs 98 ms on the 87k corpus; docs/decisions/010-search-latency.md.
   */
  private expression(q: ParsedQuery, any = false): string | null {
    if (!any) return matchExpression(q);
    const content = q.terms.filter((t) => !STOPWORDS.has(t));
    if (content.length <= MIN_RELAXED_WORDS) return matchExpression(q, true);
    const df = this.docFrequencies(content);
    const byRarity = [...content].sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
    let budget = this.relaxedBudget;
    const keep = new Set(
      byRarity.filter((t, i) => {
        budget -= df.get(t) ?? 0;
        return i < MIN_RELAXED_WORDS || budget >= 0;
      }),
    );
    const last = q.terms.at(-1) ?? '';
    return matchExpression({ ...q, terms: q.terms.filter((t) => keep.has(t) || STOPWORDS.has(t)), prefixLast: q.prefixLast && keep.has(last) }, true);
  }

  /** Whether every word of the query is in more than COMMON_WORD_PAPERS papers (phrases and authors count as rare). */
  private allCommon(q: ParsedQuery): boolean {
    if (q.phrases.length || q.authors.length) return false;
    const content = q.terms.filter((t) => !STOPWORDS.has(t));
    if (content.length === 0) return false;
    const df = this.docFrequencies(content);
    return content.every((t) => (df.get(t) ?? 0) > this.commonWordPapers);
  }

  /**
   * How many papers contain each word (as FTS5 indexes it: stemmed), from the index's vocabulary, cached until this
   * index has written a tenth as many papers as it held when the cache started.
   */
  private docFrequencies(words: readonly string[]): Map<string, number> {
    if (this.dfCacheDocs === 0 || this.changesSinceDf > this.dfCacheDocs / 10) {
      this.dfCache.clear();
      this.dfCacheDocs = Math.max(this.count(), 1);
      this.changesSinceDf = 0;
    }
    const out = new Map<string, number>();
    const missing = words.filter((w) => {
      const hit = this.dfCache.get(w);
      if (hit !== undefined) out.set(w, hit);
      return hit === undefined;
    });
    if (missing.length === 0) return out;
    const scratch = this.scratchDb();
    // The stems: each word goes through the same tokenizer in the scratch table, and its vocabulary says what came out.
    scratch.transaction(() => {
      scratch.exec('delete from words');
      const insert = scratch.prepare('insert into words (rowid, w) values (?, ?)');
      missing.forEach((w, i) => insert.run(BigInt(i + 1), w));
    })();
    const stems = scratch.prepare('select term, doc from words_terms').raw().all() as Array<[string, number]>;
    if (!this.vocabReady) this.db.exec("create virtual table if not exists temp.docs_terms using fts5vocab(main, 'docs_fts', 'row')");
    this.vocabReady = true;
    const lookup = this.db.prepare('select doc from temp.docs_terms where term = ?').pluck();
    for (const [stem, i] of stems) {
      const w = missing[i - 1]!;
      const n = Math.max(out.get(w) ?? 0, (lookup.get(stem) as number | undefined) ?? 0);
      out.set(w, n);
    }
    for (const w of missing) {
      if (this.dfCache.size >= DF_CACHE_SIZE) this.dfCache.delete(this.dfCache.keys().next().value!);
      this.dfCache.set(w, out.get(w) ?? 0);
    }
    return out;
  }

  private scratchDb(): SQLite.Database {
    if (!this.scratch) {
      this.scratch = new SQLite(':memory:');
      this.scratch.exec(`
        create virtual table page using fts5 (title, authors, abstract, tokenize = ${TOKENIZER});
        create virtual table words using fts5 (w, tokenize = ${TOKENIZER});
        create virtual table words_terms using fts5vocab(words, instance);`);
    }
    return this.scratch;
  }

  /** Highlights for the given papers: the words of the query (any of them) marked in the title and an abstract snippet. */
  mark(q: ParsedQuery, paperIds: readonly string[]): Map<string, TextHit> {
    const out = new Map<string, TextHit>();
    const match = matchExpression({ ...q, excluded: [] }, true);
    if (match === null || paperIds.length === 0) return out;
    const rowOf = this.db.prepare('select rowid from docs where paper_id = ?').pluck();
    const rows = new Map<number, string>();
    for (const id of paperIds) {
      const rowid = rowOf.get(id) as number | undefined;
      if (rowid !== undefined) rows.set(rowid, id);
    }
    for (const [rowid, m] of this.marks(match, [...rows.keys()])) {
      out.set(rows.get(rowid)!, { paperId: rows.get(rowid)!, titleMarked: m.title_marked, snippetMarked: m.snippet_marked });
    }
    return out;
  }

  /**
   * Highlights and snippets of a few rows. Asking the big index (`match ? and rowid = ?`) loads every query word's whole
   * posting list, tens of milliseconds for common words; copying the rows into a small in-memory FTS5 table with the
   * same tokenizer and asking it gives the same marks in well under a millisecond.
   */
  private marks(match: string, rowids: readonly number[]): Map<number, { title_marked: string; snippet_marked: string }> {
    const out = new Map<number, { title_marked: string; snippet_marked: string }>();
    if (rowids.length === 0) return out;
    const scratch = this.scratchDb();
    // cast: FTS5 ignores a rowid constraint given as a floating-point value (how JavaScript numbers bind).
    const read = this.db.prepare('select title, authors, abstract from docs_fts where rowid = cast(? as integer)');
    const insert = scratch.prepare('insert into page (rowid, title, authors, abstract) values (?, ?, ?, ?)');
    scratch.transaction(() => {
      scratch.exec('delete from page');
      for (const rowid of rowids) {
        const r = read.get(rowid) as { title: string; authors: string; abstract: string } | undefined;
        if (r) insert.run(BigInt(rowid), r.title, r.authors, r.abstract);
      }
    })();
    const rows = scratch.prepare(`select rowid, ${MARKS('page')} from page where page match ?`).all(match) as Array<{ rowid: number; title_marked: string; snippet_marked: string }>;
    for (const r of rows) out.set(r.rowid, r);
    return out;
  }

  /** Titles of the given papers (those in the index). */
  titles(paperIds: readonly string[]): Map<string, string> {
    const get = this.db.prepare('select f.title from docs d join docs_fts f on f.rowid = d.rowid where d.paper_id = ?').pluck();
    const out = new Map<string, string>();
    for (const id of paperIds) {
      const t = get.get(id) as string | undefined;
      if (t !== undefined) out.set(id, t);
    }
    return out;
  }

  /** Counts of the matches per category and per year (the most frequent first). */
  facets(q: ParsedQuery, top = 12, any = false): Facets {
    const match = this.expression(q, any);
    if (any && match === null) return { categories: [], years: [] };
    const { joins, where, params } = this.filters(q, match);
    const whereSql = where.length ? `where ${where.join(' and ')}` : '';
    const categories = this.db
      .prepare(`select c.category as value, count(*) as count from ${joins} join doc_categories c on c.doc = d.rowid ${whereSql} group by c.category order by count desc, value limit ?`)
      .all(...params, top) as Array<{ value: string; count: number }>;
    const years = this.db
      .prepare(`select substr(d.published, 1, 4) as value, count(*) as count from ${joins} ${whereSql} group by value order by value desc limit ?`)
      .all(...params, top) as Array<{ value: string; count: number }>;
    return { categories, years };
  }

  close(): void {
    this.scratch?.close();
    this.db.close();
  }
}
