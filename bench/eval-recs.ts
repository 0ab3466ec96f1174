/**
 * Offline evaluation of recommendations (issue 6): simulated members from the demo corpus. Each author with at least
 * three papers is a member who liked (upvoted) all their papers but the newest; the newest is held out. As of the
 * held-out paper's feed day, each method ranks the papers of the 14 days up to it (the "for you" window), the liked
 * ones left out, and we score where the held-out paper lands: nDCG@10 and Recall@20, averaged over members.
 *
 * Methods, side by side on the same members and candidates:
 *   popularity   — the window's papers by trending score (what an anonymous reader sees);
 *   similar-only — by similarity to the member's most recent liked paper alone;
 *   personal     — RecommendationService.forYou: each candidate's best similarity to any liked paper.
 *
 * Usage: npm run eval:recs [-- --members N] (default 300, a fixed sample)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

const { values } = parseArgs({ options: { members: { type: 'string', default: '300' } } });
const MEMBERS = Number(values.members);

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

const recs = new RecommendationService(store, { embedder, vectors });
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const scores: Record<'popularity' | 'similar-only' | 'personal', { ndcg: number[]; recall: number[] }> = {
  popularity: { ndcg: [], recall: [] },
  'similar-only': { ndcg: [], recall: [] },
  personal: { ndcg: [], recall: [] },
};
let candidatesTotal = 0;
const forYouMs: number[] = [];
for (const [i, [name, papers]] of sample.entries()) {
  const sorted = [...papers].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id < b.id ? -1 : 1));
  const held = sorted.at(-1)!;
  const liked = sorted.slice(0, -1).filter((p) => p.id !== held.id);
  const user = await store.accounts.findOrCreateUser(`member${i}@eval.invalid`, new Date('2000-01-01T00:00:00Z'));
  for (const p of liked) await store.votes.setPaperVote(user.id, p.id, true, new Date().toISOString());
  const from = new Date(Date.parse(`${held.day}T00:00:00Z`) - (FOR_YOU_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const likedIds = new Set(liked.map((p) => p.id));
  const window = (await store.feed.list({ from, to: held.day, sort: 'trending', limit: 5000, offset: 0 })).filter((e) => !likedIds.has(e.paper.id));
  candidatesTotal += window.length;
  const relevant = new Set([held.id]);
  const record = (method: keyof typeof scores, ranked: string[]) => {
    scores[method].ndcg.push(ndcgAtK(ranked, relevant, 10));
    scores[method].recall.push(recallAtK(ranked, relevant, 20));
  };
  record('popularity', window.map((e) => e.paper.id));
  const last = vectors.vectorOf(liked.at(-1)!.id);
  record(
    'similar-only',
    last ? window.map((e) => ({ id: e.paper.id, s: dot(vectors.vectorOf(e.paper.id) ?? new Float32Array(last.length), last) })).sort((a, b) => b.s - a.s).map((x) => x.id) : [],
  );
  const started = performance.now();
  const personal = (await recs.forYou(user.id, 5000, { until: held.day, days: FOR_YOU_DAYS })) ?? [];
  forYouMs.push(performance.now() - started);
  record('personal', personal.map((r) => r.item.paper.id));
  if (process.stderr.isTTY) process.stderr.write(`\r  ${i + 1}/${sample.length} members (${name.slice(0, 30)})            `);
}
if (process.stderr.isTTY) process.stderr.write('\n');

console.log(`members: ${sample.length} authors with ≥ 3 papers in the demo corpus (${authors.length} such authors); candidates per member: ${(candidatesTotal / sample.length).toFixed(0)} on average (the ${FOR_YOU_DAYS} feed days up to the held-out paper)`);
console.log('method          nDCG@10   Recall@20');
for (const [method, s] of Object.entries(scores)) console.log(`${method.padEnd(14)}  ${mean(s.ndcg).toFixed(3).padStart(7)}   ${mean(s.recall).toFixed(3).padStart(9)}`);
const ms = median(forYouMs);
console.log(`one "for you" ranking: median ${ms.toFixed(1)} ms (over ~${(candidatesTotal / sample.length).toFixed(0)} candidates): 10,000 members would take ~${((ms * 10_000) / 1000).toFixed(0)} s on one core`);
const pers = mean(scores.personal.ndcg);
const pop = mean(scores.popularity.ndcg);
console.log(`check: personal beats popularity on nDCG@10: ${pers > pop ? 'PASS' : 'FAIL'} (${pers.toFixed(3)} vs ${pop.toFixed(3)})`);
index.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
