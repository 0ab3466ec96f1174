import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/domain/random.js';
import { BLEND_WEIGHTS, backgroundOf, blendScores, type LinearModel, trainLinearSvm, trainWhitened, zScores } from '../src/domain/linear-model.js';


const unit = (v: number[]): Float32Array => {
  const n = Math.hypot(...v) || 1;
  return Float32Array.from(v, (x) => x / n);
};

/** `n` unit vectors of `d` dimensions around `centre` (noise of size `spread`). */
function cloud(centre: number[], n: number, spread: number, random: () => number): Float32Array[] {
  return Array.from({ length: n }, () => unit(centre.map((c) => c + spread * (random() * 2 - 1))));
}

const D = 16;
const vec = (entries: Record<number, number>) => Array.from({ length: D }, (_, j) => entries[j] ?? 0);
const axis = (k: number, s = 1) => vec({ [k]: s });

describe('trainLinearSvm', () => {
  const random = seededRandom(42);
  const positives = cloud(axis(0), 5, 0.3, random);
  const negatives = [...cloud(axis(1), 100, 0.5, random), ...cloud(axis(2), 100, 0.5, random), ...cloud(axis(0, -1), 50, 0.5, random)];

  it('separates separable toy data: every positive above every negative', () => {
    for (const loss of ['hinge', 'squared-hinge'] as const) {
      const model = trainLinearSvm({ positives, negatives }, { c: 1, loss });
      const minPos = Math.min(...positives.map((v) => model.score(v)));
      const maxNeg = Math.max(...negatives.map((v) => model.score(v)));
      expect(minPos).toBeGreaterThan(maxNeg);
      expect(minPos).toBeGreaterThan(0);
      expect(maxNeg).toBeLessThan(0);
      // Unseen papers near the positives rank above unseen ones elsewhere.
      const fresh = cloud(axis(0), 5, 0.3, seededRandom(7));
      const other = cloud(axis(3), 5, 0.3, seededRandom(8));
      expect(Math.min(...fresh.map((v) => model.score(v)))).toBeGreaterThan(Math.max(...other.map((v) => model.score(v))));
    }
  });

  it('is deterministic: the same data and seed give the same weights, bit for bit', () => {
    const a = trainLinearSvm({ positives, negatives }, { c: 0.1, seed: 3 });
    const b = trainLinearSvm({ positives, negatives }, { c: 0.1, seed: 3 });
    expect([...a.weights]).toEqual([...b.weights]);
    expect(a.bias).toBe(b.bias);
    expect(a.score(positives[0]!)).toBe(b.score(positives[0]!));
  });

  it('hard negatives push a near-duplicate of a dismissed paper down', () => {
    // Liked: papers about "0 and 5" and (more of them) about "0 and 6". Dismissed: one about "0 and 6" that is also
    // about 7; the near-duplicate is a new paper just like it.
    const r = seededRandom(11);
    const liked = [...cloud(vec({ 0: 1, 5: 0.6 }), 2, 0.1, r), ...cloud(vec({ 0: 1, 6: 0.6 }), 4, 0.1, r)];
    const dismissed = unit(vec({ 0: 1, 6: 0.6, 7: 0.5 }));
    const nearDuplicate = unit(vec({ 0: 1, 6: 0.6, 7: 0.45 }));
    const others = [...cloud(axis(1), 60, 0.5, r), ...cloud(axis(2), 60, 0.5, r)];
    const fresh = cloud(vec({ 0: 1, 5: 0.6 }), 3, 0.1, seededRandom(12)); // new papers like the "0 and 5" likes
    const candidates = [...others, ...fresh, nearDuplicate];
    const rankOf = (m: LinearModel) => 1 + candidates.filter((v) => m.score(v) > m.score(nearDuplicate)).length;

    const plain = trainLinearSvm({ positives: liked, negatives: others }, { c: 0.1 });
    const hard = trainLinearSvm({ positives: liked, negatives: others, hardNegatives: [dismissed] }, { c: 0.1 });
    const heavier = trainLinearSvm({ positives: liked, negatives: others, hardNegatives: [dismissed] }, { c: 0.1, hardNegativeWeight: 5 });
    // Without the dismissal the near-duplicate is among the top candidates, with the papers like the other likes…
    expect(rankOf(plain)).toBeLessThanOrEqual(fresh.length + 1);
    expect(plain.score(nearDuplicate)).toBeGreaterThan(0);
    // …a dismissal weighing like one like lowers it; one weighing five likes sends it below zero and down the list.
    expect(hard.score(nearDuplicate)).toBeLessThan(plain.score(nearDuplicate));
    expect(heavier.score(nearDuplicate)).toBeLessThan(0);
    expect(rankOf(heavier)).toBeGreaterThan(fresh.length + 10);
    // The papers like the member's other likes stay on top.
    for (const v of fresh) expect(heavier.score(v)).toBeGreaterThan(0);
  });

  it('rejects empty or inconsistent input', () => {
    expect(() => trainLinearSvm({ positives: [], negatives })).toThrow(RangeError);
    expect(() => trainLinearSvm({ positives, negatives: [] })).toThrow(RangeError);
    expect(() => trainLinearSvm({ positives: [new Float32Array(3)], negatives: [new Float32Array(4)] })).toThrow(RangeError);
    expect(() => trainLinearSvm({ positives, negatives }, { c: 0 })).toThrow(RangeError);
    const model = trainLinearSvm({ positives, negatives });
    expect(() => model.score(new Float32Array(3))).toThrow(RangeError);
  });
});

describe('trainWhitened', () => {
  const random = seededRandom(5);
  const corpus = [...cloud(axis(0), 50, 0.6, random), ...cloud(axis(1), 200, 0.6, random), ...cloud(axis(2), 200, 0.6, random)];
  const background = backgroundOf(corpus, 0.2);

  it('ranks unseen papers like the liked ones first', () => {
    const model = trainWhitened(background, { positives: cloud(axis(0), 3, 0.3, seededRandom(9)) });
    const fresh = cloud(axis(0), 10, 0.3, seededRandom(10));
    const other = [...cloud(axis(1), 10, 0.3, seededRandom(12)), ...cloud(axis(2), 10, 0.3, seededRandom(13))];
    expect(Math.min(...fresh.map((v) => model.score(v)))).toBeGreaterThan(Math.max(...other.map((v) => model.score(v))));
    expect(Math.min(...fresh.map((v) => model.score(v)))).toBeGreaterThan(0);
  });

  it('is deterministic, and shrinkage 1 gives the centroid difference', () => {
    const positives = cloud(axis(0), 3, 0.3, seededRandom(9));
    expect([...trainWhitened(background, { positives }).weights]).toEqual([...trainWhitened(backgroundOf(corpus, 0.2), { positives }).weights]);
    const identity = backgroundOf(corpus, 1);
    const w = trainWhitened(identity, { positives }).weights;
    const centroid = Array.from({ length: D }, (_, j) => positives.reduce((s, v) => s + v[j]!, 0) / positives.length - identity.mean[j]!);
    const ratio = w[0]! / centroid[0]!;
    for (let j = 0; j < D; j++) expect(w[j]!).toBeCloseTo(centroid[j]! * ratio, 9);
  });

  it('hard negatives push a near-duplicate of a dismissed paper down', () => {
    const liked = [unit(vec({ 0: 1, 5: 0.6 })), unit(vec({ 0: 1, 6: 0.6 }))];
    const dismissed = unit(vec({ 0: 1, 6: 0.6, 7: 0.5 }));
    const nearDuplicate = unit(vec({ 0: 1, 6: 0.6, 7: 0.45 }));
    const plain = trainWhitened(background, { positives: liked });
    const hard = trainWhitened(background, { positives: liked, hardNegatives: [dismissed] });
    expect(hard.score(nearDuplicate) - hard.score(liked[0]!)).toBeLessThan(plain.score(nearDuplicate) - plain.score(liked[0]!));
    expect(hard.score(nearDuplicate)).toBeLessThan(hard.score(liked[0]!));
  });

  it('rejects bad input', () => {
    expect(() => backgroundOf([], 0.2)).toThrow(RangeError);
    expect(() => backgroundOf(corpus, 0)).toThrow(RangeError);
    expect(() => trainWhitened(background, { positives: [] })).toThrow(RangeError);
    expect(() => trainWhitened(background, { positives: [new Float32Array(3)] })).toThrow(RangeError);
  });
});

describe('blendScores', () => {
  it('z-scores each part over the candidates and weighs them', () => {
    expect([...zScores([1, 2, 3])].map((x) => +x.toFixed(6))).toEqual([-1.224745, 0, 1.224745]);
    expect([...zScores([4, 4])]).toEqual([0, 0]);
    const similarity = [0.9, 0.5, 0.1];
    const linear = [-10, 30, 50]; // another scale: z-scoring makes the weights mean something
    const popularity = [0, -1, -2]; // minus the position in the trending order
    const zs = zScores(similarity);
    const zl = zScores(linear);
    const zp = zScores(popularity);
    const out = blendScores({ similarity, linear, popularity });
    for (let k = 0; k < 3; k++) expect(out[k]!).toBeCloseTo(zs[k]! + BLEND_WEIGHTS.lambda * zl[k]! + BLEND_WEIGHTS.mu * zp[k]!, 12);
    expect([...blendScores({ similarity, linear }, { lambda: 0, mu: 0 })]).toEqual([...zs]);
    expect(() => blendScores({ similarity, linear: [1, 2] })).toThrow(RangeError);
  });
});

describe('speed (the refresh job: 10,000 members in 10 minutes on one core)', () => {
  it('trains on ~1,500 candidates of 256 dimensions and scores them within budget', () => {
    const r = seededRandom(1);
    const d = 256;
    const rand = () => unit(Array.from({ length: d }, () => r() * 2 - 1));
    const candidates = Array.from({ length: 1500 }, rand);
    const positives = Array.from({ length: 5 }, rand);
    const background = backgroundOf(candidates, 0.5);
    /** Median CPU milliseconds of `f` after a warm-up (CPU time, so a busy machine does not fail the test). */
    const cpuMs = (f: () => LinearModel) => {
      const times: number[] = [];
      for (let k = 0; k < 10; k++) {
        const start = process.cpuUsage();
        const model = f();
        for (const v of candidates) model.score(v);
        const used = process.cpuUsage(start);
        if (k >= 3) times.push((used.user + used.system) / 1000);
      }
      return times.sort((a, b) => a - b)[3]!;
    };
    // Measured ~1.3 ms (whitened) and ~8 ms (svm) on the eval; the bounds leave room for slow CI machines.
    expect(cpuMs(() => trainWhitened(background, { positives }))).toBeLessThan(20);
    expect(cpuMs(() => trainLinearSvm({ positives, negatives: candidates }, { c: 0.1 }))).toBeLessThan(80);
  });
});
