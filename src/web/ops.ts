/**
 * What operators and their tools read: request ids, readiness and Prometheus metrics.
 *
 * - Every request has an id: the `X-Request-Id` a proxy sent (when it looks like one), else a new UUID. It is in every
 *   log line of the request (`reqId`) and in the answer's `X-Request-Id`, so a user's report finds its log lines.
 * - `/healthz` says the process answers; `/readyz` says this instance should get traffic: the database answers, its
 *   schema is current, and the local search index has caught up with the store (503 with the failing checks while
 *   not; also 503 once shutdown has begun, which Fastify answers for us).
 * - `/metrics` (Prometheus text format): request latency histograms by route, the process's own metrics, and from the
 *   store (shared by every instance): papers, import counts, the digest delivery queue's depth and age, mail sent and
 *   failed, and how far this instance's search index is behind. Readable from loopback, or with
 *   `Authorization: Bearer $METRICS_TOKEN` from anywhere.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { IndexSync } from '../search/index-sync.js';
import type { Store } from '../store/store.js';

export interface OpsDeps {
  store: Store;
  sync: IndexSync | null;
  /** Bearer token for /metrics from other machines; null: loopback only. */
  metricsToken: string | null;
  /** /readyz fails while the search index is more than this many changes behind the store. */
  maxIndexLag: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's id: a well-formed `X-Request-Id` from the proxy in front, else a new UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

function tokenMatches(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Check = { ok: boolean; [k: string]: unknown };

/** Readiness checks, each with what it saw. */
export async function readiness(deps: OpsDeps): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  const started = performance.now();
  try {
    await deps.store.ping();
    checks.database = { ok: true, ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (e) {
    checks.database = { ok: false, error: (e as Error).message.slice(0, 200) };
    return { ready: false, checks };
  }
  try {
    const pending = await deps.store.pendingMigrations();
    checks.migrations = pending.length === 0 ? { ok: true } : { ok: false, pending, hint: 'run paperboy migrate' };
  } catch (e) {
    checks.migrations = { ok: false, error: (e as Error).message.slice(0, 200) };
  }
  if (deps.sync) {
    try {
      const behind = await deps.sync.behind();
      const ok = deps.sync.caughtUpOnce && behind <= deps.maxIndexLag;
      checks.search_index = { ok, behind, ...(deps.sync.caughtUpOnce ? {} : { hint: 'the first catch-up since start has not finished' }) };
    } catch (e) {
      checks.search_index = { ok: false, error: (e as Error).message.slice(0, 200) };
    }
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

export function registerOps(app: FastifyInstance, deps: OpsDeps): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });

  app.get('/readyz', { config: { rateLimit: false } }, async (_req, reply) => {
    const r = await readiness(deps);
    reply.header('Cache-Control', 'no-store');
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  });

  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'paperboy_' });
  const latency = new Histogram({
    name: 'paperboy_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template, method and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route's template, never the raw URL (whose ids would make a series each).
    const route = req.routeOptions.url ?? 'unmatched';
    latency.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const store = deps.store;
  new Gauge({
    name: 'paperboy_papers',
    help: 'Papers in the store.',
    registers: [register],
    async collect() {
      this.set(await store.papers.count());
    },
  });
  new Gauge({
    name: 'paperboy_ingest_papers',
    help: 'Papers taken in by every import so far, by outcome (from the store: the same on every instance).',
    labelNames: ['outcome'] as const,
    registers: [register],
    async collect() {
      const t = await store.importRuns.totals();
      this.set({ outcome: 'added' }, t.added);
      this.set({ outcome: 'updated' }, t.updated);
      this.set({ outcome: 'rejected' }, t.rejected);
    },
  });
  new Gauge({
    name: 'paperboy_digest_deliveries',
    help: 'Digest deliveries by status: pending and sending are the queue; sent and failed count mail sent and given up.',
    labelNames: ['status'] as const,
    registers: [register],
    async collect() {
      const counts = await store.digests.counts();
      for (const status of ['pending', 'sending', 'sent', 'failed', 'skipped']) this.set({ status }, counts[status] ?? 0);
    },
  });
  new Gauge({
    name: 'paperboy_digest_queue_oldest_due_seconds',
    help: 'How long the longest-waiting due digest delivery has waited (0 when none is due).',
    registers: [register],
    async collect() {
      const next = await store.digests.nextDueAt();
      this.set(next ? Math.max(0, (Date.now() - Date.parse(next)) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'paperboy_jobs',
    help: 'Jobs in the queue by status (queued and running are the backlog; failed gave up after their attempts).',
    labelNames: ['status'] as const,
    registers: [register],
    async collect() {
      for (const [status, n] of Object.entries(await store.jobs.counts())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'paperboy_jobs_oldest_due_seconds',
    help: 'How long the longest-waiting due job has waited (0 when none is due).',
    registers: [register],
    async collect() {
      const oldestDue = await store.jobs.oldestDue(new Date().toISOString());
      this.set(oldestDue ? Math.max(0, (Date.now() - Date.parse(oldestDue)) / 1000) : 0);
    },
  });
  if (deps.sync) {
    const sync = deps.sync;
    new Gauge({
      name: 'paperboy_search_index_behind',
      help: "Changes of the store this instance's search index has yet to apply.",
      registers: [register],
      async collect() {
        this.set(await sync.behind());
      },
    });
  }

  app.get('/metrics', { config: { rateLimit: false } }, async (req, reply) => {
    const allowed = deps.metricsToken ? tokenMatches(req, deps.metricsToken) || isLoopback(req.ip) : isLoopback(req.ip);
    if (!allowed) {
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send('Metrics are readable from this machine, or with Authorization: Bearer <METRICS_TOKEN> (set METRICS_TOKEN on the server).\n');
    }
    reply.header('Cache-Control', 'no-store');
    return reply.type(register.contentType).send(await register.metrics());
  });
}
