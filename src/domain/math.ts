/**
 * LaTeX math in titles and abstracts: splitting text from math, rendering math to HTML with KaTeX on the server,
 * and cutting excerpts without splitting a math span. Everything outside math is HTML-escaped, so the output of
 * `renderMath` is safe to insert as HTML whatever the input holds.
 *
 * Delimiters: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]` display; `\$` is a literal dollar. Dollars pair up as in
 * MathJax (arXiv abstracts write `$ x $` with spaces and `$\sim$10 keV`, so pandoc's stricter rules misread them),
 * except for what can only be prices: a span that starts with a digit and ends with a space ("costs $5 and $10 more")
 * stays text. A delimiter that is never closed is text. Inside math `%` means percent (an abstract has no comments).
 */
import katex from 'katex';

/** HTML produced by this module: text escaped, math rendered by KaTeX. The only HTML views may insert unescaped. */
export type MathHtml = string & { readonly __brand: 'MathHtml' };

export type MathSegment =
  | { kind: 'text'; text: string; start: number; end: number }
  | { kind: 'math'; tex: string; display: boolean; start: number; end: number };

/** `start`/`end` are offsets in the source; `text` has `\$` already turned into `$`. */

const OPENERS: ReadonlyArray<{ open: string; close: string; display: boolean }> = [
  { open: '$$', close: '$$', display: true },
  { open: '\\[', close: '\\]', display: true },
  { open: '\\(', close: '\\)', display: false },
  { open: '$', close: '$', display: false },
];

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Finds the end delimiter of a math span whose body starts at `from`; skips backslash escapes. -1 when unclosed.
 * `exhausted` remembers, per closer, the earliest start from which a search ran off the end of the text: a later
 * search from further on cannot succeed either, so text full of unclosed `\[` stays linear instead of quadratic.
 */
function findClose(src: string, from: number, close: string, exhausted: Map<string, number>): number {
  if (from >= (exhausted.get(close) ?? Infinity)) return -1;
  const found = scanClose(src, from, close);
  if (found === NOT_FOUND_AT_END) {
    exhausted.set(close, Math.min(from, exhausted.get(close) ?? Infinity));
    return -1;
  }
  return found;
}

const NOT_FOUND_AT_END = -2;

function scanClose(src: string, from: number, close: string): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (close === '$') {
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '$') {
        if (src[i + 1] === '$') return -1; // `$a$$` is not a sensible inline span
        return i;
      }
      continue;
    }
    if (src.startsWith(close, i)) return i;
    if (c === '\\') i++; // `\\]` inside `\[…\]` is a line break followed by `]`, not the closer
  }
  return NOT_FOUND_AT_END;
}

/** Splits LaTeX source into text and math segments. Adjacent text is merged into one segment. */
export function splitMath(src: string): MathSegment[] {
  const out: MathSegment[] = [];
  let text = '';
  let textStart = 0;
  const flushText = (end: number) => {
    if (text !== '') out.push({ kind: 'text', text, start: textStart, end });
    text = '';
  };
  const exhausted = new Map<string, number>();
  let i = 0;
  while (i < src.length) {
    // Plain text up to the next `$` or backslash (every opener starts with one) is taken in one slice: most of an
    // abstract is prose, and a character at a time made this the costliest part of rendering a feed page.
    const code = src.charCodeAt(i);
    if (code !== 36 && code !== 92) {
      let j = i + 1;
      while (j < src.length) {
        const d = src.charCodeAt(j);
        if (d === 36 || d === 92) break;
        j++;
      }
      if (text === '') textStart = i;
      text += src.slice(i, j);
      i = j;
      continue;
    }
    if (src.startsWith('\\$', i)) {
      if (text === '') textStart = i;
      text += '$';
      i += 2;
      continue;
    }
    let matched = false;
    for (const d of OPENERS) {
      if (!src.startsWith(d.open, i)) continue;
      const bodyStart = i + d.open.length;
      const close = findClose(src, bodyStart, d.close, exhausted);
      if (close < 0 || src.slice(bodyStart, close).trim() === '') break;
      if (d.open === '$' && isDigit(src[bodyStart]) && /\s/.test(src[close - 1] ?? '')) break; // "$5 and $10": prices
      flushText(i);
      out.push({ kind: 'math', tex: src.slice(bodyStart, close), display: d.display, start: i, end: close + d.close.length });
      i = close + d.close.length;
      matched = true;
      break;
    }
    if (matched) continue;
    if (text === '') textStart = i;
    // An unmatched opener is text; take all of it so `$$` is not re-read as two `$`.
    const opener = OPENERS.find((d) => src.startsWith(d.open, i));
    const take = opener ? opener.open.length : 1;
    text += src.slice(i, i + take);
    i += take;
  }
  flushText(src.length);
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** KaTeX settings: never throw on bad input, no `\href`/`\url`/`\html…` (trust off), bounded macro expansion. */
const KATEX_OPTIONS = {
  throwOnError: false,
  output: 'htmlAndMathml',
  trust: false,
  strict: 'ignore',
  maxExpand: 1000,
  maxSize: 20,
} as const;

/** Renders one TeX expression; if KaTeX fails outright, the source is shown as escaped text. */
export function renderTex(tex: string, display: boolean): string {
  try {
    // `67%` in an abstract's math is a percentage; to TeX `%` would start a comment and swallow the rest.
    const source = tex.replace(/(^|[^\\])%/g, '$1\\%');
    return katex.renderToString(source, { ...KATEX_OPTIONS, displayMode: display });
  } catch {
    return `<code class="math-error">${escapeHtml(tex)}</code>`;
  }
}

/** http(s) URLs in running text; trailing sentence punctuation is not part of them. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`{}|\\^]+/g;

/** Drops sentence punctuation from the end of a URL (a loop: the regex `[.,;:!?)\]]+$` is quadratic on long runs). */
function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && '.,;:!?)]'.includes(url[end - 1]!)) end--;
  return url.slice(0, end);
}

/** Escapes text, turning http(s) URLs into links (escaped in both the attribute and the text). */
function linkifyText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = trimTrailingPunctuation(m[0]);
    const at = m.index;
    out += escapeHtml(text.slice(last, at));
    out += `<a href="${escapeHtml(url)}" rel="nofollow noopener">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

/**
 * Renders LaTeX source (text with math spans) to safe HTML: text escaped, math rendered by KaTeX. With `linkify`,
 * http(s) URLs in the text become links (abstracts often end with "Code is available at https://…").
 */
export function renderMath(src: string, opts: { linkify?: boolean } = {}): MathHtml {
  const text = opts.linkify ? linkifyText : escapeHtml;
  return splitMath(src)
    .map((s) => (s.kind === 'text' ? text(s.text) : renderTex(s.tex, s.display)))
    .join('') as MathHtml;
}

/** True when the source has at least one math span (pages then need KaTeX's stylesheet). */
export function hasMath(src: string): boolean {
  return splitMath(src).some((s) => s.kind === 'math');
}

/**
 * Cuts LaTeX source to about `maxChars` characters at a word boundary, never inside a math span (a span that would be
 * split is dropped whole), and appends `…` when anything was cut. Works on the source, before rendering.
 */
export function truncateLatex(src: string, maxChars: number): string {
  const s = src.trim();
  if (s.length <= maxChars) return s;
  let cut = maxChars;
  const spans = splitMath(s).filter((x) => x.kind === 'math' && x.start < maxChars);
  // A math span straddling the limit is dropped: cut where it starts.
  const straddling = spans.find((m) => m.start < cut && m.end > cut);
  if (straddling) cut = straddling.start;
  // Back off to the last whitespace at or before the cut that is outside math.
  const inMath = (pos: number) => spans.some((m) => m.start < pos && pos < m.end);
  let at = cut;
  while (at > 0 && !(/\s/.test(s[at] ?? '') && !inMath(at))) at--;
  if (at === 0) at = cut; // one very long word: cut inside it rather than return nothing
  let head = s.slice(0, at).trimEnd();
  // An excerpt ending in a lone backslash would escape the ellipsis; trailing punctuation reads badly before it.
  head = head.replace(/\\+$/, '').replace(/[\s,;:([{-]+$/, '');
  return `${head}…`;
}
