/** The vector index: exact below the threshold, an HNSW graph above it, saved and reloaded, shared between processes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalize } from '../src/search/embedder.js';
import { dequantize, quantize, VectorIndex } from '../src/search/vector-index.js';
import { seededRandom } from '../src/search/embedders/linalg.js';

const DIMS = 32;

function randomVectors(n: number, seed: number): Array<{ paperId: string; vector: Float32Array }> {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const v = new Float32Array(DIMS);
    for (let j = 0; j < DIMS; j++) v[j] = rng() * 2 - 1;
    return { paperId: `p${i}`, vector: normalize(v) };
  });
}

/** Exact top-k by brute force over the vectors as stored (int8), for checking. */
function bruteForce(all: Array<{ paperId: string; vector: Float32Array }>, q: Float32Array, k: number, allowed?: Set<string>): string[] {
  return all
    .filter((x) => !allowed || allowed.has(x.paperId))
    .map((x) => ({ id: x.paperId, s: dequantize(quantize(x.vector)).reduce((acc, v, j) => acc + v * q[j]!, 0) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.id);
}

let dir: string;
const open = (threshold: number) => {
  const db = new SQLite(path.join(dir, 'search.db'));
  return { db, index: new VectorIndex(db, DIMS, 'test-embedder', { threshold }) };
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-vectors-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vector quantization', () => {
  it('keeps direction: int8 scaled by the largest component, back to a unit vector', () => {
    const { vector } = randomVectors(1, 7)[0]!;
    const back = dequantize(quantize(vector!));
    const cos = back.reduce((acc, v, j) => acc + v * vector![j]!, 0);
    expect(cos).toBeGreaterThan(0.9995);
    expect(quantize(vector!).length).toBe(DIMS);
    expect([...dequantize(quantize(new Float32Array(DIMS)))].every((x) => x === 0)).toBe(true);
  });
});

describe('VectorIndex', () => {
  const all = randomVectors(600, 42);
  const queries = randomVectors(20, 99).map((x) => x.vector);

  it('searches exactly below the threshold, with and without a filter', () => {
    const { db, index } = open(10_000);
    index.apply(all, [], 1);
    expect(index.approximate).toBe(false);
    for (const q of queries.slice(0, 5)) {
      expect(index.search(q, 10).map((h) => h.paperId)).toEqual(bruteForce(all, q, 10));
      const allowed = new Set(all.filter((_, i) => i % 7 === 0).map((x) => x.paperId));
      expect(index.search(q, 10, allowed).map((h) => h.paperId)).toEqual(bruteForce(all, q, 10, allowed));
    }
    db.close();
  });

  it('switches to the HNSW graph past the threshold and finds nearly all true neighbours', () => {
    const { db, index } = open(300);
    index.apply(all.slice(0, 200), [], 1);
    expect(index.approximate).toBe(false);
    index.apply(all.slice(200), [], 2);
    expect(index.approximate).toBe(true);
    let found = 0;
    for (const q of queries) {
      const truth = new Set(bruteForce(all, q, 10));
      found += index.search(q, 10).filter((h) => truth.has(h.paperId)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThan(0.9);
    // Filters: a narrow one is scanned exactly, and scores are similarities, most similar first.
    const allowed = new Set(all.filter((_, i) => i % 11 === 0).map((x) => x.paperId));
    const hits = index.search(queries[0]!, 5, allowed);
    expect(hits.map((h) => h.paperId)).toEqual(bruteForce(all, queries[0]!, 5, allowed));
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[4]!.score);
    db.close();
  });

  it('saves the graph, reloads it, and replays changes made after the save', () => {
    let { db, index } = open(300);
    index.apply(all.slice(0, 500), [], 1);
    index.saveIfDirty(true);
    expect(fs.existsSync(index.graphFile!)).toBe(true);
    // After the save: an update, a removal and new papers, then a "crash" (no save).
    const moved = { paperId: 'p3', vector: all[599]!.vector };
    index.apply([moved, ...all.slice(500, 550)], ['p4'], 2);
    db.close();

    ({ db, index } = open(300));
    expect(index.approximate).toBe(true);
    expect(index.size()).toBe(549);
    const ids = index.search(all[599]!.vector, 3).map((h) => h.paperId);
    expect(ids[0]).toBe('p3'); // p599 itself is not indexed yet
    expect(index.search(all[4]!.vector, 5).map((h) => h.paperId)).not.toContain('p4');
    expect(index.search(all[520]!.vector, 1)[0]!.paperId).toBe('p520');
    db.close();
  });

  it('rebuilds the graph when the saved file is missing or damaged', () => {
    let { db, index } = open(300);
    index.apply(all, [], 1);
    index.saveIfDirty(true);
    const file = index.graphFile!;
    db.close();
    fs.writeFileSync(file, 'not a graph');
    ({ db, index } = open(300));
    expect(index.search(all[10]!.vector, 1)[0]!.paperId).toBe('p10');
    db.close();
    fs.rmSync(file);
    ({ db, index } = open(300));
    expect(index.search(all[11]!.vector, 1)[0]!.paperId).toBe('p11');
    expect(fs.existsSync(file)).toBe(true);
    db.close();
  });

  it('starts over for another embedder, and clear() empties everything', () => {
    let { db, index } = open(300);
    index.apply(all, [], 5);
    expect(index.cursor()).toBe(5);
    index.clear();
    expect(index.size()).toBe(0);
    expect(index.cursor()).toBe(0);
    expect(index.search(queries[0]!, 5)).toEqual([]);
    index.apply(all.slice(0, 10), [], 6);
    db.close();
    const db2 = new SQLite(path.join(dir, 'search.db'));
    const other = new VectorIndex(db2, DIMS, 'another-embedder', { threshold: 300 });
    expect(other.size()).toBe(0);
    expect(other.cursor()).toBe(0);
    db2.close();
  });

  it('notices when another process rewrote the vectors and reloads them', () => {
    const a = open(300);
    a.index.apply(all.slice(0, 100), [], 1);
    const b = open(300); // e.g. `paperboy reindex` in another process
    b.index.clear();
    b.index.apply(all.slice(100, 400), [], 9);
    expect(a.index.cursor()).toBe(9);
    expect(a.index.size()).toBe(300);
    expect(a.index.approximate).toBe(true);
    expect(a.index.search(all[150]!.vector, 1)[0]!.paperId).toBe('p150');
    a.db.close();
    b.db.close();
  });
});
