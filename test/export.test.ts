/**
 * Citation export (issue 6): BibTeX and RIS for a paper, a day of the feed and search results. The BibTeX of a seed
 * paper parses back with a real BibTeX parser (@retorquere/bibtex-parser, the one Better BibTeX for Zotero uses) with
 * the right title, authors, year and arXiv eprint fields.
 */
import { parse } from '@retorquere/bibtex-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { risEntry, risName } from '../src/domain/ris.js';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';

const PAPER = '2505.20278';

describe('citation export', () => {
  let app: FastifyInstance;
  let store: Store;
  beforeAll(async () => {
    ({ app, store } = await seededApp());
  });
  afterAll(() => app.close());

  it('round-trips a seed paper through a BibTeX parser with title, authors, year and eprint', async () => {
    const res = await app.inject({ url: `/papers/${PAPER}.bib` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-bibtex; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${PAPER}.bib"`);
    const lib = parse(res.body, { raw: true });
    expect(lib.errors).toEqual([]);
    expect(lib.entries).toHaveLength(1);
    const paper = (await store.papers.getById(PAPER))!;
    const fields = lib.entries[0]!.fields as Record<string, unknown>;
    expect(fields.title).toBe(paper.title);
    const authors = (fields.author as Array<{ firstName?: string; lastName?: string; name?: string }>).map((a) => a.name ?? `${a.firstName} ${a.lastName}`);
    expect(authors).toEqual(paper.authors);
    expect(fields.year).toBe(paper.published.slice(0, 4));
    expect(fields.eprint).toBe(PAPER);
    expect(fields.archiveprefix).toBe('arXiv');
  });

  it('exports every seed paper as parseable BibTeX (a day, and all 55 through the months)', async () => {
    for (const month of ['2025-05', '2025-06', '2025-07', '2025-08', '2025-09']) {
      const res = await app.inject({ url: `/papers/month/${month}.bib` });
      expect(res.statusCode).toBe(200);
      const lib = parse(res.body, { raw: true });
      expect(lib.errors, month).toEqual([]);
    }
    const day = await app.inject({ url: '/papers/date/2025-05-26.bib' });
    expect(parse(day.body, { raw: true }).entries.map((e) => (e.fields as Record<string, unknown>).eprint)).toContain(PAPER);
  });

  it('writes RIS a reference manager reads: type, authors family-name first, year, URL, one record per paper', async () => {
    const res = await app.inject({ url: `/papers/${PAPER}.ris` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-research-info-systems; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('TY  - UNPB');
    expect(lines).toContain(`UR  - https://arxiv.org/abs/${PAPER}`);
    expect(lines).toContain('PY  - 2025');
    expect(lines.filter((l) => l.startsWith('AU  - ')).length).toBe((await store.papers.getById(PAPER))!.authors.length);
    expect(lines.at(-2)).toBe('ER  - ');
    const day = await app.inject({ url: '/papers/date/2025-05-26.ris' });
    expect(day.body.match(/^TY {2}- /gm)?.length).toBe(day.body.match(/^ER {2}- /gm)?.length);
  });

  it('names authors family-name first, particles included', () => {
    expect(risName('Ada Lovelace')).toBe('Lovelace, Ada');
    expect(risName('Ludwig van Beethoven')).toBe('van Beethoven, Ludwig');
    expect(risName('Turing, Alan')).toBe('Turing, Alan');
    expect(risName('Plato')).toBe('Plato');
    const ris = risEntry({ id: '2501.00001', title: 'A\ntitle', abstract: '', authors: [], categories: ['cs.LG'], published: '2025-01-02', doi: '10.1/x', journalRef: 'J. X 1', links: { abs: null, pdf: null } });
    expect(ris).toContain('TY  - JOUR\r\n');
    expect(ris).toContain('TI  - A title\r\n');
    expect(ris).toContain('DA  - 2025/01/02\r\n');
  });

  it('exports search results, and refuses an empty query', async () => {
    const res = await app.inject({ url: '/search.bib?q=grokking' });
    expect(res.statusCode).toBe(200);
    expect(parse(res.body, { raw: true }).entries.length).toBeGreaterThan(0);
    expect((await app.inject({ url: '/search.ris?q=' })).statusCode).toBe(400);
  });

  it('links the exports from the paper and feed pages', async () => {
    expect((await app.inject({ url: `/papers/${PAPER}` })).body).toContain(`href="/papers/${PAPER}.ris"`);
    expect((await app.inject({ url: '/papers/date/2025-05-26' })).body).toContain('href="/papers/date/2025-05-26.bib"');
  });
});
