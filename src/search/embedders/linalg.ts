/**
 * The little linear algebra the corpus embedder's build needs, in plain TypeScript on typed arrays (no native
 * dependencies): sparse (CSR) times dense products, orthonormalisation, a symmetric eigen-solver, and a seeded randomized
 * truncated SVD (Halko, Martinsson & Tropp, "Finding structure with randomness", SIAM Review 53(2), 2011, algorithms 4.4
 * and 5.1). Dense matrices are row-major Float64Arrays. Deterministic for a given seed.
 */
import { seededRandom } from '../../domain/random.js';

export { seededRandom };

/** A sparse matrix in compressed sparse row form. */
export interface Csr {
  rows: number;
  cols: number;
  /** rowStart[i]..rowStart[i+1] index the entries of row i. */
  rowStart: Int32Array | Float64Array;
  col: Int32Array;
  val: Float32Array;
}


/** Standard normal samples (Box–Muller) from a uniform generator. */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(rand(), 1e-300);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** A × B for sparse A (n×m) and dense B (m×k): an n×k dense matrix. */
export function spmm(a: Csr, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(a.rows * k);
  for (let i = 0; i < a.rows; i++) {
    const o = i * k;
    for (let p = a.rowStart[i]!, end = a.rowStart[i + 1]!; p < end; p++) {
      const v = a.val[p]!;
      const base = a.col[p]! * k;
      for (let j = 0; j < k; j++) out[o + j]! += v * b[base + j]!;
    }
  }
  return out;
}

/** Aᵀ × B for sparse A (n×m) and dense B (n×k): an m×k dense matrix. */
export function spmmT(a: Csr, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(a.cols * k);
  for (let i = 0; i < a.rows; i++) {
    const src = i * k;
    for (let p = a.rowStart[i]!, end = a.rowStart[i + 1]!; p < end; p++) {
      const v = a.val[p]!;
      const base = a.col[p]! * k;
      for (let j = 0; j < k; j++) out[base + j]! += v * b[src + j]!;
    }
  }
  return out;
}

/** Aᵀ × A for a dense n×k matrix: k×k. */
export function gram(a: Float64Array, n: number, k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let x = 0; x < k; x++) {
      const ax = a[o + x]!;
      if (ax === 0) continue;
      const gx = x * k;
      for (let y = x; y < k; y++) g[gx + y]! += ax * a[o + y]!;
    }
  }
  for (let x = 0; x < k; x++) for (let y = 0; y < x; y++) g[x * k + y] = g[y * k + x]!;
  return g;
}

/** Dense n×k times k×m. */
export function matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let x = 0; x < k; x++) {
      const v = a[i * k + x]!;
      if (v === 0) continue;
      const bx = x * m;
      for (let j = 0; j < m; j++) out[o + j]! += v * b[bx + j]!;
    }
  }
  return out;
}

/**
 * Eigen-decomposition of a symmetric k×k matrix: Householder reduction to tridiagonal form and the implicit QL
 * algorithm (tred2/tql2 of EISPACK, as in JAMA's EigenvalueDecomposition). Returns eigenvalues in decreasing order and
 * the eigenvectors as the columns of a row-major k×k matrix.
 */
export function symmetricEigen(m: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const n = k;
  const V = Float64Array.from(m);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const at = (i: number, j: number) => V[i * n + j]!;
  const set = (i: number, j: number, x: number) => {
    V[i * n + j] = x;
  };
  // tred2
  for (let j = 0; j < n; j++) d[j] = at(n - 1, j);
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let q = 0; q < i; q++) scale += Math.abs(d[q]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = at(i - 1, j);
        set(i, j, 0);
        set(j, i, 0);
      }
    } else {
      for (let q = 0; q < i; q++) {
        d[q]! /= scale;
        h += d[q]! * d[q]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        set(j, i, f);
        g = e[j]! + at(j, j) * f;
        for (let q = j + 1; q <= i - 1; q++) {
          g += at(q, j) * d[q]!;
          e[q]! += at(q, j) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let q = j; q <= i - 1; q++) V[q * n + j]! -= f * e[q]! + g * d[q]!;
        d[j] = at(i - 1, j);
        set(i, j, 0);
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    set(n - 1, i, at(i, i));
    set(i, i, 1);
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let q = 0; q <= i; q++) d[q] = at(q, i + 1) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let q = 0; q <= i; q++) g += at(q, i + 1) * at(q, j);
        for (let q = 0; q <= i; q++) V[q * n + j]! -= g * d[q]!;
      }
    }
    for (let q = 0; q <= i; q++) set(q, i + 1, 0);
  }
  for (let j = 0; j < n; j++) {
    d[j] = at(n - 1, j);
    set(n - 1, j, 0);
  }
  set(n - 1, n - 1, 1);
  e[0] = 0;
  // tql2
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let mm = l;
    while (mm < n) {
      if (Math.abs(e[mm]!) <= eps * tst1) break;
      mm++;
    }
    if (mm > l) {
      for (let iter = 0; iter < 100; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[mm]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let q = 0; q < n; q++) {
            const vq = q * n;
            h = V[vq + i + 1]!;
            V[vq + i + 1] = s * V[vq + i]! + c * h;
            V[vq + i] = c * V[vq + i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Math.abs(e[l]!) <= eps * tst1) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  const order = [...Array(n).keys()].sort((x, y) => d[y]! - d[x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src]!;
    for (let r = 0; r < n; r++) vectors[r * n + dst] = V[r * n + src]!;
  });
  return { values, vectors };
}

/**
 * Orthonormal columns spanning those of a dense n×k matrix, in place, by eigen-decomposition of its Gram matrix
 * (Q = Y V Λ^-1/2), done twice for accuracy. Directions with no energy are zeroed.
 */
export function orthonormalize(y: Float64Array, n: number, k: number, rounds = 2): Float64Array {
  let q = y;
  for (let round = 0; round < rounds; round++) {
    const { values, vectors } = symmetricEigen(gram(q, n, k), k);
    const scale = new Float64Array(k * k);
    const top = Math.max(values[0]!, 1e-300);
    for (let x = 0; x < k; x++) {
      const lam = values[x]!;
      const f = lam > top * 1e-12 ? 1 / Math.sqrt(lam) : 0;
      for (let r = 0; r < k; r++) scale[r * k + x] = vectors[r * k + x]! * f;
    }
    q = matmul(q, n, k, scale, k);
  }
  return q;
}

export interface Svd {
  /** Left singular vectors, rows × rank, row-major. */
  u: Float64Array;
  s: Float64Array;
  /** Right singular vectors, cols × rank, row-major. */
  v: Float64Array;
  rank: number;
}

/**
 * A rank-`rank` truncated SVD of a sparse matrix by randomized range finding with `powerIterations` subspace iterations
 * and `oversample` extra directions. `onStep` reports progress.
 */
export function randomizedSvd(
  a: Csr,
  rank: number,
  opts: { oversample?: number; powerIterations?: number; seed?: number; onStep?: (msg: string) => void } = {},
): Svd {
  const l = rank + (opts.oversample ?? 16);
  const normal = gaussian(seededRandom(opts.seed ?? 1));
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = normal();
  let q = orthonormalize(spmm(a, omega, l), a.rows, l, 1);
  for (let it = 0; it < (opts.powerIterations ?? 2); it++) {
    opts.onStep?.(`power iteration ${it + 1}`);
    // One round suffices between power iterations; the final basis gets two.
    const z = orthonormalize(spmmT(a, q, l), a.cols, l, 1);
    q = orthonormalize(spmm(a, z, l), a.rows, l, it === (opts.powerIterations ?? 2) - 1 ? 2 : 1);
  }
  // B = Qᵀ A, kept as Bᵀ = Aᵀ Q (cols × l); B Bᵀ = (Bᵀ)ᵀ Bᵀ is l × l.
  const bt = spmmT(a, q, l);
  const { values, vectors } = symmetricEigen(gram(bt, a.cols, l), l);
  const s = new Float64Array(rank);
  for (let x = 0; x < rank; x++) s[x] = Math.sqrt(Math.max(values[x]!, 0));
  // U = Q W; V = Bᵀ W Σ^-1 (W: the top `rank` eigenvectors of B Bᵀ).
  const w = new Float64Array(l * rank);
  for (let r = 0; r < l; r++) for (let x = 0; x < rank; x++) w[r * rank + x] = vectors[r * l + x]!;
  const u = matmul(q, a.rows, l, w, rank);
  const v = matmul(bt, a.cols, l, w, rank);
  for (let i = 0; i < a.cols; i++) for (let x = 0; x < rank; x++) v[i * rank + x] = s[x]! > 0 ? v[i * rank + x]! / s[x]! : 0;
  return { u, s, v, rank };
}
