/**
 * The Hugging Face-compatible JSON API over the real app and a real SQLite file holding the 55 seed papers
 * (../shared/data/seed-papers.jsonl; feed day = published day), plus a few extra papers written to a temp file for
 * ranking, submitter and old-style-id cases.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperView } from '../src/services/feed.service.js';
import { hfObjectId } from '../src/web/presenters/hf-paper.presenter.js';
import { paperMarkdown } from '../src/web/presenters/paper-markdown.js';
import { seededApp, tempDir } from './helpers/app.js';

interface Item {
  paper: { id: string; authors: Array<{ _id: string; name: string; hidden: boolean }>; upvotes: number; publishedAt: string; submittedOnDailyAt?: string };
  title: string;
  summary: string;
  upvotes: number;
  publishedAt: string;
  numComments: number;
  submittedBy: { user: string; name: string; fullname: string; _id: string } | null;
  thumbnail: string | null;
  isAuthorParticipating: boolean;
  githubRepo?: string;
  projectPage?: string;
}

const COVERAGE = {
  id: '2505.20278',
  title: 'The Coverage Principle: A Framework for Understanding Compositional Generalization',
  authors: ['Hoyeon Chang', 'Jinho Park', 'Hanseul Cho', 'Sohee Yang', 'Miyoung Ko', 'Hyeonbin Hwang', 'Seungpil Won', 'Dohaeng Lee', 'Youbin Ahn', 'Minjoon Seo'],
  upvotes: 1,
};

/** Extra papers in May 2025 around the seed paper 2505.20278 (26 May, 1 upvote), and an old-style id. */
const EXTRA = [
  {
    id: '2505.90001', title: 'Alpha: ten upvotes, a week old', abstract: 'Alpha abstract.', authors: ['Ann Alpha'], categories: ['cs.LG'],
    published: '2025-05-20', upvotes: 10, submitted_by: 'alice', github_url: 'https://github.com/example/alpha', project_url: 'https://alpha.example.org/',
  },
  { id: '2505.90002', title: 'Beta: five upvotes, a day older', abstract: 'Beta abstract.', authors: ['Bo Beta', 'Bea Beta'], categories: ['cs.CL'], published: '2025-05-25', upvotes: 5, submitted_by: 'bob' },
  { id: '2509.90003', title: 'Gamma: same day as the latest seed paper', abstract: 'Gamma.', authors: ['Gil Gamma'], categories: ['cs.AI'], published: '2025-09-30', upvotes: 0 },
  { id: 'hep-th/9108002', title: 'An old-style paper', abstract: 'Strings, 1991.', authors: ['Old Author'], categories: ['hep-th'], published: '1991-08-01', upvotes: 4 },
];

function extraFile(): string {
  const file = path.join(tempDir(), 'extra.jsonl');
  fs.writeFileSync(file, EXTRA.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await seededApp());
});
afterAll(() => app.close());

async function get(url: string, target: FastifyInstance = app) {
  const res = await target.inject({ method: 'GET', url });
  return { res, body: String(res.headers['content-type'] ?? '').startsWith('application/json') ? (res.json() as unknown) : res.body };
}
async function items(url: string, target: FastifyInstance = app): Promise<Item[]> {
  const { res, body } = await get(url, target);
  expect(res.statusCode, res.body).toBe(200);
  return body as Item[];
}
const ids = (list: Item[]) => list.map((i) => i.paper.id);

describe('GET /api/daily_papers', () => {
  it('lists the seed day 2025-05-26 in HF shape', async () => {
    const { res, body } = await get('/api/daily_papers?date=2025-05-26');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers.link).toBeUndefined();
    const list = body as Item[];
    expect(ids(list)).toEqual([COVERAGE.id]);
    const item = list[0]!;
    expect(item.title).toBe(COVERAGE.title);
    expect(item.paper).toMatchObject({ id: COVERAGE.id, title: COVERAGE.title, upvotes: 1, publishedAt: '2025-05-26T00:00:00.000Z', submittedOnDailyAt: '2025-05-26T00:00:00.000Z' });
    expect(item.paper.authors.map((a) => a.name)).toEqual(COVERAGE.authors);
    expect(item.paper.authors.every((a) => /^[0-9a-f]{24}$/.test(a._id) && a.hidden === false)).toBe(true);
    expect(new Set(item.paper.authors.map((a) => a._id)).size).toBe(10);
    expect(item.paper.authors[0]!._id).toBe(hfObjectId('2505.20278#author:0'));
    expect(item.summary).toMatch(/^Large language models excel at pattern matching/);
    expect(item).toMatchObject({ upvotes: 1, publishedAt: '2025-05-26T00:00:00.000Z', numComments: 0, submittedBy: null, thumbnail: null, isAuthorParticipating: false });
    expect((item.paper as unknown as { discussionId: string }).discussionId).toMatch(/^[0-9a-f]{24}$/);
    expect(item.githubRepo).toBeUndefined();
  });

  it('answers the latest day with papers when no period is given', async () => {
    const list = await items('/api/daily_papers');
    expect(ids(list)).toEqual(['2510.00237']);
    expect(list[0]!.title).toBe('Debunk the Myth of SFT Generalization');
    expect(list[0]!.githubRepo).toBe('https://github.com/XiaofengLin7/debunking-sft-generalization');
    expect((list[0]!.paper as unknown as { githubRepo: string }).githubRepo).toBe(list[0]!.githubRepo);
  });

  it('lists an ISO week (2023-W40: 2 Oct to 8 Oct 2023)', async () => {
    const list = await items('/api/daily_papers?week=2023-W40');
    expect(ids(list)).toEqual(['2310.04064', '2310.02541']); // equal upvotes (0): newer day first
    expect(list.map((i) => i.title)).toEqual([
      'How to Capture Higher-order Correlations? Generalizing Matrix Softmax Attention to Kronecker Computation',
      'Benign Overfitting and Grokking in ReLU Networks for XOR Cluster Data',
    ]);
  });

  it('lists a month (2023-10 has five seed papers)', async () => {
    const list = await items('/api/daily_papers?month=2023-10');
    expect(ids(list)).toEqual(['2310.19470', '2310.16028', '2310.13061', '2310.04064', '2310.02541']);
    expect(list.map((i) => i.upvotes)).toEqual([0, 0, 0, 0, 0]);
    expect(list[0]!.paper.authors.map((a) => a.name)).toHaveLength(3);
  });

  it('ranks by upvotes by default and by publication with sort=publishedAt', async () => {
    // 2024-02: 2402.05859 (8 Feb, 2 upvotes), 2402.16024 (25 Feb, 0 upvotes)
    expect(ids(await items('/api/daily_papers?month=2024-02'))).toEqual(['2402.05859', '2402.16024']);
    expect(ids(await items('/api/daily_papers?month=2024-02&sort=publishedAt'))).toEqual(['2402.16024', '2402.05859']);
    expect((await items('/api/daily_papers?month=2024-02')).map((i) => i.upvotes)).toEqual([2, 0]);
  });

  it('pages with p and limit, linking the next and previous pages', async () => {
    const all = ['2310.19470', '2310.16028', '2310.13061', '2310.04064', '2310.02541'];
    const page = async (p: number) => {
      const { res, body } = await get(`/api/daily_papers?month=2023-10&limit=2&p=${p}`);
      expect(res.statusCode).toBe(200);
      return { ids: ids(body as Item[]), link: res.headers.link };
    };
    expect(await page(0)).toEqual({ ids: all.slice(0, 2), link: '</api/daily_papers?month=2023-10&limit=2&p=1>; rel="next"' });
    expect(await page(1)).toEqual({
      ids: all.slice(2, 4),
      link: '</api/daily_papers?month=2023-10&limit=2&p=2>; rel="next", </api/daily_papers?month=2023-10&limit=2&p=0>; rel="prev"',
    });
    expect(await page(2)).toEqual({ ids: all.slice(4), link: '</api/daily_papers?month=2023-10&limit=2&p=1>; rel="prev"' });
    expect(await page(7)).toEqual({ ids: [], link: '</api/daily_papers?month=2023-10&limit=2&p=2>; rel="prev"' });
    // Following the links from page 0 visits every paper once and stops.
    const seen: string[] = [];
    let url: string | undefined = '/api/daily_papers?month=2023-10&limit=2&sort=publishedAt';
    for (let hops = 0; url && hops < 10; hops++) {
      const { res, body } = await get(url);
      seen.push(...ids(body as Item[]));
      url = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1];
    }
    expect(seen).toEqual(all);
  });

  it('pins the default day in its next link', async () => {
    const { app: big } = await seededApp({ files: [extraFile()] });
    try {
      // With the extra 2509.90003, the latest day (30 Sep 2025) has two papers.
      const first = await get('/api/daily_papers?limit=1', big);
      expect(ids(first.body as Item[])).toEqual(['2509.90003']); // a tie (0 upvotes, same day): lower id first
      expect(first.res.headers.link).toBe('</api/daily_papers?date=2025-09-30&limit=1&p=1>; rel="next"');
      const second = await get('/api/daily_papers?date=2025-09-30&limit=1&p=1', big);
      expect(ids(second.body as Item[])).toEqual(['2510.00237']);
      expect(second.res.headers.link).toBe('</api/daily_papers?date=2025-09-30&limit=1&p=0>; rel="prev"');
      const trending = await get('/api/daily_papers?month=2025-05&limit=1&sort=trending&submitter=alice', big);
      expect(trending.res.headers.link).toBeUndefined(); // alice submitted one paper in May
      expect((await get('/api/daily_papers?month=2025-05&limit=1&sort=trending', big)).res.headers.link).toBe(
        '</api/daily_papers?month=2025-05&sort=trending&limit=1&p=1>; rel="next"',
      );
    } finally {
      await big.close();
    }
  });

  it('answers an empty array for a period without papers', async () => {
    expect(await items('/api/daily_papers?date=2025-05-24')).toEqual([]);
  });

  it('supports ETag revalidation', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/daily_papers?month=2023-10' });
    const tag = first.headers.etag as string;
    expect(tag).toBeTruthy();
    const again = await app.inject({ method: 'GET', url: '/api/daily_papers?month=2023-10', headers: { 'if-none-match': tag } });
    expect(again.statusCode).toBe(304);
  });

  const badRequests: Array<[string, RegExp]> = [
    ['date=2025-02-30', /date must be a real calendar day written YYYY-MM-DD.*"2025-02-30"/],
    ['date=2025-5-26', /date must be a real calendar day/],
    ['date=', /date must be a real calendar day/],
    ['date=2025-05-26&date=2025-05-27', /Give date at most once/],
    ['week=2025-W54', /week must be an ISO 8601 week written YYYY-Www/],
    ['week=2025-22', /week must be an ISO 8601 week/],
    ['month=2025-13', /month must be written YYYY-MM/],
    ['date=2025-05-26&week=2025-W22', /at most one of date, week and month; got date and week/],
    ['week=2025-W22&month=2025-05', /got week and month/],
    ['sort=upvotez', /sort must be publishedAt \(newest first\) or trending/],
    ['sort=', /sort must be publishedAt/],
    ['limit=0', /limit is the number of papers per page: a whole number from 1 to 100; got "0"/],
    ['limit=1000', /from 1 to 100; got "1000"/],
    ['limit=ten', /from 1 to 100/],
    ['p=-1', /p is the page index, counted from 0: a whole number from 0 to 100000/],
    ['p=1.5', /p is the page index/],
    ['p=100001', /p is the page index/],
    ['submitter=', /submitter must be a username of 1 to 100 characters/],
    [`submitter=${'x'.repeat(101)}`, /submitter must be a username/],
  ];
  it.each(badRequests)('rejects %s with a JSON 400 saying what is expected', async (query, message) => {
    const { res, body } = await get(`/api/daily_papers?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(body).toMatchObject({ error: 'Bad request', statusCode: 400 });
    expect((body as { message: string }).message).toMatch(message);
    // huggingface_hub shows X-Error-Message in its exception text.
    expect(res.headers['x-error-message']).toBe((body as { message: string }).message);
  });
});

describe('GET /api/daily_papers ranking and filters', () => {
  // Month 2025-05 then holds: 2505.90001 (20 May, 10 up, alice), 2505.90002 (25 May, 5 up, bob), 2505.20278 (26 May, 1 up).
  let fresh: FastifyInstance;
  beforeAll(async () => {
    ({ app: fresh } = await seededApp({ files: [extraFile()] }));
  });
  afterAll(async () => {
    await fresh.close();
  });

  it('orders by upvotes, by publication and by hotness, each differently', async () => {
    expect(ids(await items('/api/daily_papers?month=2025-05', fresh))).toEqual(['2505.90001', '2505.90002', '2505.20278']);
    expect(ids(await items('/api/daily_papers?month=2025-05&sort=publishedAt', fresh))).toEqual(['2505.20278', '2505.90002', '2505.90001']);
    // log10(votes) + days / 2 (docs/trending.md), relative to 20 May: Beta 0.699 + 2.5 > Coverage 0 + 3 > Alpha 1 + 0.
    expect(ids(await items('/api/daily_papers?month=2025-05&sort=trending', fresh))).toEqual(['2505.90002', '2505.20278', '2505.90001']);
  });

  it('filters by submitter and presents the submitter and code links', async () => {
    const list = await items('/api/daily_papers?month=2025-05&submitter=alice', fresh);
    expect(ids(list)).toEqual(['2505.90001']);
    expect(list[0]!.submittedBy).toEqual({ _id: hfObjectId('user:alice'), user: 'alice', name: 'alice', fullname: 'alice', type: 'user', isPro: false });
    expect(list[0]!.githubRepo).toBe('https://github.com/example/alpha');
    expect(list[0]!.projectPage).toBe('https://alpha.example.org/');
    expect(list[0]!.paper.publishedAt).toBe('2025-05-20T00:00:00.000Z');
    expect(ids(await items('/api/daily_papers?week=2025-W21&submitter=bob', fresh))).toEqual(['2505.90002']);
    expect(await items('/api/daily_papers?month=2025-05&submitter=carol', fresh)).toEqual([]);
  });

  it('finds an old-style id, plain and percent-encoded', async () => {
    for (const url of ['/api/papers/hep-th/9108002', '/api/papers/hep-th%2F9108002', '/api/papers/hep-th/9108002v1']) {
      const { res, body } = await get(url, fresh);
      expect(res.statusCode, url).toBe(200);
      expect(body).toMatchObject({ id: 'hep-th/9108002', title: 'An old-style paper', upvotes: 4, publishedAt: '1991-08-01T00:00:00.000Z' });
    }
    expect(ids(await items('/api/daily_papers?date=1991-08-01', fresh))).toEqual(['hep-th/9108002']);
  });

  it('gives submittedOnDailyBy in the flat paper', async () => {
    const { body } = await get('/api/papers/2505.90002', fresh);
    expect(body).toMatchObject({ id: '2505.90002', upvotes: 5, submittedOnDailyAt: '2025-05-25T00:00:00.000Z', submittedOnDailyBy: { user: 'bob' } });
    expect((body as { authors: Array<{ name: string }> }).authors.map((a) => a.name)).toEqual(['Bo Beta', 'Bea Beta']);
  });
});

describe('GET /api/papers/{id}', () => {
  it('answers a flat HF paper object', async () => {
    const { res, body } = await get('/api/papers/2505.20278');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(body).toMatchObject({
      id: COVERAGE.id,
      title: COVERAGE.title,
      upvotes: 1,
      numComments: 0,
      publishedAt: '2025-05-26T00:00:00.000Z',
      submittedOnDailyAt: '2025-05-26T00:00:00.000Z',
      discussionId: hfObjectId('2505.20278#discussion'),
    });
    const b = body as { authors: Array<{ name: string; _id: string }>; summary: string; submittedOnDailyBy?: unknown; paper?: unknown };
    expect(b.authors.map((a) => a.name)).toEqual(COVERAGE.authors);
    expect(b.summary).toMatch(/^Large language models excel/);
    expect(b.submittedOnDailyBy).toBeUndefined();
    expect(b.paper).toBeUndefined();
  });

  it('answers a versioned or prefixed id with the canonical paper', async () => {
    for (const id of ['2505.20278v2', 'arXiv:2505.20278']) {
      const { res, body } = await get(`/api/papers/${id}`);
      expect(res.statusCode, id).toBe(200);
      expect((body as { id: string }).id).toBe('2505.20278');
    }
  });

  it('400s an invalid id and 404s an unknown one, as JSON', async () => {
    for (const id of ['not-an-id', '2513.00001', '2505.2027', '2505.20278/discussion']) {
      const { res, body } = await get(`/api/papers/${id}`);
      expect(res.statusCode, id).toBe(400);
      expect((body as { message: string }).message).toMatch(/is not a paper id; expected an arXiv id such as 2505\.20278/);
    }
    const { res, body } = await get('/api/papers/2505.99999');
    expect(res.statusCode).toBe(404);
    expect(body).toEqual({ error: 'Not found', code: 'not_found', message: 'There is no paper 2505.99999 here.', statusCode: 404 });
    expect(res.headers['x-error-message']).toBe('There is no paper 2505.99999 here.');
  });
});

// The six seed papers about grokking: five say it in the title, one says "grok" (the same stem).
const GROKKING = ['2506.21551', '2310.19470', '2509.21519', '2310.02541', '2501.04697', '2310.13061'];

describe('GET /api/papers/search', () => {
  it('finds papers by words, title matches first, in the daily-papers item shape', async () => {
    const { res, body } = await get('/api/papers/search?q=grokking');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const items = body as Array<{ title: string; paper: { id: string; upvotes: number } }>;
    expect(items.slice(0, 6).map((i) => i.paper.id).sort()).toEqual([...GROKKING].sort());
    expect(items.every((i) => typeof i.title === 'string' && typeof i.paper.upvotes === 'number')).toBe(true);
    const limited = await get('/api/papers/search?q=grokking&limit=2');
    expect(limited.body).toHaveLength(2);
    const excluded = (await get('/api/papers/search?q=grokking%20-lottery')).body as typeof items;
    expect(excluded.map((i) => i.paper.id)).not.toContain('2310.19470');
    expect(excluded.map((i) => i.paper.id)).toContain('2501.04697');
  });

  it('validates q and limit, and explains a query it cannot run', async () => {
    for (const [query, msg] of [
      ['', /q is required/],
      ['q=', /q is required/],
      [`q=${'a'.repeat(251)}`, /q must be at most 250 characters; got 251/],
      ['q=x&limit=0', /limit is the number of results: a whole number from 1 to 120/],
      ['q=x&limit=121', /from 1 to 120/],
      ['q=year:abc', /q cannot be searched: "abc" is not a year or range/],
      ['q=-alone', /q cannot be searched: type some words/],
    ] as const) {
      const { res, body } = await get(`/api/papers/search?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect((body as { message: string }).message).toMatch(msg);
    }
    const long = await get(`/api/papers/search?q=${'a'.repeat(250)}`);
    expect(long.res.statusCode).toBe(200);
    expect(long.body).toEqual([]);
  });
});

describe('paperMarkdown', () => {
  const view = (over: Partial<PaperView['paper']> = {}, feed: PaperView['feed'] = { feedDate: '2025-05-26', submittedBy: null, submitterUserId: null, upvotes: 1, numComments: 0, trendingScore: 0, hiddenAt: null }): PaperView => ({
    paper: {
      id: '2505.20278', title: COVERAGE.title, abstract: 'We study $x_1 < y$ and [links](javascript:alert(1)) and <script>alert(1)</script> &amp; more_words.',
      authors: ['Hoyeon Chang', 'Jinho Park'], categories: ['cs.LG'], primaryCategory: 'cs.LG', published: '2025-05-26', updated: '2025-05-28',
      version: 2, comment: null, journalRef: null, doi: '10.1000/xyz(1)',
      links: { abs: 'https://arxiv.org/abs/2505.20278', pdf: 'https://arxiv.org/pdf/2505.20278', code: 'https://github.com/a/b', project: null },
      createdAt: '2025-05-27T00:00:00.000Z', modifiedAt: '2025-05-27T00:00:00.000Z', ...over,
    },
    feed,
    upvotes: feed?.upvotes ?? 0,
    numComments: 0,
  });

  it('renders title, authors, dates, links and abstract', () => {
    const md = paperMarkdown(view());
    expect(md.split('\n')).toEqual([
      `# ${COVERAGE.title}`,
      '',
      '- **Authors:** Hoyeon Chang, Jinho Park',
      '- **Published:** 2025-05-26 · **Updated:** 2025-05-28 · **Version:** v2',
      '- **In the daily feed:** 2025-05-26 · **Upvotes:** 1',
      '- **Categories:** cs.LG',
      '- **Links:** [arXiv:2505.20278](https://arxiv.org/abs/2505.20278) · [PDF](https://arxiv.org/pdf/2505.20278) · [Code](https://github.com/a/b) · [DOI:10.1000/xyz(1)](https://doi.org/10.1000/xyz%281%29)',
      '',
      '## Abstract',
      '',
      'We study $x_1 \\lt y$ and \\[links\\](javascript:alert(1)) and \\<script>alert(1)\\</script> \\&amp; more\\_words.',
      '',
    ]);
  });

  it('escapes link and image syntax even between dollar signs', () => {
    const md = paperMarkdown(view({ title: 'Tracked $![](https://evil.example/p.png)$', abstract: 'See $[docs](javascript:alert(1))$ and $a_1 < b$.' }));
    expect(md).toContain('# Tracked $!\\[\\](https://evil.example/p.png)$\n');
    expect(md).toContain('See $\\[docs\\](javascript:alert(1))$ and $a_1 \\lt b$.');
  });

  it('keeps block markup out of titles and abstracts', () => {
    const md = paperMarkdown(view({ title: 'C# #', abstract: '1. First, - then # not a heading', authors: [] }, null));
    expect(md).toContain('# C# \\#\n');
    expect(md).toContain('\n1\\. First, - then # not a heading\n');
    expect(md).not.toContain('Authors');
    expect(md).not.toContain('daily feed');
  });
});
