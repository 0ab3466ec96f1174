/** Search highlights: marked text to safe HTML (escaped text, <mark>, KaTeX math), and snippets re-cut outside math. */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { alignSnippet, highlight, MARK_END, MARK_START, unmark } from '../src/domain/highlight.js';
import * as textIndex from '../src/search/text-index.js';

const S = MARK_START;
const E = MARK_END;
const tex = (s: string, display = false) =>
  katex.renderToString(s, { throwOnError: false, output: 'htmlAndMathml', trust: false, strict: 'ignore', displayMode: display });

describe('highlight', () => {
  it('uses the markers the text index writes', () => {
    expect(MARK_START).toBe(textIndex.MARK_START);
    expect(MARK_END).toBe(textIndex.MARK_END);
  });

  it('wraps matches in <mark>', () => {
    expect(highlight(`${S}Grokking${E} Tickets: Lottery Tickets Accelerate ${S}Grokking${E}`)).toBe(
      '<mark>Grokking</mark> Tickets: Lottery Tickets Accelerate <mark>Grokking</mark>',
    );
    expect(highlight('no matches here')).toBe('no matches here');
    expect(highlight('')).toBe('');
  });

  it('escapes HTML special characters, inside and outside matches', () => {
    expect(highlight(`a <b> & ${S}"c"${E} 'd'`)).toBe('a &lt;b&gt; &amp; <mark>&quot;c&quot;</mark> &#39;d&#39;');
    expect(highlight(`<script>alert(1)</script> ${S}x<img src=x onerror=alert(2)>${E}`)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; <mark>x&lt;img src=x onerror=alert(2)&gt;</mark>',
    );
    // A marker-like sequence that is plain text stays text.
    expect(highlight('<mark>not ours</mark>')).toBe('&lt;mark&gt;not ours&lt;/mark&gt;');
  });

  it('renders math with KaTeX and drops markers inside math', () => {
    expect(highlight(`Bounds for $\\ell_${S}p${E}$ ${S}regression${E}`)).toBe(`Bounds for ${tex('\\ell_p')} <mark>regression</mark>`);
    expect(highlight(`${S}Sharp${E} $$\\sum_{${S}i${E}} x$$ end`)).toBe(`<mark>Sharp</mark> ${tex('\\sum_{i} x', true)} end`);
    expect(highlight(`\\(${S}a${E} < b\\) and ${S}b${E}`)).toBe(`${tex('a < b')} and <mark>b</mark>`);
    expect(highlight(`$${S}x${E}^2$`)).not.toMatch(/[\u0002\u0003]|<mark>/);
  });

  it('treats \\$ as a literal dollar and unclosed delimiters as text', () => {
    expect(highlight(`costs \\$5 for ${S}x${E}`)).toBe('costs $5 for <mark>x</mark>');
    expect(highlight(`a $ lone ${S}dollar${E}`)).toBe('a $ lone <mark>dollar</mark>');
  });

  it('never lets a <mark> straddle a math span', () => {
    // A match that starts before math and ends after it (not something the index writes, but possible in principle).
    expect(highlight(`${S}before $x$ after${E} rest`)).toBe(`<mark>before </mark>${tex('x')}<mark> after</mark> rest`);
  });

  it('tolerates unbalanced markers', () => {
    expect(highlight(`${S}open only`)).toBe('<mark>open only</mark>');
    expect(highlight(`stray${E} end`)).toBe('stray end');
    expect(highlight(`${S}${S}twice${E}${E}`)).toBe('<mark>twice</mark>');
    expect(highlight(`${S}${E}empty`)).toBe('empty');
  });

  it('never outputs the marker characters', () => {
    const out = highlight(`${S}a${E} $${S}b${E}$ ${E}c${S} \\(${S}d`);
    expect(out).not.toMatch(/[\u0002\u0003]/);
  });
});

describe('unmark', () => {
  it('separates text from marker positions', () => {
    expect(unmark(`a ${S}bc${E} d`)).toEqual({ plain: 'a bc d', marks: [{ pos: 2, open: true }, { pos: 4, open: false }] });
  });
});

describe('alignSnippet', () => {
  const sum = (n: number) => Array.from({ length: n }, (_, i) => `a_{${i + 1}}`).join(' + ');

  it('leaves a snippet that cuts no math as it is', () => {
    const source = 'We study zebra stripes in the wild, and more.';
    expect(alignSnippet(`We study ${S}zebra${E} stripes…`, source)).toBe(`We study ${S}zebra${E} stripes…`);
    expect(alignSnippet(`…study ${S}zebra${E} stripes…`, source)).toBe(`…study ${S}zebra${E} stripes…`);
    expect(alignSnippet(`…in the wild, and more.`, source)).toBe('…in the wild, and more.');
  });

  it('drops a math span the snippet starts inside', () => {
    const source = `Lead words $${sum(12)}$ then zebra and more`;
    // What FTS5 returned for such an abstract: the cut fell inside the sum.
    const snippet = `…a_{7} + a_{8} + a_{9} + a_{10} + a_{11} + a_{12}$ then ${S}zebra${E} and more`;
    expect(alignSnippet(snippet, source)).toBe(`…then ${S}zebra${E} and more`);
    // Unaligned, the stray `$` would read as text; aligned, the output has no dollar at all.
    expect(highlight(alignSnippet(snippet, source))).toBe('…then <mark>zebra</mark> and more');
  });

  it('drops a math span the snippet ends inside, and keeps whole spans', () => {
    const source = `Our zebra result: with $\\ell_p$ the sum $${sum(30)}$ and a tail`;
    const snippet = `Our ${S}zebra${E} result: with $\\ell_p$ the sum $a_{1} + a_{2} + a…`;
    expect(alignSnippet(snippet, source)).toBe(`Our ${S}zebra${E} result: with $\\ell_p$ the sum…`);
    expect(highlight(alignSnippet(snippet, source))).toBe(`Our <mark>zebra</mark> result: with ${tex('\\ell_p')} the sum…`);
  });

  it('keeps a match between two cut math spans highlighted (unaligned, the dollars would pair around it)', () => {
    const source = `Lead $${sum(10)}$ zebra $${sum(10)}$ tail`;
    const snippet = `…3} + a_{4} + a_{5} + a_{6} + a_{7} + a_{8} + a_{9} + a_{10}$ ${S}zebra${E} $a_{1} + a_{2} + a_{3}…`;
    expect(highlight(snippet)).not.toContain('<mark>'); // the bug alignment prevents: `$ zebra $` read as math
    expect(alignSnippet(snippet, source)).toBe(`…${S}zebra${E}…`);
    expect(highlight(alignSnippet(snippet, source))).toBe('…<mark>zebra</mark>…');
  });

  it('returns the snippet unchanged when the source no longer holds it', () => {
    expect(alignSnippet(`…old ${S}text${E}…`, 'The paper changed since.')).toBe(`…old ${S}text${E}…`);
  });

  it('copes with an ellipsis that belongs to the source', () => {
    const source = '…and so on: zebra.';
    expect(alignSnippet(`…and so on: ${S}zebra${E}.`, source)).toBe(`…and so on: ${S}zebra${E}.`);
  });
});
