/** Semantic and hybrid search through an OpenAI-compatible embeddings endpoint (a real local HTTP server). */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperInput } from '../src/domain/paper.js';
import { ArraySource } from '../src/ingest/array.source.js';
import { OpenAiEmbedder } from '../src/search/embedders/openai.js';
import { IndexSync } from '../src/search/index-sync.js';
import { TextIndex } from '../src/search/text-index.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { PaperImporter } from '../src/services/paper-importer.js';
import { SearchService } from '../src/services/search.service.js';
import { RecommendationService } from '../src/services/recommendation.service.js';
import type { Store } from '../src/store/store.js';
import { tempDir } from './helpers/app.js';
import { dialects } from './helpers/db.js';
import { EMBEDDING_DIMENSIONS, type EmbeddingsServer, startEmbeddingsServer } from './helpers/embeddings-server.js';

const paper = (id: string, title: string, abstract: string, over: Partial<PaperInput> = {}): PaperInput => ({
  id, title, abstract, authors: ['A B'], categories: ['cs.LG'], published: '2025-05-26', updated: null, version: 1, comment: null,
  journalRef: null, doi: null, links: { abs: null, pdf: null, code: null, project: null }, feed: { date: '2025-05-26', submittedBy: null, upvotes: 0 }, ...over,
});

const CORPUS = [
  paper('2501.00001', 'Grokking in small transformers', 'Networks generalize long after overfitting the training data.'),
  paper('2501.00002', 'Fast automobile detection', 'We detect cars quickly in street images.', { categories: ['cs.CV'] }),
  paper('2501.00003', 'Galaxy morphology', 'Classifying stars and galaxies.', { categories: ['astro-ph.GA'], published: '2023-01-02' }),
  paper('2501.00004', 'Learning to learn', 'Meta training for quick adaptation.'),
];

describe('OpenAI-compatible embedder', () => {
  let server: EmbeddingsServer;
  beforeAll(async () => {
    server = await startEmbeddingsServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('learns the dimensions, batches, sends the key, and returns unit vectors', async () => {
    const e = await OpenAiEmbedder.connect({ url: server.url, model: 'toy-embed', apiKey: 'sekret', batchSize: 2 });
    expect(e.dimensions).toBe(EMBEDDING_DIMENSIONS);
    expect(e.id).toBe(`openai-compatible:toy-embed@${new URL(server.url).host}:${EMBEDDING_DIMENSIONS}`);
    const vs = await e.embed(['car', 'automobile fast', 'galaxy', '']);
    expect(vs).toHaveLength(4);
    expect(server.requests.slice(1).map((r) => r.input.length)).toEqual([2, 2]);
    expect(server.requests.every((r) => r.auth === 'Bearer sekret' && r.model === 'toy-embed')).toBe(true);
    const norm = (v: Float32Array) => Math.hypot(...v);
    expect(norm(vs[0]!)).toBeCloseTo(1, 6);
    expect(vs[0]![0]).toBeCloseTo(1, 6);
  });

  it('explains an unreachable server and a refused model', async () => {
    await expect(OpenAiEmbedder.connect({ url: 'http://127.0.0.1:1', model: 'm' })).rejects.toThrow(/cannot be reached .* check EMBEDDINGS_URL/);
    const refusing = await startEmbeddingsServer({ failWith: 404 });
    await expect(OpenAiEmbedder.connect({ url: refusing.url, model: 'nope' })).rejects.toThrow(/answered HTTP 404: .*check EMBEDDINGS_MODEL/);
    await refusing.close();
  });
});

describe.each(dialects)('semantic and hybrid search over a store on $name', ({ name, available, open }) => {
  describe.runIf(available)(`modes (${name})`, () => {
    let server: EmbeddingsServer;
    let store: Store;
    let index: TextIndex;
    let search: SearchService;
    let sync: IndexSync;
    let semantic: ConstructorParameters<typeof SearchService>[2];
    const ids = async (q: string, mode: 'keyword' | 'semantic' | 'hybrid') => {
      const r = await search.search({ q, mode });
      if (!r.ok) throw new Error(r.reason);
      return r.hits.map((h) => h.paper.id);
    };

    beforeAll(async () => {
      server = await startEmbeddingsServer();
      store = await open();
      await new PaperImporter(store).run(new ArraySource(CORPUS));
      index = TextIndex.open(path.join(tempDir(), 'search.db'));
      const embedder = await OpenAiEmbedder.connect({ url: server.url, model: 'toy' });
      semantic = { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
      sync = new IndexSync(store, index, semantic);
      await sync.syncOnce();
      search = new SearchService(store, index, semantic);
    });
    afterAll(async () => {
      index?.close();
      await store?.close();
      await server?.close();
    });

    it('recommends papers close in meaning to what a member liked, saying which liked paper each is close to', async () => {
      const user = await store.accounts.findOrCreateUser(`recs-${name}@example.org`, new Date('2025-01-01T00:00:00Z'));
      const recs = new RecommendationService(store, semantic!);
      expect(await recs.forYou(user.id)).toBeNull(); // nothing liked yet
      await store.votes.setPaperVote(user.id, '2501.00002', true, new Date().toISOString());
      const list = (await recs.forYou(user.id, 3))!;
      expect(list.map((r) => r.item.paper.id)).not.toContain('2501.00002');
      expect(list).toHaveLength(3);
      expect(list.every((r) => r.reason === 'because you upvoted “Fast automobile detection”')).toBe(true);
      expect(list.map((r) => r.score)).toEqual([...list.map((r) => r.score)].sort((a, b) => b - a));
    });

    it('lists similar papers by meaning, best first, without the paper itself', async () => {
      const similar = (await search.similar('2501.00002', 3))!;
      expect(similar).toHaveLength(3);
      expect(similar.map((h) => h.paper.id)).not.toContain('2501.00002');
      expect(similar.every((h) => h.reason.startsWith('close in meaning'))).toBe(true);
      const scores = similar.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // Same primary category (cs.LG) as 2501.00001 weighs in: its neighbours in cs.LG say so.
      expect((await search.similar('2501.00001', 3))!.find((h) => h.paper.id === '2501.00004')?.reason).toBe('close in meaning, also in cs.LG');
      expect(await search.similar('9999.99999', 3)).toBeNull();
    });

    it('finds by meaning what keywords miss, and hybrid keeps both', async () => {
      expect(await ids('speedy vehicle', 'keyword')).toEqual([]);
      expect((await ids('speedy vehicle', 'semantic'))[0]).toBe('2501.00002');
      expect((await ids('speedy vehicle', 'hybrid'))[0]).toBe('2501.00002');
      expect((await ids('delayed generalization after memorisation', 'hybrid'))[0]).toBe('2501.00001');
      // A title query: keyword's first result stays first in hybrid.
      expect((await ids('galaxy morphology', 'hybrid'))[0]).toBe('2501.00003');
    });

    it('applies filters to semantic results too', async () => {
      expect(await ids('stars cat:cs.LG', 'semantic')).not.toContain('2501.00003');
      expect((await ids('stars year:2023', 'semantic'))).toEqual(['2501.00003']);
    });

    it('embeds new papers on the next sync', async () => {
      await new PaperImporter(store).run(new ArraySource([paper('2502.00005', 'Rapid autos', 'Quick vehicles.')]));
      await sync.syncOnce();
      expect(await ids('fast car', 'semantic')).toContain('2502.00005');
    });
  });
});
