/**
 * The HTML pages over the real app and a real SQLite file: the 55 seed papers (../shared/data/seed-papers.jsonl, one per
 * day, feed day = published day) plus papers written to a temp JSONL file for multi-paper days, ranking ties,
 * pagination, XSS, math and an old-style id.
 */
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedService } from '../src/services/feed.service.js';
import { createApp } from '../src/web/app.js';
import { seededApp, sqliteStore } from './helpers/app.js';

type Rec = Record<string, unknown>;
const paper = (o: Rec): Rec => ({ authors: ['Ann Author'], categories: ['cs.LG'], abstract: 'An abstract.', ...o });

const XSS_TITLE = '<script>alert(1)</script> Attack <img src=x onerror=alert(2)>';
const LONG_ABSTRACT =
  'We study a problem. '.repeat(13) + // 260 characters
  'It holds that $\\sum_{i=1}^{n} a_i^2 \\le C$ for every n, which the excerpt must not split.';

/** 2025-06-03 (Tue): four papers with ties; 2025-06-04 (Wed): math and XSS; 2025-07-15: 35 papers for paging. */
const EXTRA: Rec[] = [
  paper({ id: '2506.90001', title: 'Alpha three upvotes published first', published: '2025-06-01', feed_date: '2025-06-03', upvotes: 3 }),
  paper({ id: '2506.90002', title: 'Bravo ten upvotes', published: '2025-06-02', feed_date: '2025-06-03', upvotes: 10 }),
  paper({
    id: '2506.90003', title: 'Charlie three upvotes published later', published: '2025-06-03', feed_date: '2025-06-03', upvotes: 3,
    authors: ['A One', 'B Two', 'C Three', 'D Four', 'E Five', 'F Six'], categories: ['stat.ML', 'cs.LG', 'math.ST'], abstract: LONG_ABSTRACT,
  }),
  paper({ id: '2506.90004', title: 'Delta no upvotes', published: '2025-06-03', upvotes: 0 }),
  paper({
    id: '2506.90005', title: XSS_TITLE, published: '2025-06-04', upvotes: 3,
    abstract: 'Before <script>alert(3)</script> and $<img src=x onerror=alert(4)>$ after <b onmouseover="x">bold</b>.',
    comment: '<i>12 pages</i>', code_url: 'javascript:alert(5)',
  }),
  paper({
    id: '2506.90006', title: 'Echo: the square $x^2$ of a number', published: '2025-06-04', upvotes: 5,
    abstract: 'We bound $x^2$ by $$\\int_0^1 f(x)\\,dx$$ and show \\(a < b\\); it costs \\$5.',
    doi: '10.1000/echo_1', journal_ref: 'J. Echo 1 (2025)', version: 2, updated: '2025-06-20', comment: '9 pages',
  }),
  paper({ id: 'hep-th/9108002', title: 'An old-style paper', published: '1991-08-01', categories: ['hep-th'], authors: ['Paul Ginsparg'] }),
  ...Array.from({ length: 35 }, (_, i) =>
    paper({ id: `2507.${String(90001 + i)}`, title: `Paging paper ${i + 1}`, published: '2025-07-15', upvotes: i + 1 }),
  ),
];

let app: FastifyInstance;

beforeAll(async () => {
  ({ app } = await seededApp({ papers: EXTRA }));
});
afterAll(async () => {
  await app?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

/** Paper ids of the cards on a page, in order. */
const cardIds = (html: string) => [...html.matchAll(/<article class="paper-card" data-paper-id="([^"]+)"/g)].map((m) => m[1]);
/** Plain (math-free) card titles, in order. */
const cardTitles = (html: string) => [...html.matchAll(/<a href="\/papers\/[^"]+"><span class="tex">([^<]*)<\/span><\/a>/g)].map((m) => m[1]);
const h1 = (html: string) => /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1];
const main = (html: string) => /<main>(.*)<\/main>/s.exec(html)?.[1];
const linkWithRel = (html: string, rel: string) => new RegExp(`<a class="[^"]*" rel="${rel}" href="([^"]+)"`).exec(html)?.[1];

describe('feed pages', () => {
  it('shows a seed day: heading, the paper, neighbours skipping empty days, tabs', async () => {
    const res = await get('/papers/date/2025-09-25');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(h1(res.body)).toBe('Thursday, 25 September 2025');
    expect(cardTitles(res.body)).toEqual(['Provable Scaling Laws of Feature Emergence from Learning Dynamics of Grokking']);
    expect(linkWithRel(res.body, 'prev')).toBe('/papers/date/2025-08-08');
    expect(linkWithRel(res.body, 'next')).toBe('/papers/date/2025-09-30');
    expect(res.body).toContain('<a class="tab active" href="/papers/date/2025-09-25" aria-current="page">Daily</a>');
    expect(res.body).toContain('<a class="tab" href="/papers/week/2025-W39">Weekly</a>');
    expect(res.body).toContain('<a class="tab" href="/papers/month/2025-09">Monthly</a>');
    expect(res.body).toContain('<form class="date-picker" action="/papers/date" method="get"');
    expect(res.body).toContain('<input id="date-picker-input" type="date" name="date" value="2025-09-25" max="2025-09-30" required/>');
  });

  it('ranks a multi-paper day by upvotes, then recency', async () => {
    const res = await get('/papers/date/2025-06-03');
    expect(cardTitles(res.body)).toEqual([
      'Bravo ten upvotes',
      'Charlie three upvotes published later',
      'Alpha three upvotes published first',
      'Delta no upvotes',
    ]);
    expect(linkWithRel(res.body, 'prev')).toBe('/papers/date/2025-05-26');
    expect(linkWithRel(res.body, 'next')).toBe('/papers/date/2025-06-04');
    expect(res.body).toContain('4 papers, ranked by upvotes');
  });

  it('shows a card: shortened authors, excerpt cut before a math span, date, upvotes, comments, primary category first', async () => {
    const res = await get('/papers/date/2025-06-03');
    const card = /<article class="paper-card" data-paper-id="2506.90003"[^>]*>(.*?)<\/article>/s.exec(res.body)?.[1] ?? '';
    expect(card).toContain('<a href="/papers/2506.90003">');
    expect(card).toContain('<p class="authors">A One, B Two, C Three, D Four<span class="more-authors"> and 2 more</span></p>');
    // 260 characters of text, then a math span straddling 300: it is dropped whole, the cut falls before it.
    expect(card).toContain(`<p class="excerpt"><span class="tex">${'We study a problem. '.repeat(13)}It holds that…</span></p>`);
    expect(card).not.toContain('katex');
    expect(card).toContain('<time datetime="2025-06-03">3 Jun 2025</time>');
    expect(card).toContain('<span class="votes-count">3</span>');
    expect(card).toContain('<span class="comments">0 comments</span>');
    expect(card).toContain(
      '<li class="category primary" title="Primary category">stat.ML</li><li class="category">cs.LG</li><li class="category">math.ST</li>',
    );
  });

  it('ranks a week and a month with several papers, with neighbour weeks/months and tabs anchored in the period', async () => {
    const week = await get('/papers/week/2025-W23');
    expect(week.statusCode).toBe(200);
    expect(h1(week.body)).toBe('Week 23 of 2025 (2 Jun – 8 Jun)');
    expect(cardIds(week.body)).toEqual(['2506.90002', '2506.90006', '2506.90005', '2506.90003', '2506.90001', '2506.90004']);
    expect(linkWithRel(week.body, 'prev')).toBe('/papers/week/2025-W22');
    expect(linkWithRel(week.body, 'next')).toBe('/papers/week/2025-W24');
    expect(week.body).toContain('<a class="tab" href="/papers/date/2025-06-04">Daily</a>');
    expect(week.body).toContain('<a class="tab active" href="/papers/week/2025-W23" aria-current="page">Weekly</a>');

    const month = await get('/papers/month/2025-06');
    expect(h1(month.body)).toBe('June 2025');
    expect(cardIds(month.body)).toEqual([
      '2506.90002', '2506.90006', '2506.90005', '2506.90003', '2506.90001', '2506.21551', '2506.07661', '2506.90004',
    ]);
    expect(linkWithRel(month.body, 'prev')).toBe('/papers/month/2025-05');
    expect(linkWithRel(month.body, 'next')).toBe('/papers/month/2025-07');
    expect(month.body).toContain('<a class="tab" href="/papers/date/2025-06-26">Daily</a>');

    // Seed-only month: five papers, no upvotes, newest first.
    const oct = await get('/papers/month/2023-10');
    expect(cardTitles(oct.body)).toEqual([
      'Grokking Tickets: Lottery Tickets Accelerate Grokking',
      'What Algorithms can Transformers Learn? A Study in Length Generalization',
      'To grok or not to grok: Disentangling generalization and memorization on corrupted algorithmic datasets',
      'How to Capture Higher-order Correlations? Generalizing Matrix Softmax Attention to Kronecker Computation',
      'Benign Overfitting and Grokking in ReLU Networks for XOR Cluster Data',
    ]);
  });

  it('has no previous link before the first day and no next link after the last', async () => {
    const last = await get('/papers/date/2025-09-30');
    expect(linkWithRel(last.body, 'next')).toBeUndefined();
    expect(linkWithRel(last.body, 'prev')).toBe('/papers/date/2025-09-25');
    const first = await get('/papers/date/1991-08-01');
    expect(cardIds(first.body)).toEqual(['hep-th/9108002']);
    expect(linkWithRel(first.body, 'prev')).toBeUndefined();
    const lastMonth = await get('/papers/month/2025-09');
    expect(linkWithRel(lastMonth.body, 'next')).toBeUndefined();
  });

  it('shows an empty day (a weekend) with neighbour links instead of an error', async () => {
    const res = await get('/papers/date/2025-09-27');
    expect(res.statusCode).toBe(200);
    expect(cardIds(res.body)).toEqual([]);
    expect(res.body).toContain('No papers entered the feed on this day');
    expect(linkWithRel(res.body, 'prev')).toBe('/papers/date/2025-09-25');
    expect(linkWithRel(res.body, 'next')).toBe('/papers/date/2025-09-30');
  });

  it('pages by 30 with page links', async () => {
    const p1 = await get('/papers/date/2025-07-15');
    expect(cardTitles(p1.body)).toEqual(Array.from({ length: 30 }, (_, i) => `Paging paper ${35 - i}`));
    expect(p1.body).toContain('Papers 1–30 of 35, ranked by upvotes');
    expect(p1.body).toContain('<span class="page-link current" aria-current="page">1</span>');
    expect(p1.body).toContain('<a class="page-link" href="/papers/date/2025-07-15?p=2" aria-label="Page 2">2</a>');
    expect(p1.body).toContain('<a class="page-step" rel="next" href="/papers/date/2025-07-15?p=2">Next page →</a>');
    expect(p1.body).toContain('<link rel="canonical" href="/papers/date/2025-07-15"/>');

    const p2 = await get('/papers/date/2025-07-15?p=2');
    expect(p2.statusCode).toBe(200);
    expect(cardTitles(p2.body)).toEqual(['Paging paper 5', 'Paging paper 4', 'Paging paper 3', 'Paging paper 2', 'Paging paper 1']);
    expect(p2.body).toContain('Papers 31–35 of 35');
    expect(p2.body).toContain('<span class="rank" aria-hidden="true">31.</span>');
    expect(p2.body).toContain('<a class="page-step" rel="prev" href="/papers/date/2025-07-15">← Previous page</a>');
    expect(p2.body).toContain('<link rel="canonical" href="/papers/date/2025-07-15?p=2"/>');

    expect((await get('/papers/date/2025-07-15?p=3')).statusCode).toBe(404);
    for (const bad of ['0', '-1', 'abc', '1.5', '']) expect((await get(`/papers/date/2025-07-15?p=${bad}`)).statusCode).toBe(400);
  });

  it('serves the latest day at / with a canonical link to it', async () => {
    const home = await get('/');
    const day = await get('/papers/date/2025-09-30');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<link rel="canonical" href="/papers/date/2025-09-30"/>');
    expect(h1(home.body)).toBe('Tuesday, 30 September 2025');
    expect(cardTitles(home.body)).toEqual(['Debunk the Myth of SFT Generalization']);
    // The same page, apart from where the sign-in links send the visitor back to.
    const sansNext = (html: string) => (main(html) ?? "").replace(/next=[^"]*/g, '');
    expect(sansNext(home.body)).toBe(sansNext(day.body));
  });

  it('redirects the date picker and bare period paths to canonical pages', async () => {
    const picked = await get('/papers/date?date=2025-06-03');
    expect(picked.statusCode).toBe(302);
    expect(picked.headers.location).toBe('/papers/date/2025-06-03');
    expect((await get('/papers/date?date=2025-02-30')).statusCode).toBe(400);
    expect((await get('/papers/date?date=')).statusCode).toBe(400);
    expect((await get('/papers/date?date=tomorrow')).statusCode).toBe(400);
    expect((await get('/papers/week?week=2025-W23')).headers.location).toBe('/papers/week/2025-W23');
    expect((await get('/papers/month?month=2025-06')).headers.location).toBe('/papers/month/2025-06');
    expect((await get('/papers/week')).headers.location).toBe('/papers/week/2025-W40');
    expect((await get('/papers/month')).headers.location).toBe('/papers/month/2025-09');
    expect((await get('/papers/date')).headers.location).toBe('/papers/date/2025-09-30');
    expect((await get('/papers')).headers.location).toBe('/');
  });

  it('answers invalid periods with a 400 page, not a stack trace', async () => {
    for (const url of [
      '/papers/date/2025-02-30',
      '/papers/week/2025-W60',
      '/papers/month/2025-13',
      '/papers/date/yesterday',
      '/papers/week/2025-23',
      '/papers/month/2025-6',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('400 · Bad request');
      expect(res.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    expect((await get('/papers/date/2025-02-30')).body).toContain('&quot;2025-02-30&quot; is not a valid date. Write it like 2025-05-26.');
  });
});

describe('paper pages', () => {
  it('shows everything about a paper: math, authors, dates, version, links, DOI, feed day, BibTeX', async () => {
    const res = await get('/papers/2506.90006');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<title>Echo: the square $x^2$ of a number · Paperboy</title>');
    expect(html).toContain('<link rel="stylesheet" href="/static/katex/katex.min.css"/>');
    expect(html).toContain('<script src="/static/app.js" defer></script>');
    expect(h1(html)).toContain('<span class="tex">Echo: the square <span class="katex">');
    expect(h1(html)).toContain('<annotation encoding="application/x-tex">x^2</annotation>');
    expect(h1(html)).not.toContain('$');
    const abstract = /<section class="abstract"[^>]*>(.*?)<\/section>/s.exec(html)?.[1] ?? '';
    expect(abstract).toContain('<span class="katex-display">');
    expect(abstract).toContain('<annotation encoding="application/x-tex">a &lt; b</annotation>');
    expect(abstract).toContain('; it costs $5.');
    expect(html).toContain('Published <time datetime="2025-06-04">4 Jun 2025</time>');
    expect(html).toContain('Updated <time datetime="2025-06-20">20 Jun 2025</time>');
    expect(html).toContain('<span>Version 2</span>');
    expect(html).toContain('<p class="paper-id">arXiv:2506.90006<span class="version">v2</span></p>');
    expect(html).toContain('<a class="button-link" href="https://arxiv.org/abs/2506.90006" rel="noopener">arXiv page</a>');
    expect(html).toContain('<a class="button-link" href="https://arxiv.org/pdf/2506.90006" rel="noopener">PDF</a>');
    expect(html).toContain('<a href="https://doi.org/10.1000/echo_1" rel="noopener">10.1000/echo_1</a>');
    expect(html).toContain('<dt>Journal reference</dt><dd>J. Echo 1 (2025)</dd>');
    expect(html).toContain('<dt>Comment</dt><dd>9 pages</dd>');
    expect(html).toContain('In the daily feed on <a href="/papers/date/2025-06-04">Wednesday, 4 June 2025</a>');
    expect(html).toContain('<span class="votes-count">5</span><span class="visually-hidden"> upvotes</span>');
    expect(html).toContain(
      '<pre id="bibtex" class="bibtex"><code>@misc{author2025echo,\n' +
        '  title = {Echo: the square $x^2$ of a number},\n' +
        '  author = {Ann Author},\n' +
        '  year = {2025},\n' +
        '  eprint = {2506.90006},\n' +
        '  archivePrefix = {arXiv},\n' +
        '  primaryClass = {cs.LG},\n' +
        '  url = {https://arxiv.org/abs/2506.90006},\n' +
        '  doi = {10.1000/echo_1},\n' +
        '  journal = {J. Echo 1 (2025)}\n' +
        '}</code></pre>',
    );
    expect(html).toContain('<button type="button" class="copy-button" data-copy-target="bibtex" hidden>Copy BibTeX</button>');
  });

  it('lets KaTeX position glyphs (style attributes) only on pages with math', async () => {
    const withMath = await get('/papers/2506.90006');
    expect(withMath.headers['content-security-policy']).toContain("style-src-attr 'unsafe-inline'");
    expect(withMath.headers['content-security-policy']).toContain("script-src 'self'");
    const without = await get('/papers/2505.20278');
    expect(without.headers['content-security-policy']).not.toContain('style-src-attr');
    expect(without.body).not.toContain('katex.min.css');
  });

  it('renders math in feed cards', async () => {
    const res = await get('/papers/date/2025-06-04');
    const card = /<article class="paper-card" data-paper-id="2506.90006"[^>]*>(.*?)<\/article>/s.exec(res.body)?.[1] ?? '';
    expect(card).toContain('class="katex"');
    expect(card).not.toContain('$x^2$');
    expect(res.body).toContain('katex.min.css');
  });

  it('escapes HTML in titles, abstracts and comments (XSS)', async () => {
    for (const url of ['/papers/2506.90005', '/papers/date/2025-06-04', '/papers/week/2025-W23']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/<script>alert|<img|<b onmouseover|<i>12|javascript:/i);
      expect(res.body, url).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Attack &lt;img src=x onerror=alert(2)&gt;');
    }
    const page = (await get('/papers/2506.90005')).body;
    expect(page).toContain('<title>&lt;script>alert(1)&lt;/script> Attack &lt;img src=x onerror=alert(2)> · Paperboy</title>');
    expect(page).toContain('Before &lt;script&gt;alert(3)&lt;/script&gt; and <span class="katex">');
    expect(page).toContain('after &lt;b onmouseover=&quot;x&quot;&gt;bold&lt;/b&gt;.');
    expect(page).toContain('<dt>Comment</dt><dd>&lt;i>12 pages&lt;/i></dd>');
    expect(page).not.toContain('>Code</a>'); // the javascript: code link is not shown
  });

  it('serves old-style ids with a slash', async () => {
    const res = await get('/papers/hep-th/9108002');
    expect(res.statusCode).toBe(200);
    expect(h1(res.body)).toBe('<span class="tex">An old-style paper</span>');
    expect(res.body).toContain('<a class="button-link" href="https://arxiv.org/abs/hep-th/9108002" rel="noopener">arXiv page</a>');
    expect(res.body).toContain('<link rel="canonical" href="/papers/hep-th/9108002"/>');
    expect(res.body).toContain('  eprint = {hep-th/9108002},\n');
  });

  it('redirects versioned and differently written ids to the canonical page (301)', async () => {
    const cases: Array<[string, string]> = [
      ['/papers/2505.20278v2', '/papers/2505.20278'],
      ['/papers/arXiv:2505.20278', '/papers/2505.20278'],
      ['/papers/arxiv:2505.20278v1', '/papers/2505.20278'],
      ['/papers/hep-th/9108002v1', '/papers/hep-th/9108002'],
      ['/papers/2505.20278v2.md', '/papers/2505.20278.md'],
      ['/papers/2505.20278/', '/papers/2505.20278'],
    ];
    for (const [from, to] of cases) {
      const res = await get(from);
      expect(res.statusCode, from).toBe(301);
      expect(res.headers.location, from).toBe(to);
    }
  });

  it('answers garbage ids with 400 and unknown ids with 404, as HTML pages', async () => {
    for (const url of ['/papers/not-a-paper', '/papers/2513.00001', '/papers/1234', '/papers/hep-th/91080', '/papers/a/b/c', '/papers/%3Cscript%3E', '/papers/%E0%A4%A']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain('400 · Bad request');
    }
    const unknown = await get('/papers/2506.99999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(unknown.body).toContain('404 · Not found');
    expect(unknown.body).toContain('There is no paper 2506.99999 here.');
    expect((await get('/papers/2506.99999.md')).statusCode).toBe(404);
  });

  it('serves /papers/{id}.md through the Markdown presenter', async () => {
    const res = await get('/papers/hep-th/9108002.md');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.body.startsWith('# An old-style paper\n')).toBe(true);
  });
});

describe('caching and compression', () => {
  it('marks pages cacheable for a minute, answers If-None-Match with 304 and gzips on request', async () => {
    for (const url of ['/', '/papers/date/2025-06-03', '/papers/week/2025-W23', '/papers/2506.90006']) {
      const first = await get(url);
      expect(first.headers['cache-control'], url).toBe('public, max-age=60');
      const etag = first.headers.etag;
      expect(etag, url).toMatch(/^W\/"/);
      const again = await get(url, { 'if-none-match': String(etag) });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      expect(zlib.gunzipSync(gz.rawPayload).toString('utf8')).toBe(first.body);
    }
  });
});

describe('an empty store', () => {
  it('says how to import papers', async () => {
    const store = await sqliteStore();
    const empty = await createApp({ feed: new FeedService(store), logLevel: 'silent' });
    try {
      const res = await empty.inject({ url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>No papers yet</h1>');
      expect(res.body).toContain('<code>npx paperboy ingest FILE</code>');
      expect((await empty.inject({ url: '/papers/week' })).headers.location).toBe('/');
      const day = await empty.inject({ url: '/papers/date/2025-06-03' });
      expect(day.statusCode).toBe(200);
      expect(day.body).toContain('No papers entered the feed on this day');
    } finally {
      await empty.close();
      await store.close();
    }
  });
});
