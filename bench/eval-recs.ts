/**
 * Offline evaluation of recommendations (issue 6): simulated members from the demo corpus. Each author with at least
 * three papers is a member who liked (upvoted) all their papers but the newest; the newest is held out. As of the
 * held-out paper's feed day, each method ranks the papers of the 14 days up to it (the "for you" window), the liked
 * ones left out, and we score where the held-out paper lands: nDCG@10 and Recall@20, averaged over members.
 *
 * Methods, side by side on the same members and candidates (ties broken by trending order):
 *   popularity   — the window's papers by trending score (what an anonymous reader sees);
 *   similar-only — by similarity to the member's most recent liked paper alone;
 *   personal     — each candidate's best cosine to any liked paper (decision 014's rule; computed here, so the row does
 *                  not move while the service changes); `forYou (service)` is RecommendationService.forYou as it is now;
 *   linear       — a per-member linear model over the embedding vectors (src/domain/linear-model.ts), variants below;
 *   blend        — z(personal) + λ·z(linear) [+ μ·z(trending rank)], each z-scored over the member's candidates.
 *
 * Choosing parameters without overfitting: members are split by position in the sample into a tuning half (even) and a
 * test half (odd). Every variant and grid cell is shown on both; parameters (CHOSEN below, decision 016) are read off
 * the tuning half, where a plateau is flat the round value inside it is taken rather than the arg-max, and the test half
 * is the figure to believe.
 *
 * Recency bias: the held-out paper is always on the window's last day, and the trending order is mostly newest-first,
 * so a trending prior (μ) looks better here than it can be. `--shift` ends each member's window 0–13 days (seeded)
 * after the held-out paper's day instead (capped at the last feed day), which removes that advantage; μ is chosen on it.
 *
 * "Not interested" (hard negatives), simulated: before the window, the member was shown the 30 papers most similar to
 * what they liked (personal's top 30 of everything older than the window) and dismissed those sharing no category
 * with any paper they liked (at most 5). Members with at least one dismissal are compared with and without it.
 *
 * Usage: npm run eval:recs [-- [--members N] [--shift]] (default 300 members, a fixed sample; 1000 takes all 830)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BLEND_WEIGHTS, backgroundOf, blendScores, type LinearModel, trainLinearSvm, trainWhitened, zScores } from '../src/domain/linear-model.js';
import { mean, median, ndcgAtK, recallAtK } from '../src/domain/ranking-metrics.js';
import { openFileSource } from '../src/ingest/file-source.js';
import { DEMO_CORPUS_FILE } from '../src/main.js';
import { createDefaultEmbedder } from '../src/search/embedders/default.js';
import { IndexSync } from '../src/search/index-sync.js';
import { TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { FOR_YOU_DAYS, RecommendationService } from '../src/services/recommendation.service.js';
import { openDatabase } from '../src/store/db.js';
import { Store } from '../src/store/store.js';
import { rng, table } from './lib/stats.js';

const { values } = parseArgs({ options: { members: { type: 'string', default: '300' }, shift: { type: 'boolean', default: false } } });
const MEMBERS = Number(values.members);
const SHIFT = values.shift;

/** The recommended configuration (decision 016): read off the tuning half; μ off the tuning half of the --shift run. */
const CHOSEN: { family: 'svm' | 'whitened'; c: number; shrinkage: number; lambda: number; mu: number } = { family: 'whitened', c: 0.1, shrinkage: 0.5, ...BLEND_WEIGHTS };
const SHRINKAGES = [0.05, 0.2, 0.5, 0.8, 1];
const LAMBDAS = [0, 0.25, 0.5, 1, 2, 4];
const MUS = [0, 0.1, 0.25, 0.5, 1];
/** The classifiers blended with personal on the grid. */
const BLENDED = { svm: `svm C=${CHOSEN.c}, window negatives`, whitened: `whitened, shrinkage ${CHOSEN.shrinkage}` };
const SHOWN_BEFORE = 30;
const MAX_DISMISSED = 5;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-eval-recs-'));
const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(dir, 'paperboy.db') }));
await store.migrate();
const t0 = performance.now();
await new PaperImporter(store).run(openFileSource(DEMO_CORPUS_FILE, 'demo corpus'));
const index = TextIndex.open(path.join(dir, 'search.db'));
const embedder = await createDefaultEmbedder();
const vectors = new VectorIndex(index.database, embedder.dimensions, embedder.id);
await new IndexSync(store, index, { embedder, vectors }).syncOnce();
console.error(`demo corpus imported and embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Members: authors with ≥ 3 papers in the feed, a fixed sample (sorted by name, every k-th).
const entries = await store.feed.list({ from: '1900-01-01', to: '2999-12-31', sort: 'publishedAt', limit: 1_000_000, offset: 0 });
const byAuthor = new Map<string, Array<{ id: string; day: string }>>();
for (const e of entries) for (const a of e.paper.authors) (byAuthor.get(a) ?? byAuthor.set(a, []).get(a)!).push({ id: e.paper.id, day: e.feedDate });
const authors = [...byAuthor.entries()].filter(([, ps]) => ps.length >= 3).sort(([a], [b]) => (a < b ? -1 : 1));
const step = Math.max(1, Math.floor(authors.length / MEMBERS));
const sample = authors.filter((_, i) => i % step === 0).slice(0, MEMBERS);
const lastDay = entries.reduce((m, e) => (e.feedDate > m ? e.feedDate : m), '');

// Every paper's vector and categories, once (the service reads the window's vectors per member; timed separately).
const allVectors = vectors.vectorsOf(entries.map((e) => e.paper.id));
const categoriesOf = new Map(entries.map((e) => [e.paper.id, e.paper.categories]));
const tBg = performance.now();
const background = new Map(SHRINKAGES.map((s) => [s, backgroundOf([...allVectors.values()], s)]));
const backgroundMs = (performance.now() - tBg) / SHRINKAGES.length;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const maxCos = (v: Float32Array, liked: readonly Float32Array[]) => {
  let best = -Infinity;
  for (const l of liked) best = Math.max(best, dot(v, l));
  return best;
};
const z = zScores;
const blendKey = (family: keyof typeof BLENDED, lambda: number, mu: number) => (lambda === 0 ? `personal + trending μ=${mu}` : `blend ${family} λ=${lambda} μ=${mu}`);
const scoresOf = (model: LinearModel, vs: readonly Float32Array[]) => Float64Array.from(vs, (v) => model.score(v));

interface Result {
  ndcg: number[];
  recall: number[];
  ms: number[];
}
const results = new Map<string, Result>();
const hardResults = new Map<string, Result>();
const resultOf = (into: Map<string, Result>, method: string) => into.get(method) ?? into.set(method, { ndcg: [], recall: [], ms: [] }).get(method)!;

const recs = new RecommendationService(store, { embedder, vectors });
let candidatesTotal = 0;
let withDismissals = 0;
let dismissedTotal = 0;
let heldOffCategory = 0;
const forYouMs: number[] = [];
/** Liked papers (with vectors) of each evaluated member, in the order of the results. */
const likedCounts: number[] = [];
for (const [i, [name, papers]] of sample.entries()) {
  const sorted = [...papers].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id < b.id ? -1 : 1));
  const held = sorted.at(-1)!;
  const liked = sorted.slice(0, -1).filter((p) => p.id !== held.id);
  const user = await store.accounts.findOrCreateUser(`member${i}@eval.invalid`, new Date('2000-01-01T00:00:00Z'));
  for (const p of liked) await store.votes.setPaperVote(user.id, p.id, true, new Date().toISOString());
  // The window ends on the held-out paper's day, or (--shift) 0–13 days later (seeded), capped at the last feed day.
  const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const shifted = addDays(held.day, rng(5000 + i).int(FOR_YOU_DAYS));
  const until = SHIFT ? (shifted < lastDay ? shifted : lastDay) : held.day;
  const from = addDays(until, -(FOR_YOU_DAYS - 1));
  const likedIds = new Set(liked.map((p) => p.id));
  const window = (await store.feed.list({ from, to: until, sort: 'trending', limit: 5000, offset: 0 })).filter((e) => !likedIds.has(e.paper.id));
  candidatesTotal += window.length;
  const relevant = new Set([held.id]);

  // Candidates in trending order (the tie-breaker for every method), with vectors.
  const cands = window.filter((e) => allVectors.has(e.paper.id));
  const ids = cands.map((e) => e.paper.id);
  const cv = ids.map((id) => allVectors.get(id)!);
  const lv = liked.map((p) => allVectors.get(p.id)).filter((v): v is Float32Array => v !== undefined);
  if (lv.length === 0) continue;
  likedCounts.push(lv.length);
  const popularity = z(Float64Array.from(ids, (_, k) => -k));

  const rank = (scores: ArrayLike<number>) =>
    ids
      .map((id, k) => ({ id, k, s: scores[k]! }))
      .sort((a, b) => b.s - a.s || a.k - b.k)
      .map((x) => x.id);
  const record = (into: Map<string, Result>, method: string, scores: ArrayLike<number>, ms: number) => {
    const r = resultOf(into, method);
    const ranked = rank(scores);
    r.ndcg.push(ndcgAtK(ranked, relevant, 10));
    r.recall.push(recallAtK(ranked, relevant, 20));
    r.ms.push(ms);
  };
  /** CPU milliseconds of this process (not wall time: the machine may be shared), with the result. */
  const timed = <T>(f: () => T): [T, number] => {
    const s = process.cpuUsage();
    const out = f();
    const u = process.cpuUsage(s);
    return [out, (u.user + u.system) / 1000];
  };

  record(results, 'popularity', popularity, 0);
  const [similar, msSimilar] = timed(() => Float64Array.from(cv, (v) => dot(v, lv.at(-1)!)));
  record(results, 'similar-only', similar, msSimilar);
  const [personal, msPersonal] = timed(() => Float64Array.from(cv, (v) => maxCos(v, lv)));
  record(results, 'personal', personal, msPersonal);

  const started = performance.now();
  const service = (await recs.forYou(user.id, 5000, { until, days: FOR_YOU_DAYS })) ?? [];
  forYouMs.push(performance.now() - started);
  const serviceRanked = service.map((r) => r.item.paper.id);
  const sr = resultOf(results, 'forYou (service)');
  sr.ndcg.push(ndcgAtK(serviceRanked, relevant, 10));
  sr.recall.push(recallAtK(serviceRanked, relevant, 20));
  sr.ms.push(forYouMs.at(-1)!);

  // Linear variants. Negatives: the window itself (arxiv-sanity: "the rest"), a sample of it, or background papers.
  const r = rng(1000 + i);
  const windowSample = (n: number) => (cv.length <= n ? cv : Array.from({ length: n }, () => cv[r.int(cv.length)]!));
  const linear: Record<string, Float64Array> = {};
  const linearMs: Record<string, number> = {};
  const variant = (label: string, train: () => LinearModel) => {
    const [scores, ms] = timed(() => scoresOf(train(), cv));
    linear[label] = scores;
    linearMs[label] = ms;
    record(results, `linear: ${label}`, scores, ms);
  };
  for (const c of [0.01, 0.1, 1]) variant(`svm C=${c}, window negatives`, () => trainLinearSvm({ positives: lv, negatives: cv }, { c }));
  variant('svm C=0.1, squared hinge', () => trainLinearSvm({ positives: lv, negatives: cv }, { c: 0.1, loss: 'squared-hinge' }));
  for (const e of [3, 20]) variant(`svm C=0.1, at most ${e} epochs`, () => trainLinearSvm({ positives: lv, negatives: cv }, { c: 0.1, maxEpochs: e }));
  variant('svm C=0.1, 300 sampled negatives', () => trainLinearSvm({ positives: lv, negatives: windowSample(300) }, { c: 0.1 }));
  for (const s of SHRINKAGES) variant(`whitened, shrinkage ${s}`, () => trainWhitened(background.get(s)!, { positives: lv }));

  // Blends of personal with the chosen linear model (and the trending rank), on a grid.
  const zp = z(personal);
  for (const [family, label] of Object.entries(BLENDED)) {
    const zf = z(linear[label]!);
    for (const lambda of LAMBDAS) {
      for (const mu of MUS) {
        if (family !== 'svm' && lambda === 0) continue; // the same for both
        const scores = zp.map((x, k) => x + lambda * zf[k]! + mu * popularity[k]!);
        record(results, blendKey(family as keyof typeof BLENDED, lambda, mu), scores, msPersonal + (lambda === 0 ? 0 : linearMs[label]!));
      }
    }
  }

  // The module's blendScores (what production calls) gives the recommended cell's scores.
  const recommended = blendScores({ similarity: personal, linear: linear[BLENDED[CHOSEN.family]]!, popularity: Float64Array.from(ids, (_, k) => -k) });
  const zChosen = z(linear[BLENDED[CHOSEN.family]]!);
  const fromGrid = zp.map((x, k) => x + CHOSEN.lambda * zChosen[k]! + CHOSEN.mu * popularity[k]!);
  if (recommended.some((x, k) => Math.abs(x - fromGrid[k]!) > 1e-9)) throw new Error('blendScores disagrees with the grid');

  // "Not interested", simulated from papers older than the window (see the header).
  const likedCats = new Set(liked.flatMap((p) => categoriesOf.get(p.id) ?? []));
  if (!(categoriesOf.get(held.id) ?? []).some((c) => likedCats.has(c))) heldOffCategory++;
  const shown = entries
    .filter((e) => e.feedDate < from && !likedIds.has(e.paper.id) && allVectors.has(e.paper.id))
    .map((e) => ({ id: e.paper.id, s: maxCos(allVectors.get(e.paper.id)!, lv) }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, SHOWN_BEFORE);
  const dismissed = shown
    .filter((p) => !(categoriesOf.get(p.id) ?? []).some((c) => likedCats.has(c)))
    .slice(0, MAX_DISMISSED)
    .map((p) => allVectors.get(p.id)!);
  if (dismissed.length > 0) {
    withDismissals++;
    dismissedTotal += dismissed.length;
    const both = (method: string, without: ArrayLike<number>, withHard: ArrayLike<number>, ms: number) => {
      record(hardResults, `${method}`, without, 0);
      record(hardResults, `${method} + dismissed`, withHard, ms);
    };
    // Personal with a penalty: a candidate closer to a dismissed paper than to any liked one falls by the difference.
    both('personal', personal, personal.map((s, k) => s - Math.max(0, maxCos(cv[k]!, dismissed) - s)), 0);
    for (const h of [1, 5]) {
      const hardModels = {
        svm: () => trainLinearSvm({ positives: lv, negatives: cv, hardNegatives: dismissed }, { c: CHOSEN.c, hardNegativeWeight: h }),
        whitened: () => trainWhitened(background.get(CHOSEN.shrinkage)!, { positives: lv, hardNegatives: dismissed }, { hardNegativeWeight: h }),
      };
      for (const family of Object.keys(BLENDED) as Array<keyof typeof BLENDED>) {
        const [withHard, ms] = timed(() => scoresOf(hardModels[family](), cv));
        const without = linear[BLENDED[family]]!;
        both(`linear ${family}, weight ${h}`, without, withHard, ms);
        const zw = z(without);
        const zh = z(withHard);
        if (h !== 1) continue;
        both(
          `blend ${family} λ=${CHOSEN.lambda} μ=${CHOSEN.mu}, weight ${h}`,
          zp.map((x, k) => x + CHOSEN.lambda * zw[k]! + CHOSEN.mu * popularity[k]!),
          zp.map((x, k) => x + CHOSEN.lambda * zh[k]! + CHOSEN.mu * popularity[k]!),
          ms,
        );
      }
    }
  }
  if (process.stderr.isTTY) process.stderr.write(`\r  ${i + 1}/${sample.length} members (${name.slice(0, 30)})            `);
}
if (process.stderr.isTTY) process.stderr.write('\n');

// ---- Report -------------------------------------------------------------------------------------------------------
const half = (xs: readonly number[], h: 0 | 1) => xs.filter((_, k) => k % 2 === h);
const f3 = (x: number) => x.toFixed(3);
/** Paired bootstrap 95% interval of mean(a − b) (1,000 resamples, seeded). */
const pairedCi = (a: readonly number[], b: readonly number[]) => {
  const d = a.map((x, k) => x - b[k]!);
  const r = rng(7);
  const means: number[] = [];
  for (let t = 0; t < 1000; t++) {
    let s = 0;
    for (let k = 0; k < d.length; k++) s += d[r.int(d.length)]!;
    means.push(s / d.length);
  }
  means.sort((x, y) => x - y);
  const sign = (x: number) => (x >= 0 ? '+' : '') + f3(x);
  return `${sign(mean(d))} [${sign(means[25]!)}, ${sign(means[974]!)}]`;
};
const members = results.get('personal')!.ndcg.length;
const row = (method: string, into = results) => {
  const r = into.get(method)!;
  return [method, f3(mean(r.ndcg)), f3(mean(r.recall)), f3(mean(half(r.ndcg, 0))), f3(mean(half(r.ndcg, 1))), f3(mean(half(r.recall, 1)))];
};
const HEAD = ['method', 'nDCG@10', 'Recall@20', 'nDCG tune', 'nDCG test', 'R@20 test'];

console.log(
  `${SHIFT ? 'windows shifted: each ends 0–13 days after the held-out paper\'s day\n' : ''}members: ${members} authors with ≥ 3 papers in the demo corpus (${authors.length} such authors), ${half(results.get('personal')!.ndcg, 0).length} tuning / ${half(results.get('personal')!.ndcg, 1).length} test; ` +
    `candidates per member: ${(candidatesTotal / sample.length).toFixed(0)} on average (the ${FOR_YOU_DAYS} feed days up to the held-out paper)`,
);
const personalNdcg = results.get('personal')!.ndcg;
const main = [
  'popularity',
  'similar-only',
  'personal',
  'forYou (service)',
  blendKey('svm', 0, CHOSEN.mu),
  `linear: ${BLENDED.svm}`,
  `linear: ${BLENDED.whitened}`,
  blendKey('svm', CHOSEN.lambda, 0),
  blendKey('whitened', CHOSEN.lambda, 0),
  blendKey('svm', CHOSEN.lambda, CHOSEN.mu),
  blendKey('whitened', CHOSEN.lambda, CHOSEN.mu),
];
console.log('\nMain comparison (Δ: paired bootstrap 95% interval over all members; ms: median CPU time per member to score the candidates with their vectors in memory, training included; the service row is wall time and reads the vectors from SQLite)');
console.log(
  table(
    [...HEAD, 'Δ nDCG vs personal', 'ms/member'],
    main.map((m) => [...row(m), m === 'personal' ? '' : pairedCi(results.get(m)!.ndcg, personalNdcg), median(results.get(m)!.ms).toFixed(2)]),
  ),
);
console.log('(blend: z(personal) + λ·z(linear) + μ·z(trending rank), z-scored over the member\'s candidates; "personal + trending" is λ=0)');
const svmBlend = results.get(blendKey('svm', CHOSEN.lambda, CHOSEN.mu))!.ndcg;
const whitenedBlend = results.get(blendKey('whitened', CHOSEN.lambda, CHOSEN.mu))!.ndcg;
const chosenBlend = CHOSEN.family === 'svm' ? svmBlend : whitenedBlend;
console.log(`recommended (decision 016): ${blendKey(CHOSEN.family, CHOSEN.lambda, CHOSEN.mu)}; svm blend − whitened blend: Δ nDCG@10 ${pairedCi(svmBlend, whitenedBlend)}`);
console.log(
  `what the linear model adds on top of the trending prior (recommended − personal + trending μ=${CHOSEN.mu}): Δ nDCG@10 ` +
    `${pairedCi(chosenBlend, results.get(blendKey(CHOSEN.family, 0, CHOSEN.mu))!.ndcg)}`,
);

console.log('\nLinear model variants (the classifier alone)');
const variants = [...results.keys()].filter((m) => m.startsWith('linear: '));
console.log(table([...HEAD, 'ms/member'], variants.map((m) => [...row(m), median(results.get(m)!.ms).toFixed(2)])));
console.log(`(whitened: background mean and covariance of all ${allVectors.size} papers, computed once in ${backgroundMs.toFixed(0)} ms; shrinkage 1 is the liked centroid minus the background mean)`);

for (const family of Object.keys(BLENDED) as Array<keyof typeof BLENDED>) {
  console.log(`\nBlend grid, nDCG@10 as tune / test: z(personal) + λ·z(${BLENDED[family]}) + μ·z(trending rank); λ=0 μ=0 is personal`);
  let best = { key: '', v: -1 };
  for (const lambda of LAMBDAS) {
    for (const mu of MUS) {
      const v = mean(half(results.get(blendKey(family, lambda, mu))!.ndcg, 0));
      if (v > best.v) best = { key: `λ=${lambda} μ=${mu}`, v };
    }
  }
  console.log(
    table(
      ['', ...MUS.map((m) => `μ=${m}`)],
      LAMBDAS.map((lambda) => [
        `λ=${lambda}`,
        ...MUS.map((mu) => {
          const r = results.get(blendKey(family, lambda, mu))!;
          return `${f3(mean(half(r.ndcg, 0)))} / ${f3(mean(half(r.ndcg, 1)))}`;
        }),
      ]),
    ),
  );
  console.log(`best on the tuning half: ${best.key} (${f3(best.v)}); decision 016 uses λ=${CHOSEN.lambda} μ=${CHOSEN.mu}`);
}

const buckets: Array<[string, (n: number) => boolean]> = [['2 liked', (n) => n === 2], ['3 liked', (n) => n === 3], ['≥ 4 liked', (n) => n >= 4], ['all', () => true]];
const bucketed = [personalNdcg, results.get(blendKey(CHOSEN.family, 0, CHOSEN.mu))!.ndcg, results.get(`linear: ${BLENDED[CHOSEN.family]}`)!.ndcg, results.get(blendKey(CHOSEN.family, CHOSEN.lambda, 0))!.ndcg, chosenBlend];
console.log(`\nBy how many papers the member liked (nDCG@10; Δ: recommended − personal + trending, paired 95% interval)`);
console.log(
  table(
    ['members', 'n', 'personal', `+ trending μ=${CHOSEN.mu}`, `linear ${CHOSEN.family}`, `blend λ=${CHOSEN.lambda} μ=0`, 'recommended', 'Δ recommended − (personal + trending)'],
    buckets.flatMap(([label, test]) => {
      const idx = likedCounts.flatMap((n, k) => (test(n) ? [k] : []));
      if (idx.length === 0) return [];
      const pick = (xs: number[]) => idx.map((k) => xs[k]!);
      return [[label, String(idx.length), ...bucketed.map((xs) => f3(mean(pick(xs)))), pairedCi(pick(chosenBlend), pick(bucketed[1]!))]];
    }),
  ),
);

const hm = hardResults.get('personal')?.ndcg.length ?? 0;
console.log(
  `\n"Not interested" (simulated): ${withDismissals} of ${members} members dismissed ${(dismissedTotal / Math.max(1, withDismissals)).toFixed(1)} papers on average; ` +
    `for ${heldOffCategory} members the held-out paper shares no category with their liked ones`,
);
if (hm > 0) {
  console.log(
    table(
      ['method (members with dismissals)', 'nDCG@10', 'Recall@20', 'Δ nDCG with dismissals'],
      [...hardResults.keys()]
        .filter((m) => !m.endsWith(' + dismissed'))
        .flatMap((m) => {
          const a = hardResults.get(m)!;
          const b = hardResults.get(`${m} + dismissed`)!;
          return [
            [m, f3(mean(a.ndcg)), f3(mean(a.recall)), ''],
            [`${m} + dismissed`, f3(mean(b.ndcg)), f3(mean(b.recall)), pairedCi(b.ndcg, a.ndcg)],
          ];
        }),
    ),
  );
}
const ms = median(forYouMs);
console.log(
  `\none "for you" ranking by the service: median ${ms.toFixed(1)} ms (over ~${(candidatesTotal / sample.length).toFixed(0)} candidates; each simulated member has a window of its own, read with its vectors from SQLite on every call). ` +
    'The refresh job reads one window for all members: npm run bench:recs measures that (10,000 members on the 87k corpus).',
);
const pers = mean(personalNdcg);
const pop = mean(results.get('popularity')!.ndcg);
console.log(`check: personal beats popularity on nDCG@10: ${pers > pop ? 'PASS' : 'FAIL'} (${pers.toFixed(3)} vs ${pop.toFixed(3)})`);
index.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
