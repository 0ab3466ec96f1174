/**
 * Wiring: config -> store -> services -> web. The one place that builds everything; tests call the same functions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, databaseTarget } from './config.js';
import { openFileSource } from './ingest/file-source.js';
import { createEmbedder } from './search/embedder-factory.js';
import { IndexSync, type SemanticParts, SYNC_INTERVAL_MS } from './search/index-sync.js';
import { VectorIndex } from './search/vector-index.js';
import { TextIndex } from './search/text-index.js';
import { FeedService } from './services/feed.service.js';
import { SearchService } from './services/search.service.js';
import { PaperImporter } from './services/paper-importer.js';
import { openDatabase } from './store/db.js';
import { PoliteHttpClient } from './ingest/http-client.js';
import { startQueue } from './jobs/queue.js';
import { standardJobs } from './jobs/standard.js';
import { DigestService } from './services/digest.service.js';
import { ApiKeyService } from './services/api-key.service.js';
import { InterestService } from './services/interest.service.js';
import { ReadingListService } from './services/reading-list.service.js';
import { RecommendationService } from './services/recommendation.service.js';
import { LinkSigner } from './services/signed-links.js';
import { createMailer } from './mail/mailer.js';
import { AccountService } from './services/account.service.js';
import { CommentService } from './services/comment.service.js';
import { ModerationService } from './services/moderation.service.js';
import { SubmissionService } from './services/submission.service.js';
import { VoteService } from './services/vote.service.js';
import type { CommunityDeps } from './web/app.js';
import { Store } from './store/store.js';

/** The demo corpus shipped with the project (see demo/README.md). */
export const DEMO_CORPUS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'demo-papers.jsonl.gz');

/** Opens the configured store and brings its schema up to date. */
export async function openStore(config: Config): Promise<Store> {
  const store = new Store(openDatabase(databaseTarget(config)));
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/** What demo imports record as their source, so a later start can tell whether the demo load completed. */
export const DEMO_SOURCE = 'demo corpus';

/**
 * Loads the demo corpus into an empty store (unless the config says not to), and finishes a demo load that an earlier
 * start did not complete (killed part-way). A store that holds other papers is left alone. Returns papers added.
 */
export async function loadDemoIfEmpty(store: Store, config: Config, log: (msg: string) => void = () => {}): Promise<number> {
  if (!config.demo) return 0;
  const runs = await store.importRuns.bySource(DEMO_SOURCE);
  if (runs.some((r) => r.status === 'completed')) return 0;
  if (runs.length === 0 && (await store.papers.count()) > 0) return 0;
  if (!fs.existsSync(DEMO_CORPUS_FILE)) {
    log(`demo corpus not found at ${DEMO_CORPUS_FILE}; starting with an empty store`);
    return 0;
  }
  log(runs.length ? 'finishing the demo corpus load that an earlier start began…' : 'empty store: loading the demo corpus (set PAPERBOY_DEMO=0 to skip)…');
  const summary = await new PaperImporter(store).run(openFileSource(DEMO_CORPUS_FILE, DEMO_SOURCE));
  log(`demo corpus loaded: ${summary.added} papers added`);
  return summary.added;
}

/** The search index file for this instance: `search.db` in the data folder (derived data, rebuilt by `paperboy reindex`). */
export function openSearchIndex(config: Config): TextIndex {
  return TextIndex.open(path.join(config.dataDir, 'search.db'));
}

/** The configured embedder and its vectors (stored in the search index file), or null for keyword-only search. */
export async function openSemantic(config: Config, index: TextIndex, log: (msg: string) => void = () => {}): Promise<SemanticParts | null> {
  const embedder = await createEmbedder(config, log);
  if (!embedder) return null;
  return { embedder, vectors: new VectorIndex(index.database, embedder.dimensions, embedder.id) };
}

/** The digest service over `store`, with its own pooled mail transport (bulk sending). */
export async function buildDigests(store: Store, config: Config, log: (msg: string) => void = () => {}) {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir, log, pool: config.digest.concurrency, quiet: true });
  const signer = await LinkSigner.open(store);
  const digests = new DigestService(store, mailer, signer, { publicUrl: config.publicUrl, log, ...config.digest });
  return { digests, mailer };
}

/**
 * Accounts, votes, comments, submissions, moderation and digest subscriptions over `store`, mailing through the
 * configured transport. `close()` closes the mail transports.
 */
export async function buildCommunity(store: Store, config: Config, log: (msg: string) => void = () => {}) {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir, log });
  const bulk = await buildDigests(store, config, log);
  // A member is waiting for the answer: one retry and a 20-second timeout, not the importer's patience.
  const http = new PoliteHttpClient({ minIntervalMs: config.arxivIntervalMs, retries: 1, timeoutMs: 20_000 });
  const votes = new VoteService(store);
  const community: CommunityDeps = {
    store,
    accounts: new AccountService(store, mailer, { publicUrl: config.publicUrl, log }),
    votes,
    comments: new CommentService(store, { mailer, publicUrl: config.publicUrl, log }),
    submissions: new SubmissionService(store, {
      arxivApiUrl: config.arxivApiUrl,
      http,
      rules: { maxAgeDays: config.submissionMaxAgeDays, dailyCap: config.submissionsPerDay },
    }),
    moderation: new ModerationService(store),
    digests: bulk.digests,
    readingLists: new ReadingListService(store),
    interests: new InterestService(store),
    apiKeys: new ApiKeyService(store),
    secureCookies: config.publicUrl.startsWith('https:'),
  };
  const close = () => {
    mailer.close();
    bulk.mailer.close();
  };
  return { community, mailer, close };
}

/** Builds the whole server for a config; the caller listens and closes. */
export async function buildServer(config: Config) {
  const store = await openStore(config);
  await loadDemoIfEmpty(store, config, (m) => console.log(m));
  const feed = new FeedService(store);
  // The search index lives beside the data (each app instance its own) and follows the store's change log.
  const index = openSearchIndex(config);
  const semantic = await openSemantic(config, index, (m) => console.log(m));
  const sync = new IndexSync(store, index, semantic);
  const search = new SearchService(store, index, semantic);
  // Loaded here, not at the top: commands such as `ingest` import this module and need none of the web stack (memory).
  const { createApp } = await import('./web/app.js');
  const built = await buildCommunity(store, config, (m) => console.log(m));
  const { community } = built;
  const recommendations = new RecommendationService(store, semantic);
  recommendations.warm(); // the linear model's background (~0.3 s at 87k papers), before any request needs it
  const app = await createApp({ feed, search, logLevel: config.logLevel, trustProxy: config.trustProxy, rateLimitPerMinute: config.rateLimitPerMinute, community, recommendations, apiLimits: config.api,
    ops: { store, sync, metricsToken: config.metricsToken, maxIndexLag: config.readyMaxIndexLag },
    ...(config.rateLimitStore === 'database' ? { rateLimitStore: store.rateLimits } : {}),
  });
  // The periodic jobs, from the queue in the store that every instance and worker shares (each takes what is due).
  const queue = startQueue(
    store,
    standardJobs({
      store,
      config,
      votes: community.votes,
      digests: config.digest.job ? community.digests : undefined,
      recs: config.recommendationsJob ? recommendations : undefined,
      sync,
      log: (m) => app.log.info(m),
    }),
    { leaseMs: config.jobLeaseMs, onError: (e, job) => app.log.error({ err: e, job: job?.key }, 'job failed; it is retried later') },
  );
  const stopSync = sync.start(SYNC_INTERVAL_MS, (e) => app.log.error({ err: e }, 'search index sync failed; retrying'));
  app.addHook('onClose', async () => {
    stopSync();
    await queue.stop(); // finishes or gives back the jobs in hand
    await community.digests.release();
    built.close();
    await sync.idle();
    semantic?.vectors.saveIfDirty(true);
    index.close();
    await store.close();
  });
  return { app, store, sync };
}
