/**
 * Opaque cursors for paging. A cursor names the last item of a page in the ranking it came from (a keyset), plus
 * what the listing was, so it cannot be replayed against another listing by mistake. base64url JSON: opaque to
 * clients by contract, readable when debugging.
 */
import { type FeedKey, type FeedSort, SORT_KINDS } from '../../store/feed.repository.js';
import { badRequest } from '../errors.js';

interface CursorBody {
  /** The listing the cursor belongs to (endpoint, period, sort, filters). */
  l: string;
  /** A keyset position, or an offset for rankings without stable keys (search relevance). */
  k?: FeedKey;
  o?: number;
}

export function encodeCursor(listing: string, pos: { key: FeedKey } | { offset: number }): string {
  const body: CursorBody = 'key' in pos ? { l: listing, k: pos.key } : { l: listing, o: pos.offset };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** A value of the kind its sort column holds (a 32-bit count, a finite score, a YYYY-MM-DD day). */
function isValue(kind: 'int' | 'num' | 'date', v: unknown): boolean {
  if (kind === 'int') return Number.isSafeInteger(v) && Math.abs(v as number) <= 2_147_483_647;
  if (kind === 'num') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
}

/**
 * Reads a cursor given for `listing` (whose keys rank by `sort`); a malformed one, one from another listing, or a key
 * whose values are not what the sort's columns hold, is a 400 that says so.
 */
export function decodeCursor(raw: string, listing: string, sort?: FeedSort): { key?: FeedKey; offset?: number } {
  let body: Partial<CursorBody> | null = null;
  try {
    body = raw.length <= 1000 ? (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<CursorBody>) : null;
  } catch {
    body = null;
  }
  if (!body || typeof body !== 'object') throw badRequest('cursor is not one this API gave out; pass next_cursor from a previous page unchanged.');
  if (body.l !== listing) throw badRequest('cursor belongs to another listing (other filters, period or sort); start again without a cursor.');
  const k = body.k;
  if (k !== undefined) {
    const kinds = sort ? SORT_KINDS[sort] : null;
    if (!kinds || !k || !Array.isArray(k.values) || k.values.length !== 3 || !k.values.every((v, i) => isValue(kinds[i]!, v)) || typeof k.id !== 'string' || !/^[A-Za-z0-9./-]{1,100}$/.test(k.id)) {
      throw badRequest('cursor is damaged; pass next_cursor from a previous page unchanged.');
    }
    return { key: { values: k.values as FeedKey['values'], id: k.id } };
  }
  if (typeof body.o === 'number' && Number.isSafeInteger(body.o) && body.o >= 0 && body.o <= 1_000_000) return { offset: body.o };
  throw badRequest('cursor is damaged; pass next_cursor from a previous page unchanged.');
}
