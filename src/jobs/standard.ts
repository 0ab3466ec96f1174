/**
 * The periodic work of a Paperboy site as jobs on the queue (queue.ts): who schedules what, and what each job does.
 * Every process that runs jobs (`paperboy worker`, and `paperboy serve` unless told not to) schedules only the kinds
 * it handles, so a slot's job is never left without anyone to run it. Each handler is idempotent, as the queue needs:
 * - `digests.send` (every minute): plan due editions and send due deliveries (the delivery ledger sends each once);
 * - `trending.recount` (every 10 minutes): recount votes and trending scores from the votes table;
 * - `recs.refresh` (every 30 minutes): recompute members' "for you" (this process's index caught up first);
 * - `ingest.oai` (daily, after arXiv's announcements): harvest arXiv OAI-PMH from the last harvested day, when a set
 *   is configured (OAI_HARVEST_SET); the importer is idempotent, so a repeated day adds nothing.
 * Embedding new papers is not a queue job: each instance's search index (and its vectors) follows the store's change
 * log by itself (docs/decisions/007).
 */
import type { Config } from '../config.js';
import { withFeedOnPublished } from '../ingest/feed-day.js';
import { PoliteHttpClient } from '../ingest/http-client.js';
import { OaiPmhSource } from '../ingest/oai-pmh.source.js';
import type { IndexSync } from '../search/index-sync.js';
import type { DigestService } from '../services/digest.service.js';
import { PaperImporter } from '../services/paper-importer.js';
import type { RecommendationService } from '../services/recommendation.service.js';
import type { VoteService } from '../services/vote.service.js';
import type { Store } from '../store/store.js';
import type { JobHandler, Schedule } from './queue.js';
import { leaseOwner, refreshOnce } from './recommendations.job.js';

export const JOB = { digests: 'digests.send', recount: 'trending.recount', recs: 'recs.refresh', harvest: 'ingest.oai' } as const;
const HARVEST_LAST_DAY = 'harvest:oai:last-day';

export interface JobDeps {
  store: Store;
  config: Config;
  votes: VoteService;
  digests?: DigestService | undefined;
  recs?: RecommendationService | undefined;
  /** The process's search index, caught up before "for you" is recomputed. */
  sync?: IndexSync | undefined;
  log?: (msg: string) => void;
}

/** The handlers and schedules this process takes on. */
export function standardJobs(deps: JobDeps): { handlers: Record<string, JobHandler>; schedules: Schedule[] } {
  const { store, config } = deps;
  const handlers: Record<string, JobHandler> = {};
  const schedules: Schedule[] = [];

  handlers[JOB.recount] = async () => {
    await deps.votes.recountAll();
  };
  schedules.push({ kind: JOB.recount, every: 10 * 60_000 });

  if (deps.digests) {
    const digests = deps.digests;
    handlers[JOB.digests] = async () => {
      await digests.plan();
      await digests.sendDue();
    };
    schedules.push({ kind: JOB.digests, every: 60_000 });
  }

  if (deps.recs) {
    const recs = deps.recs;
    const owner = leaseOwner();
    handlers[JOB.recs] = async (_job, { signal }) => {
      await deps.sync?.syncOnce();
      const r = await refreshOnce(recs, store.settings, owner, { shouldStop: () => signal.aborted });
      if (r && r.refreshed > 0) deps.log?.(`"for you": ${r.refreshed} of ${r.members} members recomputed`);
    };
    schedules.push({ kind: JOB.recs, every: 30 * 60_000 });
  }

  if (config.harvest.set) {
    const set = config.harvest.set;
    handlers[JOB.harvest] = async (job) => {
      const today = job.runAt.slice(0, 10);
      // From the last day harvested (inclusive: records of that day may have come in after the last run), else yesterday.
      const from = (await store.settings.get(HARVEST_LAST_DAY)) ?? new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
      const http = new PoliteHttpClient({ minIntervalMs: config.arxivIntervalMs });
      // `all`: the whole of arXiv (no set).
      const source = withFeedOnPublished(new OaiPmhSource({ baseUrl: config.arxivOaiUrl, http, from, until: today, ...(set === 'all' ? {} : { set }) }));
      const s = await new PaperImporter(store).run(source);
      await store.settings.set(HARVEST_LAST_DAY, today);
      deps.log?.(`OAI-PMH harvest of ${set} from ${from}: ${s.added} added, ${s.updated} updated, ${s.rejected} rejected`);
    };
    schedules.push({ kind: JOB.harvest, dailyAt: config.harvest.at });
  }
  return { handlers, schedules };
}
