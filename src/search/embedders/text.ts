/**
 * Text to tokens for the corpus-trained embedder: the same word splitting as the keyword index (letters and digits of any
 * script, lower-cased, without diacritics), LaTeX commands dropped, British spellings mapped to American ones and Porter
 * stems, so "memorising", "memorization" and "memorize" become one token. Function words and bare numbers are dropped.
 * Pure; the build script and the runtime must use exactly this function (the model stores its version).
 */
import { porterStem } from './porter.js';

/** Bumped whenever tokens change: a model built with another version is refused. */
export const TOKENIZER_VERSION = 1;

// Common English function words (a short list: SIF weighting already mutes frequent words; dropping these keeps the
// co-occurrence windows on content words).
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing down during each either few for from further had has have having he her here hers herself him
himself his how however i if in into is it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they
this those through thus to too under until up upon very via was we were what when where whether which while who whom why will
with within without would yet you your yours yourself yourselves et al i.e e.g eg ie`.split(/\s+/),
);

// British -> American endings, applied before stemming. -ise/-yse forms need three letters before them so that rise, wise
// and the like stay as they are; everything is deterministic, so a rare mapping of an unrelated word is still consistent
// between queries and papers.
const SPELLING: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(\p{L}{3,})is(e|es|ed|ing|er|ers|ation|ations|ational)$/u, '$1iz$2'],
  [/^(\p{L}{2,})ys(e|es|ed|ing|er|ers)$/u, '$1yz$2'],
  [/^(\p{L}{2,}[bdghilmpv])our(s|ed|ing|ite|ites|al|ally|able|ful|less)?$/u, '$1or$2'],
  [/^(\p{L}*(?:cen|me|fib|spec|thea|li))tre(s|d)?$/u, '$1ter$2'],
  [/^(\p{L}{3,})ogue(s)?$/u, '$1og$2'],
  [/^programme(s|d)?$/u, 'program$1'],
  [/^(defen|licen|offen)ce(s)?$/u, '$1se$2'],
  [/^grey(s|ish)?$/u, 'gray$1'],
  [/^aluminium$/u, 'aluminum'],
];

function americanize(w: string): string {
  for (const [re, to] of SPELLING) if (re.test(w)) return w.replace(re, to);
  return w;
}

/** The token of one lower-case word, or null for a dropped word. */
export function normalizeWord(w: string): string | null {
  let t = memo.get(w);
  if (t === undefined) {
    t = w.length < 2 || STOPWORDS.has(w) || /^\p{N}+$/u.test(w) ? '' : porterStem(americanize(w));
    // Stemming dominates tokenizing; words repeat a lot (Zipf), so a bounded cache pays. '' marks a dropped word.
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(w, t);
  }
  return t === '' ? null : t;
}

const MEMO_MAX = 200_000;
const memo = new Map<string, string>();

const LATEX_COMMAND = /\\[A-Za-z]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** Splits text into embedding tokens, in order. */
export function tokens(text: string): string[] {
  let clean = text.replace(LATEX_COMMAND, ' ');
  // Decomposing and dropping accents is only needed beyond ASCII (most abstracts are ASCII: skip the work).
  if (NON_ASCII.test(clean)) clean = clean.normalize('NFKD').replace(/\p{M}+/gu, '');
  const lower = clean.toLowerCase();
  const words = (NON_ASCII.test(lower) ? lower.match(/[\p{L}\p{N}]+/gu) : lower.match(/[a-z0-9]+/g)) ?? [];
  const out: string[] = [];
  for (const w of words) {
    const t = normalizeWord(w);
    if (t !== null) out.push(t);
  }
  return out;
}
