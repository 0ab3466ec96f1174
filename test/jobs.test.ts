/**
 * The job queue in the store (issue 8): any number of runners share it, each job runs once, a dead worker's job is
 * taken back after its lease, scheduled kinds run one at a time, failures retry, and a stopping runner gives its jobs
 * back. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, scheduleDue, slotOf } from '../src/jobs/queue.js';
import type { Job } from '../src/store/job.repository.js';
import type { Store } from '../src/store/store.js';
import { dialects } from './helpers/db.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => new Date().toISOString();

/** Polls `runners` until `done()` holds or 10 s pass. */
async function drive(runners: JobRunner[], done: () => Promise<boolean>) {
  const until = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('jobs did not finish in 10 s');
    await Promise.all(runners.map((r) => r.pollOnce()));
    await wait(10);
  }
  await Promise.all(runners.map((r) => r.idle()));
}

describe.each(dialects)('job queue on $name', ({ name, available, open }) => {
  describe.runIf(available)(`jobs (${name})`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store?.close());

    it('enqueues a key once', async () => {
      expect(await store.jobs.enqueue({ kind: 'k', key: 'once-1', runAt: now() }, now())).toBe(true);
      expect(await store.jobs.enqueue({ kind: 'k', key: 'once-1', runAt: now() }, now())).toBe(false);
      expect((await store.jobs.list('k')).length).toBe(1);
    });

    it('two runners share 40 jobs and run each exactly once', async () => {
      for (let i = 0; i < 40; i++) await store.jobs.enqueue({ kind: 'count', key: `count-${i}`, payload: { i }, runAt: now() }, now());
      const runs = new Map<string, string[]>();
      const handler = (who: string) => async (job: Job) => {
        await wait(5);
        runs.set(job.key, [...(runs.get(job.key) ?? []), who]);
      };
      const a = new JobRunner(store, { count: handler('a') }, { owner: 'runner-a', concurrency: 3 });
      const b = new JobRunner(store, { count: handler('b') }, { owner: 'runner-b', concurrency: 3 });
      await drive([a, b], async () => (await store.jobs.list('count')).every((j) => j.status === 'done'));
      expect(runs.size).toBe(40);
      expect([...runs.values()].every((who) => who.length === 1)).toBe(true);
      // Both did some of the work.
      const by = [...runs.values()].flat();
      expect(by.filter((w) => w === 'a').length).toBeGreaterThan(0);
      expect(by.filter((w) => w === 'b').length).toBeGreaterThan(0);
      expect((await store.jobs.list('count')).every((j) => j.attempts === 1 && j.leaseOwner === null)).toBe(true);
    });

    it('takes back the job of a worker that died, once its lease has ended', async () => {
      await store.jobs.enqueue({ kind: 'orphan', key: 'orphan-1', runAt: now() }, now());
      // A worker claims it with a short lease and dies (never renews, never finishes).
      const dead = await store.jobs.claimOne('dead-worker', ['orphan'], now(), new Date(Date.now() + 200).toISOString());
      expect(dead?.key).toBe('orphan-1');
      let ran = 0;
      const b = new JobRunner(store, { orphan: async () => void ran++ }, { owner: 'runner-b' });
      expect(await b.pollOnce()).toBe(0); // still leased
      await wait(300);
      await drive([b], async () => (await store.jobs.byKey('orphan-1'))?.status === 'done');
      expect(ran).toBe(1);
      expect(await store.jobs.byKey('orphan-1')).toMatchObject({ status: 'done', attempts: 2, lastError: null });
      // The dead worker's late finish is refused: it no longer holds the job.
      expect(await store.jobs.complete(dead!.id, 'dead-worker', now())).toBe(false);
    });

    it('runs one job of an exclusive kind at a time, even with room for more', async () => {
      for (let i = 0; i < 3; i++) await store.jobs.enqueue({ kind: 'harvest', key: `harvest-${i}`, runAt: now(), exclusive: true }, now());
      let running = 0;
      let most = 0;
      const handler = async () => {
        running++;
        most = Math.max(most, running);
        await wait(30);
        running--;
      };
      const a = new JobRunner(store, { harvest: handler }, { owner: 'ex-a', concurrency: 3 });
      const b = new JobRunner(store, { harvest: handler }, { owner: 'ex-b', concurrency: 3 });
      await drive([a, b], async () => (await store.jobs.list('harvest')).every((j) => j.status === 'done'));
      expect(most).toBe(1);
    });

    it('retries a failure later, and gives up after the last attempt', async () => {
      await store.jobs.enqueue({ kind: 'flaky', key: 'flaky-1', runAt: now(), maxAttempts: 3 }, now());
      await store.jobs.enqueue({ kind: 'broken', key: 'broken-1', runAt: now(), maxAttempts: 2 }, now());
      let flaky = 0;
      const errors: string[] = [];
      const r = new JobRunner(
        store,
        {
          flaky: async () => {
            if (++flaky < 2) throw new Error('SMTP 421, try later');
          },
          broken: async () => {
            throw new Error('always');
          },
        },
        { owner: 'retrier', retryBaseMs: 20, onError: (e) => errors.push((e as Error).message) },
      );
      await drive([r], async () => {
        const [f, b] = [await store.jobs.byKey('flaky-1'), await store.jobs.byKey('broken-1')];
        return f?.status === 'done' && b?.status === 'failed';
      });
      expect(await store.jobs.byKey('flaky-1')).toMatchObject({ status: 'done', attempts: 2 });
      expect(await store.jobs.byKey('broken-1')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'always' });
      expect(errors).toContain('SMTP 421, try later');
    });

    it('a stopping runner gives its unfinished jobs back at once', async () => {
      await store.jobs.enqueue({ kind: 'slow', key: 'slow-1', runAt: now() }, now());
      const r = new JobRunner(store, { slow: (_job, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => setTimeout(resolve, 5_000))) }, { owner: 'stopper' });
      await r.pollOnce();
      expect((await store.jobs.byKey('slow-1'))?.status).toBe('running');
      await r.stop(50);
      expect(await store.jobs.byKey('slow-1')).toMatchObject({ status: 'queued', leaseOwner: null, attempts: 0 });
    });

    it('schedules each slot once, whoever asks', async () => {
      const schedules = [{ kind: 'recount', every: 600_000 }, { kind: 'oai', dailyAt: '01:30' }];
      const t = Date.parse('2026-11-27T01:45:00Z');
      expect(await scheduleDue(store, schedules, t)).toEqual(['recount@2026-11-27T01:40:00.000Z', 'oai@2026-11-27']);
      expect(await scheduleDue(store, schedules, t + 60_000)).toEqual([]);
      expect(slotOf({ kind: 'oai', dailyAt: '01:30' }, Date.parse('2026-11-27T01:00:00Z'))).toBeNull();
      expect(await store.jobs.byKey('oai@2026-11-27')).toMatchObject({ exclusive: true, status: 'queued', runAt: '2026-11-27T01:30:00.000Z' });
    });
  });
});

describe('the daily OAI-PMH harvest job', () => {
  it('harvests the configured set from the last harvested day to the job’s day, and remembers where it got to', async () => {
    const { startReplayServer } = await import('./helpers/replay-server.js');
    const { sqliteStore } = await import('./helpers/app.js');
    const { loadConfig } = await import('../src/config.js');
    const { standardJobs, JOB } = await import('../src/jobs/standard.js');
    const { VoteService } = await import('../src/services/vote.service.js');
    const replay = await startReplayServer();
    const store = await sqliteStore();
    try {
      const config = loadConfig({ PAPERBOY_DATA: '/tmp', ARXIV_INTERVAL_MS: '0', ARXIV_OAI_URL: replay.oaiUrl, OAI_HARVEST_SET: 'cs', OAI_HARVEST_AT: '02:30' });
      const jobs = standardJobs({ store, config, votes: new VoteService(store) });
      expect(jobs.schedules).toContainEqual({ kind: JOB.harvest, dailyAt: '02:30' });
      expect(await scheduleDue(store, jobs.schedules, Date.parse('2026-11-27T02:31:00Z'))).toContain('ingest.oai@2026-11-27');
      // The runner's clock is the job's day (the second job is tomorrow's).
      let clockMs = Date.parse('2026-11-27T02:31:00Z');
      const errors: string[] = [];
      const r = new JobRunner(store, jobs.handlers, { owner: 'harvester', clock: () => clockMs, onError: (e) => errors.push(String(e)) });
      await drive([r], async () => (await store.jobs.byKey('ingest.oai@2026-11-27'))?.status === 'done');
      expect(errors).toEqual([]);
      const asked = replay.requests.filter((q) => q.path === '/oai').map((q) => Object.fromEntries(q.params));
      expect(asked).toEqual([{ verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2026-11-26', until: '2026-11-27', set: 'cs' }]);
      expect(await store.settings.get('harvest:oai:last-day')).toBe('2026-11-27');
      // The next day's job starts where this one stopped.
      clockMs = Date.parse('2026-11-28T03:00:00Z');
      await scheduleDue(store, jobs.schedules, clockMs);
      await drive([r], async () => (await store.jobs.byKey('ingest.oai@2026-11-28'))?.status === 'done');
      expect(Object.fromEntries(replay.requests.filter((q) => q.path === '/oai').at(-1)!.params)).toMatchObject({ from: '2026-11-27', until: '2026-11-28' });
    } finally {
      await store.close();
      await replay.close();
    }
  });
});
