/** Comment Markdown: formatting, XSS vectors (raw HTML, link schemes, KaTeX commands), math, pathological input. */
import { describe, expect, it } from 'vitest';
import { COMMENT_MAX_CHARS, renderCommentMarkdown } from '../src/web/presenters/comment-markdown.js';

const html = (src: string) => renderCommentMarkdown(src).html;
const REL = 'rel="nofollow ugc noopener"';

/** The start tags of the output with attribute values blanked: what is left is tag and attribute names. */
const tagShapes = (out: string) => (out.match(/<[a-z][^>]*>/gi) ?? []).map((t) => t.replace(/"[^"]*"/g, '""')).join('');

/** No active tags, no event-handler attributes, and every href is http(s) or mailto with our rel. */
function expectInert(out: string) {
  const shapes = tagShapes(out);
  expect(shapes).not.toMatch(/<(script|img|iframe|object|embed|style|body|link|meta|form|input|base|svg|math)\b/i);
  expect(shapes).not.toMatch(/\son[a-z]+=/i);
  expect(shapes).not.toMatch(/\s(style|class|src|target|id)=/i);
  for (const m of out.matchAll(/<a\b[^>]*>/g)) {
    const href = /\shref="([^"]*)"/.exec(m[0])?.[1];
    if (href !== undefined) expect(href).toMatch(/^(https?:\/\/|mailto:)/);
    expect(m[0]).toContain(REL);
  }
}

describe('renderCommentMarkdown: formatting', () => {
  it('renders the basic subset', () => {
    const { html: out, math } = renderCommentMarkdown(
      'Some *em*, **strong**, `code`, ~~gone~~.\n\n> quoted\n\n- a\n- b\n\n3. c\n\n---\n\n```js\nx = 1;\n```',
    );
    expect(out).toContain('<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code>, <s>gone</s>.</p>');
    expect(out).toContain('<blockquote>\n<p>quoted</p>\n</blockquote>');
    expect(out).toContain('<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
    expect(out).toContain('<ol start="3">\n<li>c</li>\n</ol>');
    expect(out).toContain('<hr />');
    expect(out).toContain('<pre><code>x = 1;\n</code></pre>'); // the language class is dropped
    expect(math).toBe(false);
  });

  it('keeps single newlines soft and renders tables', () => {
    expect(html('a\nb')).toBe('<p>a\nb</p>\n');
    expect(html('| a | b |\n|:-|-:|\n| 1 | 2 |')).toContain('<th>a</th>');
    expect(html('| a | b |\n|:-|-:|\n| 1 | 2 |')).not.toContain('style=');
  });

  it('demotes headings of every level to bold paragraphs', () => {
    expect(html('# Big\n\n###### Small')).toBe('<p><strong>Big</strong></p>\n<p><strong>Small</strong></p>\n');
    expect(html('Setext\n===')).toBe('<p><strong>Setext</strong></p>\n');
    expect(html('# Big')).not.toMatch(/<h\d/);
  });

  it('renders images as links, never <img>', () => {
    const out = html('![pixel](https://tracker.example/p.gif) ![x](data:image/png;base64,AAAA)');
    expect(out).toBe(`<p>!<a href="https://tracker.example/p.gif" ${REL}>pixel</a> ![x](data:image/png;base64,AAAA)</p>\n`);
    expectInert(out);
  });
});

describe('renderCommentMarkdown: raw HTML and XSS vectors', () => {
  it('shows raw HTML as text', () => {
    const out = html('<script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(out).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>\n');
    expectInert(out);
  });

  // From the OWASP XSS filter evasion cheat sheet, plus Markdown-specific forms of the same tricks.
  const vectors = [
    '<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>',
    `<IMG SRC="javascript:alert('XSS');">`,
    '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
    `<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
    `<svg/onload=alert('XSS')>`,
    `<BODY ONLOAD=alert('XSS')>`,
    `<IFRAME SRC="javascript:alert('XSS');"></IFRAME>`,
    `<STYLE>@import'http://xss.rocks/xss.css';</STYLE>`,
    `<a href="javascript:alert(1)">x</a>`,
    `"><script>alert(1)</script>`,
    `<<SCRIPT>alert("XSS");//\\<</SCRIPT>`,
    '[x](http://a.example/"onmouseover="alert(1))',
    '[x](http://a.example "a\\" onmouseover=\\"alert(1)")',
  ];
  it.each(vectors)('neutralises %s', (v) => expectInert(html(v)));
});

describe('renderCommentMarkdown: links', () => {
  const bad = [
    '[a](javascript:alert(1))',
    '[a](JaVaScRiPt:alert(1))',
    '[a]( javascript:alert(1))',
    '[a](java&#x09;script:alert(1))',
    '[a](jav&#x0A;ascript:alert(1))',
    '[a](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
    '[a](&#x6A;avascript:alert(1))',
    '[a](javascript://%0Aalert(1))',
    '[a](<javascript:alert(1)>)',
    '<javascript:alert(1)>',
    '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[a](vbscript:msgbox(1))',
    '[a](VBScript:msgbox(1))',
    '[a](//evil.example/)',
    '[a](/relative/path)',
    '[a][r]\n\n[r]: javascript:alert(1)',
  ];
  it.each(bad)('gives no clickable href for %s', (src) => {
    const out = html(src);
    expect(out).not.toMatch(/<a\b/);
    expectInert(out);
  });

  it('keeps http, https and mailto links, with rel and no target', () => {
    expect(html('[x](https://arxiv.org/abs/1706.03762)')).toBe(
      `<p><a href="https://arxiv.org/abs/1706.03762" ${REL}>x</a></p>\n`,
    );
    expect(html('[x](http://example.com "T")')).toBe(`<p><a href="http://example.com" title="T" ${REL}>x</a></p>\n`);
    expect(html('<mailto:a@example.com>')).toContain(`<a href="mailto:a@example.com" ${REL}>`);
  });

  it('autolinks bare URLs and emails, with rel', () => {
    const out = html('See https://example.org/paper?id=1&x=2. Mail me@example.com');
    expect(out).toContain(`<a href="https://example.org/paper?id=1&amp;x=2" ${REL}>https://example.org/paper?id=1&amp;x=2</a>.`);
    expect(out).toContain(`<a href="mailto:me@example.com" ${REL}>me@example.com</a>`);
    expectInert(out);
  });
});

describe('renderCommentMarkdown: math', () => {
  it('renders inline and display math with KaTeX', () => {
    const inline = renderCommentMarkdown('Energy $E = mc^2$ here.');
    expect(inline.math).toBe(true);
    expect(inline.html).toMatch(/^<p>Energy <span class="katex">.*<annotation encoding="application\/x-tex">E = mc\^2<\/annotation>/);
    expect(inline.html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">');

    const display = renderCommentMarkdown('Before\n\n$$\n\\frac{a}{\\sqrt{b}}\n$$\n\nAfter');
    expect(display.math).toBe(true);
    expect(display.html).toMatch(/^<p>Before<\/p>\n<span class="katex-display">/);
    expect(display.html).toContain('<svg'); // \sqrt draws its sign with an SVG path
    expect(display.html).toMatch(/<p>After<\/p>\n$/);
    expect(renderCommentMarkdown('$$x$$ and $$y$$').html.match(/katex-display/g)).toHaveLength(2);
  });

  it('leaves math alone inside code spans and blocks', () => {
    expect(renderCommentMarkdown('`$x$` and ``$$y$$``')).toEqual({
      html: '<p><code>$x$</code> and <code>$$y$$</code></p>\n',
      math: false,
    });
    expect(html('```\n$$\nx\n$$\n```')).toBe('<pre><code>$$\nx\n$$\n</code></pre>\n');
  });

  it('keeps prices and escaped dollars as text', () => {
    expect(renderCommentMarkdown('It costs $5 and $10, or $5/$10.')).toEqual({
      html: '<p>It costs $5 and $10, or $5/$10.</p>\n',
      math: false,
    });
    expect(html('a $ x $ b')).toBe('<p>a $ x $ b</p>\n');
    expect(html('\\$x\\$')).toBe('<p>$x$</p>\n');
    expect(html('$$\nunclosed')).toBe('<p>$$\nunclosed</p>\n');
  });

  it('ignores KaTeX commands that need trust, and keeps only KaTeX classes and styles', () => {
    const out = html(
      '$\\href{javascript:alert(1)}{x}$ $\\url{javascript:alert(2)}$ $\\htmlClass{nav}{x}$ $\\htmlStyle{position:fixed}{x}$ ' +
        '$\\htmlId{main}{x}$ $\\htmlData{foo=bar}{x}$ $\\includegraphics{https://tracker.example/p.png}$',
    );
    const tags = (out.match(/<[a-z][^>]*>/gi) ?? []).join('');
    expect(tags).not.toMatch(/<a\b|href=|<img|nav|position:fixed|id=|data-foo/);
    expect(out).toContain('<annotation encoding="application/x-tex">\\href{javascript:alert(1)}{x}</annotation>');
  });

  it('keeps KaTeX layout styles but nothing that could load or cover the page', () => {
    const out = html('$$\\boxed{\\color{red}{x}} \\colorbox{yellow}{y} \\sqrt[3]{\\widehat{abc}}$$ $\\color{url(x)}{z}$');
    const props = new Set([...out.matchAll(/\sstyle="([^"]*)"/g)].flatMap((m) => m[1]!.split(';').map((d) => d.split(':')[0])));
    props.delete('');
    expect([...props].every((p) => /^(height|width|min-width|top|bottom|left|vertical-align|position|color|background-color|border-[a-z-]+|margin(-[a-z]+)?|padding-left)$/.test(p!))).toBe(true);
    expect(props).toContain('background-color');
    expect(out).not.toMatch(/url\(x\)"|position:(absolute|fixed)/);
  });

  it('renders a malformed formula as a KaTeX error span, not a crash', () => {
    const { html: out, math } = renderCommentMarkdown('$\\frac{$');
    expect(math).toBe(true);
    // KaTeX's `katex-error` class is dropped (its stylesheet does not use it); the inline colour and title stay.
    expect(out).toContain('<span title="ParseError: KaTeX parse error: ');
    expect(out).toContain('style="color:#cc0000">\\frac{</span>');
    expect(out).not.toMatch(/<script/);
  });
});

describe('renderCommentMarkdown: limits', () => {
  it('exports the route limit', () => {
    expect(COMMENT_MAX_CHARS).toBe(10_000);
  });

  const fill = (unit: string) => unit.repeat(Math.ceil(COMMENT_MAX_CHARS / unit.length)).slice(0, COMMENT_MAX_CHARS);
  const pathological: Record<string, string> = {
    brackets: fill('['),
    linkOpeners: fill('[a]('),
    emphasis: fill('*a_'),
    stars: fill('*'),
    quotes: fill('>'),
    backticks: fill('`a'),
    loneDollars: fill('$a '),
    manyMath: fill('$a'),
    displayOpeners: fill('$$a\n'),
    deepBraces: `$${'{'.repeat(COMMENT_MAX_CHARS - 2)}$`,
    nestedSqrt: `$$${fill('\\sqrt{').slice(0, COMMENT_MAX_CHARS - 4)}$$`,
    macroBomb: '$\\def\\a{\\a\\a}\\a$',
    autolinks: fill('<http://a.b/'),
  };
  it.each(Object.entries(pathological))('renders %s without throwing', (_name, src) => {
    expect(src.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS + 20);
    const { html: out } = renderCommentMarkdown(src);
    expect(typeof out).toBe('string');
    expect(out).not.toMatch(/<script|<img/);
  });
});
