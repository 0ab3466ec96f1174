/**
 * JSON Schemas of the v1 API (TypeBox): request schemas type the handlers and validate input; the shared response
 * schemas below are registered once (`$id`) and become `components.schemas` of the OpenAPI document. Responses are
 * serialised through them too, so a field missing here never leaks out.
 */
import { type TSchema, Type } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const ref = (id: string) => Type.Ref(id);

/** A string from a fixed set, as a plain `enum` (validation errors then name the allowed values). */
export const OneOf = <const T extends string>(values: readonly T[], opts: Record<string, unknown> = {}) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...opts });

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer({ description: 'The HTTP status, repeated.' }),
    error: Type.String({ description: 'The status in words ("Bad request", "Not found"…).' }),
    code: Type.String({ description: 'A stable machine-readable code: bad_request, unauthorized, forbidden, not_found, conflict, rate_limited, unavailable, server_error.' }),
    message: Type.String({ description: 'What went wrong and what to do, for people.' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ in: Type.String({ description: 'querystring, params or body' }), name: Type.String(), message: Type.String() }), {
        description: 'For invalid input: each parameter that was wrong.',
      }),
    ),
  },
  { $id: 'Error', description: 'Every error of the API has this shape (the Hugging Face-compatible endpoints too).' },
);

export const PaperSchema = Type.Object(
  {
    id: Type.String({ description: 'arXiv id without version, e.g. 2505.20278 or hep-th/9108002', examples: ['2505.20278'] }),
    title: Type.String(),
    abstract: Type.String({ description: 'Plain text; math stays in TeX ($…$).' }),
    authors: Type.Array(Type.String()),
    categories: Type.Array(Type.String(), { description: 'arXiv categories, primary first.' }),
    primary_category: Nullable(Type.String()),
    published: Type.String({ format: 'date', description: 'First version, YYYY-MM-DD.' }),
    updated: Nullable(Type.String({ format: 'date' })),
    version: Nullable(Type.Integer()),
    comment: Nullable(Type.String()),
    journal_ref: Nullable(Type.String()),
    doi: Nullable(Type.String()),
    links: Type.Object({ abs: Type.String(), pdf: Type.String(), code: Nullable(Type.String()), project: Nullable(Type.String()) }),
    feed_date: Nullable(Type.String({ format: 'date', description: 'The day the paper entered the daily feed; null if it never did.' })),
    submitted_by: Nullable(Type.String({ description: 'The member who submitted it, if one did.' })),
    upvotes: Type.Integer(),
    comments: Type.Integer({ description: 'Visible comments.' }),
  },
  { $id: 'Paper' },
);

export const SimilarPaperSchema = Type.Object(
  { paper: ref('Paper'), score: Type.Number({ description: 'Cosine similarity, higher is closer.' }), reason: Type.String({ description: 'Why it is similar, for people.' }) },
  { $id: 'SimilarPaper' },
);

export const PeriodSchema = Type.Object(
  {
    kind: OneOf(['day', 'week', 'month']),
    key: Type.String({ examples: ['2025-05-26', '2025-W22', '2025-05'] }),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
  },
  { $id: 'Period' },
);

export const FeedPageSchema = Type.Object(
  {
    period: Nullable(ref('Period')),
    sort: Type.String(),
    total: Type.Integer({ description: 'Papers in the whole period.' }),
    data: Type.Array(ref('Paper')),
    next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
  },
  { $id: 'FeedPage' },
);

export const PaperListSchema = Type.Object(
  { data: Type.Array(ref('Paper')), next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })) },
  { $id: 'PaperList' },
);

const Facet = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }));
export const SearchPageSchema = Type.Object(
  {
    query: Type.String({ description: 'The query as run, filters included.' }),
    mode: Type.String(),
    total: Type.Integer(),
    page: Type.Integer(),
    limit: Type.Integer(),
    took_ms: Type.Number(),
    results: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        authors: Type.Array(Type.String()),
        published: Type.String({ format: 'date' }),
        categories: Type.Array(Type.String()),
        upvotes: Type.Integer(),
        feed_date: Nullable(Type.String({ format: 'date' })),
        highlight: Type.Object(
          { title: Type.String(), snippet: Nullable(Type.String()) },
          { description: 'HTML-escaped text with matched words in <mark> elements.' },
        ),
      }),
    ),
    facets: Type.Optional(Type.Object({ categories: Facet, years: Facet })),
    next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' })),
  },
  { $id: 'SearchPage' },
);

export const CommentSchema = Type.Object(
  {
    id: Type.Integer(),
    parent_id: Nullable(Type.Integer()),
    depth: Type.Integer({ description: 'Nesting as the page shows it (0 for top-level comments).' }),
    state: OneOf(['live', 'deleted'], { description: 'A deleted or hidden comment with replies stays as a tombstone.' }),
    author: Nullable(Type.Object({ name: Type.String() })),
    body: Nullable(Type.String({ description: 'Markdown source.' })),
    created_at: Type.String({ format: 'date-time' }),
    edited_at: Nullable(Type.String({ format: 'date-time' })),
    upvotes: Type.Integer(),
    downvotes: Type.Integer(),
  },
  { $id: 'Comment' },
);

export const CommentListSchema = Type.Object(
  { paper_id: Type.String(), sort: Type.String(), count: Type.Integer({ description: 'Live comments.' }), data: Type.Array(ref('Comment')) },
  { $id: 'CommentList' },
);

export const VoteSchema = Type.Object({ paper_id: Type.String(), upvoted: Type.Boolean(), upvotes: Type.Integer() }, { $id: 'Vote' });

export const ReadingListSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    description: Nullable(Type.String()),
    public: Type.Boolean(),
    owner: Type.Object({ id: Type.Integer(), name: Type.String() }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    size: Type.Integer(),
    papers: Type.Optional(Type.Array(ref('Paper'), { description: 'In the list’s order; only when one list is asked for.' })),
  },
  { $id: 'ReadingList' },
);

export const MeSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    affiliation: Nullable(Type.String()),
    role: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    key: Type.Object({ id: Type.Integer(), name: Type.String(), prefix: Type.String() }, { description: 'The key this request used.' }),
  },
  { $id: 'Me' },
);

export const FollowsSchema = Type.Object(
  { authors: Type.Array(Type.String()), categories: Type.Array(Type.String()) },
  { $id: 'Follows' },
);

export const SubscriptionSchema = Type.Object(
  {
    status: OneOf(['pending', 'active', 'unsubscribed']),
    frequency: OneOf(['daily', 'weekly']),
    daily_mode: OneOf(['merge', 'skip'], { description: 'Daily digests on days without new papers: merge them into the next, or skip.' }),
    categories: Type.Array(Type.String()),
    keywords: Type.Array(Type.String()),
    authors: Type.Array(Type.String()),
  },
  { $id: 'Subscription' },
);

export const ForYouSchema = Type.Object(
  {
    computed_at: Nullable(Type.String({ format: 'date-time' })),
    data: Type.Array(Type.Object({ paper: ref('Paper'), score: Type.Number(), reason: Type.String({ description: 'Why it was picked, for people.' }) })),
  },
  { $id: 'ForYou' },
);

const HfUserSchema = Type.Object({ _id: Type.String(), user: Type.String(), name: Type.String(), fullname: Type.String(), type: Type.String(), isPro: Type.Boolean() });
/** The flat paper of Hugging Face's `GET /api/papers/{id}` (what huggingface_hub's PaperInfo reads). */
export const HfPaperSchema = Type.Object(
  {
    id: Type.String(),
    authors: Type.Array(Type.Object({ _id: Type.String(), name: Type.String(), hidden: Type.Boolean() })),
    publishedAt: Type.String({ format: 'date-time' }),
    submittedOnDailyAt: Type.Optional(Type.String({ format: 'date-time' })),
    submittedOnDailyBy: Type.Optional(HfUserSchema),
    title: Type.String(),
    summary: Type.String(),
    upvotes: Type.Integer(),
    discussionId: Type.String(),
    numComments: Type.Integer(),
    githubRepo: Type.Optional(Type.String()),
    projectPage: Type.Optional(Type.String()),
  },
  { $id: 'HfPaper' },
);

/** One element of Hugging Face's `GET /api/daily_papers` and `GET /api/papers/search`. */
export const HfDailyItemSchema = Type.Object(
  {
    paper: ref('HfPaper'),
    publishedAt: Type.String({ format: 'date-time', description: 'When the paper entered the daily feed.' }),
    title: Type.String(),
    summary: Type.String(),
    upvotes: Type.Integer(),
    thumbnail: Nullable(Type.String()),
    numComments: Type.Integer(),
    submittedBy: Nullable(HfUserSchema),
    isAuthorParticipating: Type.Boolean(),
    githubRepo: Type.Optional(Type.String()),
    projectPage: Type.Optional(Type.String()),
  },
  { $id: 'HfDailyItem' },
);

export const HfSimilarItemSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    authors: Type.Array(Type.Object({ name: Type.String() })),
    publishedAt: Type.String({ format: 'date-time' }),
    upvotes: Type.Integer(),
    numComments: Type.Integer(),
    score: Type.Number(),
    reason: Type.String(),
  },
  { $id: 'HfSimilarItem' },
);

export const HfCommentListSchema = Type.Object(
  {
    paperId: Type.String(),
    sort: OneOf(['best', 'new']),
    count: Type.Integer({ description: 'Live comments.' }),
    comments: Type.Array(
      Type.Object({
        id: Type.Integer(),
        parentId: Nullable(Type.Integer()),
        depth: Type.Integer(),
        state: OneOf(['live', 'deleted']),
        author: Nullable(Type.Object({ name: Type.String() })),
        body: Nullable(Type.String({ description: 'Markdown source.' })),
        createdAt: Type.String({ format: 'date-time' }),
        editedAt: Nullable(Type.String({ format: 'date-time' })),
        upvotes: Type.Integer(),
        downvotes: Type.Integer(),
      }),
    ),
  },
  { $id: 'HfCommentList' },
);

/** Registered on the app once, before any route (later ones refer to earlier ones); every API scope refers to them. */
export const SHARED_SCHEMAS = [ErrorSchema, PaperSchema, SimilarPaperSchema, PeriodSchema, FeedPageSchema, PaperListSchema, SearchPageSchema, CommentSchema, CommentListSchema, VoteSchema, ReadingListSchema, MeSchema, FollowsSchema, SubscriptionSchema, HfPaperSchema, ForYouSchema, HfDailyItemSchema, HfSimilarItemSchema, HfCommentListSchema];

/**
 * Error responses a route may give, each in the shared Error shape. Every route may answer 400 (input no database
 * takes), 401 (an Authorization header with a key that does not work) and 429 (limits), so those are always listed.
 */
export function errors(...given: number[]): Record<number, TSchema> {
  const codes = [...new Set([400, 401, ...given, 429])].sort((a, b) => a - b);
  const out: Record<number, TSchema> = {};
  const what: Record<number, string> = {
    400: 'Invalid input: the message says which parameter and why',
    401: 'No valid API key',
    403: 'Not allowed (a suspended account, or another member’s list)',
    404: 'Not found',
    409: 'Conflict with what exists (a limit on how many)',
    413: 'The body is too large',
    415: 'The body is not JSON',
    429: 'Rate limited: wait Retry-After seconds',
    503: 'This server runs without that feature',
  };
  for (const c of codes) out[c] = Type.Ref('Error', { description: what[c] ?? 'Error' });
  return out;
}

export const PaperIdParam = Type.Object({
  '*': Type.String({ description: 'arXiv id, with or without version (2505.20278, 2505.20278v2, hep-th/9108002)' }),
});
