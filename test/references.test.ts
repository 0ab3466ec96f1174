/** Reading pasted references and BibTeX files (domain/references.ts): which identifiers are found, and why not. */
import { describe, expect, it } from 'vitest';
import { arxivIdFromDoi, BIBTEX_MAX_ENTRIES, normalizeDoi, parseReferences } from '../src/domain/references.js';

const found = (text: string) => parseReferences(text).references.map((r) => [r.arxivId, r.doi]);

describe('plain text', () => {
  it('finds new- and old-style arXiv ids, prefixes, abs/pdf URLs and DOIs, dropping versions', () => {
    const text = [
      '2501.01234v2',
      'hep-th/9901001',
      'math.GT/0309136v1',
      'arXiv:2505.20278, arXiv: 2502.04667',
      'see https://arxiv.org/abs/2303.03340v1 and http://export.arxiv.org/pdf/hep-th/9108002v1.pdf.',
      'https://doi.org/10.48550/arXiv.2410.00001',
      'doi:10.1145/3292500.3330701.',
      '(10.1103/PhysRevD.98.030001)',
    ].join('\n');
    expect(found(text)).toEqual([
      ['2501.01234', null],
      ['hep-th/9901001', null],
      ['math.GT/0309136', null],
      ['2505.20278', null],
      ['2502.04667', null],
      ['2303.03340', null],
      ['hep-th/9108002', null],
      ['2410.00001', '10.48550/arxiv.2410.00001'],
      [null, '10.1145/3292500.3330701'],
      [null, '10.1103/physrevd.98.030001'],
    ]);
    expect(parseReferences(text)).toMatchObject({ format: 'text', unmatched: [], errors: [] });
  });

  it('reports lines without an identifier and explicit arXiv ids that are not valid, and skips blank and comment lines', () => {
    const r = parseReferences('\n# my papers\nsome words only\narXiv:2513.01234\nin 2020.12345 pages\n   \n');
    expect(r.references).toEqual([]);
    expect(r.unmatched).toEqual([
      { entry: 'some words only', reason: 'no arXiv id or DOI found in this line' },
      { entry: 'arXiv:2513.01234', reason: '“2513.01234” is not a valid arXiv id' },
      { entry: 'in 2020.12345 pages', reason: 'no arXiv id or DOI found in this line' },
    ]);
  });

  it('does not read an arXiv id inside a DOI twice, nor new-style ids before 2007 or with the wrong digit count', () => {
    expect(found('10.48550/arXiv.2501.01234')).toEqual([['2501.01234', '10.48550/arxiv.2501.01234']]);
    expect(found('0612.1234 1501.1234 1412.12345 1412.1234')).toEqual([['1412.1234', null]]);
  });

  it('reads the largest import’s worst cases in linear time (80,000 closing brackets took a minute, 90,000 ids on a line 20 s)', () => {
    expect(found(`10.1234/a${')'.repeat(80_000)}`)).toEqual([[null, '10.1234/a']]);
    const ids = Array.from({ length: 90_000 }, (_, i) => `2501.${String(10_000 + i)}`);
    expect(found(ids.join(' '))).toEqual(ids.map((id) => [id, null]));
  });

  it('normalises DOIs and reads arXiv DOIs', () => {
    expect(normalizeDoi('https://dx.doi.org/10.1000/ABC%2F1')).toBe('10.1000/abc/1');
    expect(normalizeDoi('not a doi')).toBeNull();
    expect(arxivIdFromDoi('10.48550/ARXIV.hep-th/9901001')).toBe('hep-th/9901001');
    expect(arxivIdFromDoi('10.1145/1')).toBeNull();
  });
});

describe('BibTeX', () => {
  const bib = String.raw`
@article{vaswani2017,
  title = {Attention {Is} All You Need},
  author = {Vaswani, Ashish},
  eprint = {1706.03762v7},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
}
@misc{dblp, author = {A. B}, title = {Symbolic Synthesis}, journal = {CoRR}, volume = {abs/2303.03340}}
@article{biblatex, title = {X}, eprint = {hep-th/9901001}, eprinttype = {arxiv}}
@misc{byurl, title = {Y \unknowncommand{z}}, url = {https://arxiv.org/pdf/2502.04667v1}}
@misc{bynote, title = {Z}, note = {arXiv preprint arXiv:2505.20278}}
@inproceedings{doionly, title = {Something \"{u}ber graphs}, doi = {10.1145/3292500.3330701}}
@article{arxivdoi, title = {W}, doi = {10.48550/arXiv.2410.00001}}
@article{pubmed, title = {V}, eprint = {12345678}, eprinttype = {pubmed}}
@book{nothing, title = {A book}, publisher = {P}}
@article{badeprint, title = {U}, eprint = {2513.00001}, archivePrefix = {arXiv}}
`;

  it('finds the arXiv id wherever reference managers put it, else the DOI, and says why an entry has none', () => {
    const r = parseReferences(bib);
    expect(r.format).toBe('bibtex');
    expect(r.errors).toEqual([]);
    expect(r.references.map((x) => [x.entry, x.arxivId, x.doi])).toEqual([
      ['vaswani2017 “Attention Is All You Need”', '1706.03762', null],
      ['dblp “Symbolic Synthesis”', '2303.03340', null],
      ['biblatex “X”', 'hep-th/9901001', null],
      ['byurl “Y z”', '2502.04667', null],
      ['bynote “Z”', '2505.20278', null],
      ['doionly “Something über graphs”', null, '10.1145/3292500.3330701'],
      ['arxivdoi “W”', '2410.00001', '10.48550/arxiv.2410.00001'],
    ]);
    expect(r.unmatched).toEqual([
      { entry: 'pubmed “V”', reason: 'no arXiv id or DOI (looked in eprint, arxivId, doi, url, journal and note)' },
      { entry: 'nothing “A book”', reason: 'no arXiv id or DOI (looked in eprint, arxivId, doi, url, journal and note)' },
      { entry: 'badeprint “U”', reason: 'eprint “2513.00001” is not a valid arXiv id' },
    ]);
  });

  it('reads what it can of a malformed file and says where it failed', () => {
    const r = parseReferences(`@article{ok1, eprint = {2505.20278}}
@article{broken,
  title = {Missing brace
  author = {X, Y},
@article{ok2, eprint = {2502.04667}}
`);
    expect(r.references.map((x) => x.arxivId)).toEqual(['2505.20278', '2502.04667']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/Unterminated brace-value .* at line \d+/);
    expect(r.unmatched).toEqual([{ entry: 'broken', reason: 'this entry could not be read (see the BibTeX errors)' }]);
  });

  it('does not expand @string macros (each may double the one before: a few hundred bytes took gigabytes)', () => {
    const macros = ['@string{s0 = "xxxxxxxxxx"}', ...Array.from({ length: 40 }, (_, i) => `@STRING(s${i + 1} = s${i} # s${i})`)].join('\n');
    const r = parseReferences(`${macros}\n@misc{k, title = s40, journal = jmlr, eprint = {2501.01234}}`);
    expect(r.references).toEqual([{ entry: 'k “s40”', arxivId: '2501.01234', doi: null }]);
    expect(r.errors).toEqual([]);
  });

  it(`reads the first ${BIBTEX_MAX_ENTRIES} entries of a file and says the rest were not`, () => {
    const r = parseReferences(Array.from({ length: BIBTEX_MAX_ENTRIES + 3 }, (_, i) => `@misc{k${i}, eprint = {2501.${String(10_000 + i)}}}`).join('\n'));
    expect(r.references).toHaveLength(BIBTEX_MAX_ENTRIES);
    expect(r.references.at(-1)!.arxivId).toBe(`2501.${10_000 + BIBTEX_MAX_ENTRIES - 1}`);
    expect(r.errors).toEqual(['Only the first 5,000 entries were read (an import reads at most 5,000); import the rest separately.']);
  });

  it('cuts long labels', () => {
    const r = parseReferences(`@misc{k, title = {${'word '.repeat(100)}}}`);
    expect(r.unmatched[0]!.entry.length).toBeLessThanOrEqual(160);
    expect(r.unmatched[0]!.entry.endsWith('…')).toBe(true);
  });
});

describe('BibTeX labels', () => {
  it('are plain text even when the title has markup', () => {
    const r = parseReferences(String.raw`@misc{k, title = {On $x^2$ and \emph{emphasis}}, note = {nothing}}`);
    expect(r.unmatched[0]!.entry).toBe('k “On x² and emphasis”');
  });
});
