/** When the demo corpus is loaded on start: into an empty store only, never over user data, finished if interrupted. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { DEMO_SOURCE, loadDemoIfEmpty } from '../src/main.js';
import { importFiles, SEED_PAPERS, sqliteStore } from './helpers/app.js';

const config = (demo: '0' | '1') => loadConfig({ PAPERBOY_DEMO: demo });

describe('demo corpus on start', () => {
  it('loads into an empty store once', async () => {
    const store = await sqliteStore();
    const added = await loadDemoIfEmpty(store, config('1'));
    expect(added).toBe(await store.papers.count());
    expect(added).toBeGreaterThan(5000);
    expect(await loadDemoIfEmpty(store, config('1'))).toBe(0);
    await store.close();
  });

  it('skips with PAPERBOY_DEMO=0, and leaves a store with other papers alone', async () => {
    const empty = await sqliteStore();
    expect(await loadDemoIfEmpty(empty, config('0'))).toBe(0);
    expect(await empty.papers.count()).toBe(0);
    await empty.close();
    const mine = await sqliteStore();
    await importFiles(mine, SEED_PAPERS);
    expect(await loadDemoIfEmpty(mine, config('1'))).toBe(0);
    expect(await mine.papers.count()).toBe(55);
    await mine.close();
  });

  it('finishes a demo load that an earlier start did not complete', async () => {
    const store = await sqliteStore();
    // What a start killed part-way leaves: a demo run that never completed, and some of its papers.
    await importFiles(store, SEED_PAPERS);
    const runId = await store.importRuns.start(DEMO_SOURCE, new Date().toISOString(), 'gone-host:1');
    await store.importRuns.markInterrupted([runId], new Date().toISOString());
    const added = await loadDemoIfEmpty(store, config('1'));
    expect(added).toBe((await store.papers.count()) - 55); // the seed papers (all in the corpus) were already there
    expect((await store.importRuns.bySource(DEMO_SOURCE))[0]?.status).toBe('completed');
    await store.close();
  });
});
