/**
 * A request a service refuses, with a message for the person who made it. Routes turn the kind into a status:
 * invalid 400, signed-out 401, forbidden 403, not-found 404, conflict 409, limit 429, unavailable 503 (a service we
 * depend on, such as arXiv, did not answer).
 */
export type RuleKind = 'invalid' | 'signed-out' | 'forbidden' | 'not-found' | 'conflict' | 'limit' | 'unavailable';

export class RuleError extends Error {
  constructor(
    readonly kind: RuleKind,
    message: string,
  ) {
    super(message);
    this.name = 'RuleError';
  }
}

export const RULE_STATUS: Record<RuleKind, number> = { invalid: 400, 'signed-out': 401, forbidden: 403, 'not-found': 404, conflict: 409, limit: 429, unavailable: 503 };

/** Printable text of bounded length: control characters dropped, whitespace collapsed. Null when empty. */
export function cleanLine(input: unknown, maxChars: number, field: string): string | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'string') throw new RuleError('invalid', `${field} must be text.`);
  // eslint-disable-next-line no-control-regex
  const s = input.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  if (s.length > maxChars) throw new RuleError('invalid', `${field} can be at most ${maxChars} characters (this one has ${s.length}).`);
  return s === '' ? null : s;
}
