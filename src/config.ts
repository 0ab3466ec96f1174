/**
 * The one validated configuration. Zero environment variables give a working install: SQLite under ./data,
 * port 3000, demo corpus loaded into an empty store. CLI flags override environment variables.
 * An invalid value stops start-up with one message listing every bad value and what is expected.
 */
import path from 'node:path';
import { z } from 'zod';
import { WEEKDAYS, type Weekday } from './domain/digest-schedule.js';

export interface Config {
  port: number;
  host: string;
  /** Folder for runtime data (SQLite file, indexes, outbox). */
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; otherwise a SQLite file. */
  databaseUrl: string | null;
  /** Load the bundled demo corpus into an empty store on start. */
  demo: boolean;
  /** Milliseconds between requests to arXiv (their terms: one request every 3 seconds). */
  arxivIntervalMs: number;
  arxivApiUrl: string;
  arxivOaiUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /**
   * Behind a reverse proxy, how many proxy hops to trust for the client address (X-Forwarded-For), so rate limits
   * apply per client rather than per proxy. false (0): the connection's address.
   */
  trustProxy: boolean | number;
  /**
   * Semantic search: `default` (built from the corpus, shipped), `openai` (an OpenAI-compatible endpoint), `onnx` (a
   * local ONNX model folder) or `none`.
   */
  embedder: 'default' | 'openai' | 'onnx' | 'none';
  embeddingsUrl: string | null;
  embeddingsModel: string | null;
  embeddingsApiKey: string | null;
  /** With `onnx`: the model folder (absolute). */
  embeddingsModelPath: string | null;
  /** With `onnx`: mean of the token vectors, or the [CLS] vector. */
  embeddingsPooling: 'mean' | 'cls';
  /** SMTP server as a URL (smtp://user:pass@host:587, smtps://… for TLS), or null to write mail to `outboxDir`. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Where mail goes when no SMTP server is configured (development): one .eml file per message. */
  outboxDir: string;
  /**
   * The site's address as visitors see it, for links in mail (sign-in links). https here also makes cookies Secure.
   * Default http://localhost:PORT.
   */
  publicUrl: string;
  /** Members may submit papers first published at most this many days ago. */
  submissionMaxAgeDays: number;
  /** Submissions per member per 24 hours. */
  submissionsPerDay: number;
  /** How long a worker holds a job before another may take it back (it renews the lease while it works). */
  jobLeaseMs: number;
  /** The daily arXiv OAI-PMH harvest run as a job: which set (null: no harvest) and when (UTC HH:MM). */
  harvest: { set: string | null; at: string };
  /** Requests a minute per client address on each route of the site (the JSON API has limits of its own). */
  rateLimitPerMinute: number;
  /** Where rate-limit counters live: this process, or the database (shared by every instance; the default on PostgreSQL). */
  rateLimitStore: 'memory' | 'database';
  /** Bearer token that lets other machines read /metrics; null: only this machine (loopback) may. */
  metricsToken: string | null;
  /** /readyz fails while this instance's search index is more than this many changes behind the store. */
  readyMaxIndexLag: number;
  /** Limits of the v1 JSON API, per minute: requests per address without a key, requests per key, writes per key. */
  api: { perAddress: number; perKey: number; writesPerKey: number; windowMs: number };
  /** Refresh every member's "for you" inside `paperboy serve` (else `paperboy worker` does it). */
  recommendationsJob: boolean;
  digest: {
    /** Run the digest job inside `paperboy serve` (else run `paperboy worker`). */
    job: boolean;
    sendHourUtc: number;
    weeklyDay: Weekday;
    leaseMs: number;
    retryBaseMs: number;
    maxAttempts: number;
    concurrency: number;
    batchSize: number;
  };
}

/** Derived from the config: which database and where. */
export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

const boolish = z
  .string()
  .trim()
  .toLowerCase()
  .refine((s) => ['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(s), { message: 'expected 0 or 1 (or true/false)' })
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s));

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'expected a port number 0–65535' })
    .int('expected a whole number')
    .min(0, 'expected a port number 0–65535')
    .max(65535, 'expected a port number 0–65535')
    .default(3000),
  HOST: z.string().trim().min(1, 'expected a host name or address').default('0.0.0.0'),
  PAPERBOY_DATA: z.string().trim().min(1, 'expected a folder path').default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((s) => s === '' || /^postgres(ql)?:\/\/.+/.test(s) || /^(sqlite|file):.+/.test(s), {
      message: 'expected postgres://user:password@host:port/db, sqlite:path/to/file.db, or nothing for SQLite in the data folder',
    })
    .optional(),
  PAPERBOY_DEMO: boolish.default(true),
  ARXIV_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0, 'expected milliseconds ≥ 0').default(3000),
  ARXIV_API_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).default('https://export.arxiv.org/api/query'),
  ARXIV_OAI_URL: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).default('https://oaipmh.arxiv.org/oai'),
  TRUST_PROXY: z
    .string()
    .trim()
    .refine((s) => /^(0|1|true|false|\d{1,2})$/.test(s), { message: 'expected 0/false, 1/true, or the number of proxies in front (e.g. 1)' })
    .transform((s): boolean | number => (s === 'true' ? true : s === 'false' ? false : Number(s)))
    .default(false),
  // Semantic search with the corpus embedder shipped in models/ (docs/decisions/008, 010); `none` for keyword only.
  PAPERBOY_EMBEDDER: z.enum(['default', 'openai', 'onnx', 'none'], { message: 'expected default, openai, onnx or none' }).default('default'),
  EMBEDDINGS_URL: z.url({ protocol: /^https?$/, message: 'expected the http(s) base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434' }).optional(),
  EMBEDDINGS_MODEL: z.string().trim().min(1).max(200).optional(),
  EMBEDDINGS_API_KEY: z.string().trim().min(1).optional(),
  EMBEDDINGS_MODEL_PATH: z.string().trim().min(1).optional(),
  EMBEDDINGS_POOLING: z.enum(['mean', 'cls'], { message: 'expected mean (sentence-transformers models) or cls (bge models)' }).default('mean'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'expected smtp://user:password@host:587 or smtps://user:password@host:465' }).optional(),
  MAIL_FROM: z.string().trim().min(3).max(200).default('Paperboy <paperboy@localhost>'),
  PAPERBOY_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'expected the address visitors use, e.g. https://papers.example.org' }).optional(),
  SUBMISSION_MAX_AGE_DAYS: z.coerce.number({ message: 'expected days' }).int('expected a whole number of days').min(1, 'expected at least 1 day').max(36500).default(14),
  JOB_LEASE_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(1000, 'expected at least 1000 ms').max(3_600_000).default(60_000),
  OAI_HARVEST_SET: z.string().trim().regex(/^(all|[a-z-]+(:[a-z-]+(:[A-Za-z-]+)?)?)$/, 'expected an arXiv OAI-PMH set such as cs or physics:hep-th, or all').optional(),
  // arXiv announces new papers at 20:00 US Eastern (00:00 or 01:00 UTC); a little after that by default.
  OAI_HARVEST_AT: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a UTC time HH:MM').default('02:30'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected a count' }).int().min(1).max(1_000_000).default(600),
  RATE_LIMIT_STORE: z.enum(['memory', 'database'], { message: 'expected memory or database' }).optional(),
  METRICS_TOKEN: z.string().trim().min(16, 'expected at least 16 characters (e.g. openssl rand -hex 24)').max(200).optional(),
  READY_MAX_INDEX_LAG: z.coerce.number({ message: 'expected a count of changes' }).int().min(0).max(10_000_000).default(10_000),
  API_REQUESTS_PER_MINUTE: z.coerce.number({ message: 'expected a count' }).int('expected a whole number').min(1).max(1_000_000).default(300),
  API_KEY_REQUESTS_PER_MINUTE: z.coerce.number({ message: 'expected a count' }).int('expected a whole number').min(1).max(1_000_000).default(1200),
  API_RATE_WINDOW_SECONDS: z.coerce.number({ message: 'expected seconds' }).int('expected whole seconds').min(1).max(3600).default(60),
  API_KEY_WRITES_PER_MINUTE: z.coerce.number({ message: 'expected a count' }).int('expected a whole number').min(1).max(1_000_000).default(60),
  DIGEST_JOB: boolish.default(true),
  RECOMMENDATIONS_JOB: boolish.default(true),
  DIGEST_SEND_HOUR_UTC: z.coerce.number({ message: 'expected an hour 0–23' }).int().min(0, 'expected an hour 0–23').max(23, 'expected an hour 0–23').default(6),
  DIGEST_WEEKLY_DAY: z.enum(WEEKDAYS, { message: `expected ${WEEKDAYS.join(', ')}` }).default('monday'),
  DIGEST_LEASE_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(100, 'expected at least 100 ms').default(300_000),
  DIGEST_RETRY_BASE_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).default(60_000),
  DIGEST_MAX_ATTEMPTS: z.coerce.number({ message: 'expected a count' }).int().min(1).max(50).default(8),
  DIGEST_CONCURRENCY: z.coerce.number({ message: 'expected a count' }).int().min(1).max(100).default(4),
  DIGEST_BATCH: z.coerce.number({ message: 'expected a count' }).int().min(1).max(10_000).default(100),
  SUBMISSIONS_PER_DAY: z.coerce.number({ message: 'expected a count' }).int('expected a whole number').min(0, 'expected 0 or more').max(10000).default(5),
});

type RawEnv = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these settings (environment variables or command-line flags) and start again.`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from environment variables and CLI overrides (same names as the variables).
 * Empty strings count as unset. Throws ConfigError listing every invalid value at once.
 */
export function loadConfig(env: RawEnv = process.env, overrides: RawEnv = {}): Config {
  const merged: RawEnv = {};
  for (const key of Object.keys(schema.shape)) {
    const v = overrides[key] ?? env[key];
    if (v !== undefined && v !== '') merged[key] = v;
  }
  const result = schema
    .superRefine((c, ctx) => {
      if (c.PAPERBOY_EMBEDDER === 'onnx' && !c.EMBEDDINGS_MODEL_PATH) {
        ctx.addIssue({ code: 'custom', path: ['EMBEDDINGS_MODEL_PATH'], message: 'required with PAPERBOY_EMBEDDER=onnx: the model folder, e.g. ./models/all-MiniLM-L6-v2 (config.json, tokenizer.json, onnx/model.onnx)' });
      }
      if (c.PAPERBOY_EMBEDDER !== 'openai') return;
      if (!c.EMBEDDINGS_URL) ctx.addIssue({ code: 'custom', path: ['EMBEDDINGS_URL'], message: 'required with PAPERBOY_EMBEDDER=openai (e.g. http://127.0.0.1:11434)' });
      if (!c.EMBEDDINGS_MODEL) ctx.addIssue({ code: 'custom', path: ['EMBEDDINGS_MODEL'], message: 'required with PAPERBOY_EMBEDDER=openai (e.g. nomic-embed-text)' });
    })
    .safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?');
      return `${key}=${JSON.stringify(merged[key] ?? '')}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const c = result.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.PAPERBOY_DATA),
    databaseUrl: c.DATABASE_URL ?? null,
    demo: c.PAPERBOY_DEMO,
    arxivIntervalMs: c.ARXIV_INTERVAL_MS,
    arxivApiUrl: c.ARXIV_API_URL,
    arxivOaiUrl: c.ARXIV_OAI_URL,
    logLevel: c.LOG_LEVEL,
    trustProxy: c.TRUST_PROXY === 0 ? false : c.TRUST_PROXY === 1 ? 1 : c.TRUST_PROXY,
    embedder: c.PAPERBOY_EMBEDDER,
    embeddingsUrl: c.EMBEDDINGS_URL ?? null,
    embeddingsModel: c.EMBEDDINGS_MODEL ?? null,
    embeddingsApiKey: c.EMBEDDINGS_API_KEY ?? null,
    embeddingsModelPath: c.EMBEDDINGS_MODEL_PATH ? path.resolve(c.EMBEDDINGS_MODEL_PATH) : null,
    embeddingsPooling: c.EMBEDDINGS_POOLING,
    smtpUrl: c.SMTP_URL ?? null,
    mailFrom: c.MAIL_FROM,
    outboxDir: path.join(path.resolve(c.PAPERBOY_DATA), 'outbox'),
    publicUrl: (c.PAPERBOY_PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    submissionMaxAgeDays: c.SUBMISSION_MAX_AGE_DAYS,
    submissionsPerDay: c.SUBMISSIONS_PER_DAY,
    // Several instances share one PostgreSQL, so there the counts must be shared too; one SQLite file means one process.
    rateLimitStore: c.RATE_LIMIT_STORE ?? (c.DATABASE_URL && /^postgres/.test(c.DATABASE_URL) ? 'database' : 'memory'),
    jobLeaseMs: c.JOB_LEASE_MS,
    rateLimitPerMinute: c.RATE_LIMIT_PER_MINUTE,
    harvest: { set: c.OAI_HARVEST_SET ?? null, at: c.OAI_HARVEST_AT },
    metricsToken: c.METRICS_TOKEN ?? null,
    readyMaxIndexLag: c.READY_MAX_INDEX_LAG,
    api: { perAddress: c.API_REQUESTS_PER_MINUTE, perKey: c.API_KEY_REQUESTS_PER_MINUTE, writesPerKey: c.API_KEY_WRITES_PER_MINUTE, windowMs: c.API_RATE_WINDOW_SECONDS * 1000 },
    recommendationsJob: c.RECOMMENDATIONS_JOB,
    digest: {
      job: c.DIGEST_JOB,
      sendHourUtc: c.DIGEST_SEND_HOUR_UTC,
      weeklyDay: c.DIGEST_WEEKLY_DAY,
      leaseMs: c.DIGEST_LEASE_MS,
      retryBaseMs: c.DIGEST_RETRY_BASE_MS,
      maxAttempts: c.DIGEST_MAX_ATTEMPTS,
      concurrency: c.DIGEST_CONCURRENCY,
      batchSize: c.DIGEST_BATCH,
    },
  };
}

/** Which database the config selects. */
export function databaseTarget(config: Pick<Config, 'databaseUrl' | 'dataDir'>): DatabaseTarget {
  const url = config.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgres', url };
  if (url && /^(sqlite|file):/.test(url)) return { dialect: 'sqlite', file: path.resolve(url.replace(/^(sqlite|file):(\/\/)?/, '')) };
  return { dialect: 'sqlite', file: path.join(config.dataDir, 'paperboy.db') };
}
