/** The shipped demo corpus (demo/demo-papers.jsonl.gz): small, imports cleanly, and holds every seed paper with its upvotes. */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlFileSource } from '../src/ingest/jsonl.source.js';
import { DEMO_CORPUS_FILE } from '../src/main.js';
import { type ImportSummary, PaperImporter } from '../src/services/paper-importer.js';
import type { Store } from '../src/store/store.js';
import { SEED_PAPERS, sqliteStore } from './helpers/app.js';

interface SeedRow {
  id: string;
  upvotes: number;
  published: string;
  github_url: string | null;
}

const seeds: SeedRow[] = fs
  .readFileSync(SEED_PAPERS, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as SeedRow);

describe('demo corpus', () => {
  let store: Store;
  let summary: ImportSummary;

  beforeAll(async () => {
    store = await sqliteStore();
    summary = await new PaperImporter(store).run(new JsonlFileSource(DEMO_CORPUS_FILE));
  });
  afterAll(() => store?.close());

  it('is at most 5 MB', () => {
    expect(fs.statSync(DEMO_CORPUS_FILE).size).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('imports with no rejects', async () => {
    expect(summary.rejects).toEqual([]);
    expect(summary.rejected).toBe(0);
    expect(summary.added).toBeGreaterThan(3000);
    expect(await store.papers.count()).toBe(summary.added);
  });

  it('holds all 55 seed papers with their upvotes, listing day and code link', async () => {
    expect(seeds).toHaveLength(55);
    const papers = new Map((await store.papers.getByIds(seeds.map((s) => s.id))).map((p) => [p.id, p]));
    for (const s of seeds) {
      const feed = await store.feed.getByPaperId(s.id);
      expect({ id: s.id, upvotes: feed?.upvotes, day: feed?.feedDate, code: papers.get(s.id)?.links.code ?? null }).toEqual({
        id: s.id,
        upvotes: s.upvotes,
        day: s.published,
        code: s.github_url,
      });
    }
  });

  it('includes old-style arXiv ids', async () => {
    const p = await store.papers.getById('hep-th/9108002');
    expect(p?.title).toBe('Hamiltonian construction of W-gravity actions');
  });
});
