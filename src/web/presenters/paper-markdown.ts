/**
 * A paper as Markdown: what `GET /papers/{id}.md` serves and huggingface_hub's `read_paper` (`hf papers read`) prints.
 * Title, authors, dates, links, abstract. Readers are often scripts and language models that read the text as is,
 * so escaping is kept to what could otherwise turn into markup a renderer acts on (HTML, links, emphasis, block starts),
 * and TeX between dollar signs is left alone so math-aware renderers (KaTeX, MathJax, GitHub) still typeset it.
 */
import type { PaperView } from '../../services/feed.service.js';

/** `$$…$$` or `$…$` on one line: kept verbatim apart from `<`/`>` (see below). */
const MATH = /(\$\$[^$]+\$\$|\$[^$\n]+\$)/;

/** Escapes Markdown punctuation in running text (CommonMark: any ASCII punctuation may be backslash-escaped). */
function escapeText(s: string): string {
  return s
    .split(MATH)
    .map((part, i) => {
      // split() with a capture group puts the math segments at odd indexes. Inside math, `<` could still open an HTML
      // tag in a renderer that does not know math; TeX's \lt and \gt typeset the same.
      // A "math" span that holds Markdown link or image syntax is not math: escape it like text.
      if (i % 2 === 1 && !/\]\(|!\[/.test(part)) return part.replace(/< ?/g, '\\lt ').replace(/> ?/g, '\\gt ');
      return part.replace(/[\\`*_[\]<]/g, '\\$&').replace(/&(?=#?\w+;)/g, '\\&');
    })
    .join('');
}

/** Escapes what would make a line start a heading, quote, list or rule instead of a paragraph. */
function escapeLineStart(s: string): string {
  return s.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Keeps a URL usable as a Markdown link destination; only http(s) links are shown at all. */
function linkTarget(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null;
  // encodeURIComponent leaves parentheses alone, and a `)` would end the link.
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function link(text: string, url: string | null): string | null {
  const target = url === null ? null : linkTarget(url);
  return target === null ? null : `[${escapeText(text)}](${target})`;
}

/** Renders a paper as a Markdown document. */
export function paperMarkdown(view: PaperView): string {
  const p = view.paper;
  // A title ending in " #" would lose it as an ATX heading's closing sequence.
  const title = escapeText(p.title).replace(/(\s)(#+)$/, (_m, sp: string, hashes: string) => `${sp}${hashes.replace(/#/g, '\\#')}`);
  const lines: string[] = [`# ${title}`, ''];

  const facts: string[] = [];
  if (p.authors.length > 0) facts.push(`**Authors:** ${p.authors.map(escapeText).join(', ')}`);
  let dates = `**Published:** ${p.published}`;
  if (p.updated && p.updated !== p.published) dates += ` · **Updated:** ${p.updated}`;
  if (p.version !== null) dates += ` · **Version:** v${p.version}`;
  facts.push(dates);
  if (view.feed) facts.push(`**In the daily feed:** ${view.feed.feedDate} · **Upvotes:** ${view.upvotes}`);
  if (p.categories.length > 0) facts.push(`**Categories:** ${p.categories.map(escapeText).join(', ')}`);
  const links = [
    p.links.abs ? link(`arXiv:${p.id}`, p.links.abs) : null,
    link('PDF', p.links.pdf),
    link('Code', p.links.code),
    link('Project page', p.links.project),
    p.doi ? link(`DOI:${p.doi}`, `https://doi.org/${encodeURI(p.doi)}`) : null,
  ].filter((l): l is string => l !== null);
  if (links.length > 0) facts.push(`**Links:** ${links.join(' · ')}`);
  if (p.journalRef) facts.push(`**Journal reference:** ${escapeText(p.journalRef)}`);
  if (p.comment) facts.push(`**Comment:** ${escapeText(p.comment)}`);
  lines.push(...facts.map((f) => `- ${f}`), '');

  lines.push('## Abstract', '');
  lines.push(p.abstract.trim() === '' ? '_No abstract._' : escapeLineStart(escapeText(p.abstract)));
  lines.push('');
  return lines.join('\n');
}
