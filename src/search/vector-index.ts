/**
 * Exact nearest-neighbour search over paper vectors (cosine similarity of unit vectors, so a dot product). Vectors are
 * stored in the search index file (table `vectors`) and held in memory as one Float32Array for speed: a scan of 87k
 * 256-d vectors takes a few tens of milliseconds. An approximate (HNSW) index replaces the scan for large corpora.
 */
import type SQLite from 'better-sqlite3';

export interface VectorHit {
  paperId: string;
  score: number;
}

export class VectorIndex {
  private ids: string[] = [];
  private slot = new Map<string, number>();
  private matrix = new Float32Array(0);
  private count = 0;

  constructor(
    private readonly db: SQLite.Database,
    readonly dimensions: number,
    readonly embedderId: string,
  ) {
    db.exec('create table if not exists vectors (paper_id text primary key, v blob not null) without rowid');
    db.exec('create table if not exists vector_meta (key text primary key, value text not null)');
    const stored = db.prepare("select value from vector_meta where key = 'embedder'").pluck().get() as string | undefined;
    if (stored !== embedderId) {
      // Vectors of another model (or none yet): start over; the sync re-embeds everything.
      db.exec('delete from vectors');
      db.prepare("insert into vector_meta (key, value) values ('embedder', ?) on conflict (key) do update set value = excluded.value").run(embedderId);
      db.prepare("insert into vector_meta (key, value) values ('cursor', '0') on conflict (key) do update set value = excluded.value").run();
    }
    this.load();
  }

  /** The store change sequence these vectors have caught up to. */
  cursor(): number {
    return Number(this.db.prepare("select value from vector_meta where key = 'cursor'").pluck().get() ?? 0);
  }

  private load(): void {
    const rows = this.db.prepare('select paper_id, v from vectors').all() as Array<{ paper_id: string; v: Buffer }>;
    this.ensureCapacity(rows.length);
    for (const r of rows) this.put(r.paper_id, new Float32Array(r.v.buffer, r.v.byteOffset, this.dimensions));
  }

  private ensureCapacity(n: number): void {
    if (this.matrix.length >= n * this.dimensions) return;
    const next = new Float32Array(Math.max(n, Math.ceil(this.count * 1.5) + 1024) * this.dimensions);
    next.set(this.matrix.subarray(0, this.count * this.dimensions));
    this.matrix = next;
  }

  private put(id: string, v: Float32Array): void {
    let i = this.slot.get(id);
    if (i === undefined) {
      this.ensureCapacity(this.count + 1);
      i = this.count++;
      this.slot.set(id, i);
      this.ids[i] = id;
    }
    this.matrix.set(v, i * this.dimensions);
  }

  private remove(id: string): void {
    const i = this.slot.get(id);
    if (i === undefined) return;
    const last = --this.count;
    if (i !== last) {
      // Move the last vector into the hole.
      const lastId = this.ids[last]!;
      this.matrix.copyWithin(i * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.ids[i] = lastId;
      this.slot.set(lastId, i);
    }
    this.ids.length = last;
    this.slot.delete(id);
  }

  /** Stores vectors and removals and moves the cursor, in one transaction. */
  apply(vectors: ReadonlyArray<{ paperId: string; vector: Float32Array }>, removed: readonly string[], cursor: number): void {
    const upsert = this.db.prepare('insert into vectors (paper_id, v) values (?, ?) on conflict (paper_id) do update set v = excluded.v');
    const del = this.db.prepare('delete from vectors where paper_id = ?');
    this.db.transaction(() => {
      for (const { paperId, vector } of vectors) upsert.run(paperId, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      for (const id of removed) del.run(id);
      this.db.prepare("update vector_meta set value = ? where key = 'cursor'").run(String(cursor));
    })();
    for (const { paperId, vector } of vectors) this.put(paperId, vector);
    for (const id of removed) this.remove(id);
  }

  clear(): void {
    this.db.exec("delete from vectors; update vector_meta set value = '0' where key = 'cursor'");
    this.ids = [];
    this.slot.clear();
    this.count = 0;
  }

  size(): number {
    return this.count;
  }

  /** The `k` most similar papers to a unit query vector, most similar first; `accept` filters candidates. */
  search(query: Float32Array, k: number, accept?: (paperId: string) => boolean): VectorHit[] {
    const d = this.dimensions;
    const m = this.matrix;
    // A small sorted buffer of the best k (k is at most a few hundred).
    const best: VectorHit[] = [];
    let floor = -Infinity;
    for (let i = 0; i < this.count; i++) {
      let s = 0;
      const base = i * d;
      for (let j = 0; j < d; j++) s += m[base + j]! * query[j]!;
      if (best.length === k && s <= floor) continue;
      const id = this.ids[i]!;
      if (accept && !accept(id)) continue;
      let pos = best.length;
      while (pos > 0 && best[pos - 1]!.score < s) pos--;
      best.splice(pos, 0, { paperId: id, score: s });
      if (best.length > k) best.pop();
      if (best.length === k) floor = best[k - 1]!.score;
    }
    return best;
  }
}
