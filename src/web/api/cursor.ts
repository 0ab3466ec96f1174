/**
 * Opaque cursors for paging. A cursor names the last item of a page in the ranking it came from (a keyset), plus
 * what the listing was, so it cannot be replayed against another listing by mistake. base64url JSON: opaque to
 * clients by contract, readable when debugging.
 */
import type { FeedKey } from '../../store/feed.repository.js';
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

const isValue = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 100);

/** Reads a cursor given for `listing`; a malformed one, or one from another listing, is a 400 that says so. */
export function decodeCursor(raw: string, listing: string): { key?: FeedKey; offset?: number } {
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
    if (!k || !Array.isArray(k.values) || k.values.length !== 3 || !k.values.every(isValue) || typeof k.id !== 'string' || k.id.length > 100) {
      throw badRequest('cursor is damaged; pass next_cursor from a previous page unchanged.');
    }
    return { key: { values: k.values as FeedKey['values'], id: k.id } };
  }
  if (typeof body.o === 'number' && Number.isSafeInteger(body.o) && body.o >= 0 && body.o <= 1_000_000) return { offset: body.o };
  throw badRequest('cursor is damaged; pass next_cursor from a previous page unchanged.');
}
