/** Digest and confirmation mail rendering: escaping, links, excerpts, Unicode math, dark mode, inlined CSS, text part. */
import { Parser } from 'htmlparser2';
import juice from 'juice';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_CSS,
  DIGEST_EXCERPT_CHARS,
  type DigestModel,
  type DigestPaper,
  excerpt,
  JUICE_OPTIONS,
  renderConfirmation,
  renderDigest,
  shortAuthors,
  wrap,
} from '../src/mail/digest-template.js';
import { mathToText, texToText } from '../src/mail/tex-to-text.js';

const SITE = 'https://papers.example.org';
const ABSTRACT =
  'We study attention with $O(n \\log n)$ cost over $\\mathbb{R}^d$. Our method improves perplexity by 3% and costs $5 per run. ' +
  'Extensive experiments on language modelling, image generation and protein folding show consistent gains over strong baselines, ' +
  'and an ablation isolates the contribution of each component of the architecture we propose.';

function paper(i: number, over: Partial<DigestPaper> = {}): DigestPaper {
  return {
    id: `2611.0${i}`,
    title: `Paper ${i} on $\\ell_p$ robustness`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    abstract: ABSTRACT,
    url: `${SITE}/papers/2611.0${i}`,
    upvotes: 10 * i,
    comments: i,
    categories: ['cs.LG', 'stat.ML'],
    ...over,
  };
}

function model(over: Partial<DigestModel> = {}): DigestModel {
  return {
    siteName: 'Paperboy',
    siteUrl: SITE,
    frequency: 'daily',
    periodLabel: 'Thursday, 26 November 2026',
    topicsLabel: 'cs.LG, cs.CL · "diffusion"',
    papers: [paper(1), paper(2), paper(3)],
    forYou: [],
    webUrl: `${SITE}/digest/2026-11-26?t=abc`,
    preferencesUrl: `${SITE}/subscriptions/prefs?t=signed&sig=xyz`,
    unsubscribeUrl: `${SITE}/unsubscribe?t=signed&sig=xyz`,
    ...over,
  };
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
const styleBlocks = (html: string) => [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('\n');

/** Parses with htmlparser2; every element must be closed explicitly (void elements excepted) and the stack end empty. */
function assertWellFormed(html: string) {
  const VOID = new Set(['meta', 'br', 'img', 'hr', 'link', 'input']);
  const stack: string[] = [];
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (!VOID.has(name)) stack.push(name);
      },
      onclosetag: (name, isImplied) => {
        if (VOID.has(name)) return;
        if (isImplied) problems.push(`implied close of <${name}>`);
        if (stack.pop() !== name) problems.push(`mismatched </${name}>`);
      },
      onerror: (e) => problems.push(e.message),
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  expect(problems).toEqual([]);
  expect(stack).toEqual([]);
}

describe('texToText: TeX math as Unicode text', () => {
  it.each([
    ['$x^2$', 'x²'],
    ['$\\alpha$', 'α'],
    ['$O(n \\log n)$', 'O(n log n)'],
    ['$\\mathbb{R}^d$', 'ℝᵈ'],
    ['$\\ell_p$', 'ℓₚ'],
    ['$\\frac{a}{b}$', 'a/b'],
    ['$\\frac{a+b}{2}$', '(a+b)/2'],
    ['$\\sqrt{2}$ and $\\sqrt{n+1}$', '√2 and √(n+1)'],
    ['$10^{-3}$', '10⁻³'],
    ['$\\sum_{i=1}^n x_i$', '∑ᵢ₌₁ⁿ xᵢ'],
    ['$e^{i\\pi}$', 'e^(iπ)'], // no superscript π in Unicode: readable fallback
    ['$x_\\theta$', 'x_θ'],
    ['$\\mathcal{L}_{\\text{CE}}$', 'ℒ_(CE)'],
    ['$\\left( x \\right)$', '(x)'],
    ['$\\text{if } x \\leq y$', 'if x ≤ y'],
    ['$\\mathrm{softmax}(QK^\\top)$', 'softmax(QKᵀ)'],
    ['$\\hat{\\theta}$', 'θ̂'],
    ['$\\foo{bar}$', 'foobar'], // unknown command: its name
    ['\\(a\\le b\\)', 'a ≤ b'],
    ['$$E=mc^2$$', 'E=mc²'],
    ['$\\mathbf{x} \\in \\mathbb R^{n \\times d}$', 'x ∈ ℝ^(n×d)'],
  ])('%s → %s', (tex, text) => {
    expect(texToText(tex)).toBe(text);
  });

  it('leaves text that is not math untouched, prices included', () => {
    expect(texToText('costs $5 and $10 more')).toBe('costs $5 and $10 more');
    expect(texToText('a lone $5 in prose')).toBe('a lone $5 in prose');
    expect(texToText('plain \\emph{text} & <b>')).toBe('plain \\emph{text} & <b>');
    expect(texToText('\\$3 and $x$')).toBe('$3 and x');
    expect(texToText('We get $\\sim$10 keV')).toBe('We get ∼10 keV');
  });

  it('mathToText converts a bare math body; hostile input neither throws nor hangs', () => {
    expect(mathToText('\\ell_p')).toBe('ℓₚ');
    expect(mathToText('\\frac{a}{b}')).toBe('a/b');
    expect(mathToText('a}b{')).toBe('ab');
    expect(() => mathToText('{'.repeat(100_000) + '^'.repeat(100_000))).not.toThrow();
  });
});

describe('renderDigest: HTML part', () => {
  it('escapes titles, authors and abstracts from arXiv', () => {
    const evil = paper(1, {
      title: 'Fast <script>alert(1)</script> & "quoted" \'single\'',
      authors: ['<b>Mallory</b> & Co'],
      abstract: 'Abstract with <img src=x onerror=alert(1)> & more.',
    });
    const { html } = renderDigest(model({ papers: [evil] }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Mallory');
    expect(html).toContain('Fast &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;');
    expect(html).toContain('&lt;b&gt;Mallory&lt;/b&gt; &amp; Co');
    assertWellFormed(html);
  });

  it('makes every link absolute http(s), escapes it, and drops javascript: URLs', () => {
    const { html } = renderDigest(
      model({ papers: [paper(1, { url: '/papers/2611.01' }), paper(2, { url: 'javascript:alert(1)' })], forYou: [paper(3, { url: 'p/3' })] }),
    );
    const links = hrefs(html);
    expect(links.length).toBeGreaterThan(5);
    for (const href of links) expect(href).toMatch(/^https:\/\/papers\.example\.org\//);
    expect(links).toContain(`${SITE}/papers/2611.01`);
    expect(links).toContain(`${SITE}/p/3`);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://papers.example.org/unsubscribe?t=signed&amp;sig=xyz"');
    expect(() => renderDigest(model({ siteUrl: '/relative' }))).toThrow(/siteUrl/);
  });

  it('shows rank, linked title with Unicode math, shortened authors, excerpt and meta line', () => {
    const many = paper(1, { authors: ['A One', 'B Two', 'C Three', 'D Four', 'E Five', 'F Six', 'G Seven'], comments: 1 });
    const { html } = renderDigest(model({ papers: [many, paper(2)] }));
    expect(html).toMatch(/<td class="pb-rank"[^>]*>1<\/td>/);
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/papers\/2611\.01" class="pb-title"[^>]*>Paper 1 on ℓₚ robustness<\/a>/);
    expect(html).toContain('A One, B Two, C Three, D Four and 3 more');
    expect(html).toContain('We study attention with O(n log n) cost over ℝᵈ.');
    expect(html).toContain('costs $5 per run');
    expect(html).toContain('▲ 10 · 1 comment · cs.LG, stat.ML');
    expect(html).toContain('▲ 20 · 2 comments · cs.LG, stat.ML');
    expect(html).not.toMatch(/\$\\|\\mathbb|\\log/);
  });

  it('has lang, color-scheme metas, a hidden preheader with the first titles, no scripts or images', () => {
    const { html } = renderDigest(model());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en"/);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark">');
    const pre = /<div class="pb-pre" style="([^"]*)">([^<]*)<\/div>/.exec(html)!;
    expect(pre[1]).toContain('display: none');
    expect(pre[2]).toMatch(/^Paper 1 on ℓₚ robustness · Paper 2 on ℓₚ robustness · Paper 3/);
    expect(html).not.toMatch(/<script|<img|<link|javascript:|url\(/i);
    expect(html).toContain('max-width: 640px');
    expect(html).toContain('<!--[if mso]><table role="presentation" width="640"');
  });

  it('keeps dark-mode and mobile media queries (and only those) in style blocks, with !important', () => {
    const { html } = renderDigest(model());
    const css = styleBlocks(html);
    expect(css).toContain(':root { color-scheme: light dark; supported-color-schemes: light dark; }');
    const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
    expect(dark).toMatch(/\.pb-card \{\s*background-color: #181b21 !important;\s*color: #e5e7eb !important;/);
    expect(dark).toMatch(/\.pb-title,\s*\.pb-url \{\s*color: #8ab4f8 !important;/);
    expect(dark).toMatch(/\.pb-body,\s*\.pb-outer \{\s*background-color: #0f1115 !important;/);
    expect(css).toContain('@media only screen and (max-width: 660px)');
    // Everything outside media queries and :root was inlined, not left in the head.
    const outside = css.replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '').replace(/:root \{[^}]*\}/, '');
    expect(outside.trim()).toBe('');
  });

  it('inlines the CSS: table cells and links carry style attributes', () => {
    const { html } = renderDigest(model());
    expect(html).toMatch(/<td class="pb-entry" style="padding: 14px 0; vertical-align: top; border-bottom: 1px solid #e5e7eb; font-family: -apple-system/);
    expect(html).toMatch(/<td class="pb-card" style="[^"]*background-color: #ffffff;/);
    expect(html).toMatch(/<a href="[^"]*" class="pb-title" style="[^"]*color: #1d4ed8;/);
    for (const m of html.matchAll(/<(td|a|div|table|p|h2|body)\b[^>]*>/g)) {
      if (/class="pb-/.test(m[0])) expect(m[0]).toMatch(/ style="[^"]+"/);
    }
  });

  it('matches what juice produces when run over the whole rendered mail', () => {
    const { html } = renderDigest(model({ forYou: [paper(4)] }));
    const bare = html.replace(/ style="[^"]*"/g, '').replace(/<style>[\s\S]*?<\/style>\n?/g, '').replace('</head>', `<style>${DIGEST_CSS}</style></head>`);
    const juiced = juice(bare, JUICE_OPTIONS);
    const pairs = (h: string) => [...h.matchAll(/class="(pb-[\w-]+)" style="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(pairs(html).length).toBeGreaterThan(30);
    expect(pairs(html)).toEqual(pairs(juiced));
  });

  it('has a footer saying why, with browser, preferences and unsubscribe links', () => {
    const { html } = renderDigest(model());
    expect(html).toContain('You are receiving this because you subscribed to the Paperboy daily digest for cs.LG, cs.CL · &quot;diffusion&quot;.');
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/digest\/2026-11-26\?t=abc"[^>]*>View in browser<\/a>/);
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/subscriptions\/prefs\?t=signed&amp;sig=xyz"[^>]*>Change preferences<\/a>/);
    expect(html).toMatch(/<a href="https:\/\/papers\.example\.org\/unsubscribe\?t=signed&amp;sig=xyz"[^>]*>Unsubscribe<\/a>/);
    expect(renderDigest(model({ topicsLabel: null })).html).toContain('digest for all new papers.');
  });

  it('shows the For you section after the main list only when it has papers', () => {
    const without = renderDigest(model());
    expect(without.html).not.toContain('For you');
    expect(without.text).not.toContain('FOR YOU');
    const withIt = renderDigest(model({ forYou: [paper(9, { title: 'Personal pick' })] }));
    expect(withIt.html).toContain('Picked from what you upvoted, saved and follow.');
    expect(withIt.html.indexOf('For you')).toBeGreaterThan(withIt.html.indexOf('Paper 3 on'));
    expect(withIt.text.indexOf('FOR YOU')).toBeGreaterThan(withIt.text.indexOf('Paper 3 on'));
    expect(withIt.text).toContain('1. Personal pick');
    assertWellFormed(withIt.html);
  });
});

describe('renderDigest: subject and text part', () => {
  it('subject: frequency, period and paper count, singular for one', () => {
    expect(renderDigest(model()).subject).toBe('Paperboy daily · Thursday, 26 November 2026: 3 papers');
    expect(renderDigest(model({ papers: [paper(1)] })).subject).toBe('Paperboy daily · Thursday, 26 November 2026: 1 paper');
    const weekly = renderDigest(model({ frequency: 'weekly', periodLabel: 'Week 48, 23–29 November 2026' }));
    expect(weekly.subject).toBe('Paperboy weekly · Week 48, 23–29 November 2026: 3 papers');
    expect(weekly.html).toContain('Top papers this week');
    expect(renderDigest(model({ periodLabel: 'a\r\nBcc: x' })).subject).not.toMatch(/[\r\n]/);
  });

  it('text part: titles, authors, URLs on their own lines, wrapped excerpt, footer URLs in full', () => {
    const { text } = renderDigest(model({ papers: [paper(1, { title: 'A <b>bold</b> & $x^2$ title' }), paper(2)] }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Paperboy daily digest — Thursday, 26 November 2026');
    expect(text).toContain('1. A <b>bold</b> & x² title\n   Ada Lovelace, Alan Turing\n   https://papers.example.org/papers/2611.01\n');
    expect(lines).toContain('   https://papers.example.org/papers/2611.02');
    expect(text).toContain('▲ 20 · 2 comments · cs.LG, stat.ML');
    expect(text).toContain('We study attention with O(n log n) cost over ℝᵈ.');
    for (const line of lines) if (!/https?:\/\//.test(line)) expect([...line].length).toBeLessThanOrEqual(72);
    expect(lines.filter((l) => l.startsWith('   ') && l.includes('attention')).length).toBe(2); // excerpt wrapped, indented
    expect(lines).toContain('Change preferences: https://papers.example.org/subscriptions/prefs?t=signed&sig=xyz');
    expect(lines).toContain('Unsubscribe: https://papers.example.org/unsubscribe?t=signed&sig=xyz');
    expect(lines).toContain('View in your browser: https://papers.example.org/digest/2026-11-26?t=abc');
    expect(text).toMatch(/subscribed to the Paperboy daily\s+digest for cs\.LG, cs\.CL · "diffusion"\./);
    expect(text).not.toContain('&amp;');
  });

  it('wrap keeps long words (URLs) whole and honours the indent', () => {
    expect(wrap('aaa bbb ccc ddd', 7)).toEqual(['aaa bbb', 'ccc ddd']);
    expect(wrap('see https://example.org/a/very/long/path/that/exceeds/the/width ok', 20, '  ')).toEqual([
      '  see',
      '  https://example.org/a/very/long/path/that/exceeds/the/width',
      '  ok',
    ]);
  });
});

describe('excerpts and authors', () => {
  it('cuts at a word boundary within DIGEST_EXCERPT_CHARS and adds an ellipsis', () => {
    const long = 'word '.repeat(100);
    const cut = excerpt(long);
    expect([...cut].length).toBeLessThanOrEqual(DIGEST_EXCERPT_CHARS);
    expect(cut).toMatch(/ word…$/);
    expect(excerpt('Short abstract.')).toBe('Short abstract.');
    expect(excerpt('alpha beta, gamma delta', 13)).toBe('alpha beta…'); // no dangling comma
    expect(excerpt('x'.repeat(400))).toBe(`${'x'.repeat(DIGEST_EXCERPT_CHARS - 1)}…`);
    expect([...excerpt('𝔸 '.repeat(300))].length).toBeLessThanOrEqual(DIGEST_EXCERPT_CHARS); // counts code points
  });

  it('cuts after converting math, so no formula is split and the limit counts what the reader sees', () => {
    const abstract = `${'$\\mathbb{R}^d$ '.repeat(120)}end`;
    const cut = renderDigest(model({ papers: [paper(1, { abstract })] })).text;
    expect(cut).toContain('ℝᵈ ℝᵈ');
    expect(cut).not.toContain('$');
    expect(cut).toContain('ℝᵈ…');
  });

  it('shortens authors to four and "N more"', () => {
    expect(shortAuthors(['A', 'B', 'C', 'D'])).toBe('A, B, C, D');
    expect(shortAuthors(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C, D and 1 more');
    expect(shortAuthors(['A', 'B', 'C', 'D', 'E', 'F', 'G'])).toBe('A, B, C, D and 3 more');
    expect(shortAuthors([])).toBe('');
  });
});

describe('renderConfirmation', () => {
  const confirm = () =>
    renderConfirmation({ siteName: 'Paperboy', confirmUrl: `${SITE}/subscribe/confirm?t=tok&sig=s`, frequency: 'weekly', topicsLabel: 'cs.LG & "<x>"' });

  it('has the confirm link as a button and as text, says nothing is sent before, and that ignoring is fine', () => {
    const { subject, html, text } = confirm();
    expect(subject).toBe('Confirm your Paperboy weekly digest');
    expect(html).toMatch(/<td class="pb-btn-cell"[^>]*><a href="https:\/\/papers\.example\.org\/subscribe\/confirm\?t=tok&amp;sig=s" class="pb-btn"[^>]*>Confirm subscription<\/a>/);
    expect(html).toMatch(/class="pb-url"[^>]*>https:\/\/papers\.example\.org\/subscribe\/confirm\?t=tok&amp;sig=s<\/a>/);
    expect(html).toContain('Nothing will be sent until you confirm.');
    expect(html).toContain('cs.LG &amp; &quot;&lt;x&gt;&quot;');
    expect(html).toMatch(/ignore this mail/);
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    assertWellFormed(html);
    expect(text).toContain('\nhttps://papers.example.org/subscribe/confirm?t=tok&sig=s\n');
    expect(text).toMatch(/Nothing will be sent\s+until you confirm\./);
    expect(text).toMatch(/ignore this\s+mail/);
    for (const line of text.split('\n')) if (!line.startsWith('http')) expect([...line].length).toBeLessThanOrEqual(72);
  });

  it('refuses a confirm URL that is not absolute http(s)', () => {
    expect(() => renderConfirmation({ siteName: 'P', confirmUrl: 'javascript:alert(1)', frequency: 'daily', topicsLabel: null })).toThrow(/confirmUrl/);
  });
});
