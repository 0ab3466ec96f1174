/**
 * BibTeX entries for papers, in the shape arXiv's own export uses (`@misc` with `eprint`, `archivePrefix`,
 * `primaryClass`, `url`), plus `doi` and `journal` when known. Pure.
 *
 * Titles and author names from arXiv are LaTeX source, so LaTeX in them is kept (math spans, `\'e`, `\%`, `{BERT}`)
 * and only what would break the entry is escaped: characters special to LaTeX outside math (`& % # _ ^ ~` and a lone
 * `$`) and braces that do not pair up — BibTeX counts every brace, even `\{`, so an unpaired one becomes
 * `\textbraceleft{}`/`\textbraceright{}` rather than `\{`.
 */
import { parsePaperId } from './arxiv-id.js';
import { splitMath } from './math.js';

export interface BibtexPaper {
  id: string;
  title: string;
  authors: string[];
  /** YYYY-MM-DD of the first version. */
  published: string;
  primaryCategory: string | null;
  doi: string | null;
  journalRef: string | null;
  links: { abs: string | null };
}

/** Words left out when the citation key takes the title's first significant word. */
const STOP_WORDS = new Set(
  'a an the of on in for to and or with from by at as is are via towards toward into do does can what when why how'.split(' '),
);

/** Lowercase ASCII letters and digits only: `Müller-Lüdenscheidt` -> `mullerludenscheidt`. */
function keyPart(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\\[a-zA-Z]+|\\./g, '') // LaTeX accents and commands (`M\"uller`)
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

/** The last word of a name written `First Last` (a name written `Last, First` gives `Last`). */
function lastName(name: string): string {
  const n = name.trim();
  if (n.includes(',')) return n.slice(0, n.indexOf(','));
  const words = n.split(/\s+/);
  return words[words.length - 1] ?? '';
}

/** Citation key: first author's last name, year, first significant title word — `chang2025coverage`. */
export function bibtexKey(paper: Pick<BibtexPaper, 'authors' | 'published' | 'title'>): string {
  const author = keyPart(lastName(paper.authors[0] ?? '')) || 'anonymous';
  const year = paper.published.slice(0, 4);
  const titleText = splitMath(paper.title)
    .map((s) => (s.kind === 'text' ? s.text : ' '))
    .join('');
  const word = titleText
    .split(/[\s\-–—:/]+/)
    .map(keyPart)
    .find((w) => w !== '' && !STOP_WORDS.has(w));
  return `${author}${year}${word ?? ''}`;
}

/**
 * Replaces braces that do not pair up (counting every brace, escaped or not, as BibTeX does) with commands that hold
 * no unpaired brace: `\textbraceleft{}` in text, `\lbrace{}` in math (`mathAt` tells which). An escaped brace
 * (`\{`) is replaced together with its backslash.
 */
export function balanceBraces(s: string, mathAt: (index: number) => boolean = () => false): string {
  const open: number[] = [];
  const unpaired = new Set<number>();
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') open.push(i);
    else if (s[i] === '}') {
      if (open.length > 0) open.pop();
      else unpaired.add(i);
    }
  }
  for (const i of open) unpaired.add(i);
  if (unpaired.size === 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (!unpaired.has(i)) {
      out += s[i];
      continue;
    }
    let slashes = 0;
    while (s[i - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 1) out = out.slice(0, -1); // `\{` -> the command alone
    const left = s[i] === '{';
    out += mathAt(i) ? (left ? '\\lbrace{}' : '\\rbrace{}') : left ? '\\textbraceleft{}' : '\\textbraceright{}';
  }
  return out;
}

/** Escapes LaTeX specials outside math and outside existing backslash sequences. */
function escapeTextPart(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      // Keep a command or escape as written: `\%`, `\'e`, `\textbf`.
      const m = /^\\(?:[A-Za-z]+|.)/s.exec(s.slice(i));
      const seq = m ? m[0] : '\\';
      out += seq === '\\' ? '\\textbackslash{}' : seq;
      i += seq.length - 1;
      continue;
    }
    if (c === '&' || c === '%' || c === '#' || c === '_' || c === '$') out += `\\${c}`;
    else if (c === '^') out += '\\textasciicircum{}';
    else if (c === '~') out += '\\textasciitilde{}';
    else out += c;
  }
  return out;
}

/** Makes LaTeX source safe as a braced BibTeX field value: math kept, specials outside math escaped, braces paired. */
export function escapeBibtex(src: string): string {
  let body = '';
  const mathRanges: Array<[number, number]> = [];
  for (const seg of splitMath(src.replace(/\s+/g, ' ').trim())) {
    if (seg.kind === 'text') {
      body += escapeTextPart(seg.text); // splitMath turned `\$` into `$`; this turns it back
      continue;
    }
    const math = seg.display ? `\\[${seg.tex}\\]` : `$${seg.tex}$`;
    mathRanges.push([body.length, body.length + math.length]);
    body += math;
  }
  return balanceBraces(body, (i) => mathRanges.some(([a, b]) => i >= a && i < b));
}

/** A value that must stay verbatim (URL, DOI): only braces, which would end the field, are dropped. */
function verbatim(s: string): string {
  return s.replace(/[{}\s]/g, '');
}

/** One author for the `author` field; a name holding the word "and" is braced so BibTeX does not split it. */
function authorName(name: string): string {
  const escaped = escapeBibtex(name);
  return /\sand\s/i.test(escaped) ? `{${escaped}}` : escaped;
}

/** The paper's BibTeX entry, fields one per line, two-space indent, no trailing comma. */
export function bibtexEntry(paper: BibtexPaper): string {
  const parsed = parsePaperId(paper.id);
  const isArxiv = parsed !== null && parsed.kind !== 'namespaced';
  const fields: Array<[string, string]> = [
    ['title', escapeBibtex(paper.title)],
    ['author', paper.authors.map(authorName).join(' and ')],
    ['year', paper.published.slice(0, 4)],
  ];
  if (isArxiv) {
    fields.push(['eprint', paper.id], ['archivePrefix', 'arXiv']);
    if (paper.primaryCategory) fields.push(['primaryClass', verbatim(paper.primaryCategory)]);
  }
  const url = isArxiv ? `https://arxiv.org/abs/${paper.id}` : paper.links.abs;
  if (url) fields.push(['url', verbatim(url)]);
  if (paper.doi) fields.push(['doi', verbatim(paper.doi)]);
  if (paper.journalRef) fields.push(['journal', escapeBibtex(paper.journalRef)]);
  const body = fields
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(',\n');
  return `@misc{${bibtexKey(paper)},\n${body}\n}`;
}
