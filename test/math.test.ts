/** LaTeX in titles and abstracts: splitting, rendering with KaTeX (text escaped), and cutting excerpts. */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { escapeHtml, hasMath, renderMath, splitMath, truncateLatex } from '../src/domain/math.js';

const tex = (s: string, display = false) =>
  katex.renderToString(s, { throwOnError: false, output: 'htmlAndMathml', trust: false, strict: 'ignore', displayMode: display });

describe('splitMath', () => {
  it('finds every delimiter kind', () => {
    expect(splitMath('a $x$ b $$y$$ c \\(z\\) d \\[w\\] e')).toEqual([
      { kind: 'text', text: 'a ', start: 0, end: 2 },
      { kind: 'math', tex: 'x', display: false, start: 2, end: 5 },
      { kind: 'text', text: ' b ', start: 5, end: 8 },
      { kind: 'math', tex: 'y', display: true, start: 8, end: 13 },
      { kind: 'text', text: ' c ', start: 13, end: 16 },
      { kind: 'math', tex: 'z', display: false, start: 16, end: 21 },
      { kind: 'text', text: ' d ', start: 21, end: 24 },
      { kind: 'math', tex: 'w', display: true, start: 24, end: 29 },
      { kind: 'text', text: ' e', start: 29, end: 31 },
    ]);
  });

  it('treats \\$ as a literal dollar, inside and outside math', () => {
    expect(splitMath('costs \\$5')).toEqual([{ kind: 'text', text: 'costs $5', start: 0, end: 9 }]);
    expect(splitMath('$a\\$b$')).toEqual([{ kind: 'math', tex: 'a\\$b', display: false, start: 0, end: 6 }]);
  });

  it('pairs dollars as arXiv abstracts write them: spaces inside, digits right after', () => {
    expect(splitMath('let $ \\gamma_n $ be')).toEqual([
      { kind: 'text', text: 'let ', start: 0, end: 4 },
      { kind: 'math', tex: ' \\gamma_n ', display: false, start: 4, end: 16 },
      { kind: 'text', text: ' be', start: 16, end: 19 },
    ]);
    expect(splitMath('$\\sim$10 keV')).toEqual([
      { kind: 'math', tex: '\\sim', display: false, start: 0, end: 6 },
      { kind: 'text', text: '10 keV', start: 6, end: 12 },
    ]);
  });

  it('leaves unbalanced delimiters and prices as text', () => {
    expect(splitMath('price $5 and $10 more')).toEqual([{ kind: 'text', text: 'price $5 and $10 more', start: 0, end: 21 }]);
    expect(splitMath('open $x and never closed')).toEqual([{ kind: 'text', text: 'open $x and never closed', start: 0, end: 24 }]);
    expect(splitMath('a $$ b')).toEqual([{ kind: 'text', text: 'a $$ b', start: 0, end: 6 }]);
    expect(splitMath('\\(x and \\[y')).toEqual([{ kind: 'text', text: '\\(x and \\[y', start: 0, end: 11 }]);
    expect(splitMath('$$$$')).toEqual([{ kind: 'text', text: '$$$$', start: 0, end: 4 }]);
  });
});

describe('renderMath', () => {
  it('escapes text outside math', () => {
    expect(renderMath(`<b>"Tom" & 'Jerry'</b>`)).toBe('&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;');
    expect(escapeHtml('<>&"\'')).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('renders inline and display math with KaTeX (HTML and MathML)', () => {
    expect(renderMath('area $x^2$ m')).toBe(`area ${tex('x^2')} m`);
    expect(renderMath('$$\\sum_i a_i$$')).toBe(tex('\\sum_i a_i', true));
    expect(renderMath('\\[E=mc^2\\]')).toBe(tex('E=mc^2', true));
    expect(renderMath('\\(a<b\\)')).toBe(tex('a<b'));
    const html = renderMath('$x^2$');
    expect(html.startsWith('<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML">')).toBe(true);
    expect(html).toContain('<annotation encoding="application/x-tex">x^2</annotation>');
    expect(html).toContain('<span class="katex-html" aria-hidden="true">');
    expect(renderMath('$$x$$')).toContain('<span class="katex-display">');
  });

  it('keeps escaped dollars and unbalanced delimiters as text', () => {
    expect(renderMath('costs \\$5 or $3')).toBe('costs $5 or $3');
    expect(renderMath('a $ b')).toBe('a $ b');
  });

  it('reads % inside math as a percent sign, not a TeX comment', () => {
    expect(renderMath('up to $\\mathbf{67%}$ better')).toBe(`up to ${tex('\\mathbf{67\\%}')} better`);
    expect(renderMath('$5\\%$')).toBe(tex('5\\%'));
  });

  it('never lets HTML through math', () => {
    const html = renderMath('$<img src=x onerror=alert(1)>$ and $\\href{javascript:alert(2)}{x}$');
    expect(html).not.toMatch(/<img|href=|javascript:[^<]*"/);
    expect(html).toContain('<annotation encoding="application/x-tex">&lt;img src=x onerror=alert(1)&gt;</annotation>');
  });

  it('links http(s) URLs in text when asked, escaping them', () => {
    expect(renderMath('Code: https://github.com/a/b. More at http://x.org/?q=1&r=<2> and $x$', { linkify: true })).toBe(
      'Code: <a href="https://github.com/a/b" rel="nofollow noopener">https://github.com/a/b</a>. More at ' +
        '<a href="http://x.org/?q=1&amp;r=" rel="nofollow noopener">http://x.org/?q=1&amp;r=</a>&lt;2&gt; and ' +
        tex('x'),
    );
    expect(renderMath('see https://a.org/x"onmouseover="y', { linkify: true })).toBe(
      'see <a href="https://a.org/x" rel="nofollow noopener">https://a.org/x</a>&quot;onmouseover=&quot;y',
    );
    expect(renderMath('javascript:alert(1) and https://ok.org', { linkify: true })).toBe(
      'javascript:alert(1) and <a href="https://ok.org" rel="nofollow noopener">https://ok.org</a>',
    );
    expect(renderMath('https://github.com/a/b')).toBe('https://github.com/a/b');
  });

  it('shows bad TeX as an error span instead of throwing', () => {
    expect(renderMath('$\\frac{$')).toBe(
      '<span class="katex-error" title="ParseError: KaTeX parse error: Unexpected end of input in a macro argument, expected &#x27;}&#x27; at end of input: \\frac{" style="color:#cc0000">\\frac{</span>',
    );
  });

  it('hasMath', () => {
    expect(hasMath('plain $5 text')).toBe(false);
    expect(hasMath('with $x$')).toBe(true);
  });
});

describe('truncateLatex', () => {
  it('leaves short text alone (trimmed)', () => {
    expect(truncateLatex('  short text  ', 300)).toBe('short text');
  });

  it('cuts at a word boundary and adds an ellipsis', () => {
    expect(truncateLatex('alpha beta gamma delta', 13)).toBe('alpha beta…');
    expect(truncateLatex('alpha beta gamma delta', 16)).toBe('alpha beta gamma…');
  });

  it('drops trailing punctuation before the ellipsis', () => {
    expect(truncateLatex('alpha beta, gamma delta', 12)).toBe('alpha beta…');
  });

  it('never cuts inside math: a span crossing the limit is dropped whole', () => {
    expect(truncateLatex('we show $a + b = c$ holds here', 12)).toBe('we show…');
    expect(truncateLatex('we show $a + b = c$ holds here', 20)).toBe('we show $a + b = c$…');
    expect(truncateLatex('we show $$a + b$$ and more', 15)).toBe('we show…');
    expect(truncateLatex('we show \\(a + b\\) and more', 15)).toBe('we show…');
  });

  it('cuts a single overlong word rather than returning nothing', () => {
    expect(truncateLatex('abcdefghijklmnop', 5)).toBe('abcde…');
  });

  it('does not leave a lone backslash that would escape the ellipsis', () => {
    expect(truncateLatex('cost \\$5 \\ more words here', 10)).toBe('cost \\$5…');
  });
});

describe('math on hostile input', () => {
  it('treats thousands of unclosed openers and long punctuation runs as text', async () => {
    const { renderMath, splitMath, truncateLatex } = await import('../src/domain/math.js');
    const brackets = '\\['.repeat(9999);
    expect(splitMath(brackets)).toEqual([{ kind: 'text', text: brackets, start: 0, end: brackets.length }]);
    expect(renderMath(brackets)).toBe(brackets);
    expect(truncateLatex(brackets, 300).length).toBeLessThanOrEqual(301);
    const url = `see http://a${'.'.repeat(19_000)}`;
    expect(renderMath(url, { linkify: true })).toBe(`see <a href="http://a" rel="nofollow noopener">http://a</a>${'.'.repeat(19_000)}`);
  });
});
