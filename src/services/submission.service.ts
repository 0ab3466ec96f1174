/**
 * Members submit a paper by arXiv id or URL. Its metadata comes through the ingest code (the arXiv API source and the
 * importer, so validation and versioning are the same as for any import), and it enters today's feed as "submitted
 * by" the member. Rules, each with a message that says why: a recent paper only, no duplicates, a daily cap.
 */
import { parsePaperId } from '../domain/arxiv-id.js';
import { ArraySource } from '../ingest/array.source.js';
import { ArxivApiSource } from '../ingest/arxiv-api.source.js';
import type { PoliteHttpClient } from '../ingest/http-client.js';
import { memberName, type User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { PaperImporter } from './paper-importer.js';
import { RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

export interface SubmissionRules {
  /** Papers first published more than this many days ago are refused (default 14). */
  maxAgeDays: number;
  /** Submissions per member per 24 hours (default 5). */
  dailyCap: number;
}

export const DEFAULT_SUBMISSION_RULES: SubmissionRules = { maxAgeDays: 14, dailyCap: 5 };

export interface SubmissionServiceOptions {
  arxivApiUrl: string;
  http: PoliteHttpClient;
  rules?: SubmissionRules;
  clock?: () => number;
}

const DAY_MS = 86_400_000;

export class SubmissionService {
  readonly rules: SubmissionRules;
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    private readonly opts: SubmissionServiceOptions,
  ) {
    this.rules = opts.rules ?? DEFAULT_SUBMISSION_RULES;
    this.clock = opts.clock ?? Date.now;
  }

  /** Submits the paper named by `input` (an arXiv id or arxiv.org URL); returns its id. */
  async submit(user: User | null, input: unknown): Promise<{ paperId: string; feedDate: string }> {
    assertCanAct(user);
    const raw = typeof input === 'string' ? input.trim() : '';
    const parsed = raw.length <= 300 ? parsePaperId(raw) : null;
    if (!parsed || parsed.kind === 'namespaced') {
      throw new RuleError('invalid', 'Give an arXiv id such as 2505.20278 or a link such as https://arxiv.org/abs/2505.20278.');
    }
    const paperId = parsed.id;
    const nowMs = this.clock();
    const existing = await this.store.feed.entry(paperId);
    if (existing) throw new RuleError('conflict', `${paperId} is already in the feed (${existing.feedDate}); upvote it there instead.`);
    const recent = await this.store.feed.submittedSince(user.id, new Date(nowMs - DAY_MS).toISOString());
    if (recent >= this.rules.dailyCap) {
      throw new RuleError('limit', `You can submit ${this.rules.dailyCap} papers a day, and you have reached that; try again tomorrow.`);
    }

    const paper = await this.fetch(paperId);
    const firstPublished = Date.parse(paper.published);
    if (Number.isFinite(firstPublished) && nowMs - firstPublished > this.rules.maxAgeDays * DAY_MS) {
      throw new RuleError(
        'forbidden',
        `Only papers first published in the last ${this.rules.maxAgeDays} days can be submitted; ${paperId} appeared on ${paper.published.slice(0, 10)}.`,
      );
    }

    const today = new Date(nowMs).toISOString().slice(0, 10);
    const name = memberName(user);
    const summary = await new PaperImporter(this.store).run(
      new ArraySource([{ ...paper, feed: { date: today, submittedBy: name, upvotes: null } }], `submission by member ${user.id}`),
    );
    if (summary.rejected > 0) throw new RuleError('invalid', `arXiv's record for ${paperId} could not be stored: ${summary.rejects[0]?.reason ?? 'invalid record'}.`);
    // Two members submitting the same paper at once: the first claim wins, the second hears it is a duplicate.
    if (!(await this.store.feed.claimSubmission(paperId, user.id, name))) {
      const entry = await this.store.feed.entry(paperId);
      throw new RuleError('conflict', `${paperId} is already in the feed (${entry?.feedDate ?? today}); upvote it there instead.`);
    }
    const entry = await this.store.feed.entry(paperId);
    return { paperId, feedDate: entry?.feedDate ?? today };
  }

  /** The paper's record from the arXiv API (politely: the shared client spaces requests 3 s apart). */
  private async fetch(paperId: string) {
    const fetched = [];
    try {
      for await (const item of new ArxivApiSource({ query: { kind: 'ids', ids: [paperId] }, baseUrl: this.opts.arxivApiUrl, http: this.opts.http }).items()) {
        if (item.kind === 'paper') fetched.push(item.paper);
      }
    } catch (e) {
      throw new RuleError('unavailable', `arXiv did not answer for ${paperId} just now (${(e as Error).message.slice(0, 200)}). Try again in a minute.`);
    }
    const paper = fetched.find((p) => p.id === paperId);
    if (!paper) throw new RuleError('not-found', `arXiv has no paper ${paperId}. Check the id.`);
    return paper;
  }

  /**
   * Indexes a paper by id (Hugging Face's `POST /api/papers/index`): makes its page exist here, without putting it in
   * the daily feed (that is what submitting does). Any age. Asking arXiv is bounded by the API's write limit per key and
   * the shared client's one request every 3 s. `created` is false when the paper was already here.
   */
  async index(user: User | null, input: unknown): Promise<{ paperId: string; created: boolean }> {
    assertCanAct(user);
    const raw = typeof input === 'string' ? input.trim() : '';
    const parsed = raw.length <= 300 ? parsePaperId(raw) : null;
    if (!parsed) throw new RuleError('invalid', 'Give an arXiv id such as 2505.20278 or hep-th/9108002.');
    const paperId = parsed.id;
    if (await this.store.papers.getById(paperId)) return { paperId, created: false };
    const paper = await this.fetch(paperId);
    const summary = await new PaperImporter(this.store).run(new ArraySource([{ ...paper, feed: null }], `indexed by member ${user.id}`));
    if (summary.rejected > 0) throw new RuleError('invalid', `arXiv's record for ${paperId} could not be stored: ${summary.rejects[0]?.reason ?? 'invalid record'}.`);
    return { paperId, created: true };
  }
}
