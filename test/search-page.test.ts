/**
 * The search page over the real app, a real SQLite store and a real search index: the 55 seed papers plus papers
 * written to a temp JSONL file for math, XSS, snippets cut inside math, and paging (45 "quokka" papers).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedService } from '../src/services/feed.service.js';
import { createApp } from '../src/web/app.js';
import { seededApp, sqliteStore } from './helpers/app.js';

type Rec = Record<string, unknown>;
const paper = (o: Rec): Rec => ({ authors: ['Ann Author'], categories: ['cs.LG'], abstract: 'An abstract.', ...o });
const words = (w: string, n: number) => Array.from({ length: n }, (_, i) => `${w}${String.fromCharCode(97 + (i % 26))}`).join(' ');
const sum = (n: number) => Array.from({ length: n }, (_, i) => `a_{${i + 1}}`).join(' + ');

const EXTRA: Rec[] = [
  paper({
    id: '2509.99001',
    title: 'Sharp bounds for $\\ell_p$ regression with $O(\\sqrt{n})$ queries',
    abstract: 'We show that $\\ell_p$ regression needs $O(\\sqrt{n}\\log n)$ queries.',
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Emmy Noether', 'Kurt Gödel'],
    categories: ['math.OC', 'cs.LG'],
    published: '2025-09-25',
    upvotes: 7,
  }),
  paper({
    id: '2509.99002',
    title: '<script>alert(1)</script> Xylophone attack <img src=x onerror=alert(2)>',
    abstract: 'The xylophone <b onmouseover="alert(3)">plays</b> & sings.',
    published: '2025-09-20',
  }),
  // The index's snippet for "zebra" cuts both sums: read naively, `$ zebra $` would pair into math.
  paper({ id: '2509.99003', title: 'Striped animals', abstract: `${words('lead', 40)} $${sum(10)}$ zebra $${sum(10)}$ ${words('tail', 40)}`, published: '2025-09-19' }),
  ...Array.from({ length: 45 }, (_, i) =>
    paper({
      id: `2508.${String(99001 + i)}`,
      title: `Quokka study ${i + 1}`,
      abstract: 'Small marsupials.',
      published: `2024-08-${String((i % 28) + 1).padStart(2, '0')}`,
      categories: i % 3 === 0 ? ['q-bio.PE', 'cs.LG'] : ['q-bio.PE'],
    }),
  ),
];

/** The six seed papers about grokking, in the order BM25 (title 10, authors 4, abstract 1) ranks them. */
const GROKKING = ['2310.19470', '2501.04697', '2310.13061', '2506.21551', '2310.02541', '2509.21519'];

let app: FastifyInstance;

beforeAll(async () => {
  ({ app } = await seededApp({ papers: EXTRA }));
});
afterAll(async () => {
  await app?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });
const search = (params: Record<string, string>) => get(`/search?${new URLSearchParams(params).toString()}`);

/** Paper ids of the result cards, in order. */
const cardIds = (html: string) => [...html.matchAll(/<article class="paper-card search-result" data-paper-id="([^"]+)"/g)].map((m) => m[1]);
const card = (html: string, id: string) => new RegExp(`<article class="paper-card search-result" data-paper-id="${id.replace('.', '\\.')}">(.*?)</article>`, 's').exec(html)?.[1] ?? '';
const h1 = (html: string) => /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1];
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
/** Facet links of one facet (Categories/Years): value, count shown and href. */
const facet = (html: string, title: string) => {
  const section = new RegExp(`<section class="facet" aria-label="${title}">(.*?)</section>`, 's').exec(html)?.[1] ?? '';
  return [...section.matchAll(/<a class="(facet-link[^"]*)" href="([^"]+)"[^>]*><span class="facet-value">([^<]+)<\/span><span class="facet-count">([^<]+)<\/span>/g)].map(
    (m) => ({ value: m[3], count: m[4], href: decode(m[2]!), active: m[1]!.includes('active') }),
  );
};
/** The value of the page's own search box. */
const boxValue = (html: string) => {
  const m = /<input id="search-q" type="search" name="q" value(?:="([^"]*)")?[ />]/.exec(html);
  return m ? (m[1] ?? '') : undefined;
};

describe('search page: results', () => {
  it('finds the six grokking papers, in BM25 order, with matches highlighted', async () => {
    const res = await search({ q: 'grokking' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(cardIds(res.body)).toEqual(GROKKING);
    expect(h1(res.body)).toBe('6 results for <q class="search-query">grokking</q>');
    expect(res.body).toMatch(/<p class="search-meta">in \d+(\.\d)? ms<\/p>/);
    expect(boxValue(res.body)).toBe('grokking');

    const first = card(res.body, '2310.19470');
    expect(first).toContain('<a href="/papers/2310.19470"><span class="tex"><mark>Grokking</mark> Tickets: Lottery Tickets Accelerate <mark>Grokking</mark></span></a>');
    expect(first).toContain(
      '<p class="excerpt snippet"><span class="tex">…We refer to these subnetworks as &#39;&#39;<mark>Grokking</mark> tickets&#39;&#39;, which is identified',
    );
    expect(first).toContain('<p class="authors">Gouki Minegishi, Yusuke Iwasawa, Yutaka Matsuo</p>');
    expect(first).toContain('<time datetime="2023-10-30">30 Oct 2023</time>');
    expect(first).toContain('<span class="votes-count">0</span>');
    // Stemming: "grok" in a title is the same word.
    expect(card(res.body, '2310.13061')).toContain('To <mark>grok</mark> or not to <mark>grok</mark>:');
  });

  it('shows facet counts for categories and years, as links that narrow the query', async () => {
    const res = await search({ q: 'grokking' });
    expect(facet(res.body, 'Categories')).toEqual([{ value: 'cs.LG', count: '6', href: '/search?q=grokking+cat%3Acs.LG', active: false }]);
    expect(facet(res.body, 'Years')).toEqual([
      { value: '2025', count: '3', href: '/search?q=grokking+year%3A2025', active: false },
      { value: '2023', count: '3', href: '/search?q=grokking+year%3A2023', active: false },
    ]);
    // The card's category chip links the same way.
    expect(card(res.body, '2310.19470')).toContain('<a href="/search?q=grokking+cat%3Acs.LG" title="Only cat:cs.LG">cs.LG</a>');
  });

  it('follows a category facet: the filter is added, shown as active and removable', async () => {
    const res = await get('/search?q=grokking+cat%3Acs.LG');
    expect(res.statusCode).toBe(200);
    expect(boxValue(res.body)).toBe('grokking cat:cs.LG');
    expect(cardIds(res.body)).toEqual(GROKKING);
    expect(facet(res.body, 'Categories')).toEqual([{ value: 'cs.LG', count: '×', href: '/search?q=grokking', active: true }]);
    expect(res.body).toContain(
      '<span class="filter-chip"><code>cat:cs.LG</code><a class="filter-remove" href="/search?q=grokking" aria-label="Remove filter cat:cs.LG"',
    );
  });

  it('follows a year facet, and a second year replaces the first instead of intersecting with it', async () => {
    const res = await get('/search?q=grokking+year%3A2023');
    expect(cardIds(res.body)).toEqual(['2310.19470', '2310.13061', '2310.02541']);
    expect(facet(res.body, 'Years')).toEqual([{ value: '2023', count: '×', href: '/search?q=grokking', active: true }]);
    expect(res.body).toContain('<code>year:2023</code><a class="filter-remove" href="/search?q=grokking"');

    const both = await get('/search?q=cat%3Aq-bio.PE+year%3A2024+quokka');
    expect(facet(both.body, 'Categories')).toEqual([
      { value: 'q-bio.PE', count: '×', href: '/search?q=year%3A2024+quokka', active: true },
      { value: 'cs.LG', count: '15', href: '/search?q=cat%3Aq-bio.PE+year%3A2024+quokka+cat%3Acs.LG', active: false },
    ]);
  });

  it('sorts by date and by upvotes, marking the current sort', async () => {
    const byDate = await search({ q: 'grokking', sort: 'date' });
    expect(cardIds(byDate.body)).toEqual(['2509.21519', '2506.21551', '2501.04697', '2310.19470', '2310.13061', '2310.02541']);
    expect(byDate.body).toContain('<span class="sort-link current" aria-current="true">Newest</span>');
    expect(byDate.body).toContain('<a class="sort-link" href="/search?q=grokking">Relevance</a>');
    expect(byDate.body).toContain('<a class="sort-link" href="/search?q=grokking&amp;sort=upvotes">Most upvoted</a>');
    // The sort survives a new search from the page's box, and facet links keep it.
    expect(byDate.body).toContain('<input type="hidden" name="sort" value="date"/>');
    expect(facet(byDate.body, 'Categories')[0]?.href).toBe('/search?q=grokking+cat%3Acs.LG&sort=date');

    const byVotes = await search({ q: 'grokking', sort: 'upvotes' });
    expect(cardIds(byVotes.body)).toEqual(['2506.21551', '2310.19470', '2501.04697', '2310.13061', '2310.02541', '2509.21519']);
    expect(card(byVotes.body, '2506.21551')).toContain('<span class="votes-count">2</span>');

    const relevance = await search({ q: 'grokking' });
    expect(relevance.body).toContain('<span class="sort-link current" aria-current="true">Relevance</span>');
  });

  it('pages through results, 20 a page', async () => {
    const one = await search({ q: 'quokka', sort: 'date' });
    expect(h1(one.body)).toBe('45 results for <q class="search-query">quokka</q>');
    expect(cardIds(one.body)).toHaveLength(20);
    expect(one.body).toContain('<p class="search-meta">in ');
    expect(one.body).toContain(' · page 1 of 3</p>');
    expect(one.body).toContain('<a class="page-step" rel="next" href="/search?q=quokka&amp;sort=date&amp;p=2">Next page →</a>');
    expect(one.body).toContain('<a class="page-link" href="/search?q=quokka&amp;sort=date&amp;p=3" aria-label="Page 3">3</a>');
    expect(one.body).toContain('<p class="search-range">Results 1–20 of 45</p>');

    const three = await search({ q: 'quokka', sort: 'date', p: '3' });
    expect(three.statusCode).toBe(200);
    const ids = cardIds(three.body);
    expect(ids).toHaveLength(5);
    expect(three.body).toContain('<span class="rank" aria-hidden="true">41.</span>');
    expect(three.body).toContain('<p class="search-range">Results 41–45 of 45</p>');
    expect(three.body).toContain('<a class="page-step" rel="prev" href="/search?q=quokka&amp;sort=date&amp;p=2">← Previous page</a>');

    // Every quokka paper exactly once across the three pages, newest first.
    const two = await search({ q: 'quokka', sort: 'date', p: '2' });
    const all = [...cardIds(one.body), ...cardIds(two.body), ...ids];
    expect(new Set(all).size).toBe(45);
    const dates = all.map((id) => Number(id!.slice(5)) - 99001).map((i) => (i % 28) + 1);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);

    const beyond = await search({ q: 'quokka', p: '4' });
    expect(beyond.statusCode).toBe(404);
    expect(beyond.body).toContain('There is no page 4 for this search: it has 3 pages.');
    expect(beyond.body).toContain('<a class="button-link" href="/search?q=quokka">Back to the first page</a>');
  });

  it('searches by filters alone, showing the abstract start when there is no snippet', async () => {
    const res = await search({ q: 'year:2025 cat:cs.RO' });
    expect(cardIds(res.body)).toEqual(['2508.06426']);
    expect(card(res.body, '2508.06426')).toContain('<p class="excerpt snippet"><span class="tex">Generalist robot policies trained on large-scale datasets');
    expect(card(res.body, '2508.06426')).not.toContain('<mark>');
  });

  it('leaves out excluded words', async () => {
    const res = await search({ q: 'grokking -tickets' });
    expect(cardIds(res.body)).toEqual(GROKKING.filter((id) => id !== '2310.19470'));
  });
});

describe('search page: math, snippets and escaping', () => {
  it('renders math in titles with the matched word highlighted, and allows KaTeX styles only then', async () => {
    const res = await search({ q: 'regression' });
    const c = card(res.body, '2509.99001');
    expect(c).toContain('<mark>regression</mark>');
    expect((c.match(/class="katex"/g) ?? []).length).toBe(4); // two spans in the title, two in the snippet
    expect(c).not.toMatch(/\$|[\u0002\u0003]/);
    expect(c).toContain('<p class="authors">Ada Lovelace, Alan Turing, Grace Hopper, Emmy Noether<span class="more-authors"> and 1 more</span></p>');
    expect(c).toContain('<li class="category primary"><a href="/search?q=regression+cat%3Amath.OC" title="Only cat:math.OC">math.OC</a></li>');
    expect(res.headers['content-security-policy']).toContain("style-src-attr 'unsafe-inline'");
    expect(res.body).toContain('<link rel="stylesheet" href="/static/katex/katex.min.css"/>');

    const plain = await search({ q: 'grokking' });
    expect(plain.headers['content-security-policy']).not.toContain('style-src-attr');
  });

  it('re-cuts a snippet the index cut inside math, so the match stays highlighted text', async () => {
    const res = await search({ q: 'zebra' });
    expect(cardIds(res.body)).toEqual(['2509.99003']);
    expect(card(res.body, '2509.99003')).toContain('<p class="excerpt snippet"><span class="tex">…<mark>zebra</mark>…</span></p>');
  });

  it('escapes paper text around highlights', async () => {
    const res = await search({ q: 'xylophone' });
    const c = card(res.body, '2509.99002');
    expect(c).toContain(
      '<span class="tex">&lt;script&gt;alert(1)&lt;/script&gt; <mark>Xylophone</mark> attack &lt;img src=x onerror=alert(2)&gt;</span>',
    );
    expect(c).toContain('The <mark>xylophone</mark> &lt;b onmouseover=&quot;alert(3)&quot;&gt;plays&lt;/b&gt; &amp; sings.');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img src=x');
  });

  it('echoes the query only escaped', async () => {
    const res = await search({ q: '<script>alert(1)</script>' });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)');
    expect(boxValue(res.body)).toBe('&lt;script>alert(1)&lt;/script>');
    // It even finds the paper whose title holds that text, and shows it escaped too.
    expect(h1(res.body)).toBe('1 result for <q class="search-query">&lt;script>alert(1)&lt;/script></q>');
    expect(cardIds(res.body)).toEqual(['2509.99002']);
    expect(res.body).toContain('<title>&lt;script>alert(1)&lt;/script> · Search · Paperboy</title>');

    const attr = await search({ q: '" onfocus="alert(1)' });
    expect(attr.body).not.toContain('" onfocus="alert(1)');
    expect(boxValue(attr.body)).toBe('&quot; onfocus=&quot;alert(1)');
  });
});

describe('search page: start, empty and error states', () => {
  it('without a query shows the box and the query language, with examples that run', async () => {
    const res = await get('/search');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=30');
    expect(h1(res.body)).toBe('Search papers');
    expect(boxValue(res.body)).toBe('');
    expect(res.body).toContain('<label for="search-q" class="visually-hidden">Search query</label>');
    expect(res.body).toContain('<h2 id="search-help-title">How to search</h2>');
    expect(res.body).toContain('<a href="/search?q=generalization+cat%3Acs.LG+year%3A2023-2025"><code>generalization cat:cs.LG year:2023-2025</code></a>');
    for (const href of ['/search?q=grokking', '/search?q=%22compositional+generalization%22', '/search?q=author%3Araffel', '/search?q=cat%3Acs.LG', '/search?q=year%3A2025']) {
      expect(res.body).toContain(`<a href="${href}">`);
    }
    expect(cardIds(res.body)).toEqual([]);
    expect((await get('/search?q=%20%20')).body).toContain('<h2 id="search-help-title">How to search</h2>');

    // The examples find something on the seed papers.
    const examples = ['grokking', '"compositional generalization"', 'generalization -transformer', 'author:raffel', 'cat:cs.LG', 'year:2025'];
    for (const q of [...examples, 'from:2025-01-01 to:2025-06-30', 'generalization cat:cs.LG year:2023-2025']) {
      expect(cardIds((await search({ q })).body).length, q).toBeGreaterThan(0);
    }
  });

  it('has an empty state with suggestions, and offers to remove filters', async () => {
    const res = await search({ q: 'zzzqqq' });
    expect(res.statusCode).toBe(200);
    expect(h1(res.body)).toBe('No results for <q class="search-query">zzzqqq</q>');
    expect(res.body).toContain('<li>Check the spelling.</li>');
    expect(res.body).toContain('<li>Use fewer or more general words.</li>');
    expect(res.body).not.toContain('Remove a filter');

    const filtered = await search({ q: '"zzzqqq grokking" cat:cs.LG' });
    expect(filtered.body).toContain('<li>Use fewer or more general words, or drop the quotes around a phrase.</li>');
    expect(filtered.body).toContain('Remove a filter: <ul class="search-filters"');
    expect(filtered.body).toContain('<a class="filter-remove" href="/search?q=%22zzzqqq+grokking%22" aria-label="Remove filter cat:cs.LG"');
  });

  it('answers a query the parser refuses with a 400 page: box filled, reason shown, no stack trace', async () => {
    const res = await search({ q: 'grokking year:abc' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(boxValue(res.body)).toBe('grokking year:abc');
    expect(res.body).toContain('<h1>This search cannot be run</h1>');
    expect(res.body).toContain(
      '<p class="search-error-reason">&quot;abc&quot; is not a year or range (expected e.g. year:2024 or year:2020-2024).</p>',
    );
    expect(res.body).toContain('<a class="filter-remove" href="/search?q=grokking" aria-label="Remove filter year:abc"');
    expect(res.body).toContain('<h2 id="search-help-title">How to search</h2>');
    expect(res.body).not.toMatch(/\bat .+\.ts:\d+|Error:/);

    const onlyExcluded = await search({ q: '-grokking' });
    expect(onlyExcluded.statusCode).toBe(400);
    expect(onlyExcluded.body).toContain('Type some words to search for (exclusions alone match nothing).');
  });

  it('refuses a query over 1000 characters with the reason', async () => {
    const q = 'a'.repeat(1001);
    const res = await search({ q });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The query is too long (1001 characters; at most 1000).');
    expect(boxValue(res.body)).toBe(q);
    expect((await search({ q: `grokking ${'x'.repeat(991)}` })).statusCode).toBe(200); // exactly 1000
  });

  it('refuses an unknown sort or a bad page number with a 400 page', async () => {
    const sort = await search({ q: 'grokking', sort: 'bogus' });
    expect(sort.statusCode).toBe(400);
    expect(sort.body).toContain('Sort &quot;bogus&quot; is not known: use sort=relevance, sort=date or sort=upvotes.');
    expect(boxValue(sort.body)).toBe('grokking');
    for (const p of ['0', 'abc', '-1', '1.5', '1000000']) {
      const res = await search({ q: 'grokking', p });
      expect(res.statusCode, p).toBe(400);
      expect(res.body).toContain('is not a page number: use p=1, p=2, …');
    }
  });
});

describe('search box on every page', () => {
  it('puts a labelled GET form to /search in the header', async () => {
    for (const url of ['/', '/papers/2310.19470', '/search?q=grokking', '/nowhere']) {
      const res = await get(url);
      expect(res.body, url).toContain(
        '<form class="site-search" action="/search" method="get" role="search" aria-label="Site search"><label for="site-search-q" class="visually-hidden">Search papers</label><input id="site-search-q" type="search" name="q"',
      );
    }
  });

  it('answers 503 when the app has no search index', async () => {
    const store = await sqliteStore();
    const bare = await createApp({ feed: new FeedService(store), logLevel: 'silent' });
    try {
      const res = await bare.inject({ method: 'GET', url: '/search?q=grokking' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('503 · Search unavailable');
      expect(res.body).toContain('This server runs without a search index');
    } finally {
      await bare.close();
      await store.close();
    }
  });
});
