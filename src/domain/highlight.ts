/**
 * Search highlights: text where the index marked matched words (between MARK_START and MARK_END, see
 * search/text-index.ts) turned into safe HTML. Text is escaped, matches are wrapped in `<mark>`, math spans are
 * rendered by KaTeX (a marker inside a math span is dropped: TeX source cannot carry `<mark>`). Pure: no I/O.
 *
 * `alignSnippet` fixes the one thing the index cannot know: its snippets are cut by word count, so they may start or
 * end in the middle of a `$…$` span, and a dangling `$` would then pair with the wrong partner. The snippet is found
 * in the source text again and its ends moved out of any math span it cuts.
 */
import { escapeHtml, type MathHtml, renderTex, splitMath } from './math.js';

/** The index's highlight markers (text-index.ts): control characters that stored text never contains. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
/** What the index puts where it cut a snippet (text-index.ts passes it to FTS5 `snippet()`). */
export const SNIPPET_ELLIPSIS = '…';

interface Mark {
  /** Offset in the unmarked text. */
  pos: number;
  open: boolean;
}

/** Separates marked text into the plain text and the marker positions. */
export function unmark(marked: string): { plain: string; marks: Mark[] } {
  const marks: Mark[] = [];
  let plain = '';
  for (const part of marked.split(/([\u0002\u0003])/)) {
    if (part === MARK_START || part === MARK_END) marks.push({ pos: plain.length, open: part === MARK_START });
    else plain += part;
  }
  return { plain, marks };
}

/** Puts markers back into plain text. Marks must be sorted by position. */
function remark(plain: string, marks: readonly Mark[]): string {
  let out = '';
  let at = 0;
  for (const m of marks) {
    out += plain.slice(at, m.pos) + (m.open ? MARK_START : MARK_END);
    at = m.pos;
  }
  return out + plain.slice(at);
}

/** Escapes a piece of text outside math (`\$` is a literal dollar there, as in renderMath). */
const textHtml = (s: string) => escapeHtml(s.replace(/\\\$/g, '$'));

/**
 * Renders marked LaTeX source to safe HTML: text escaped, matches in `<mark>`, math typeset by KaTeX with any markers
 * inside it dropped. Unbalanced markers are tolerated (an unclosed match ends where its text segment ends; a stray end
 * marker is ignored); `<mark>` elements never nest or straddle a math span. The result carries the same guarantee as
 * `renderMath` (everything outside KaTeX's output is escaped), hence the `MathHtml` type.
 */
export function highlight(marked: string): MathHtml {
  const { plain, marks } = unmark(marked);
  let out = '';
  let open = false; // inside a match, logically
  let mi = 0;
  for (const seg of splitMath(plain)) {
    if (seg.kind === 'math') {
      // Markers inside math only move the logical state; nothing is emitted for them.
      while (mi < marks.length && marks[mi]!.pos < seg.end) open = marks[mi++]!.open;
      out += renderTex(seg.tex, seg.display);
      continue;
    }
    let emitted = false; // a <mark> is open in the output
    let at = seg.start;
    const emit = (end: number) => {
      if (end <= at) return;
      if (open !== emitted) {
        out += open ? '<mark>' : '</mark>';
        emitted = open;
      }
      out += textHtml(plain.slice(at, end));
      at = end;
    };
    // A start marker at the segment's end belongs to the next segment; an end marker there closes this one.
    while (mi < marks.length && (marks[mi]!.pos < seg.end || (marks[mi]!.pos === seg.end && !marks[mi]!.open))) {
      const m = marks[mi++]!;
      emit(m.pos);
      open = m.open;
    }
    emit(seg.end);
    if (emitted) out += '</mark>';
  }
  return out as MathHtml;
}

/**
 * Re-cuts an index snippet from `source` (the full text it was taken from) so it starts and ends outside math spans:
 * a math span the snippet cuts is dropped whole, as `truncateLatex` does for excerpts. Ellipses mark the cut ends.
 * Returns marked text for `highlight`. When the snippet cannot be found in the source (the index is older than the
 * paper), it is returned unchanged; `highlight` still renders it safely.
 */
export function alignSnippet(snippetMarked: string, source: string): string {
  const { plain, marks } = unmark(snippetMarked);
  const lead = plain.startsWith(SNIPPET_ELLIPSIS) ? SNIPPET_ELLIPSIS.length : 0;
  const trail = plain.length > lead && plain.endsWith(SNIPPET_ELLIPSIS) ? SNIPPET_ELLIPSIS.length : 0;
  let body = plain.slice(lead, plain.length - trail);
  let shift = lead; // plain offset of body[0]
  let at = body === '' ? -1 : source.indexOf(body);
  if (at < 0 && (lead || trail) && plain !== '') {
    // The source itself may hold the ellipsis character.
    body = plain;
    shift = 0;
    at = source.indexOf(body);
  }
  if (at < 0) return snippetMarked;

  let start = at;
  let end = at + body.length;
  for (const s of splitMath(source)) {
    if (s.kind !== 'math' || s.end <= start || s.start >= end) continue;
    if (s.start < start) start = s.end; // the snippet starts inside this span: begin after it
    if (s.end > end) end = s.start; // it ends inside this span: stop before it
  }
  // Whitespace at the cut ends reads badly next to an ellipsis.
  while (start < end && /\s/.test(source[start]!)) start++;
  while (end > start && /\s/.test(source[end - 1]!)) end--;
  if (end <= start) return snippetMarked;

  const inRange = marks
    .map((m) => ({ pos: m.pos - shift + at, open: m.open }))
    .filter((m) => (m.open ? m.pos >= start && m.pos < end : m.pos > start && m.pos <= end))
    .map((m) => ({ pos: m.pos - start, open: m.open }));
  const text = remark(source.slice(start, end), inRange);
  return `${start > 0 ? SNIPPET_ELLIPSIS : ''}${text}${end < source.length ? SNIPPET_ELLIPSIS : ''}`;
}
