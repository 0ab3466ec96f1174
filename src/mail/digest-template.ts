/**
 * Digest and confirmation mails: data in, `{ subject, html, text }` out. No database, no sending.
 *
 * Design choices:
 * - Tables for layout, one 640px column: Outlook for Windows renders mail with Word's engine (no flexbox, grid or
 *   reliable max-width; an `[if mso]` ghost table gives it the fixed width), and Gmail drops much of `<head>`. Nested
 *   `role="presentation"` tables are the layout every client agrees on.
 * - CSS inlined with juice, but once, when this module loads: the stylesheet uses only single-class selectors, so the
 *   inline style of each class is fixed, and juice computes it from a specimen document with one element per class.
 *   Rendering is then string concatenation (juice on every digest costs milliseconds, and the issue's benchmark sends
 *   100,000 of them). `<style>` keeps only what juice preserves, the dark-mode and mobile media queries (each in its own
 *   block), plus the `:root` color-scheme rule Apple Mail reads, added back by hand because juice would inline it onto
 *   `<html>`. A test checks that juice run over a whole rendered mail gives the same inline styles.
 * - Math as Unicode text (`$x^2$` → `x²`, see tex-to-text.ts): no mail client runs KaTeX, Gmail strips MathML, and
 *   images of formulas would be external images. Unicode survives every client, the plain-text part and copy-paste.
 * - Every content string (titles, authors, abstracts come from arXiv) is escaped; every URL is made absolute against
 *   `siteUrl`, limited to http(s), and escaped in the attribute.
 */
import juice from 'juice';
import { escapeHtml as esc } from '../domain/math.js';
import { texToText } from './tex-to-text.js';

/** One paper in a digest. `url` is the paper's page (absolute, or relative to `siteUrl`). */
export interface DigestPaper {
  id: string;
  /** Title and abstract as stored (arXiv text with TeX math); authors in order. */
  title: string;
  authors: string[];
  abstract: string;
  url: string;
  upvotes: number;
  comments: number;
  categories: string[];
}

/** Everything a digest mail shows. Papers arrive ranked; the template only lays them out. */
export interface DigestModel {
  siteName: string;
  /** Absolute, e.g. `https://papers.example.org`; relative paper URLs resolve against it. */
  siteUrl: string;
  frequency: 'daily' | 'weekly';
  /** `Thursday, 26 November 2026` or `Week 48, 23–29 November 2026`. */
  periodLabel: string;
  /** `cs.LG, cs.CL · "diffusion"`, or null when the subscription covers all papers. */
  topicsLabel: string | null;
  /** Main section, already ranked. */
  papers: DigestPaper[];
  /** Personalised section; omitted when empty. */
  forYou: DigestPaper[];
  /** This digest in the browser; the preferences page and the unsubscribe page (signed links). */
  webUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

/** A rendered mail: the subject line and the two MIME parts. */
export type RenderedMail = { subject: string; html: string; text: string };

/** Longest abstract excerpt, in characters (code points) of the converted text, the ellipsis included. */
export const DIGEST_EXCERPT_CHARS = 280;
/** Authors listed before "and N more". */
const MAX_AUTHORS = 4;
/** Width of the plain-text part. */
const TEXT_WIDTH = 72;

const FONT = `-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif`;

/**
 * The source stylesheet. Only single-class selectors (inlined at load, see the header); media queries stay in the
 * `<style>` block and need `!important` to beat the inline styles. Exported for tests and previews.
 */
export const DIGEST_CSS = `
.pb-body { margin: 0; padding: 0; background-color: #f3f4f6; -webkit-text-size-adjust: 100%; }
.pb-outer { background-color: #f3f4f6; border-collapse: collapse; }
.pb-wrap { max-width: 640px; border-collapse: collapse; }
.pb-pre { display: none; max-height: 0; overflow: hidden; mso-hide: all; font-size: 1px; line-height: 1px; color: #f3f4f6; opacity: 0; }
.pb-head { padding: 24px 24px 12px; font-family: ${FONT}; color: #111827; }
.pb-brand { font-size: 20px; font-weight: 700; color: #111827; text-decoration: none; }
.pb-period { font-size: 14px; color: #4b5563; padding-top: 4px; }
.pb-card { padding: 8px 24px 16px; background-color: #ffffff; border-radius: 8px; font-family: ${FONT}; color: #111827; }
.pb-h2 { margin: 16px 0 4px; font-size: 13px; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; color: #4b5563; }
.pb-note { margin: 0 0 8px; font-size: 13px; color: #6b7280; }
.pb-item { border-collapse: collapse; }
.pb-rank { width: 28px; padding: 14px 0; vertical-align: top; font-size: 15px; font-weight: 700; color: #9ca3af; font-family: ${FONT}; }
.pb-entry { padding: 14px 0; vertical-align: top; border-bottom: 1px solid #e5e7eb; font-family: ${FONT}; }
.pb-title { font-size: 17px; line-height: 1.35; font-weight: 600; color: #1d4ed8; text-decoration: none; }
.pb-authors { padding-top: 4px; font-size: 13px; color: #4b5563; }
.pb-excerpt { padding-top: 6px; font-size: 14px; line-height: 1.5; color: #1f2937; }
.pb-meta { padding-top: 6px; font-size: 12px; color: #6b7280; }
.pb-p { margin: 12px 0; font-size: 15px; line-height: 1.5; color: #111827; }
.pb-btn-cell { padding: 12px 20px; border-radius: 6px; background-color: #1d4ed8; }
.pb-btn { font-size: 16px; font-weight: 600; color: #ffffff; text-decoration: none; font-family: ${FONT}; }
.pb-url { font-size: 13px; color: #1d4ed8; word-break: break-all; }
.pb-foot { padding: 16px 24px 32px; font-family: ${FONT}; font-size: 12px; line-height: 1.5; color: #4b5563; }
.pb-foot-a { color: #374151; text-decoration: underline; }
@media (prefers-color-scheme: dark) {
  .pb-body, .pb-outer { background-color: #0f1115 !important; }
  .pb-pre { color: #0f1115 !important; }
  .pb-head, .pb-brand, .pb-p { color: #e5e7eb !important; }
  .pb-card { background-color: #181b21 !important; color: #e5e7eb !important; }
  .pb-period, .pb-h2, .pb-authors { color: #b0b7c3 !important; }
  .pb-excerpt { color: #d1d5db !important; }
  .pb-note, .pb-meta, .pb-rank, .pb-foot { color: #9ca3af !important; }
  .pb-title, .pb-url { color: #8ab4f8 !important; }
  .pb-entry { border-bottom-color: #2d3139 !important; }
  .pb-btn-cell { background-color: #8ab4f8 !important; }
  .pb-btn { color: #0f1115 !important; }
  .pb-foot-a { color: #b0b7c3 !important; }
}
@media only screen and (max-width: 660px) {
  .pb-head, .pb-foot { padding-left: 16px !important; padding-right: 16px !important; }
  .pb-card { padding-left: 16px !important; padding-right: 16px !important; border-radius: 0 !important; }
  .pb-title { font-size: 16px !important; }
}
`;

/** Options for juice; the same in tests that check the precomputed styles. */
export const JUICE_OPTIONS = {
  preserveMediaQueries: true,
  removeStyleTags: true,
  applyWidthAttributes: false,
  applyAttributesTableElements: false,
} as const;

type Cls = `pb-${string}`;

/** Inline style per class and the preserved `<style>` blocks, computed by juice from a specimen document. */
const { inline, styleBlock } = (() => {
  const classes = [...new Set(DIGEST_CSS.match(/\.pb-[\w-]+/g)!.map((s) => s.slice(1)))];
  const specimen = `<html><head><style>${DIGEST_CSS}</style></head><body>${classes.map((c) => `<div class="${c}"></div>`).join('')}</body></html>`;
  const out = juice(specimen, JUICE_OPTIONS);
  const inline = new Map<string, string>();
  for (const m of out.matchAll(/<div class="(pb-[\w-]+)" style="([^"]*)">/g)) inline.set(m[1]!, m[2]!);
  const preserved = /<style>([\s\S]*?)<\/style>/.exec(out)?.[1] ?? '';
  // One <style> per rule: a client that rejects one (Gmail drops whole blocks it cannot parse) keeps the others.
  const blocks = [':root { color-scheme: light dark; supported-color-schemes: light dark; }', ...preserved.split(/(?=@media)/).map((b) => b.trim())];
  return { inline, styleBlock: blocks.filter((b) => b !== '').map((b) => `<style>\n${b}\n</style>`).join('\n') };
})();

/** `class="…" style="…"` for one class of DIGEST_CSS. */
function c(cls: Cls): string {
  const style = inline.get(cls);
  if (style === undefined) throw new Error(`digest-template: no CSS for .${cls}`);
  return `class="${cls}" style="${style}"`;
}

const TABLE = `role="presentation" cellpadding="0" cellspacing="0" border="0"`;

/** Parses an absolute http(s) URL (site and confirmation links); anything else is a programming error. */
function httpUrl(url: string, what: string): string {
  const u = URL.canParse(url) ? new URL(url) : null;
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) throw new Error(`digest-template: ${what} must be an absolute http(s) URL`);
  return u.href;
}

/** An absolute http(s) URL: relative ones resolve against `base` (itself absolute); anything else (`javascript:`…) becomes `base`. */
function absolute(url: string, base: string): string {
  try {
    const u = new URL(url, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : base;
  } catch {
    return base;
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Cuts plain text at a word boundary so that it, with `…`, fits in `max` code points. */
export function excerpt(text: string, max = DIGEST_EXCERPT_CHARS): string {
  const chars = Array.from(oneLine(text));
  if (chars.length <= max) return chars.join('');
  const head = chars.slice(0, max); // one more than fits: a space right after the limit is a clean cut
  let at = head.lastIndexOf(' ');
  if (at <= 0) at = max - 1; // a single very long word
  return `${head.slice(0, at).join('').replace(/[\s,;:.([{–—-]+$/u, '')}…`;
}

/** "A, B, C, D and 3 more". */
export function shortAuthors(authors: string[]): string {
  const names = authors.map(oneLine).filter((a) => a !== '');
  if (names.length <= MAX_AUTHORS) return names.join(', ');
  return `${names.slice(0, MAX_AUTHORS).join(', ')} and ${names.length - MAX_AUTHORS} more`;
}

function metaLine(p: DigestPaper): string {
  const parts = [`▲ ${p.upvotes}`, plural(p.comments, 'comment', 'comments')];
  if (p.categories.length > 0) parts.push(p.categories.join(', '));
  return parts.join(' · ');
}

/** Greedy word wrap; words longer than the width (URLs) stay whole on their own line. */
export function wrap(text: string, width = TEXT_WIDTH, indent = ''): string[] {
  const lines: string[] = [];
  const len = (s: string) => (/[\ud800-\udfff]/.test(s) ? Array.from(s).length : s.length); // code points
  let line = '';
  let lineLen = 0;
  for (const word of oneLine(text).split(' ')) {
    if (word === '') continue;
    const n = len(word);
    if (line === '' || lineLen + 1 + n > width) {
      if (line !== '') lines.push(line);
      line = indent + word;
      lineLen = indent.length + n;
    } else {
      line += ` ${word}`;
      lineLen += 1 + n;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Memoises a string function in a bounded map: an edition's digests share most papers, so converting each title and
 * abstract once per edition instead of once per subscriber takes math conversion off the hot path.
 */
function memo(fn: (s: string) => string, max = 2000): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      if (cache.size >= max) cache.clear();
      out = fn(s);
      cache.set(s, out);
    }
    return out;
  };
}
const titleText = memo((s) => oneLine(texToText(s)));
const abstractExcerpt = memo((s) => excerpt(texToText(s)));

/** `indent\0excerpt` → the excerpt wrapped with that indent (memoised like the conversions). */
const wrappedExcerpt = memo((key) => {
  const at = key.indexOf('\0');
  return wrap(key.slice(at + 1), TEXT_WIDTH, key.slice(0, at)).join('\n');
});

type PaperView = { title: string; authors: string; excerpt: string; url: string; meta: string };

/** The paper as shown: title and excerpt with math converted, authors shortened, URL absolute. */
function view(p: DigestPaper, siteUrl: string): PaperView {
  return {
    title: titleText(p.title),
    authors: shortAuthors(p.authors),
    excerpt: abstractExcerpt(p.abstract),
    url: absolute(p.url, siteUrl),
    meta: metaLine(p),
  };
}

function paperHtml(v: PaperView, rank: number): string {
  return `<table ${TABLE} width="100%" ${c('pb-item')}><tr>
<td ${c('pb-rank')}>${rank}</td>
<td ${c('pb-entry')}><a href="${esc(v.url)}" ${c('pb-title')}>${esc(v.title)}</a>
${v.authors ? `<div ${c('pb-authors')}>${esc(v.authors)}</div>` : ''}
${v.excerpt ? `<div ${c('pb-excerpt')}>${esc(v.excerpt)}</div>` : ''}
<div ${c('pb-meta')}>${esc(v.meta)}</div></td>
</tr></table>`;
}

function paperText(v: PaperView, rank: number): string {
  const indent = ' '.repeat(`${rank}. `.length);
  const lines = wrap(v.title, TEXT_WIDTH - indent.length, '').map((l, i) => (i === 0 ? `${rank}. ` : indent) + l);
  if (v.authors) lines.push(...wrap(v.authors, TEXT_WIDTH, indent));
  lines.push(indent + v.url, indent + v.meta);
  if (v.excerpt) lines.push('', wrappedExcerpt(`${indent}\0${v.excerpt}`));
  return lines.join('\n');
}

/** The HTML document around a mail's content: head, hidden preheader, centred 640px column, footer. */
function shell(o: { title: string; preheader: string; header: string; body: string; footer: string }): string {
  // Filler after the preheader keeps clients from pulling body text into the inbox preview.
  const filler = '&#847;&zwnj;&nbsp;'.repeat(40);
  return `<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${esc(o.title)}</title>
${styleBlock}
</head>
<body ${c('pb-body')}>
<div ${c('pb-pre')}>${esc(o.preheader)}${filler}</div>
<table ${TABLE} width="100%" ${c('pb-outer')}><tr><td align="center">
<!--[if mso]><table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" align="center"><tr><td><![endif]-->
<table ${TABLE} width="100%" ${c('pb-wrap')}>
<tr><td ${c('pb-head')}>${o.header}</td></tr>
<tr><td ${c('pb-card')}>
${o.body}
</td></tr>
<tr><td ${c('pb-foot')}>${o.footer}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr></table>
</body>
</html>`;
}

function subscribedTo(siteName: string, frequency: 'daily' | 'weekly', topicsLabel: string | null): string {
  return `the ${oneLine(siteName)} ${frequency} digest for ${topicsLabel ? oneLine(topicsLabel) : 'all new papers'}`;
}

/** Subject line: `Paperboy daily · Thursday, 26 November 2026: 12 papers`. One line, no topics (they would not fit). */
export function digestSubject(m: Pick<DigestModel, 'siteName' | 'frequency' | 'periodLabel' | 'papers'>): string {
  return oneLine(`${m.siteName} ${m.frequency} · ${m.periodLabel}: ${plural(m.papers.length, 'paper', 'papers')}`);
}

/** Renders a digest: subject, HTML part (inlined CSS, dark mode, Unicode math) and plain-text part. */
export function renderDigest(model: DigestModel): RenderedMail {
  const site = httpUrl(model.siteUrl, 'siteUrl');
  const links = { web: absolute(model.webUrl, site), prefs: absolute(model.preferencesUrl, site), unsub: absolute(model.unsubscribeUrl, site) };
  const subject = digestSubject(model);
  const papers = model.papers.map((p) => view(p, site));
  const forYou = model.forYou.map((p) => view(p, site));
  const heading = model.frequency === 'daily' ? 'Top papers today' : 'Top papers this week';
  const forYouNote = 'Picked from what you upvoted, saved and follow.';
  const why = `You are receiving this because you subscribed to ${subscribedTo(model.siteName, model.frequency, model.topicsLabel)}.`;
  const topics = model.topicsLabel ? `Topics: ${oneLine(model.topicsLabel)}` : 'All papers';
  const preheader = papers.slice(0, 3).map((v) => v.title).join(' · ');

  const section = (title: string, note: string | null, views: PaperView[]) =>
    `<h2 ${c('pb-h2')}>${esc(title)}</h2>\n${note ? `<p ${c('pb-note')}>${esc(note)}</p>\n` : ''}` +
    views.map((v, i) => paperHtml(v, i + 1)).join('\n');
  const empty = `<p ${c('pb-p')}>No new papers matched your topics in this period.</p>`;
  const body = [papers.length > 0 ? section(heading, null, papers) : empty];
  if (forYou.length > 0) body.push(section('For you', forYouNote, forYou));
  const a = (href: string, label: string) => `<a href="${esc(href)}" ${c('pb-foot-a')}>${label}</a>`;
  const html = shell({
    title: subject,
    preheader: preheader || subject,
    header: `<a href="${esc(site)}" ${c('pb-brand')}>${esc(oneLine(model.siteName))}</a>
<div ${c('pb-period')}>${esc(oneLine(model.periodLabel))} · ${esc(topics)}</div>`,
    body: body.join('\n'),
    footer: `${esc(why)}<br>
${a(links.web, 'View in browser')} · ${a(links.prefs, 'Change preferences')} · ${a(links.unsub, 'Unsubscribe')}`,
  });

  const rule = (s: string) => `${s}\n${'='.repeat(Array.from(s).length)}`;
  const text = [
    `${oneLine(model.siteName)} ${model.frequency} digest — ${oneLine(model.periodLabel)}\n${topics}`,
    `View in your browser: ${links.web}`,
    model.papers.length > 0 ? rule(heading.toUpperCase()) : 'No new papers matched your topics in this period.',
    ...papers.map((v, i) => paperText(v, i + 1)),
    ...(forYou.length > 0 ? [`${rule('FOR YOU')}\n${forYouNote}`, ...forYou.map((v, i) => paperText(v, i + 1))] : []),
    `--\n${wrap(why).join('\n')}\nChange preferences: ${links.prefs}\nUnsubscribe: ${links.unsub}`,
  ].join('\n\n');
  return { subject, html, text: `${text}\n` };
}

/** Renders the double opt-in mail: confirm button and link, nothing sent before confirming, ignoring it is fine. */
export function renderConfirmation(m: { siteName: string; confirmUrl: string; frequency: 'daily' | 'weekly'; topicsLabel: string | null }): RenderedMail {
  const name = oneLine(m.siteName);
  const url = httpUrl(m.confirmUrl, 'confirmUrl');
  const subject = `Confirm your ${name} ${m.frequency} digest`;
  const asked = `Someone, hopefully you, asked to receive ${subscribedTo(m.siteName, m.frequency, m.topicsLabel)} at this address.`;
  const nothing = 'Nothing will be sent until you confirm.';
  const ignore = "If you didn't ask for this, just ignore this mail: you won't hear from us again.";
  const html = shell({
    title: subject,
    preheader: `${nothing} Confirm with one click.`,
    header: `<span ${c('pb-brand')}>${esc(name)}</span>`,
    body: `<p ${c('pb-p')}>${esc(asked)} ${esc(nothing)}</p>
<table ${TABLE}><tr><td ${c('pb-btn-cell')}><a href="${esc(url)}" ${c('pb-btn')}>Confirm subscription</a></td></tr></table>
<p ${c('pb-p')}>Or open this link:<br><a href="${esc(url)}" ${c('pb-url')}>${esc(url)}</a></p>
<p ${c('pb-p')}>${esc(ignore)}</p>`,
    footer: esc(`This mail was sent once, because of a subscription request on ${name}.`),
  });
  const text = [`${subject}\n${'='.repeat(Array.from(subject).length)}`, wrap(`${asked} ${nothing}`).join('\n'), `Confirm your subscription:\n${url}`, wrap(ignore).join('\n')].join('\n\n');
  return { subject, html, text: `${text}\n` };
}
