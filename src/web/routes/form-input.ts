/** Reading form bodies and query strings safely: strings only, bounded, and same-site return paths. */
import type { FastifyRequest } from 'fastify';

type Fields = Record<string, unknown>;

/** A string field of the parsed form body (or undefined). Arrays (repeated fields) take the first value. */
export function field(req: FastifyRequest, name: string): string | undefined {
  const body = (req.body ?? {}) as Fields;
  const v = Array.isArray(body[name]) ? (body[name] as unknown[])[0] : body[name];
  return typeof v === 'string' ? v : undefined;
}

export function queryField(req: FastifyRequest, name: string): string | undefined {
  const q = (req.query ?? {}) as Fields;
  const v = Array.isArray(q[name]) ? (q[name] as unknown[])[0] : q[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A path on this site to send the member back to: must start with one `/` (not `//host` or `/\\host`, which
 * browsers treat as another site), at most 2,000 characters; anything else is `/`.
 */
export function localPath(raw: string | undefined, fallback = '/'): string {
  // Printable ASCII only (links we make are percent-encoded; anything else would not fit a Location header).
  if (!raw || raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//') || !/^[\x21-\x7e]*$/.test(raw) || raw.includes('\\')) return fallback;
  return raw;
}

/** Whether the request came from app.js (fetch with Accept: application/json) rather than a plain form. */
export function wantsJson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').startsWith('application/json');
}

/** Every string value of a repeated form field (checkboxes), at most `max`. */
export function fieldList(req: FastifyRequest, name: string, max = 500): string[] {
  const v = ((req.body ?? {}) as Fields)[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string').slice(0, max);
}
