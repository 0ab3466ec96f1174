/**
 * Nearest-neighbour search over paper vectors (cosine similarity of unit vectors).
 *
 * Storage: table `vec` in the search index file, one row per paper, the vector as int8 scaled by its largest component
 * (cosine similarity does not change when a vector is scaled, so no scale needs storing): 256 bytes for 256 dimensions.
 *
 * Search, by corpus size (docs/decisions/010-vector-index.md):
 * - below HNSW_THRESHOLD vectors: exact, over a float matrix held in memory (usearch's SIMD scan, ~5 ms per 87k);
 * - from HNSW_THRESHOLD on: an approximate HNSW graph (usearch, int8), saved beside the index file
 *   (`<index>.hnsw`) so a restart loads it instead of rebuilding; changes after the save are replayed from the table.
 * Filtered searches (categories, dates) scan the allowed papers exactly when they are few, else over-fetch from the
 * graph and filter.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type SQLite from 'better-sqlite3';
import { exactSearch, Index, MetricKind, ScalarKind } from 'usearch';

export interface VectorHit {
  paperId: string;
  score: number;
}

/** From this many vectors on, search uses the HNSW graph instead of an exact scan. */
export const HNSW_THRESHOLD = 20_000;
/** A filtered search scans the allowed papers exactly when there are at most this many. */
export const EXACT_FILTER_MAX = 20_000;
/** Unsaved graph changes after which a finished sync saves the graph again (`saveIfDirty`). */
const SAVE_AFTER_CHANGES = 5_000;
const HNSW_CONFIG = { connectivity: 16, expansion_add: 128, expansion_search: 256 };

/** int8 of `v / max|v|`: cosine-preserving and 4× smaller than float32. */
export function quantize(v: Float32Array): Buffer {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const out = Buffer.alloc(v.length);
  if (max === 0) return out;
  for (let i = 0; i < v.length; i++) out.writeInt8(Math.round((v[i]! / max) * 127), i);
  return out;
}

/** A stored int8 vector back to a unit float vector. */
export function dequantize(b: Uint8Array, out: Float32Array = new Float32Array(b.length)): Float32Array {
  const s = new Int8Array(b.buffer, b.byteOffset, b.length);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]! * s[i]!;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < s.length; i++) out[i] = s[i]! / norm;
  return out;
}

/** SHA-256 of a file, read in chunks. */
function fileDigest(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export class VectorIndex {
  /** Paper id by row id (the graph's key). */
  private readonly idOf = new Map<number, string>();
  private readonly rowOf = new Map<string, number>();
  /** Exact mode: unit vectors, row-major, in `order`. */
  private matrix = new Float32Array(0);
  private order: number[] = [];
  private slotOf = new Map<number, number>();
  private graph: Index | null = null;
  private unsaved = 0;
  private version: string | undefined;
  private readonly threshold: number;
  readonly graphFile: string | null;

  constructor(
    private readonly db: SQLite.Database,
    readonly dimensions: number,
    readonly embedderId: string,
    opts: { threshold?: number } = {},
  ) {
    this.threshold = opts.threshold ?? HNSW_THRESHOLD;
    this.graphFile = db.memory ? null : `${db.name.replace(/\.db$/, '')}.hnsw`;
    db.exec('drop table if exists vectors'); // the float32 layout of earlier versions
    db.exec('create table if not exists vec (rowid integer primary key, paper_id text not null unique, v blob not null, seq integer not null)');
    db.exec('create table if not exists vec_removed (rowid integer primary key, seq integer not null)');
    db.exec('create table if not exists vector_meta (key text primary key, value text not null)');
    if (this.meta('embedder') !== `${embedderId}/${dimensions}`) {
      // Vectors of another model (or none yet): start over; the sync embeds everything again.
      db.exec('delete from vec; delete from vec_removed');
      this.setMeta('embedder', `${embedderId}/${dimensions}`);
      this.setMeta('cursor', '0');
      this.dropGraphFile();
      this.bumpVersion();
    }
    this.version = this.meta('version');
    this.load();
  }

  private meta(key: string): string | undefined {
    return this.db.prepare('select value from vector_meta where key = ?').pluck().get(key) as string | undefined;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('insert into vector_meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value').run(key, value);
  }

  /**
   * The store change sequence these vectors have caught up to. When another process (`paperboy reindex`) wrote the
   * table since this one last did, the in-memory vectors are reloaded first.
   */
  cursor(): number {
    if (this.meta('version') !== this.version) this.reload();
    return Number(this.meta('cursor') ?? 0);
  }

  /** Marks a write by this process, so other processes sharing the file know to reload. */
  private bumpVersion(): void {
    this.version = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.setMeta('version', this.version);
  }

  private reload(): void {
    this.idOf.clear();
    this.rowOf.clear();
    this.graph = null;
    this.unsaved = 0;
    this.version = this.meta('version');
    this.load();
  }

  size(): number {
    return this.idOf.size;
  }

  /** Whether searches use the approximate graph (else an exact scan). */
  get approximate(): boolean {
    return this.graph !== null;
  }

  private load(): void {
    const rows = this.db.prepare('select rowid, paper_id from vec').raw().all() as Array<[number, string]>;
    for (const [rowid, id] of rows) {
      this.idOf.set(rowid, id);
      this.rowOf.set(id, rowid);
    }
    if (rows.length >= this.threshold) this.loadGraph();
    else this.loadMatrix();
  }

  private loadMatrix(): void {
    this.graph = null;
    this.order = [];
    this.slotOf.clear();
    this.matrix = new Float32Array(Math.max(this.idOf.size, 1024) * this.dimensions);
    const v = new Float32Array(this.dimensions);
    for (const [rowid, blob] of this.db.prepare('select rowid, v from vec').raw().iterate() as Iterable<[number, Buffer]>) {
      this.putExact(rowid, dequantize(blob, v));
    }
  }

  private newGraph(): Index {
    return new Index({ dimensions: this.dimensions, metric: MetricKind.Cos, quantization: ScalarKind.I8, ...HNSW_CONFIG, multi: false });
  }

  /** Loads the saved graph and replays what changed after it was saved; builds it from the table when there is none. */
  private loadGraph(): void {
    const savedSeq = Number(this.meta('graph_seq') ?? -1);
    // The native loader crashes the process on a damaged file, so the file must match the checksum taken when saved.
    if (this.graphFile && savedSeq >= 0 && fs.existsSync(this.graphFile) && fileDigest(this.graphFile) === this.meta('graph_digest')) {
      try {
        const g = this.newGraph();
        g.load(this.graphFile);
        this.graph = g;
        const changed = this.db.prepare('select rowid, v from vec where seq > ?').raw().iterate(savedSeq) as Iterable<[number, Buffer]>;
        this.addToGraph(changed);
        for (const rowid of this.db.prepare('select rowid from vec_removed where seq > ?').pluck().all(savedSeq) as number[]) {
          if (!this.idOf.has(rowid) && g.contains(BigInt(rowid))) g.remove(BigInt(rowid));
        }
        return;
      } catch {
        // An unreadable or foreign file: rebuild below.
      }
    }
    this.graph = this.newGraph();
    this.addToGraph(this.db.prepare('select rowid, v from vec').raw().iterate() as Iterable<[number, Buffer]>);
    this.save();
  }

  private addToGraph(rows: Iterable<[number, Buffer]>): void {
    const g = this.graph!;
    const batch = 4_096;
    let keys: bigint[] = [];
    let data = new Float32Array(batch * this.dimensions);
    const flush = () => {
      if (keys.length === 0) return;
      g.add(BigUint64Array.from(keys), data.subarray(0, keys.length * this.dimensions), 0);
      this.unsaved += keys.length;
      keys = [];
    };
    for (const [rowid, blob] of rows) {
      const key = BigInt(rowid);
      if (g.contains(key)) g.remove(key);
      dequantize(blob, data.subarray(keys.length * this.dimensions, (keys.length + 1) * this.dimensions));
      keys.push(key);
      if (keys.length === batch) {
        flush();
        data = new Float32Array(batch * this.dimensions);
      }
    }
    flush();
  }

  /** Saves the graph when many changes are unsaved (IndexSync calls it once caught up), or any when `force`. */
  saveIfDirty(force = false): void {
    if (this.unsaved >= (force ? 1 : SAVE_AFTER_CHANGES)) this.save();
  }

  /** Writes the graph beside the index file (atomically) and records which changes it holds. */
  private save(): void {
    if (!this.graph || !this.graphFile || this.unsaved === 0) return;
    const seq = this.db.prepare('select coalesce(max(seq), 0) from vec').pluck().get() as number;
    const removedSeq = this.db.prepare('select coalesce(max(seq), 0) from vec_removed').pluck().get() as number;
    const tmp = `${this.graphFile}.tmp-${process.pid}`;
    this.graph.save(tmp);
    const digest = fileDigest(tmp);
    fs.renameSync(tmp, this.graphFile);
    this.setMeta('graph_digest', digest);
    this.setMeta('graph_seq', String(Math.max(seq, removedSeq)));
    this.db.prepare('delete from vec_removed where seq <= ?').run(Math.max(seq, removedSeq));
    this.unsaved = 0;
  }

  private dropGraphFile(): void {
    this.db.prepare("delete from vector_meta where key in ('graph_seq', 'graph_digest')").run();
    if (this.graphFile) fs.rmSync(this.graphFile, { force: true });
  }

  private ensureCapacity(n: number): void {
    if (this.matrix.length >= n * this.dimensions) return;
    const next = new Float32Array(Math.max(n, Math.ceil(n * 1.5)) * this.dimensions);
    next.set(this.matrix.subarray(0, this.order.length * this.dimensions));
    this.matrix = next;
  }

  private putExact(rowid: number, v: Float32Array): void {
    let slot = this.slotOf.get(rowid);
    if (slot === undefined) {
      this.ensureCapacity(this.order.length + 1);
      slot = this.order.length;
      this.order.push(rowid);
      this.slotOf.set(rowid, slot);
    }
    this.matrix.set(v, slot * this.dimensions);
  }

  private removeExact(rowid: number): void {
    const slot = this.slotOf.get(rowid);
    if (slot === undefined) return;
    const last = this.order.length - 1;
    if (slot !== last) {
      const moved = this.order[last]!;
      this.matrix.copyWithin(slot * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.order[slot] = moved;
      this.slotOf.set(moved, slot);
    }
    this.order.pop();
    this.slotOf.delete(rowid);
  }

  /** Stores vectors and removals and moves the cursor, in one transaction. */
  apply(vectors: ReadonlyArray<{ paperId: string; vector: Float32Array }>, removed: readonly string[], cursor: number): void {
    const upsert = this.db.prepare(
      'insert into vec (paper_id, v, seq) values (?, ?, ?) on conflict (paper_id) do update set v = excluded.v, seq = excluded.seq returning rowid',
    );
    const del = this.db.prepare('delete from vec where paper_id = ? returning rowid');
    const tomb = this.db.prepare('insert or replace into vec_removed (rowid, seq) values (?, ?)');
    const written: Array<[number, Buffer]> = [];
    const gone: number[] = [];
    this.db.transaction(() => {
      for (const { paperId, vector } of vectors) {
        const blob = quantize(vector);
        written.push([(upsert.get(paperId, blob, cursor) as { rowid: number }).rowid, blob]);
      }
      for (const id of removed) {
        const r = del.get(id) as { rowid: number } | undefined;
        if (r) {
          tomb.run(r.rowid, cursor);
          gone.push(r.rowid);
        }
      }
      this.setMeta('cursor', String(cursor));
      this.bumpVersion();
    })();
    written.forEach(([rowid], i) => {
      const id = vectors[i]!.paperId;
      this.idOf.set(rowid, id);
      this.rowOf.set(id, rowid);
    });
    for (const rowid of gone) {
      this.rowOf.delete(this.idOf.get(rowid)!);
      this.idOf.delete(rowid);
    }
    if (this.graph) {
      this.addToGraph(written);
      for (const rowid of gone) {
        if (this.graph.contains(BigInt(rowid))) this.graph.remove(BigInt(rowid));
        this.unsaved++;
      }
    } else {
      const v = new Float32Array(this.dimensions);
      for (const [rowid, blob] of written) this.putExact(rowid, dequantize(blob, v));
      for (const rowid of gone) this.removeExact(rowid);
      if (this.idOf.size >= this.threshold) {
        // Grown past the threshold: switch to the graph.
        this.matrix = new Float32Array(0);
        this.order = [];
        this.slotOf.clear();
        this.loadGraph();
      }
    }
  }

  /** Empties the index (for a rebuild). */
  clear(): void {
    this.db.exec("delete from vec; delete from vec_removed; update vector_meta set value = '0' where key = 'cursor'");
    this.dropGraphFile();
    this.bumpVersion();
    this.idOf.clear();
    this.rowOf.clear();
    this.unsaved = 0;
    this.loadMatrix();
  }

  /** A stored paper's vector (unit length, from its int8 row), or null when the paper has none yet. */
  vectorOf(paperId: string): Float32Array | null {
    return this.vectorsOf([paperId]).get(paperId) ?? null;
  }

  /** Stored vectors of many papers in one read (unit length, as dequantize gives them); papers without one are absent. */
  vectorsOf(paperIds: readonly string[]): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    if (paperIds.length === 0) return out;
    const read = this.db.prepare('select v.paper_id, v.v from vec v join json_each(?) j on v.paper_id = j.value').raw();
    for (const [id, blob] of read.iterate(JSON.stringify(paperIds)) as Iterable<[string, Buffer]>) out.set(id, dequantize(blob));
    return out;
  }

  /** About `n` stored vectors spread evenly over the index (every k-th row): a sample for background statistics. */
  sample(n: number): Float32Array[] {
    const total = this.size();
    if (total === 0 || n <= 0) return [];
    const step = Math.max(1, Math.floor(total / n));
    const rows = this.db.prepare('select v from vec where rowid % ? = 0 order by rowid limit ?').pluck().all(step, n) as Buffer[];
    return rows.map((b) => dequantize(b));
  }

  /** The `k` most similar papers to a unit query vector, most similar first; `allowed` restricts the candidates. */
  search(query: Float32Array, k: number, allowed?: ReadonlySet<string>): VectorHit[] {
    if (this.idOf.size === 0 || k <= 0) return [];
    if (allowed && (allowed.size <= EXACT_FILTER_MAX || !this.graph)) return this.scanAllowed(query, k, allowed);
    if (!this.graph) {
      const n = this.order.length;
      const m = exactSearch(this.matrix.subarray(0, n * this.dimensions), query, this.dimensions, Math.min(k, n), MetricKind.IP, 1);
      return this.hits(m.keys, m.distances, (slot) => this.order[slot]!);
    }
    // The graph, over-fetching when a broad filter applies.
    const n = this.idOf.size;
    let want = allowed ? Math.min(n, Math.ceil((k * n) / Math.max(allowed.size, 1) * 1.5)) : k;
    for (;;) {
      const m = this.graph.search(query, want, 1);
      let hits = this.hits(m.keys, m.distances, (key) => key);
      if (allowed) hits = hits.filter((h) => allowed.has(h.paperId));
      if (hits.length >= k || want >= n) return hits.slice(0, k);
      want = Math.min(n, want * 2);
    }
  }

  private hits(keys: BigUint64Array, distances: Float32Array, row: (key: number) => number): VectorHit[] {
    const out: VectorHit[] = [];
    for (let i = 0; i < keys.length; i++) {
      const id = this.idOf.get(row(Number(keys[i])));
      // Distances: 1 - similarity for both metrics.
      if (id !== undefined && Number.isFinite(distances[i]!)) out.push({ paperId: id, score: 1 - distances[i]! });
    }
    return out;
  }

  /** Exact scores of the allowed papers (read from the table when the matrix is not in memory). */
  private scanAllowed(query: Float32Array, k: number, allowed: ReadonlySet<string>): VectorHit[] {
    const d = this.dimensions;
    const best: VectorHit[] = [];
    let floor = -Infinity;
    const consider = (id: string, v: Float32Array, offset: number) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += v[offset + j]! * query[j]!;
      if (best.length === k && s <= floor) return;
      let pos = best.length;
      while (pos > 0 && best[pos - 1]!.score < s) pos--;
      best.splice(pos, 0, { paperId: id, score: s });
      if (best.length > k) best.pop();
      if (best.length === k) floor = best[k - 1]!.score;
    };
    if (!this.graph) {
      for (const id of allowed) {
        const slot = this.slotOf.get(this.rowOf.get(id) ?? -1);
        if (slot !== undefined) consider(id, this.matrix, slot * d);
      }
      return best;
    }
    const rowids = [...allowed].flatMap((id) => this.rowOf.get(id) ?? []);
    const read = this.db.prepare('select v.rowid, v.v from vec v join json_each(?) j on v.rowid = j.value').raw();
    const v = new Float32Array(d);
    for (const [rowid, blob] of read.iterate(JSON.stringify(rowids)) as Iterable<[number, Buffer]>) {
      consider(this.idOf.get(rowid)!, dequantize(blob, v), 0);
    }
    return best;
  }
}
