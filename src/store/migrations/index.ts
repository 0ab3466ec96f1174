/**
 * Migrations, in code so they load the same under tsx, vitest and a compiled build. Each is written once for both
 * dialects; `dialect` is passed where the databases differ (auto-increment keys).
 */
import { feedDayMs, trendingScore } from '../../domain/hotness.js';
import { type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/** Adds an auto-numbered integer primary key: an identity column on PostgreSQL, autoincrement on SQLite. */
function withKey(t: CreateTableBuilder<string, never>, name: string, dialect: Dialect): CreateTableBuilder<string, string> {
  return dialect === 'postgres'
    ? t.addColumn(name, 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
}

function m001(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('papers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('abstract', 'text', (c) => c.notNull())
        .addColumn('authors', 'text', (c) => c.notNull())
        .addColumn('categories', 'text', (c) => c.notNull())
        .addColumn('primary_category', 'text')
        .addColumn('published', 'text', (c) => c.notNull())
        .addColumn('updated', 'text')
        .addColumn('version', 'integer')
        .addColumn('comment', 'text')
        .addColumn('journal_ref', 'text')
        .addColumn('doi', 'text')
        .addColumn('abs_url', 'text')
        .addColumn('pdf_url', 'text')
        .addColumn('code_url', 'text')
        .addColumn('project_url', 'text')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .execute();
      // No secondary indexes on papers yet: every read path goes through feed_entries or the primary key, and each
      // index costs ingest time. Filters by category or date arrive with the search index (issue 3).

      await db.schema
        .createTable('feed_entries')
        .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id').onDelete('cascade'))
        .addColumn('feed_date', 'text', (c) => c.notNull())
        .addColumn('submitted_by', 'text')
        .addColumn('imported_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Listing a day, week or month ranks by upvotes within a date range.
      await db.schema.createIndex('feed_entries_date_idx').on('feed_entries').columns(['feed_date', 'imported_upvotes']).execute();
      // `submitter=` filters within a date range, which the date index narrows first; no index of its own.

      await withKey(db.schema.createTable('import_runs'), 'id', dialect)
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        // host:pid of the process running the import, and when it last committed a batch: tells dead runs from live ones.
        .addColumn('owner', 'text')
        .addColumn('heartbeat_at', 'text')
        .execute();

      await withKey(db.schema.createTable('import_rejects'), 'id', dialect)
        .addColumn('run_id', 'integer', (c) => c.notNull().references('import_runs.id').onDelete('cascade'))
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('import_rejects_run_idx').on('import_rejects').columns(['run_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['import_rejects', 'import_runs', 'feed_entries', 'papers']) await sql`drop table ${sql.table(t)}`.execute(db);
    },
  };
}

/** A change log of papers: derived data (the search index) follows it with a cursor. */
function m002(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withKey(db.schema.createTable('paper_changes'), 'seq', dialect)
        .addColumn('paper_id', 'text', (c) => c.notNull())
        .execute();
      // Papers stored before the log existed are changes the index has not seen yet.
      await sql`insert into paper_changes (paper_id) select id from papers order by id`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table paper_changes`.execute(db);
    },
  };
}

/** All migrations in order. Names sort lexically; never rename or edit one that has shipped. */
/** Accounts: users, one-time sign-in links (hashes only) and sessions (hashes only). Issue 4. */
function m003(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withKey(db.schema.createTable('users'), 'id', dialect)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text')
        .addColumn('affiliation', 'text')
        .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
        .addColumn('banned_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('login_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .execute();
      // Rate limits count the links asked for an address recently.
      await db.schema.createIndex('login_tokens_email_idx').on('login_tokens').columns(['email', 'created_at']).execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      // Sign-out everywhere deletes a user's sessions.
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table sessions`.execute(db);
      await sql`drop table login_tokens`.execute(db);
      await sql`drop table users`.execute(db);
    },
  };
}

/**
 * Community (issue 4): votes, threaded comments and their votes, reports, the public moderation log, and on each feed
 * entry the counts and the stored trending score (domain/hotness) that rank the feed without recomputing anything.
 */
function m004(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('users').addColumn('email_on_reply', 'integer', (c) => c.notNull().defaultTo(0)).execute();

      // Shown count: imported + member votes; trending counts imported + trusted votes (see domain/hotness).
      for (const [name, type] of [
        ['votes', 'integer'],
        ['trusted_votes', 'integer'],
        ['upvotes', 'integer'],
        ['comment_count', 'integer'],
      ] as const) {
        await db.schema.alterTable('feed_entries').addColumn(name, type, (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable('feed_entries').addColumn('trending_score', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('feed_entries').addColumn('submitter_user_id', 'integer', (c) => c.references('users.id').onDelete('set null')).execute();
      await db.schema.alterTable('feed_entries').addColumn('hidden_at', 'text').execute();
      await sql`update feed_entries set upvotes = imported_upvotes`.execute(db);
      // The score needs log10, computed in code (the same function the app uses), in batches.
      let after = '';
      for (;;) {
        const rows = (
          await sql<{ paper_id: string; feed_date: string; imported_upvotes: number }>`select paper_id, feed_date, imported_upvotes from feed_entries where paper_id > ${after} order by paper_id limit 5000`.execute(db)
        ).rows;
        if (rows.length === 0) break;
        for (const r of rows) {
          await sql`update feed_entries set trending_score = ${trendingScore(Number(r.imported_upvotes), feedDayMs(r.feed_date))} where paper_id = ${r.paper_id}`.execute(db);
        }
        after = rows[rows.length - 1]!.paper_id;
      }
      await db.schema.dropIndex('feed_entries_date_idx').execute();
      // A day, week or month ranks by upvotes or trending within a date range; /papers/trending scans the score.
      await db.schema.createIndex('feed_entries_date_upvotes_idx').on('feed_entries').columns(['feed_date', 'upvotes']).execute();
      await db.schema.createIndex('feed_entries_trending_idx').on('feed_entries').columns(['trending_score']).execute();
      // The daily submission cap counts a user's recent submissions.
      await db.schema.createIndex('feed_entries_submitter_idx').on('feed_entries').columns(['submitter_user_id', 'created_at']).execute();

      await db.schema
        .createTable('votes')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
        .execute();
      await db.schema.createIndex('votes_paper_idx').on('votes').column('paper_id').execute();

      await withKey(db.schema.createTable('comments'), 'id', dialect)
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('parent_id', 'integer', (c) => c.references('comments.id').onDelete('cascade'))
        // null once the author's account is deleted (the comment is then a tombstone or gone).
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .addColumn('deleted_at', 'text')
        .addColumn('hidden_at', 'text')
        .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('downvotes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('comments_paper_idx').on('comments').columns(['paper_id', 'created_at']).execute();
      await db.schema.createIndex('comments_user_idx').on('comments').columns(['user_id', 'created_at']).execute();
      await db.schema.createIndex('comments_parent_idx').on('comments').column('parent_id').execute();

      await db.schema
        .createTable('comment_votes')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('comment_id', 'integer', (c) => c.notNull().references('comments.id').onDelete('cascade'))
        .addColumn('value', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('comment_votes_pk', ['user_id', 'comment_id'])
        .execute();
      await db.schema.createIndex('comment_votes_comment_idx').on('comment_votes').column('comment_id').execute();

      await withKey(db.schema.createTable('reports'), 'id', dialect)
        .addColumn('reporter_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'integer')
        .addUniqueConstraint('reports_once', ['reporter_id', 'target_type', 'target_id'])
        .execute();
      await db.schema.createIndex('reports_open_idx').on('reports').columns(['resolved_at', 'created_at']).execute();

      // Public and append-only: the moderator's name is copied so the record outlives their account.
      await withKey(db.schema.createTable('moderation_log'), 'id', dialect)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('moderator_id', 'integer')
        .addColumn('moderator_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('target_label', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      // The database itself refuses to rewrite history, whatever code runs against it.
      if (dialect === 'sqlite') {
        for (const op of ['update', 'delete']) {
          await sql
            .raw(`create trigger moderation_log_no_${op} before ${op} on moderation_log begin select raise(abort, 'the moderation log is append-only'); end`)
            .execute(db);
        }
      } else {
        await sql
          .raw(`create function moderation_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'the moderation log is append-only'; end $$`)
          .execute(db);
        await sql.raw('create trigger moderation_log_append_only before update or delete on moderation_log for each statement execute function moderation_log_append_only()').execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['moderation_log', 'reports', 'comment_votes', 'comments', 'votes']) await sql`drop table ${sql.table(t)}`.execute(db);
      if (dialect === 'postgres') await sql`drop function moderation_log_append_only()`.execute(db);
    },
  };
}

/** PostgreSQL: TRUNCATE bypasses row triggers, so the moderation log refuses it too (SQLite has no TRUNCATE). */
function m005(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql.raw('create trigger moderation_log_no_truncate before truncate on moderation_log for each statement execute function moderation_log_append_only()').execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql`drop trigger moderation_log_no_truncate on moderation_log`.execute(db);
    },
  };
}

/**
 * Digests (issue 5): subscribers (double opt-in), editions (one per frequency and period) and the delivery ledger (one
 * row per edition and subscriber: the exactly-once record), plus a settings table for the server's signing secret.
 */
function m006(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await withKey(db.schema.createTable('subscribers'), 'id', dialect)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('frequency', 'text', (c) => c.notNull())
        .addColumn('daily_mode', 'text', (c) => c.notNull().defaultTo('merge'))
        .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('authors', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('confirmed_at', 'text')
        .addColumn('unsubscribed_at', 'text')
        .addColumn('confirm_sent_at', 'text')
        .addColumn('undeliverable_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      // Planning an edition enqueues the active subscribers of a frequency.
      await db.schema.createIndex('subscribers_status_idx').on('subscribers').columns(['status', 'frequency']).execute();
      await db.schema.createIndex('subscribers_user_idx').on('subscribers').column('user_id').execute();

      await withKey(db.schema.createTable('digest_editions'), 'id', dialect)
        .addColumn('frequency', 'text', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('from_date', 'text', (c) => c.notNull())
        .addColumn('to_date', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('digest_editions_once', ['frequency', 'period_key'])
        .execute();
      // A subscriber's last digest: newest editions first.
      await db.schema.createIndex('digest_editions_recent_idx').on('digest_editions').columns(['frequency', 'to_date']).execute();

      await db.schema
        .createTable('digest_deliveries')
        .addColumn('edition_id', 'integer', (c) => c.notNull().references('digest_editions.id').onDelete('cascade'))
        .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        // pending → sending (leased) → sent | skipped (nothing matched) | failed (permanent, or out of attempts)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('message_id', 'text')
        .addColumn('papers', 'integer')
        .addColumn('last_error', 'text')
        .addPrimaryKeyConstraint('digest_deliveries_pk', ['edition_id', 'subscriber_id'])
        .execute();
      // Workers claim due rows in (status, time) order; the key columns make the claim an ordered index scan that stops
      // at the batch size instead of sorting the whole backlog.
      await db.schema.createIndex('digest_deliveries_due_idx').on('digest_deliveries').columns(['status', 'next_attempt_at', 'edition_id', 'subscriber_id']).execute();
      await db.schema.createIndex('digest_deliveries_lease_idx').on('digest_deliveries').columns(['status', 'lease_until']).execute();
      await db.schema.createIndex('digest_deliveries_subscriber_idx').on('digest_deliveries').column('subscriber_id').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['digest_deliveries', 'digest_editions', 'subscribers', 'settings']) await sql`drop table ${sql.table(t)}`.execute(db);
    },
  };
}

/** Reading lists (issue 6): a member's named, ordered lists of papers, private or public. */
function m007(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withKey(db.schema.createTable('reading_lists'), 'id', dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('reading_lists_user_idx').on('reading_lists').column('user_id').execute();
      await db.schema
        .createTable('reading_list_items')
        .addColumn('list_id', 'integer', (c) => c.notNull().references('reading_lists.id').onDelete('cascade'))
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('reading_list_items_pk', ['list_id', 'paper_id'])
        .execute();
      await db.schema.createIndex('reading_list_items_order_idx').on('reading_list_items').columns(['list_id', 'position']).execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table reading_list_items`.execute(db);
      await sql`drop table reading_lists`.execute(db);
    },
  };
}

/**
 * Interests for "for you" (issue 6): followed authors and categories, papers a member said they are not interested in,
 * and each member's precomputed recommendations (refreshed by a job, read by the page).
 */
function m008(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('follows')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('author', 'category')`))
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('follows_pk', ['user_id', 'kind', 'value'])
        .execute();
      await db.schema
        .createTable('paper_dismissals')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('paper_dismissals_pk', ['user_id', 'paper_id'])
        .execute();
      await db.schema
        .createTable('recommendation_cache')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('feed_day', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('items', 'text', (c) => c.notNull())
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['recommendation_cache', 'paper_dismissals', 'follows']) await sql`drop table ${sql.table(t)}`.execute(db);
    },
  };
}

/** DOI lookups (reading-list imports match DOIs case-insensitively): an index on lower(doi). */
function m009(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`create index papers_doi_lower_idx on papers (lower(doi))`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index papers_doi_lower_idx`.execute(db);
    },
  };
}

/** Private feeds (issue 7): one secret address per member for their "for you" in a feed reader, stored as a hash. */
function m010(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('feed_tokens')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table feed_tokens`.execute(db);
    },
  };
}

function m011(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withKey(db.schema.createTable('api_keys'), 'id', dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        // The first characters of the key, shown on the account page so a member can tell keys apart.
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table api_keys`.execute(db);
    },
  };
}

function m012(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // Rate-limit counters shared by every app instance (PostgreSQL deployments): one row per limited key.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('reset_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rate_limits_reset_idx').on('rate_limits').column('reset_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table rate_limits`.execute(db);
    },
  };
}

function m013(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // The job queue every worker shares: one row per job; `key` makes a scheduled slot's job exist once.
      await withKey(db.schema.createTable('jobs'), 'id', dialect)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        // 1: at most one job of this kind runs at a time (scheduled jobs), enforced by the partial index below.
        .addColumn('exclusive', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();
      await sql`create unique index jobs_one_running_idx on jobs (kind) where status = 'running' and exclusive = 1`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table jobs`.execute(db);
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return { '001_papers_feed_imports': m001(dialect), '002_paper_changes': m002(dialect), '003_accounts': m003(dialect), '004_community': m004(dialect), '005_moderation_log_no_truncate': m005(dialect), '006_digests': m006(dialect), '007_reading_lists': m007(dialect), '008_interests': m008(), '009_doi_index': m009(), '010_feed_tokens': m010(), '011_api_keys': m011(dialect), '012_rate_limits': m012(), '013_jobs': m013(dialect) };
    },
  };
}
