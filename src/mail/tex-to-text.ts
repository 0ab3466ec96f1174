/**
 * TeX math to readable Unicode text, for mail. Mail clients run no KaTeX and Gmail strips MathML, so digests show
 * math the way people type it in plain text: `$x^2$` → `x²`, `$\alpha$` → `α`, `$O(n \log n)$` → `O(n log n)`,
 * `$\mathbb{R}^d$` → `ℝᵈ`, `\frac{a}{b}` → `a/b`, `\sqrt{x+1}` → `√(x+1)`.
 *
 * Math spans are found by `splitMath` (domain/math), so the delimiter rules are the web pages' own: `\$` is a dollar,
 * "$5 and $10" are prices, unclosed delimiters are text. Text outside math is returned untouched.
 *
 * Why not the `unicodeit` package: it matches command prefixes (`\log` → `łog`, `\left` → `≤ft`, `\ln` → `łn`),
 * keeps `$` delimiters, `\frac` and unknown commands as they are, and declares a browser widget (`typeahead`, `dom`)
 * as a runtime dependency. A focused mapping of what arXiv titles and abstracts use is smaller and predictable.
 */
import { splitMath } from '../domain/math.js';

/** Builds a map from a space-separated list of `key value` pairs. */
function pairs(list: string): Map<string, string> {
  const words = list.trim().split(/\s+/);
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < words.length; i += 2) m.set(words[i]!, words[i + 1]!);
  return m;
}

/** Commands that stand for one symbol. */
const SYMBOLS = pairs(`
  alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ iota ι kappa κ lambda λ
  mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω
  Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω
  leq ≤ le ≤ geq ≥ ge ≥ neq ≠ ne ≠ approx ≈ sim ∼ simeq ≃ cong ≅ equiv ≡ propto ∝ ll ≪ gg ≫ lesssim ≲ gtrsim ≳
  asymp ≍ triangleq ≜ coloneqq ≔ prec ≺ succ ≻ preceq ⪯ succeq ⪰ times × cdot · cdots ⋯ ldots … dots … vdots ⋮
  ddots ⋱ pm ± mp ∓ div ÷ infty ∞ partial ∂ nabla ∇ sum ∑ prod ∏ coprod ∐ int ∫ iint ∬ oint ∮ in ∈ notin ∉ ni ∋
  subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ bigcup ⋃ bigcap ⋂ setminus ∖ emptyset ∅ varnothing ∅
  forall ∀ exists ∃ nexists ∄ neg ¬ lnot ¬ land ∧ wedge ∧ lor ∨ vee ∨ to → rightarrow → leftarrow ← gets ←
  Rightarrow ⇒ Leftarrow ⇐ leftrightarrow ↔ Leftrightarrow ⇔ iff ⇔ implies ⇒ mapsto ↦ uparrow ↑ downarrow ↓
  longrightarrow ⟶ hookrightarrow ↪ langle ⟨ rangle ⟩ lfloor ⌊ rfloor ⌋ lceil ⌈ rceil ⌉ mid | vert | lvert |
  rvert | Vert ‖ lVert ‖ rVert ‖ circ ∘ bullet • star ⋆ ast ∗ oplus ⊕ otimes ⊗ odot ⊙ perp ⊥ parallel ∥
  angle ∠ triangle △ prime ′ dagger † ddagger ‡ ell ℓ hbar ℏ Re ℜ Im ℑ aleph ℵ top ⊤ bot ⊥ vdash ⊢ models ⊨
  degree ° checkmark ✓ square □ Box □ diamond ⋄ lbrace { rbrace } colon : cdotp · S § P ¶ copyright © dag †
`);

/** Relations and arrows get a space on either side, as TeX typesets them (`a\le b` → `a ≤ b`). */
const RELATIONS = new Set('≤≥≠≈∼≃≅≡∝≪≫≲≳≍≜≔≺≻⪯⪰∈∉∋⊂⊆⊃⊇→←⇒⇐↔⇔↦⟶↪⊢⊨');

/** Commands whose argument is shown as it is (fonts, text inside math). */
const PLAIN_ARG = new Set(
  'text textrm textit textbf textsf texttt textsc textnormal emph mathrm mathit mathbf mathsf mathtt mathfrak boldsymbol bm operatorname mbox hbox pmb'.split(
    ' ',
  ),
);
/** Commands that are dropped with nothing in their place (sizes, spacing, `\left`/`\right`, `\displaystyle`…). */
const DROPPED = new Set(
  'left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr middle displaystyle textstyle scriptstyle limits nolimits nonumber notag label mathstrut strut'.split(
    ' ',
  ),
);
/** Spacing commands: one space. */
const SPACES = new Set(['quad', 'qquad', ',', ';', ':', ' ', '>', 'enspace', 'thinspace', 'medspace', 'thickspace']);
/** Accents, as combining marks after the accented character. */
const ACCENTS = pairs(`hat \u0302 widehat \u0302 bar \u0304 overline \u0305 tilde \u0303 widetilde \u0303 vec \u20d7 dot \u0307 ddot \u0308 check \u030c breve \u0306 acute \u0301 grave \u0300 underline \u0332`);

const SUPERSCRIPT = pairs(`
  0 ⁰ 1 ¹ 2 ² 3 ³ 4 ⁴ 5 ⁵ 6 ⁶ 7 ⁷ 8 ⁸ 9 ⁹ + ⁺ - ⁻ − ⁻ = ⁼ ( ⁽ ) ⁾ a ᵃ b ᵇ c ᶜ d ᵈ e ᵉ f ᶠ g ᵍ h ʰ i ⁱ j ʲ k ᵏ
  l ˡ m ᵐ n ⁿ o ᵒ p ᵖ r ʳ s ˢ t ᵗ u ᵘ v ᵛ w ʷ x ˣ y ʸ z ᶻ A ᴬ B ᴮ D ᴰ E ᴱ G ᴳ H ᴴ I ᴵ J ᴶ K ᴷ L ᴸ M ᴹ N ᴺ O ᴼ
  P ᴾ R ᴿ T ᵀ U ᵁ V ⱽ W ᵂ α ᵅ β ᵝ γ ᵞ δ ᵟ θ ᶿ φ ᵠ ϕ ᵠ χ ᵡ ε ᵋ ′ ′ * * ∗ * † † ∘ ° ⊤ ᵀ
`);
const SUBSCRIPT = pairs(`
  0 ₀ 1 ₁ 2 ₂ 3 ₃ 4 ₄ 5 ₅ 6 ₆ 7 ₇ 8 ₈ 9 ₉ + ₊ - ₋ − ₋ = ₌ ( ₍ ) ₎ a ₐ e ₑ h ₕ i ᵢ j ⱼ k ₖ l ₗ m ₘ n ₙ o ₒ
  p ₚ r ᵣ s ₛ t ₜ u ᵤ v ᵥ x ₓ β ᵦ γ ᵧ ρ ᵨ φ ᵩ ϕ ᵩ χ ᵪ
`);

/** Letters with a double-struck form in the BMP; the others come from the Mathematical Alphanumeric block. */
const DOUBLE_STRUCK_BMP = pairs('C ℂ H ℍ N ℕ P ℙ Q ℚ R ℝ Z ℤ');
const SCRIPT_BMP = pairs('B ℬ E ℰ F ℱ H ℋ I ℐ L ℒ M ℳ R ℛ e ℯ g ℊ o ℴ');

function alphabet(s: string, bmp: Map<string, string>, upper: number, lower: number | null, digit: number | null): string {
  return Array.from(s, (c) => {
    const fixed = bmp.get(c);
    if (fixed) return fixed;
    if (c >= 'A' && c <= 'Z') return String.fromCodePoint(upper + c.charCodeAt(0) - 65);
    if (lower !== null && c >= 'a' && c <= 'z') return String.fromCodePoint(lower + c.charCodeAt(0) - 97);
    if (digit !== null && c >= '0' && c <= '9') return String.fromCodePoint(digit + c.charCodeAt(0) - 48);
    return c;
  }).join('');
}

const FONTS: Record<string, (s: string) => string> = {
  mathbb: (s) => alphabet(s, DOUBLE_STRUCK_BMP, 0x1d538, 0x1d552, 0x1d7d8),
  mathcal: (s) => alphabet(s, SCRIPT_BMP, 0x1d49c, 0x1d4b6, null),
  mathscr: (s) => alphabet(s, SCRIPT_BMP, 0x1d49c, 0x1d4b6, null),
};

/** A single "atom" needs no parentheses after `/`, `√` or `^`: letters, digits, primes and scripts. */
const ATOM = /^[\p{L}\p{N}\p{M}.′]+$/u;
const paren = (s: string) => (ATOM.test(s) ? s : `(${s})`);

/** Superscript/subscript: Unicode forms when every character has one, else `^x` / `^(…)`. */
function script(s: string, map: Map<string, string>, mark: '^' | '_'): string {
  const chars = Array.from(s.replace(/\s+/g, ''));
  if (chars.length === 0) return '';
  if (chars.every((c) => map.has(c))) return chars.map((c) => map.get(c)!).join('');
  return chars.length === 1 ? mark + chars[0]! : `${mark}(${chars.join('')})`;
}

const MAX_DEPTH = 50;

/** A recursive-descent reader over one math body. */
class MathReader {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  /** Reads the whole body; a stray `}` is dropped. */
  all(): string {
    let out = this.sequence();
    while (this.i < this.src.length) {
      this.i++; // the stray `}`
      out += this.sequence();
    }
    return out;
  }

  /** Reads until the end, or until the `}` closing the current group. */
  private sequence(): string {
    let out = '';
    while (this.i < this.src.length) {
      if (this.src[this.i] === '}') return out;
      out += this.item();
    }
    return out;
  }

  /** One item: a group, a command, a script or a character. Nesting is bounded so hostile input cannot overflow. */
  private item(): string {
    const c = this.src[this.i]!;
    this.i++;
    if (this.depth >= MAX_DEPTH) return /[{}^_\\]/.test(c) ? '' : c;
    this.depth++;
    try {
      return this.itemAt(c);
    } finally {
      this.depth--;
    }
  }

  private itemAt(c: string): string {
    switch (c) {
      case '{': {
        const inner = this.sequence();
        this.i++; // the closing brace (or past the end)
        return inner;
      }
      case '^':
        return script(this.argument(), SUPERSCRIPT, '^');
      case '_':
        return script(this.argument(), SUBSCRIPT, '_');
      case '\\':
        return this.command();
      case "'":
        return '′';
      case '~':
      case '&':
        return ' ';
      default:
        return /\s/.test(c) ? ' ' : c;
    }
  }

  /** The argument of a command or script: a group, a command or one character; spaces before it are skipped. */
  private argument(): string {
    while (/\s/.test(this.src[this.i] ?? '')) this.i++;
    if (this.i >= this.src.length || this.src[this.i] === '}') return '';
    return this.item();
  }

  /** An optional `[…]` argument, returned raw. */
  private optional(): string | null {
    if (this.src[this.i] !== '[') return null;
    const end = this.src.indexOf(']', this.i);
    if (end < 0) return null;
    const raw = this.src.slice(this.i + 1, end);
    this.i = end + 1;
    return raw;
  }

  private command(): string {
    const word = /^[A-Za-z]+/.exec(this.src.slice(this.i, this.i + 40));
    const name = word ? word[0] : (this.src[this.i] ?? '');
    this.i += name.length;
    if (name === '') return '';
    const symbol = SYMBOLS.get(name);
    if (symbol !== undefined) return RELATIONS.has(symbol) ? ` ${symbol} ` : symbol;
    if (SPACES.has(name)) return ' ';
    if (name === '!' || DROPPED.has(name)) {
      // `\left.` / `\right.` are invisible delimiters.
      if ((name === 'left' || name === 'right') && this.src[this.i] === '.') this.i++;
      return '';
    }
    if (name === '\\') return ' ';
    if (!word) return name; // `\{`, `\}`, `\%`, `\_`, `\&`, `\#`, `\$`, `\|`
    if (PLAIN_ARG.has(name)) return this.argument();
    const font = FONTS[name];
    if (font) return font(this.argument());
    const accent = ACCENTS.get(name);
    if (accent !== undefined) {
      const arg = this.argument();
      const chars = Array.from(arg);
      if (chars.length === 1 || /^(bar|overline|underline)$/.test(name)) return chars.map((ch) => ch + accent).join('');
      return arg;
    }
    switch (name) {
      case 'frac':
      case 'dfrac':
      case 'tfrac':
      case 'cfrac': {
        const num = this.argument();
        const den = this.argument();
        return `${paren(num.trim())}/${paren(den.trim())}`;
      }
      case 'binom': {
        const n = this.argument();
        const k = this.argument();
        return `C(${n.trim()}, ${k.trim()})`;
      }
      case 'sqrt': {
        const index = this.optional()?.trim();
        const body = paren(this.argument().trim());
        if (!index) return `√${body}`;
        if (index === '3') return `∛${body}`;
        if (index === '4') return `∜${body}`;
        return `${script(index, SUPERSCRIPT, '^')}√${body}`;
      }
      case 'not': {
        const next = this.argument();
        if (next === '=') return ' ≠ ';
        if (next.trim() === '∈') return ' ∉ ';
        return `${next}\u0338`;
      }
      case 'begin':
      case 'end':
        this.argument(); // the environment's name
        return ' ';
      case 'mathring':
        return `${this.argument()}\u030a`;
      default:
        return name; // unknown: its name (`\log` → `log`, `\argmax` → `argmax`)
    }
  }
}

/** Converts the body of one math span (without delimiters) to Unicode text on one line. */
export function mathToText(tex: string): string {
  return new MathReader(tex)
    .all()
    .replace(/\s+/g, ' ')
    .replace(/([([{⟨⌊⌈]) /g, '$1')
    .replace(/ ([)\]}⟩⌋⌉])/g, '$1')
    .trim();
}

/**
 * Converts text with TeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) to plain Unicode text: math spans are converted by
 * {@link mathToText}, everything else is returned as it is (except `\$`, which is a dollar). The result is plain
 * text, not HTML: escape it before putting it into markup.
 */
export function texToText(s: string): string {
  if (!/[$\\]/.test(s)) return s;
  return splitMath(s)
    .map((seg) => (seg.kind === 'text' ? seg.text : mathToText(seg.tex)))
    .join('');
}
