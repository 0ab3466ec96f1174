/** Test helpers: a real SQLite file in a temp folder, filled from real data files, and the real app over it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { JsonlFileSource } from '../../src/ingest/jsonl.source.js';
import { OpenAiEmbedder } from '../../src/search/embedders/openai.js';
import { IndexSync, type SemanticParts } from '../../src/search/index-sync.js';
import { VectorIndex } from '../../src/search/vector-index.js';
import { TextIndex } from '../../src/search/text-index.js';
import { FeedService } from '../../src/services/feed.service.js';
import { SearchService } from '../../src/services/search.service.js';
import { RecommendationService } from '../../src/services/recommendation.service.js';
import { PaperImporter } from '../../src/services/paper-importer.js';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { type CommunityDeps, createApp } from '../../src/web/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { buildCommunity } from '../../src/main.js';

export const SHARED_DATA = path.resolve(import.meta.dirname, '../../../shared/data');
export const SEED_PAPERS = path.join(SHARED_DATA, 'seed-papers.jsonl');
export const CORPUS_87K = path.join(SHARED_DATA, 'arxiv-87k.jsonl.gz');

export function tempDir(prefix = 'paperboy-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A migrated SQLite store in a fresh temp folder. */
export async function sqliteStore(): Promise<Store> {
  const store = new Store(openDatabase({ dialect: 'sqlite', file: path.join(tempDir(), 'test.db') }));
  await store.migrate();
  return store;
}

export async function importFiles(store: Store, ...files: string[]): Promise<void> {
  for (const f of files) await new PaperImporter(store).run(new JsonlFileSource(f));
}

/**
 * The real app over a store holding the seed papers, then any extra files, then `papers` (records in the JSONL
 * import format).
 */
export async function seededApp(
  opts: {
    files?: string[];
    papers?: readonly object[];
    store?: Store;
    rateLimitPerMinute?: number;
    /** Environment for the community part (SMTP_URL, ARXIV_API_URL, PAPERBOY_PUBLIC_URL, …); mail goes to an outbox folder by default. */
    env?: Record<string, string>;
    /** An OpenAI-compatible embeddings server (helpers/embeddings-server.ts): semantic search and vector neighbours on. */
    embeddingsUrl?: string;
  } = {},
): Promise<{ app: FastifyInstance; store: Store; index: TextIndex; sync: IndexSync; community: CommunityDeps; config: Config }> {
  const store = opts.store ?? (await sqliteStore());
  const files = [...(opts.files ?? [])];
  if (opts.papers?.length) {
    const file = path.join(tempDir(), 'extra.jsonl');
    fs.writeFileSync(file, opts.papers.map((r) => JSON.stringify(r)).join('\n'));
    files.push(file);
  }
  await importFiles(store, SEED_PAPERS, ...files);
  const feed = new FeedService(store);
  const index = TextIndex.open(path.join(tempDir(), 'search.db'));
  let semantic: SemanticParts | null = null;
  if (opts.embeddingsUrl) {
    const embedder = await OpenAiEmbedder.connect({ url: opts.embeddingsUrl, model: 'toy' });
    semantic = { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
  }
  const sync = new IndexSync(store, index, semantic);
  await sync.syncOnce();
  const config = loadConfig({ PAPERBOY_DATA: tempDir(), ARXIV_INTERVAL_MS: '0', ARXIV_API_URL: 'http://127.0.0.1:9/api/query', ...opts.env });
  const { community, close: closeMail } = await buildCommunity(store, config);
  const recommendations = new RecommendationService(store, null);
  const app = await createApp({ feed, search: new SearchService(store, index, semantic), logLevel: 'silent', rateLimitPerMinute: opts.rateLimitPerMinute, community, recommendations,
    // A generous site-wide limit lifts the API's per-address limit with it (fuzz and load tests); else the config's.
    apiLimits: opts.rateLimitPerMinute ? { ...config.api, perAddress: Math.max(config.api.perAddress, opts.rateLimitPerMinute) } : config.api,
    ops: { store, sync, metricsToken: config.metricsToken, maxIndexLag: config.readyMaxIndexLag },
    ...(config.rateLimitStore === 'database' ? { rateLimitStore: store.rateLimits } : {}),
  });
  app.addHook('onClose', async () => {
    closeMail();
    index.close();
    await store.close();
  });
  return { app, store, index, sync, community, config };
}
