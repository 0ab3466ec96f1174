/** BibTeX entries: arXiv's @misc shape, keys, and escaping that keeps LaTeX but never breaks the entry. */
import { describe, expect, it } from 'vitest';
import { type BibtexPaper, balanceBraces, bibtexEntry, bibtexKey, escapeBibtex } from '../src/domain/bibtex.js';

const COVERAGE: BibtexPaper = {
  id: '2505.20278',
  title: 'The Coverage Principle: A Framework for Understanding Compositional Generalization',
  authors: ['Hoyeon Chang', 'Jinho Park'],
  published: '2025-05-26',
  primaryCategory: 'cs.LG',
  doi: null,
  journalRef: null,
  links: { abs: null },
};

describe('bibtexEntry', () => {
  it('writes an arXiv paper as arXiv does', () => {
    expect(bibtexEntry(COVERAGE)).toBe(
      [
        '@misc{chang2025coverage,',
        '  title = {The Coverage Principle: A Framework for Understanding Compositional Generalization},',
        '  author = {Hoyeon Chang and Jinho Park},',
        '  year = {2025},',
        '  eprint = {2505.20278},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {cs.LG},',
        '  url = {https://arxiv.org/abs/2505.20278}',
        '}',
      ].join('\n'),
    );
  });

  it('adds doi and journal when known, and handles old-style ids', () => {
    const entry = bibtexEntry({
      ...COVERAGE,
      id: 'hep-th/9108002',
      title: 'A $q$-deformed {Virasoro} algebra: 100% of it',
      authors: ['Paul Ginsparg'],
      published: '1991-08-01',
      primaryCategory: 'hep-th',
      doi: '10.1016/0370-2693(91)90001-X',
      journalRef: 'Phys. Lett. B 1 (1991) 1-10 & more',
    });
    expect(entry).toBe(
      [
        '@misc{ginsparg1991deformed,',
        '  title = {A $q$-deformed {Virasoro} algebra: 100\\% of it},',
        '  author = {Paul Ginsparg},',
        '  year = {1991},',
        '  eprint = {hep-th/9108002},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {hep-th},',
        '  url = {https://arxiv.org/abs/hep-th/9108002},',
        '  doi = {10.1016/0370-2693(91)90001-X},',
        '  journal = {Phys. Lett. B 1 (1991) 1-10 \\& more}',
        '}',
      ].join('\n'),
    );
  });

  it('writes a non-arXiv paper without eprint fields, bracing names that contain "and"', () => {
    expect(
      bibtexEntry({
        ...COVERAGE,
        id: 'openreview:abc123',
        title: 'On {sets}',
        authors: ['Smith and Sons Ltd', 'Jürgen Müller'],
        primaryCategory: null,
        doi: '10.1000/{x} y',
        links: { abs: 'https://openreview.net/forum?id=abc123' },
      }),
    ).toBe(
      [
        '@misc{ltd2025sets,',
        '  title = {On {sets}},',
        '  author = {{Smith and Sons Ltd} and Jürgen Müller},',
        '  year = {2025},',
        '  url = {https://openreview.net/forum?id=abc123},',
        '  doi = {10.1000/xy}',
        '}',
      ].join('\n'),
    );
  });
});

describe('bibtexKey', () => {
  it('is last name + year + first significant title word, ASCII only', () => {
    expect(bibtexKey({ authors: ['Kurt Gödel'], published: '1931-01-01', title: 'On Formally Undecidable Propositions' })).toBe('godel1931formally');
    expect(bibtexKey({ authors: ['M\\"uller, Hans'], published: '2020-01-01', title: 'The $\\alpha$-Model' })).toBe('muller2020model');
    expect(bibtexKey({ authors: [], published: '2020-01-01', title: 'A' })).toBe('anonymous2020');
  });
});

describe('escapeBibtex', () => {
  it('escapes LaTeX specials outside math and keeps math, commands and paired braces', () => {
    expect(escapeBibtex("50% of R&D #1 uses snake_case, x^2 ~ y, costs \\$5, $a_b$ and \\(\\{x\\}\\) or {BERT} and \\'e")).toBe(
      "50\\% of R\\&D \\#1 uses snake\\_case, x\\textasciicircum{}2 \\textasciitilde{} y, costs \\$5, $a_b$ and $\\{x\\}$ or {BERT} and \\'e",
    );
  });

  it('replaces unpaired braces so the field cannot end early or swallow the rest', () => {
    expect(escapeBibtex('Unbalanced } and { here')).toBe('Unbalanced \\textbraceright{} and \\textbraceleft{} here');
    expect(escapeBibtex('math $\\{x$ text \\{ y')).toBe('math $\\lbrace{}x$ text \\textbraceleft{} y');
    expect(escapeBibtex('a lone backslash \\')).toBe('a lone backslash \\textbackslash{}');
    expect(escapeBibtex('line\n  breaks   collapse')).toBe('line breaks collapse');
  });

  it('balanceBraces counts escaped braces too, as BibTeX does', () => {
    expect(balanceBraces('{a} \\{b\\} }')).toBe('{a} \\{b\\} \\textbraceright{}');
    expect(balanceBraces('{{x}')).toBe('\\textbraceleft{}{x}');
  });
});
