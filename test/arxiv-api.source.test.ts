/**
 * ArxivApiSource and PoliteHttpClient against a real HTTP server replaying arXiv API responses recorded in 2026
 * (../shared/data/fixtures/arxiv-api), plus the 2016 Atom layout parsed directly.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArxivApiError, ArxivApiSource, parseArxivAtom, type ArxivApiSourceOptions } from '../src/ingest/arxiv-api.source.js';
import { DEFAULT_USER_AGENT, HttpError, PoliteHttpClient, parseRetryAfter, type PoliteHttpClientOptions } from '../src/ingest/http-client.js';
import type { PaperSource, SourceItem } from '../src/ingest/source.js';
import type { PaperInput } from '../src/domain/paper.js';
import { validatePaper } from '../src/domain/paper.js';
import { API_RECORDINGS_DIR, FIXTURES_DIR, startReplayServer, type ReplayServer } from './helpers/replay-server.js';

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

/** Fast settings: no spacing, short backoff. Spacing has its own tests. */
const client = (o: PoliteHttpClientOptions = {}) => new PoliteHttpClient({ minIntervalMs: 0, backoffBaseMs: 10, maxBackoffMs: 50, retries: 3, timeoutMs: 5_000, ...o });
const source = (o: Partial<ArxivApiSourceOptions> & Pick<ArxivApiSourceOptions, 'query'>) => new ArxivApiSource({ baseUrl: server.apiUrl, http: client(), ...o });

async function collect(src: PaperSource): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of src.items()) out.push(item);
  return out;
}
function papers(items: SourceItem[]): PaperInput[] {
  return items.flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));
}
const recordedBody = (name: string) =>
  (JSON.parse(readFileSync(join(API_RECORDINGS_DIR, name), 'utf8')) as { body: string }).body;
const legacy = (name: string) => readFileSync(join(FIXTURES_DIR, 'arxiv-api/legacy_2016', name), 'utf8');

describe('ArxivApiSource: id lists', () => {
  it('parses one paper with exact values', async () => {
    const items = await collect(source({ query: { kind: 'ids', ids: ['1707.08567'] } }));
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item.kind).toBe('paper');
    if (item.kind !== 'paper') return;
    expect(item.where).toMatch(/\/api\/query\?.* entry 1$/);
    const p = item.paper;
    expect(p.id).toBe('1707.08567');
    expect(p.version).toBe(1);
    expect(p.title).toBe('Proceedings of Workshop AEW10: Concepts in Information Theory and Communications');
    expect(p.abstract.startsWith('The 10th Asia-Europe workshop in "Concepts in Information Theory and Communications" AEW10')).toBe(true);
    expect(p.authors).toHaveLength(34);
    expect(p.authors[0]).toBe('Kees A. Schouhamer Immink');
    expect(p.authors[33]).toBe('Hirosuke Yamamoto');
    expect(p.categories).toEqual(['cs.IT']);
    expect(p.published).toBe('2017-07-27');
    expect(p.updated).toBe('2017-07-27');
    expect(p.comment).toBe('44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck');
    expect(p.journalRef).toBeNull();
    expect(p.doi).toBeNull();
    expect(p.links).toEqual({ abs: 'https://arxiv.org/abs/1707.08567v1', pdf: 'https://arxiv.org/pdf/1707.08567v1', code: null, project: null });
    expect(p.feed).toBeNull();
    expect(validatePaper(p).ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.userAgent).toBe(DEFAULT_USER_AGENT);
    expect(Object.fromEntries(server.requests[0]!.params)).toEqual({
      id_list: '1707.08567', sortBy: 'relevance', sortOrder: 'descending', start: '0', max_results: '100',
    });
  });

  it('reads old-style ids, journal refs, entities and primary-first categories', async () => {
    const [gould] = papers(await collect(source({ query: { kind: 'ids', ids: ['astro-ph/0601001'] } })));
    expect(gould!.id).toBe('astro-ph/0601001');
    expect(gould!.version).toBe(1);
    expect(gould!.authors).toEqual(['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski']);
    expect(gould!.journalRef).toBe('ActaAstron.56:1-50,2006');
    expect(gould!.published).toBe('2006-01-02');
    expect(gould!.abstract.startsWith('We derive the frequencies of hot Jupiters')).toBe(true);
    expect(gould!.abstract).toContain('following Gould & Morgan (2003)');
    expect(gould!.abstract).toContain('limit of V_max<17.5.');

    const [blaha] = papers(await collect(source({ query: { kind: 'ids', ids: ['quant-ph/0201082v1'] } })));
    expect(blaha!.id).toBe('quant-ph/0201082');
    expect(blaha!.categories).toEqual(['quant-ph', 'cs.PL']);
    expect(blaha!.authors).toEqual(['Stephen Blaha']);

    const [heat] = papers(await collect(source({ query: { kind: 'ids', ids: ['1605.08386'] } })));
    expect(heat!.categories).toEqual(['math.CO', 'math.ST']);
    expect(heat!.authors).toEqual(['Caprice Stanley', 'Tobias Windisch']);
    expect(heat!.comment).toBe('20 pages, 3 figures');
  });

  it('keeps a title of "0" as text (no number coercion)', async () => {
    const [p] = papers(await collect(source({ query: { kind: 'ids', ids: ['2104.12255v1'] } })));
    expect(p!.title).toBe('0');
    expect(p!.id).toBe('2104.12255');
    expect(p!.published).toBe('2021-04-20');
    expect(validatePaper(p!).ok).toBe(true);
  });

  it('sends ids in batches: one request by default, one per id with idBatchSize 1', async () => {
    const ids = ['0808.05394', '1707.08567'];
    const together = papers(await collect(source({ query: { kind: 'ids', ids } })));
    expect(together.map((p) => p.id)).toEqual(['1707.08567']);
    expect(server.requests.map((r) => r.params.get('id_list'))).toEqual(['0808.05394,1707.08567']);

    server.reset();
    const src = source({ query: { kind: 'ids', ids }, idBatchSize: 1 });
    expect(src.size).toEqual({ unit: 'records', total: 2 });
    const apart = papers(await collect(src));
    expect(apart.map((p) => p.id)).toEqual(['1707.08567']);
    expect(server.requests.map((r) => r.params.get('id_list'))).toEqual(['0808.05394', '1707.08567']);
  });

  it('yields nothing for the empty result', async () => {
    expect(await collect(source({ query: { kind: 'ids', ids: ['0000.0000'] } }))).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('turns the error feed (HTTP 400) into an ArxivApiError with the API message, without retrying', async () => {
    const err = await collect(source({ query: { kind: 'ids', ids: ['abc'] } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArxivApiError);
    expect((err as ArxivApiError).apiMessage).toBe('incorrect id format for abc');
    expect((err as ArxivApiError).status).toBe(400);
    expect((err as Error).message).toContain('"incorrect id format for abc"');
    expect((err as Error).message).toContain('retrying the same request will not help');
    expect(server.requests).toHaveLength(1);
  });

  it('sets a feed entry on the published date when asked', async () => {
    const [p] = papers(await collect(source({ query: { kind: 'ids', ids: ['1707.08567'] }, feedDate: 'published' })));
    expect(p!.feed).toEqual({ date: '2017-07-27', submittedBy: null, upvotes: null });
  });
});

describe('ArxivApiSource: searches and paging', () => {
  it('pages with start/max_results until maxResults, matching the single 100-entry response', async () => {
    const src = source({ query: { kind: 'search', query: 'testing' }, pageSize: 10, maxResults: 60 });
    const got = papers(await collect(src));
    expect(server.requests.map((r) => [r.params.get('start'), r.params.get('max_results')])).toEqual(
      [0, 10, 20, 30, 40, 50].map((s) => [String(s), '10']),
    );
    expect(got).toHaveLength(60);
    expect(new Set(got.map((p) => p.id)).size).toBe(60);
    expect(got[0]!.id).toBe('2202.12139');
    expect(got[0]!.title).toBe('Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques');
    expect(got[0]!.categories).toEqual(['cs.SE', 'cs.LG']);
    expect(got[0]!.doi).toBe('10.1109/ICSTW55395.2022.00035');
    expect(got[0]!.authors).toEqual(['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker']);
    expect(got[59]!.id).toBe('2101.09077');
    expect(got[59]!.title).toBe('An Empirical Study of Flaky Tests in Python');
    expect(src.size).toEqual({ unit: 'records', total: 60 });
    expect(src.progress()).toBe(60);

    // The same 60 papers, in the same order, as one request for 100 entries.
    const one = parseArxivAtom(recordedBody('q_testing_s0_m100_cfe7536492ca.json'), 'm100');
    expect(one.totalResults).toBe(214881);
    expect(papers(one.items).slice(0, 60).map((p) => `${p.id}v${p.version}`)).toEqual(got.map((p) => `${p.id}v${p.version}`));
  });

  it('starts at an offset and stops at maxResults', async () => {
    const got = papers(await collect(source({ query: { kind: 'search', query: 'testing' }, start: 5, pageSize: 15, maxResults: 15 })));
    expect(got.map((p) => p.id).slice(0, 3)).toEqual(['1202.4527', '2503.05378', '1205.1866']);
    expect(got).toHaveLength(15);
    expect(server.requests).toHaveLength(1);
  });

  it('lists a category newest first (cat: query sorted by submittedDate)', async () => {
    const params = { search_query: 'cat:cs.LG', sortBy: 'submittedDate', sortOrder: 'descending', start: '0', max_results: '10' };
    server.route('/api/query', params, { status: 200, body: recordedBody('q_testing_s0_m10_bc5a6c384fe9.json') });
    const src = source({ query: { kind: 'category', category: 'cs.LG' }, pageSize: 10, maxResults: 10 });
    expect(src.description).toBe('arxiv-api cat:cs.LG');
    expect(papers(await collect(src))).toHaveLength(10);
    expect(Object.fromEntries(server.requests[0]!.params)).toEqual(params);
  });

  it('stops at totalResults even when maxResults asks for more', async () => {
    const body = recordedBody('id_1605.08386_s0_m100_199195aa31ad.json');
    server.route('/api/query', { search_query: 'au:windisch', sortBy: 'relevance', sortOrder: 'descending', start: '0', max_results: '50' }, { status: 200, body });
    const got = await collect(source({ query: { kind: 'search', query: 'au:windisch' }, pageSize: 50, maxResults: 500 }));
    expect(papers(got).map((p) => p.id)).toEqual(['1605.08386']);
    expect(server.requests).toHaveLength(1);
  });

  it('reports an unreadable entry as rejected with its URL and entry number, and keeps going', async () => {
    const body = recordedBody('id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json').replace(/<published>[^<]*<\/published>/, '');
    const params = { search_query: 'broken', sortBy: 'relevance', sortOrder: 'descending', start: '0', max_results: '100' };
    server.route('/api/query', params, { status: 200, body });
    const items = await collect(source({ query: { kind: 'search', query: 'broken' } }));
    expect(items).toEqual([
      { kind: 'rejected', where: `${server.apiUrl}?${new URLSearchParams(params)} entry 1`, reason: '1707.08567: missing or malformed published date ""' },
    ]);
  });

  it('asks again when arXiv returns an empty page mid-results, then reports the gap', async () => {
    const empty = recordedBody('id_0000.0000_s0_m100_8b51d9633a68.json').replace('<opensearch:totalResults>0<', '<opensearch:totalResults>5<');
    server.route('/api/query', { search_query: 'flaky', sortBy: 'relevance', sortOrder: 'descending', start: '0', max_results: '5' }, { status: 200, body: empty });
    const items = await collect(source({ query: { kind: 'search', query: 'flaky' }, maxResults: 5, emptyPageRetries: 2 }));
    expect(server.requests).toHaveLength(3);
    expect(items).toHaveLength(1);
    expect(items[0]!.kind).toBe('rejected');
    expect(items[0]!.kind === 'rejected' && items[0]!.reason).toMatch(/no entries at start=0 although totalResults=5/);
  });
});

describe('parseArxivAtom: 2016 layout', () => {
  it('parses an id lookup with per-element namespaces and wrapped lines', () => {
    const page = parseArxivAtom(legacy('id_list=1111.2011v2.xml'), 'legacy');
    expect(page.totalResults).toBe(1);
    expect(page.error).toBeNull();
    const [p] = papers(page.items);
    expect(p).toEqual({
      id: '1111.2011',
      version: 2,
      title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
      abstract: expect.stringMatching(/^Theoretical description of anisotropic systems, such as layered superconductors and coupled spin chains, .* describing a single node\.$/),
      authors: ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic'],
      categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
      published: '2011-11-08',
      updated: '2012-04-02',
      comment: '8 pages, 3 figures. Published version',
      journalRef: 'Phys. Rev. B 85, 115117 (2012)',
      doi: '10.1103/PhysRevB.85.115117',
      links: { abs: 'http://arxiv.org/abs/1111.2011v2', pdf: 'http://arxiv.org/pdf/1111.2011v2', code: null, project: null },
      feed: null,
    });
    expect(p!.abstract).not.toMatch(/\n|  /);
  });

  it('parses a search page of ten, old-style ids included', () => {
    const page = parseArxivAtom(legacy('search_query=au_del_maestro.xml'), 'legacy');
    expect(page.totalResults).toBe(31);
    const ps = papers(page.items);
    expect(ps).toHaveLength(10);
    expect(ps[0]!.id).toBe('1201.4869');
    expect(ps[0]!.doi).toBe('10.1142/S021797921244002X');
    expect(ps[1]!.id).toBe('cond-mat/0412498');
    expect(ps[1]!.authors).toEqual(['Adrian Del Maestro', 'Subir Sachdev']);
    expect(ps[1]!.categories).toEqual(['cond-mat.str-el', 'cond-mat.stat-mech']);
    expect(ps.every((p) => validatePaper(p).ok)).toBe(true);
  });

  it('throws on a document that is not an Atom feed', () => {
    expect(() => parseArxivAtom('<html><body>Service unavailable</body></html>', 'x')).toThrow(/not an Atom feed/);
  });
});

describe('PoliteHttpClient', () => {
  const ids = { query: { kind: 'ids' as const, ids: ['1707.08567'] } };

  it('retries 503 answers with backoff, then succeeds', async () => {
    server.failNext(2, { status: 503, body: 'busy' });
    expect(papers(await collect(source(ids))).map((p) => p.id)).toEqual(['1707.08567']);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a non-transient 4xx and says what to do', async () => {
    server.failNext(1, { status: 403, body: 'forbidden' });
    const err = await collect(source(ids)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(403);
    expect((err as HttpError).attempts).toBe(1);
    expect((err as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/api\/query\?\S+ failed: HTTP 403 Forbidden\. .*retrying will not help/);
    expect(server.requests).toHaveLength(1);
  });

  it('stops reading a response larger than the limit, without retrying', async () => {
    server.failNext(1, { status: 200, body: `<feed>${'x'.repeat(20_000)}</feed>` });
    const small = new ArxivApiSource({ baseUrl: server.apiUrl, http: new PoliteHttpClient({ minIntervalMs: 0, maxBodyBytes: 10_000 }), query: ids.query });
    const err = await collect(small).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toContain('response larger than 10000 bytes');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the configured retries with the last status', async () => {
    server.failNext(3, { status: 502 });
    const err = await client({ retries: 2 }).getText(`${server.apiUrl}?x=1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).attempts).toBe(3);
    expect((err as Error).message).toContain('failed after 3 attempts: HTTP 502 Bad Gateway');
    expect((err as Error).message).toContain('try again later');
  });

  it('honours Retry-After on 429', async () => {
    server.failNext(1, { status: 429, headers: { 'Retry-After': '1' } });
    await collect(source(ids));
    expect(server.requests).toHaveLength(2);
    expect(server.gaps()[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('gives up at once when Retry-After exceeds the limit', async () => {
    server.failNext(1, { status: 503, headers: { 'Retry-After': '3600' } });
    const err = await client({ maxRetryAfterMs: 500 }).getText(`${server.apiUrl}?x=1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toMatch(/asks to wait 3600 s \(Retry-After\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hung request and retries it', async () => {
    server.failNext(1, { status: 200, body: '', delayMs: 1_000 });
    const src = new ArxivApiSource({ ...ids, baseUrl: server.apiUrl, http: client({ timeoutMs: 150 }) });
    expect(papers(await collect(src))).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a network failure with the URL and advice', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const err = await client({ retries: 1 }).getText(`http://127.0.0.1:${port}/api/query`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBeNull();
    expect((err as Error).message).toMatch(/failed after 2 attempts: network error .*Check the network connection/);
  });

  it('spaces requests by the minimum interval, across pages, retries and concurrent sources', async () => {
    const http = client({ minIntervalMs: 200 });
    const search = new ArxivApiSource({ query: { kind: 'search', query: 'testing' }, pageSize: 10, maxResults: 30, baseUrl: server.apiUrl, http });
    const lookup = new ArxivApiSource({ ...ids, baseUrl: server.apiUrl, http });
    server.failNext(1, { status: 503 });
    await Promise.all([collect(search), collect(lookup)]);
    expect(server.requests).toHaveLength(5); // one 503 + three pages + one lookup
    for (const gap of server.gaps()) expect(gap).toBeGreaterThanOrEqual(200);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
