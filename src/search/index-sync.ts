/**
 * Keeps a search index in step with the store by following the store's change log with a cursor: each app
 * instance (and each SQLite install) has its own index file and catches up on its own, so no search server is needed.
 * A paper written by any path (an import in another process, a submission) is searchable after the next sync.
 */
import type { FeedState } from '../store/feed.repository.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { Store } from '../store/store.js';
import { type Embedder, paperText } from './embedder.js';
import type { IndexDoc, TextIndex } from './text-index.js';
import type { VectorIndex } from './vector-index.js';

const toDoc =
  (feed: Map<string, FeedState>) =>
  (p: PaperRecord): IndexDoc => {
    const f = feed.get(p.id);
    return {
      paperId: p.id,
      title: p.title,
      authors: p.authors,
      abstract: p.abstract,
      categories: p.categories,
      published: p.published,
      feedDate: f?.feedDate ?? null,
      upvotes: f?.totalUpvotes ?? f?.upvotes ?? 0,
    };
  };

/** Changes read from the store per step. */
export const SYNC_BATCH = 2_000;
/** How often a running server looks for new changes. */
export const SYNC_INTERVAL_MS = 2_000;

/** Semantic search parts: the embedder and where its vectors live. */
export interface SemanticParts {
  embedder: Embedder;
  vectors: VectorIndex;
}

export class IndexSync {
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly index: TextIndex,
    private readonly semantic: SemanticParts | null = null,
  ) {}

  /** True once a sync has completed since this process started (the index has seen the store at least once). */
  caughtUpOnce = false;

  /** How many changes of the store's log the slower of the indexes has yet to apply. */
  async behind(): Promise<number> {
    const latest = await this.store.changes.latest();
    const cursor = Math.min(this.index.cursor(), this.semantic ? this.semantic.vectors.cursor() : Number.MAX_SAFE_INTEGER);
    return Math.max(0, latest - cursor);
  }

  /** Applies every change after the indexes' cursors. Returns the number of papers (re)indexed or removed. */
  syncOnce(onProgress?: (done: number, total: number) => void): Promise<number> {
    // One sync at a time: a timer tick during a long catch-up waits for it instead of starting another.
    this.running ??= this.catchUp(onProgress)
      .then((n) => {
        this.caughtUpOnce = true;
        return n;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async catchUp(onProgress?: (done: number, total: number) => void): Promise<number> {
    const latest = await this.store.changes.latest();
    const textStart = this.index.cursor();
    const vectorStart = this.semantic ? this.semantic.vectors.cursor() : latest;
    const total = Math.max(latest - textStart + (latest - vectorStart), 1);
    let done = 0;
    const report = (n: number) => {
      done += n;
      onProgress?.(Math.min(done, total), total);
    };
    const applied = await this.follow(
      () => this.index.cursor(),
      async (papers, removed, cursor, stepped) => {
        this.index.apply(papers.map(toDoc(await this.store.feed.states(papers.map((p) => p.id)))), removed, cursor);
        report(stepped);
      },
    );
    if (this.semantic) {
      const { embedder, vectors } = this.semantic;
      await this.follow(
        () => vectors.cursor(),
        async (papers, removed, cursor, stepped) => {
          const embedded = await embedder.embed(papers.map(paperText));
          vectors.apply(papers.map((p, i) => ({ paperId: p.id, vector: embedded[i]! })), removed, cursor);
          report(stepped);
        },
      );
      vectors.saveIfDirty();
    }
    return applied;
  }

  /** Reads the change log after `cursor()` in batches and hands each batch's papers (and vanished ids) to `apply`. */
  private async follow(
    cursor: () => number,
    apply: (papers: PaperRecord[], removed: string[], cursor: number, stepped: number) => Promise<void>,
  ): Promise<number> {
    let applied = 0;
    for (;;) {
      const from = cursor();
      const changes = await this.store.changes.since(from, SYNC_BATCH);
      if (changes.length === 0) return applied;
      const ids = [...new Set(changes.map((c) => c.paperId))];
      const papers = await this.store.papers.getByIds(ids);
      const found = new Set(papers.map((p) => p.id));
      const to = changes.at(-1)!.seq;
      await apply(papers, ids.filter((id) => !found.has(id)), to, to - from);
      applied += ids.length;
    }
  }

  /** Syncs now and then every `intervalMs` until stopped. Errors are reported and retried on the next tick. */
  start(intervalMs = SYNC_INTERVAL_MS, onError: (e: unknown) => void = () => {}): () => void {
    const tick = () => void this.syncOnce().catch(onError);
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    return () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    };
  }

  /** Waits for a sync in progress (for shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => {});
  }
}
