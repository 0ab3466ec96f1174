/** Row types of the store of record, as Kysely sees them. Dates are ISO text (YYYY-MM-DD), timestamps ISO 8601 text, on both dialects. */
import type { Generated } from 'kysely';

export interface PapersTable {
  id: string;
  title: string;
  abstract: string;
  /** JSON array of author names, byline order. */
  authors: string;
  /** JSON array of categories, primary first. */
  categories: string;
  primary_category: string | null;
  published: string;
  updated: string | null;
  version: number | null;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  abs_url: string | null;
  pdf_url: string | null;
  code_url: string | null;
  project_url: string | null;
  /** Hash of the paper's own fields; an import compares it to tell updated from unchanged. */
  content_hash: string;
  created_at: string;
  modified_at: string;
}

export interface FeedEntriesTable {
  paper_id: string;
  /** The day the paper entered the daily feed. */
  feed_date: string;
  submitted_by: string | null;
  /** Upvotes carried over from an imported listing. */
  imported_upvotes: number;
  created_at: string;
  /** Votes by members who are not banned. */
  votes: Generated<number>;
  /** Votes that count for trending (domain/hotness: not banned, account old enough). */
  trusted_votes: Generated<number>;
  /** The shown count: imported_upvotes + votes. */
  upvotes: Generated<number>;
  /** Visible comments (not deleted, not hidden). */
  comment_count: Generated<number>;
  /** domain/hotness trendingScore(imported_upvotes + trusted_votes, feed day). */
  trending_score: Generated<number>;
  submitter_user_id: number | null;
  /** Set when a moderator hides the paper from the feeds. */
  hidden_at: string | null;
}

export interface ImportRunsTable {
  id: Generated<number>;
  source: string;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  started_at: string;
  finished_at: string | null;
  added: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  owner: string | null;
  heartbeat_at: string | null;
}

export interface ImportRejectsTable {
  id: Generated<number>;
  run_id: number;
  location: string;
  reason: string;
}

export interface PaperChangesTable {
  seq: Generated<number>;
  paper_id: string;
}

export type Role = 'user' | 'moderator' | 'admin';

export interface UsersTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  display_name: string | null;
  affiliation: string | null;
  role: Generated<Role>;
  banned_at: string | null;
  created_at: string;
  /** 1: mail me when someone replies to my comment. */
  email_on_reply: Generated<number>;
}

export interface LoginTokensTable {
  /** SHA-256 of the token in the emailed link; the token itself is never stored. */
  token_hash: string;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session cookie's value. */
  id_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
}

export interface VotesTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: string;
  parent_id: number | null;
  user_id: number | null;
  /** Markdown as written; rendered on display (web/presenters/comment-markdown). */
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  upvotes: Generated<number>;
  downvotes: Generated<number>;
}

export interface CommentVotesTable {
  user_id: number;
  comment_id: number;
  /** 1 or -1. */
  value: number;
  created_at: string;
}

export type ReportTarget = 'paper' | 'comment' | 'user';

export interface ReportsTable {
  id: Generated<number>;
  reporter_id: number;
  target_type: ReportTarget;
  target_id: string;
  reason: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
}

export interface ModerationLogTable {
  id: Generated<number>;
  created_at: string;
  moderator_id: number | null;
  moderator_name: string;
  action: string;
  target_type: ReportTarget;
  target_id: string;
  target_label: string;
  reason: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'undeliverable';
export type DigestFrequency = 'daily' | 'weekly';

export interface SubscribersTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  user_id: number | null;
  status: SubscriberStatus;
  frequency: DigestFrequency;
  /** Daily: `merge` covers every day since the last digest; `skip` only the newest day. */
  daily_mode: Generated<'merge' | 'skip'>;
  /** JSON arrays. */
  categories: Generated<string>;
  keywords: Generated<string>;
  authors: Generated<string>;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  confirm_sent_at: string | null;
  undeliverable_at: string | null;
  last_error: string | null;
}

export interface DigestEditionsTable {
  id: Generated<number>;
  frequency: DigestFrequency;
  /** `2026-11-26` (daily) or `2026-W48` (weekly). */
  period_key: string;
  from_date: string;
  to_date: string;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed';

export interface DigestDeliveriesTable {
  edition_id: number;
  subscriber_id: number;
  status: DeliveryStatus;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_until: string | null;
  next_attempt_at: string;
  sent_at: string | null;
  message_id: string | null;
  /** Papers in the mail (null until built). */
  papers: number | null;
  last_error: string | null;
}

export interface ReadingListsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  description: string | null;
  /** 1: anyone with the URL (and the member's profile) can see it. */
  public: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ReadingListItemsTable {
  list_id: number;
  paper_id: string;
  /** Order in the list, ascending. */
  position: number;
  added_at: string;
}

export interface FollowsTable {
  user_id: number;
  kind: 'author' | 'category';
  /** An author's name as written on papers, or an arXiv category such as cs.LG. */
  value: string;
  created_at: string;
}

export interface PaperDismissalsTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

export interface RecommendationCacheTable {
  user_id: number;
  /** The latest feed day when computed: a newer day makes the row stale. */
  feed_day: string;
  /** A digest of the member's signals when computed: any change to them makes the row stale. */
  signature: string;
  /** JSON: [{ id, score, reason }] in rank order. */
  items: string;
  computed_at: string;
}

export interface FeedTokensTable {
  user_id: number;
  /** SHA-256 of the secret in the member's private feed address. */
  token_hash: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** The key's first characters (`pb_` and 6 more), shown so a member can tell keys apart. */
  prefix: string;
  /** SHA-256 of the key: keys are 32 random bytes, so a fast hash is enough (as GitHub does for tokens). */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  /** When the window ends, in milliseconds since the epoch. */
  reset_at: number | string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  key: string;
  /** JSON. */
  payload: string;
  status: JobStatus;
  exclusive: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  last_error: string | null;
}

export interface Database {
  papers: PapersTable;
  feed_entries: FeedEntriesTable;
  import_runs: ImportRunsTable;
  import_rejects: ImportRejectsTable;
  paper_changes: PaperChangesTable;
  users: UsersTable;
  login_tokens: LoginTokensTable;
  sessions: SessionsTable;
  votes: VotesTable;
  comments: CommentsTable;
  comment_votes: CommentVotesTable;
  reports: ReportsTable;
  moderation_log: ModerationLogTable;
  settings: SettingsTable;
  subscribers: SubscribersTable;
  digest_editions: DigestEditionsTable;
  digest_deliveries: DigestDeliveriesTable;
  reading_lists: ReadingListsTable;
  reading_list_items: ReadingListItemsTable;
  follows: FollowsTable;
  paper_dismissals: PaperDismissalsTable;
  recommendation_cache: RecommendationCacheTable;
  feed_tokens: FeedTokensTable;
  api_keys: ApiKeysTable;
  rate_limits: RateLimitsTable;
  jobs: JobsTable;
}
