/**
 * Keeps a search index in step with the store by following the store's change log with a cursor: each app
 * instance (and each SQLite install) has its own index file and catches up on its own, so no search server is needed.
 * A paper written by any path (an import in another process, a submission) is searchable after the next sync.
 */
import type { Store } from '../store/store.js';
import type { IndexDoc, TextIndex } from './text-index.js';

/** Changes read from the store per step. */
export const SYNC_BATCH = 2_000;
/** How often a running server looks for new changes. */
export const SYNC_INTERVAL_MS = 2_000;

export class IndexSync {
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly index: TextIndex,
  ) {}

  /** Applies every change after the index's cursor. Returns the number of papers (re)indexed or removed. */
  syncOnce(onProgress?: (done: number, total: number) => void): Promise<number> {
    // One sync at a time: a timer tick during a long catch-up waits for it instead of starting another.
    this.running ??= this.catchUp(onProgress).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async catchUp(onProgress?: (done: number, total: number) => void): Promise<number> {
    let applied = 0;
    const latest = await this.store.changes.latest();
    const start = this.index.cursor();
    for (;;) {
      const cursor = this.index.cursor();
      const changes = await this.store.changes.since(cursor, SYNC_BATCH);
      if (changes.length === 0) return applied;
      const ids = [...new Set(changes.map((c) => c.paperId))];
      const [papers, feed] = await Promise.all([this.store.papers.getByIds(ids), this.store.feed.states(ids)]);
      const docs: IndexDoc[] = papers.map((p) => {
        const f = feed.get(p.id);
        return {
          paperId: p.id,
          title: p.title,
          authors: p.authors,
          abstract: p.abstract,
          categories: p.categories,
          published: p.published,
          feedDate: f?.feedDate ?? null,
          upvotes: f?.upvotes ?? 0,
        };
      });
      const found = new Set(papers.map((p) => p.id));
      this.index.apply(docs, ids.filter((id) => !found.has(id)), changes.at(-1)!.seq);
      applied += ids.length;
      onProgress?.(Math.min(this.index.cursor(), latest) - start, Math.max(latest - start, 1));
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
