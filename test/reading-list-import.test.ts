/**
 * Importing into a reading list over HTTP on SQLite and PostgreSQL: pasted arXiv ids, URLs and DOIs, an uploaded .bib
 * file (multipart, as a browser sends it without JavaScript), malformed BibTeX, the per-list limit and refusals.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAPERS_PER_LIST } from '../src/services/reading-list.service.js';
import { IMPORT_RATE } from '../src/web/routes/lists.routes.js';
import type { Store } from '../src/store/store.js';
import { seededApp } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { signedInMember, WebClient } from './helpers/web-client.js';

const extra = (id: string, title: string, over: object = {}) => ({ id, title, abstract: 'An abstract.', authors: ['A B'], categories: ['cs.LG'], published: '2025-07-01', ...over });
/** Enough papers to fill a list. */
const FILLER = Array.from({ length: PAPERS_PER_LIST }, (_, i) => extra(`2507.1${String(i).padStart(4, '0')}`, `Filler paper ${i}`));

describe.each(dialects)('import into a reading list on $name', ({ name, available, open }) => {
  describe.runIf(available)(`import (${name})`, () => {
    let app: FastifyInstance;
    let store: Store;
    beforeAll(async () => {
      ({ app, store } = await seededApp({
        store: await open(),
        papers: [
          extra('2507.20001', 'A paper with a DOI', { doi: '10.1145/3292500.3330701' }),
          extra('2507.20002', 'A paper with a mixed-case DOI', { doi: '10.1000/XYZ.Mixed' }),
          ...FILLER,
        ],
      }));
    }, 60_000);
    afterAll(() => app?.close());

    const newList = async (client: WebClient, listName: string) => {
      const res = await client.post('/lists', { name: listName });
      const url = res.headers.location as string;
      return { url, id: Number(/\/lists\/(\d+)$/.exec(url)![1]) };
    };

    it('imports pasted ids, URLs and DOIs in order, says what matched nothing (escaped), and is idempotent', async () => {
      const ada = await signedInMember(app, store, `import-ada-${name}@example.org`);
      const { url, id } = await newList(ada, 'Pasted');
      const page = await ada.get(url);
      expect(page.body).toContain('enctype="multipart/form-data"');
      expect(page.body).toContain(`action="/lists/${id}/import"`);

      const text = [
        '2505.20278v2',
        'arXiv:2502.04667, https://arxiv.org/abs/2303.03340v1',
        '10.48550/arXiv.2310.16028',
        'https://doi.org/10.1145/3292500.3330701',
        'doi:10.1000/xyz.MIXED',
        '2412.99999',
        'hep-th/9901001',
        '<script>alert(1)</script>',
        '2505.20278',
      ].join('\n');
      const res = await ada.postMultipart(`${url}/import`, { text });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('6 papers added, 0 already in the list, 3 not matched.');
      expect(res.body).toContain('arXiv:2412.99999 is not on this server yet');
      expect(res.body).toContain('arXiv:hep-th/9901001 is not on this server yet');
      expect(res.body).toContain('<code>&lt;script>alert(1)&lt;/script></code> — no arXiv id or DOI found in this line');
      expect(res.body).not.toContain('<script>alert(1)');
      expect((await store.readingLists.papers(id)).map((p) => p.id)).toEqual(['2505.20278', '2502.04667', '2303.03340', '2310.16028', '2507.20001', '2507.20002']);

      const again = await ada.postMultipart(`${url}/import`, { text: '2505.20278\n2502.04667' });
      expect(again.body).toContain('0 papers added, 2 already in the list, 0 not matched.');
      expect(await store.readingLists.paperIdsOf(id)).toHaveLength(6);
    });

    it('imports an uploaded .bib file with the pasted text, reading what it can of malformed BibTeX', async () => {
      const bo = await signedInMember(app, store, `import-bo-${name}@example.org`);
      const { url, id } = await newList(bo, 'From Zotero');
      await bo.postMultipart(`${url}/import`, { text: '2505.20278' });
      const bib = `@article{known, title = {The Coverage Principle}, eprint = {2505.20278}, archivePrefix = {arXiv}}
@misc{dblp, title = {Learning to Route}, journal = {CoRR}, volume = {abs/2402.05859}}
@article{broken,
  title = {Missing brace
  author = {X, Y},
@inproceedings{elsewhere, title = {Not here}, doi = {10.9999/Nope}}
`;
      const res = await bo.postMultipart(`${url}/import`, { text: '1705.08741' }, { file: { name: 'library.bib', content: bib, type: 'application/x-bibtex' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('2 papers added, 1 already in the list, 2 not matched.');
      expect(res.body).toContain('Part of the BibTeX could not be read');
      expect(res.body).toMatch(/Unterminated brace-value .* at line \d+/);
      expect(res.body).toContain('elsewhere “Not here”</code> — no paper here has the DOI 10.9999/nope');
      expect(res.body).toContain('broken</code> — this entry could not be read');
      expect(await store.readingLists.paperIdsOf(id)).toEqual(['2505.20278', '1705.08741', '2402.05859']);
    });

    it('stops at the size of a list and says which papers did not fit', async () => {
      const cy = await signedInMember(app, store, `import-cy-${name}@example.org`);
      const { url, id } = await newList(cy, 'Full');
      const ids = FILLER.map((p) => p.id);
      expect(await store.readingLists.addMany(id, ids.slice(0, PAPERS_PER_LIST - 2), new Date().toISOString())).toHaveLength(PAPERS_PER_LIST - 2);
      const res = await cy.postMultipart(`${url}/import`, { text: [ids[0], ...ids.slice(-2), '2505.20278', '2502.04667'].join('\n') });
      expect(res.body).toContain('2 papers added, 1 already in the list, 2 not matched.');
      expect(res.body).toContain('2505.20278</code> — the list is full (a list holds at most 1,000 papers)');
      expect(await store.readingLists.paperIdsOf(id)).toHaveLength(PAPERS_PER_LIST);
    });

    it('limits imports per member', async () => {
      const fay = await signedInMember(app, store, `import-fay-${name}@example.org`);
      const { url } = await newList(fay, 'Often');
      const statuses: number[] = [];
      for (let i = 0; i <= IMPORT_RATE.max; i++) statuses.push((await fay.postMultipart(`${url}/import`, { text: '2505.20278' })).statusCode);
      expect(statuses).toEqual([...Array(IMPORT_RATE.max).fill(200), 429]);
      // Another member is not held up.
      const gus = await signedInMember(app, store, `import-gus-${name}@example.org`);
      expect((await gus.postMultipart(`${(await newList(gus, 'Mine')).url}/import`, { text: '2505.20278' })).statusCode).toBe(200);
    });

    it('refuses empty and oversized imports with the form, other members, signed-out visitors and forged forms', async () => {
      const dee = await signedInMember(app, store, `import-dee-${name}@example.org`);
      const { url } = await newList(dee, 'Mine');
      const empty = await dee.postMultipart(`${url}/import`, { text: '  ' });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('Paste arXiv ids, DOIs or BibTeX, or choose a .bib file.');
      expect(empty.body).toContain('enctype="multipart/form-data"');
      const big = await dee.postMultipart(`${url}/import`, {}, { file: { name: 'huge.bib', content: `2505.20278\n${'x'.repeat(1_048_576)}` } });
      expect(big.statusCode).toBe(400);
      expect(big.body).toContain('An import can be at most 1 MB');
      const bigText = await dee.postMultipart(`${url}/import`, { text: `2505.20278\n${'x'.repeat(1_048_576)}` });
      expect(bigText.statusCode).toBe(400);

      const eve = await signedInMember(app, store, `import-eve-${name}@example.org`);
      expect((await eve.postMultipart(`${url}/import`, { text: '2505.20278' })).statusCode).toBe(404);
      const visitor = new WebClient(app);
      await visitor.get('/');
      expect((await visitor.postMultipart(`${url}/import`, { text: '2505.20278' })).statusCode).toBe(403);
      expect((await dee.postMultipart(`${url}/import`, { text: '2505.20278', _csrf: 'forged' })).statusCode).toBe(403);
      expect(await store.readingLists.paperIdsOf(Number(url.split('/').pop()))).toEqual([]);
    });

    it('reads multipart bodies on the import route only, and at most the form’s fields', async () => {
      const hal = await signedInMember(app, store, `import-hal-${name}@example.org`);
      const { url } = await newList(hal, 'Mine');
      // Other list forms are urlencoded: a multipart body there is refused unread, not buffered (ten 1 MB fields were).
      const form = new FormData();
      form.append('name', 'x'.repeat(900_000));
      const other = await app.inject({ method: 'POST', url: `${url}/edit`, headers: { 'sec-fetch-site': 'same-origin' }, payload: form });
      expect(other.statusCode).toBe(415);
      const many = await hal.postMultipart(`${url}/import`, { text: '2505.20278', a: '1', b: '2', c: '3' });
      expect(many.statusCode).toBe(413);
      expect(await store.readingLists.paperIdsOf(Number(url.split('/').pop()))).toEqual([]);
    });
  });
});
