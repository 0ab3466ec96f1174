/**
 * A per-member linear classifier over paper embedding vectors (issue 6; docs/decisions/016-recommendation-model.md).
 * Pure, dependency-free and deterministic: the same inputs and seed give the same weights, bit for bit.
 *
 * Two trainers, compared on `npm run eval:recs`:
 *
 * - `trainLinearSvm`: a linear SVM the way arxiv-sanity trains one per tag (scikit-learn's LinearSVC with
 *   class_weight="balanced"): positives are the member's liked papers, negatives the other papers (the candidate window
 *   or a sample of it), "not interested" papers as extra, heavier negatives. Solved by dual coordinate descent (Hsieh,
 *   Chang, Lin, Keerthi & Sundararajan, "A dual coordinate descent method for large-scale linear SVM", ICML 2008 — the
 *   LIBLINEAR solver LinearSVC calls), with the bias as a constant feature of 1 like LIBLINEAR: no learning rate to
 *   tune, a few passes over the data, and each update touches one example.
 * - `trainWhitened`: closed-form linear discriminant with a covariance shared by all members (Hariharan, Malik &
 *   Ramanan, "Discriminative decorrelation for clustering and classification", ECCV 2012): w = Σ⁻¹(μ₊ − μ₀), where μ₀
 *   and Σ (shrunk towards a multiple of the identity) come from background papers once (`backgroundOf`), and μ₊ is the
 *   mean of the member's liked vectors. Per member it is one matrix-vector product.
 *
 * Scores are margins (w·v + b), comparable within one member's model, not across members. Measured on eval:recs, either
 * model alone ranks about as well as the nearest liked paper; blended with it (`blendScores`) both add ~0.01 nDCG@10.
 * Decision 016 recommends the whitened model (five times cheaper, same quality) in `blendScores` with `BLEND_WEIGHTS`.
 */
import { seededRandom } from './random.js';

/** A trained linear model. */
export interface LinearModel {
  /** One weight per embedding dimension. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** w·v + b: higher means more like the positives. */
  score(v: ArrayLike<number>): number;
}

function makeModel(weights: Float64Array, bias: number): LinearModel {
  return {
    weights,
    bias,
    score(v: ArrayLike<number>): number {
      if (v.length !== weights.length) throw new RangeError(`vector has ${v.length} dimensions, the model ${weights.length}`);
      let s = bias;
      for (let j = 0; j < weights.length; j++) s += weights[j]! * v[j]!;
      return s;
    },
  };
}


function dimensionsOf(groups: ReadonlyArray<readonly ArrayLike<number>[]>): number {
  let d = -1;
  for (const g of groups) {
    for (const v of g) {
      if (d < 0) d = v.length;
      else if (v.length !== d) throw new RangeError(`vectors of different lengths (${d} and ${v.length})`);
    }
  }
  if (d <= 0) throw new RangeError('no vectors to train on');
  return d;
}

export interface TrainingSet {
  /** The member's liked papers (upvoted, saved). At least one. */
  positives: readonly ArrayLike<number>[];
  /** Other papers: the candidate window, a sample of it, or background papers. At least one. */
  negatives: readonly ArrayLike<number>[];
  /** Papers the member dismissed ("not interested"): negatives weighted `hardNegativeWeight` times a positive. */
  hardNegatives?: readonly ArrayLike<number>[];
}

export interface SvmOptions {
  /**
   * C, the weight of training errors against ‖w‖² (LinearSVC's C); with balanced class weights each class carries
   * C·n/2 in total. Default 0.1 (picked on eval:recs; arxiv-sanity uses 0.01 on tf-idf vectors).
   */
  c?: number;
  /** Hinge (L1-loss SVM, the default) or squared hinge (L2-loss, LinearSVC's default). */
  loss?: 'hinge' | 'squared-hinge';
  /** Weight of one dismissed paper relative to one liked paper. Default 1. */
  hardNegativeWeight?: number;
  /** Passes over the (active) examples at most. Default 10. */
  maxEpochs?: number;
  /** Stop when the projected gradient's spread falls below this (LIBLINEAR's eps). Default 0.1. */
  tolerance?: number;
  /** Seed of the update order. Default 1. */
  seed?: number;
}

/**
 * A linear SVM with balanced class weights (each class's weights sum to n/2, scikit-learn's "balanced"), trained by
 * dual coordinate descent with shrinking (LIBLINEAR's). Deterministic for a given seed. Cost: at most maxEpochs · n · 2d
 * multiply-adds, in practice a fraction of that since most negatives leave the active set after the first pass.
 */
export function trainLinearSvm(set: TrainingSet, options: SvmOptions = {}): LinearModel {
  const { positives, negatives } = set;
  const hard = set.hardNegatives ?? [];
  if (positives.length === 0) throw new RangeError('a linear model needs at least one positive');
  if (negatives.length + hard.length === 0) throw new RangeError('a linear model needs at least one negative');
  const d = dimensionsOf([positives, negatives, hard]);
  const c = options.c ?? 0.1;
  const squared = options.loss === 'squared-hinge';
  const maxEpochs = options.maxEpochs ?? 10;
  const tolerance = options.tolerance ?? 0.1;
  const hardWeight = options.hardNegativeWeight ?? 1;
  if (!(c > 0) || !(hardWeight >= 0) || !(maxEpochs >= 1)) throw new RangeError('c and maxEpochs must be positive, hardNegativeWeight not negative');

  const xs: ArrayLike<number>[] = [...positives, ...negatives, ...hard];
  const n = xs.length;
  const nNeg = negatives.length + hard.length;
  const posWeight = n / (2 * positives.length);
  const negWeight = n / (2 * nNeg);
  const y = new Int8Array(n);
  const upper = new Float64Array(n); // box constraint U_i = C·weight_i (hinge); the diagonal shift uses it too
  for (let i = 0; i < n; i++) {
    const isPos = i < positives.length;
    y[i] = isPos ? 1 : -1;
    upper[i] = c * (isPos ? posWeight : i < positives.length + negatives.length ? negWeight : hardWeight * posWeight);
  }
  // Q_ii = x_i·x_i + 1 (the bias feature), plus 1/(2U_i) for the squared hinge (whose α are unbounded).
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    let s = 1;
    for (let j = 0; j < d; j++) s += x[j]! * x[j]!;
    qd[i] = s + (squared ? 1 / (2 * upper[i]!) : 0);
  }
  const alpha = new Float64Array(n);
  const w = new Float64Array(d);
  let b = 0;
  // LIBLINEAR's solver with its shrinking heuristic: an example whose gradient shows it will stay at its bound (most
  // negatives, far on the right side of the margin) leaves the active set until the active set has converged.
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  let maxOld = Infinity;
  let minOld = -Infinity;
  const random = seededRandom(options.seed ?? 1);
  for (let epoch = 0; epoch < maxEpochs; epoch++) {
    for (let s = active - 1; s > 0; s--) {
      const k = Math.floor(random() * (s + 1));
      const t = index[s]!;
      index[s] = index[k]!;
      index[k] = t;
    }
    let maxNew = -Infinity;
    let minNew = Infinity;
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const x = xs[i]!;
      const yi = y[i]!;
      let margin = b;
      for (let j = 0; j < d; j++) margin += w[j]! * x[j]!;
      const a = alpha[i]!;
      const u = squared ? Infinity : upper[i]!;
      const g = yi * margin - 1 + (squared ? a / (2 * upper[i]!) : 0);
      let pg = 0;
      if (a === 0) {
        if (g > maxOld) {
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else if (a === u) {
        if (g < minOld) {
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (g > 0) pg = g;
      } else pg = g;
      if (pg > maxNew) maxNew = pg;
      if (pg < minNew) minNew = pg;
      if (Math.abs(pg) > 1e-12) {
        const next = Math.min(Math.max(a - g / qd[i]!, 0), u);
        const delta = (next - a) * yi;
        alpha[i] = next;
        for (let j = 0; j < d; j++) w[j]! += delta * x[j]!;
        b += delta;
      }
    }
    if (maxNew - minNew <= tolerance) {
      if (active === n) break;
      // Converged on the active set: check every example once more.
      active = n;
      maxOld = Infinity;
      minOld = -Infinity;
      continue;
    }
    maxOld = maxNew > 0 ? maxNew : Infinity;
    minOld = minNew < 0 ? minNew : -Infinity;
  }
  return makeModel(w, b);
}

/** What `trainWhitened` shares across members: the background papers' mean and the inverse of their shrunk covariance. */
export interface Background {
  readonly dimensions: number;
  readonly mean: Float64Array;
  /** Σ⁻¹, row-major d×d, with Σ = (1 − shrinkage)·S + shrinkage·(tr S / d)·I for the sample covariance S. */
  readonly precision: Float64Array;
}

/**
 * Background statistics for `trainWhitened`, computed once from a sample of papers (a few thousand is plenty):
 * O(n·d² + d³), about a second for 5,000 papers of 256 dimensions.
 */
export function backgroundOf(vectors: readonly ArrayLike<number>[], shrinkage = 0.1): Background {
  const d = dimensionsOf([vectors]);
  if (!(shrinkage > 0 && shrinkage <= 1)) throw new RangeError('shrinkage must be in (0, 1]');
  const n = vectors.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j]! += v[j]! / n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (const v of vectors) {
    for (let j = 0; j < d; j++) c[j] = v[j]! - mean[j]!;
    for (let r = 0; r < d; r++) {
      const cr = c[r]!;
      if (cr === 0) continue;
      const row = r * d;
      for (let k = r; k < d; k++) cov[row + k]! += cr * c[k]!;
    }
  }
  let trace = 0;
  for (let r = 0; r < d; r++) trace += cov[r * d + r]! / n;
  const ridge = (shrinkage * trace) / d || shrinkage; // all-equal vectors: fall back to shrinkage·I
  for (let r = 0; r < d; r++) {
    for (let k = r; k < d; k++) {
      const s = ((1 - shrinkage) * cov[r * d + k]!) / n + (r === k ? ridge : 0);
      cov[r * d + k] = s;
      cov[k * d + r] = s;
    }
  }
  return { dimensions: d, mean, precision: invertSpd(cov, d) };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky (row-major, d×d). */
function invertSpd(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('covariance is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  // L⁻¹ (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
  const li = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    li[i * d + i] = 1 / l[i * d + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * d + k]! * li[k * d + j]!;
      li[i * d + j] = s / l[i * d + i]!;
    }
  }
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < d; k++) s += li[k * d + i]! * li[k * d + j]!;
      inv[i * d + j] = s;
      inv[j * d + i] = s;
    }
  }
  return inv;
}

export interface WhitenedOptions {
  /**
   * How far dismissed papers pull the negative mean towards themselves: μ₋ = (μ₀ + h·Σ dismissed) / (1 + h·count),
   * with h = hardNegativeWeight / the number of positives (so one dismissal weighs like one like). Default 1.
   * On eval:recs's simulated dismissals this did not help, and at weight 5 it hurt (decision 016): a mean cannot ignore
   * dismissed papers that are already far from the likes, as the SVM's hinge does.
   */
  hardNegativeWeight?: number;
}

/**
 * Linear discriminant against the shared background: w = Σ⁻¹(μ₊ − μ₋), b = −w·(μ₊ + μ₋)/2 (equal priors).
 * Deterministic, no iterations; O(k·d + d²) per member for k liked papers.
 */
export function trainWhitened(background: Background, set: Omit<TrainingSet, 'negatives'>, options: WhitenedOptions = {}): LinearModel {
  const { positives } = set;
  const hard = set.hardNegatives ?? [];
  if (positives.length === 0) throw new RangeError('a linear model needs at least one positive');
  const d = background.dimensions;
  if (dimensionsOf([positives, hard]) !== d) throw new RangeError(`vectors do not have the background's ${d} dimensions`);
  const pos = new Float64Array(d);
  for (const v of positives) for (let j = 0; j < d; j++) pos[j]! += v[j]! / positives.length;
  const neg = Float64Array.from(background.mean);
  if (hard.length > 0) {
    const h = (options.hardNegativeWeight ?? 1) / positives.length;
    for (let j = 0; j < d; j++) {
      let s = neg[j]!;
      for (const v of hard) s += h * v[j]!;
      neg[j] = s / (1 + h * hard.length);
    }
  }
  const diff = new Float64Array(d);
  for (let j = 0; j < d; j++) diff[j] = pos[j]! - neg[j]!;
  const w = new Float64Array(d);
  const p = background.precision;
  for (let r = 0; r < d; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += p[r * d + k]! * diff[k]!;
    w[r] = s;
  }
  let b = 0;
  for (let j = 0; j < d; j++) b -= (w[j]! * (pos[j]! + neg[j]!)) / 2;
  return makeModel(w, b);
}

/** z-scores of one member's candidate scores: mean 0, standard deviation 1 (all 0 when the scores are all equal). */
export function zScores(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += scores[i]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (scores[i]! - m) ** 2 / n;
  const sd = Math.sqrt(v) || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (scores[i]! - m) / sd;
  return out;
}

/** Decision 016's weights: the linear model as much as the nearest liked paper, a quarter of that for the trending order. */
export const BLEND_WEIGHTS = { lambda: 1, mu: 0.25 } as const;

/**
 * One member's candidate scores, blended (decision 016): z(similarity) + λ·z(linear) + μ·z(popularity), each z-scored
 * over the member's candidates. `similarity`: each candidate's best cosine to a liked paper; `linear`: the member's
 * model's `score`; `popularity`: higher is more trending (e.g. minus the position in the trending order). All three
 * are indexed like the candidates.
 */
export function blendScores(
  parts: { similarity: ArrayLike<number>; linear: ArrayLike<number>; popularity?: ArrayLike<number> },
  weights: { lambda: number; mu: number } = BLEND_WEIGHTS,
): Float64Array {
  const n = parts.similarity.length;
  if (parts.linear.length !== n || (parts.popularity && parts.popularity.length !== n)) throw new RangeError('every part needs one score per candidate');
  const out = zScores(parts.similarity);
  const linear = zScores(parts.linear);
  const popularity = parts.popularity && weights.mu !== 0 ? zScores(parts.popularity) : null;
  for (let i = 0; i < n; i++) out[i]! += weights.lambda * linear[i]! + (popularity ? weights.mu * popularity[i]! : 0);
  return out;
}
