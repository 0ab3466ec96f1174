/** The store of record: repositories over one database, plus transactions that hand out the same repositories. */
import type SQLite from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type Db, type Dialect, migrate, pendingMigrations } from './db.js';
import { AccountRepository } from './account.repository.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { RateLimitRepository } from './rate-limit.repository.js';
import { JobRepository } from './job.repository.js';
import { ChangeRepository } from './change.repository.js';
import { CommentRepository } from './comment.repository.js';
import { FeedRepository } from './feed.repository.js';
import { InterestRepository } from './interest.repository.js';
import { ImportRunRepository } from './import-run.repository.js';
import { DigestRepository } from './digest.repository.js';
import { ModerationRepository } from './moderation.repository.js';
import { SettingsRepository } from './settings.repository.js';
import { SubscriberRepository } from './subscriber.repository.js';
import { PaperRepository } from './paper.repository.js';
import { ReadingListRepository } from './reading-list.repository.js';
import { VoteRepository } from './vote.repository.js';
import type { Database } from './schema.js';

export interface Repositories {
  papers: PaperRepository;
  changes: ChangeRepository;
  feed: FeedRepository;
  importRuns: ImportRunRepository;
  accounts: AccountRepository;
  votes: VoteRepository;
  comments: CommentRepository;
  moderation: ModerationRepository;
  settings: SettingsRepository;
  subscribers: SubscriberRepository;
  digests: DigestRepository;
  readingLists: ReadingListRepository;
  interests: InterestRepository;
  apiKeys: ApiKeyRepository;
  rateLimits: RateLimitRepository;
  jobs: JobRepository;
}

function repositories(db: Kysely<Database> | Transaction<Database>, dialect: Dialect, sqlite: SQLite.Database | null): Repositories {
  return {
    papers: new PaperRepository(db, sqlite),
    changes: new ChangeRepository(db, sqlite),
    feed: new FeedRepository(db, dialect, sqlite),
    importRuns: new ImportRunRepository(db, dialect),
    accounts: new AccountRepository(db),
    votes: new VoteRepository(db),
    comments: new CommentRepository(db),
    moderation: new ModerationRepository(db),
    settings: new SettingsRepository(db),
    subscribers: new SubscriberRepository(db),
    digests: new DigestRepository(db, dialect),
    readingLists: new ReadingListRepository(db),
    interests: new InterestRepository(db),
    apiKeys: new ApiKeyRepository(db),
    rateLimits: new RateLimitRepository(db),
    jobs: new JobRepository(db, dialect),
  };
}

export class Store implements Repositories {
  readonly papers: PaperRepository;
  readonly changes: ChangeRepository;
  readonly feed: FeedRepository;
  readonly importRuns: ImportRunRepository;
  readonly accounts: AccountRepository;
  readonly votes: VoteRepository;
  readonly comments: CommentRepository;
  readonly moderation: ModerationRepository;
  readonly settings: SettingsRepository;
  readonly subscribers: SubscriberRepository;
  readonly digests: DigestRepository;
  readonly readingLists: ReadingListRepository;
  readonly interests: InterestRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly rateLimits: RateLimitRepository;
  readonly jobs: JobRepository;

  constructor(readonly db: Db) {
    const r = repositories(db.kysely, db.dialect, db.sqlite);
    this.papers = r.papers;
    this.changes = r.changes;
    this.feed = r.feed;
    this.importRuns = r.importRuns;
    this.accounts = r.accounts;
    this.votes = r.votes;
    this.comments = r.comments;
    this.moderation = r.moderation;
    this.settings = r.settings;
    this.subscribers = r.subscribers;
    this.digests = r.digests;
    this.readingLists = r.readingLists;
    this.interests = r.interests;
    this.apiKeys = r.apiKeys;
    this.rateLimits = r.rateLimits;
    this.jobs = r.jobs;
  }

  get dialect() {
    return this.db.dialect;
  }

  /** Runs `fn` in one transaction; everything it writes through the given repositories commits or rolls back together. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.kysely.transaction().execute((trx) => fn(repositories(trx, this.db.dialect, this.db.sqlite)));
  }

  migrate(): Promise<string[]> {
    return migrate(this.db);
  }

  /** Migrations not run yet against this database. */
  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db);
  }

  /** A round trip to the database (readiness checks); throws when it cannot be reached. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db.kysely);
  }

  private closing: Promise<void> | null = null;

  /** Closes the database (once: several owners, such as two app instances in one test, may each ask). */
  close(): Promise<void> {
    this.closing ??= this.db.close();
    return this.closing;
  }
}
