/**
 * User comments: Markdown to HTML that pages insert unescaped. Two layers, each safe on its own:
 * 1. markdown-it with `html: false` (raw HTML shows as text), no images (no tracking pixels), headings shown as bold
 *    paragraphs, links only to http(s)/mailto with rel="nofollow ugc noopener", and `$…$` / `$$…$$` math rendered by
 *    KaTeX (trust off) through `renderTex` from domain/math.
 * 2. sanitize-html with an explicit allowlist: the tags above plus what KaTeX emits (spans, MathML, SVG); style only on
 *    KaTeX's spans/SVG with known properties and plain length/colour values; classes only those KaTeX's stylesheet
 *    uses, so a comment can never borrow the site's classes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import MarkdownIt, { type Env, type StateBlock, type StateInline } from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { renderTex } from '../../domain/math.js';

/** Longest comment source the routes accept (CommentService); this module renders anything but is tested up to it. */
export { COMMENT_MAX_CHARS } from '../../services/comment.service.js';

const REL = 'nofollow ugc noopener';
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Pandoc's rule for `$…$`: no space just inside either dollar, and no digit right after the closing one. */
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Earliest start, per state/delimiter/posMax, from which a closer search ran off the end: a later opener cannot find
 * one either (a closer's validity depends only on its neighbours), so a comment full of lone `$` stays linear.
 */
const exhausted = new WeakMap<StateInline, Map<string, number>>();

function findCloser(state: StateInline, from: number, display: boolean): number {
  const { src, posMax } = state;
  const key = `${display}:${posMax}`;
  const memo = exhausted.get(state) ?? new Map<string, number>();
  exhausted.set(state, memo);
  if (from >= (memo.get(key) ?? Infinity)) return -1;
  for (let i = from; i < posMax; i++) {
    if (src[i] !== '$' || src[i - 1] === '\\') continue;
    if (display ? src[i + 1] === '$' && i + 1 < posMax : !isSpace(src[i - 1]) && !isDigit(src[i + 1])) return i;
  }
  memo.set(key, Math.min(from, memo.get(key) ?? Infinity));
  return -1;
}

/** Inline rule: `$tex$` (inline) and `$$tex$$` inside a paragraph (display). Code spans are parsed by their own rule. */
function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src[pos] !== '$') return false;
  const display = src[pos + 1] === '$';
  const from = pos + (display ? 2 : 1);
  if (!display && (isSpace(src[from]) || from >= state.posMax)) return false;
  const close = findCloser(state, display ? from : from + 1, display);
  if (close < 0 || src.slice(from, close).trim() === '') return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = src.slice(from, close);
    token.markup = display ? '$$' : '$';
  }
  state.pos = close + (display ? 2 : 1);
  return true;
}

/**
 * Block rule: `$$` opening a line, up to the first `$$` (same line or a later one), which must end its line. Anything
 * else — text after the closer, a blank line or the end of a list item before it — is not a block: the inline rule
 * then sees the `$$` (so `$$a$$ and $$b$$` is two inline display spans, and a stray `$$` cannot swallow paragraphs).
 */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  if (state.sCount[startLine]! - state.blkIndent >= 4 || !state.src.startsWith('$$', start)) return false;
  const lines: string[] = [];
  let line = state.src.slice(start + 2, state.eMarks[startLine]).trimEnd();
  let last = startLine;
  while (!line.includes('$$')) {
    lines.push(line);
    if (++last >= endLine) return false;
    const s = state.bMarks[last]! + state.tShift[last]!;
    if (s >= state.eMarks[last]! || state.sCount[last]! < state.blkIndent) return false; // blank, or out of the item
    line = state.src.slice(s, state.eMarks[last]).trimEnd();
  }
  if (line.indexOf('$$') !== line.length - 2) return false;
  lines.push(line.slice(0, -2));
  const content = lines.join('\n');
  if (content.trim() === '') return false;
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = content;
  token.map = [startLine, last + 1];
  state.line = last + 1;
  return true;
}

/** Renders TeX and notes in the render env whether KaTeX produced anything (a failure falls back to plain code). */
function tex(content: string, display: boolean, env: Env | undefined): string {
  const html = renderTex(content, display);
  if (env && html.includes('class="katex')) env.math = true;
  return html;
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable('image');
md.validateLink = (url) => SAFE_URL.test(url.trim());
md.inline.ruler.after('escape', 'math_inline', mathInline);
md.block.ruler.after('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
md.renderer.rules.math_inline = (tokens, idx, _o, env) => tex(tokens[idx]!.content, tokens[idx]!.markup === '$$', env);
md.renderer.rules.math_block = (tokens, idx, _o, env) => `${tex(tokens[idx]!.content, true, env)}\n`;
md.renderer.rules.heading_open = () => '<p><strong>';
md.renderer.rules.heading_close = () => '</strong></p>\n';
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('rel', REL);
  return self.renderToken(tokens, idx, options);
};

/** Class names KaTeX's own stylesheet styles: the only classes a comment may carry. */
const KATEX_CLASSES = (() => {
  const cssPath = createRequire(import.meta.url).resolve('katex/dist/katex.css');
  const css = readFileSync(cssPath, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/url\([^)]*\)/g, '');
  return [...new Set(css.match(/\.[a-z][\w-]*/gi) ?? [])].map((c) => c.slice(1));
})();

const LEN = String.raw`-?(\d+\.?\d*|\.\d+)(em|ex|px|pt|%)?`;
const length = new RegExp(`^${LEN}$`);
const lengths = new RegExp(`^${LEN}( ${LEN}){0,3}$`);
const colour = /^(#[0-9a-f]{3,8}|[a-z]+)$/i;
const KATEX_STYLES: Record<string, RegExp[]> = {
  ...Object.fromEntries(
    ['height', 'min-width', 'top', 'bottom', 'left', 'vertical-align', 'padding-left', 'margin-left',
      'margin-right', 'margin-top', 'border-width', 'border-top-width', 'border-bottom-width', 'border-right-width',
    ].map((p) => [p, [length]]),
  ),
  width: [length, new RegExp(`^calc\\(100% - ${LEN}\\)$`)],
  margin: [lengths],
  'text-shadow': [lengths],
  position: [/^relative$/],
  'border-style': [/^(solid|dashed)$/],
  'border-right-style': [/^(solid|dashed)$/],
  color: [colour],
  'background-color': [colour],
  'border-color': [colour],
};

const MATHML_TAGS = ['math', 'semantics', 'annotation', 'mrow', 'mi', 'mo', 'mn', 'ms', 'mtext', 'mspace', 'msup',
  'msub', 'msubsup', 'mfrac', 'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd',
  'mlabeledtr', 'mpadded', 'mphantom', 'mstyle', 'menclose'];
const MATHML_ATTRS = ['mathvariant', 'stretchy', 'fence', 'separator', 'minsize', 'maxsize', 'lspace', 'rspace',
  'largeop', 'accent', 'accentunder', 'linethickness', 'scriptlevel', 'displaystyle', 'mathcolor', 'mathbackground',
  'mathsize', 'width', 'height', 'depth', 'voffset', 'notation', 'rowspacing', 'columnspacing', 'columnalign',
  'columnlines', 'rowlines'];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr', 's', 'del',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'svg', 'path', 'line', ...MATHML_TAGS],
  allowedAttributes: {
    a: ['href', 'rel', 'title'],
    ol: ['start'],
    span: ['class', 'style', 'aria-hidden', 'title'],
    svg: ['xmlns', 'width', 'height', 'viewbox', 'preserveaspectratio', 'style'],
    path: ['d'],
    line: ['x1', 'y1', 'x2', 'y2', 'stroke-width'],
    math: ['xmlns', 'display'],
    annotation: ['encoding'],
    ...Object.fromEntries(MATHML_TAGS.filter((t) => t !== 'math' && t !== 'annotation').map((t) => [t, MATHML_ATTRS])),
  },
  allowedClasses: { span: KATEX_CLASSES },
  allowedStyles: { span: KATEX_STYLES, svg: KATEX_STYLES },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  transformTags: {
    // Second guard for links: whatever produced the <a>, it gets our rel, and a href only if it is http(s)/mailto.
    a: (tagName, attribs) => {
      const { href, title } = attribs;
      return { tagName, attribs: { ...(href && SAFE_URL.test(href) ? { href } : {}), ...(title ? { title } : {}), rel: REL } };
    },
  },
};

/**
 * Renders a comment's Markdown to HTML safe to insert as is. `math` is true when KaTeX produced output: the page then
 * needs KaTeX's stylesheet and a CSP that allows style attributes.
 */
export function renderCommentMarkdown(source: string): { html: string; math: boolean } {
  const env: Env = {};
  const html = sanitizeHtml(md.render(source, env), SANITIZE);
  return { html, math: env.math === true };
}
