/**
 * Hostile queries: 10,000 generated ones against the search endpoints must never produce a 5xx. A fixed seed keeps
 * the run reproducible; a failure prints the query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { seededRandom } from '../src/search/embedders/linalg.js';
import { seededApp } from './helpers/app.js';

const PIECES = [
  '"', '""', '"unbalanced', '(', ')', '((((', '))', '*', '**', 'NEAR', 'NEAR(a b, 2)', 'AND', 'OR', 'NOT', '-', '--', '-"', '^', ':', '::',
  'author:', 'author:"', 'cat:', 'cat:cs.LG', 'cat:../../etc', 'year:', 'year:2024', 'year:0000', 'year:9999-1', 'from:', 'to:2025-13-45',
  'title:x', '{title}:x', 'rowid', "'; drop table papers; --", '\\', '\\"', '\u0000', '\u0002', '\u0003', '\ufeff', '\u202e', '😀', '👩‍🔬',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'Ünïcödé', 'grokking', 'learning', 'transformer', '%', '%25', '&', '<script>alert(1)</script>', '${x}', '{{x}}', 'null',
  'undefined', 'NaN', '0', '-1', '1e999', ' ', '\t', '\n', 'a'.repeat(300), 'x*y', 'a:b:c', '"a" "b" "c"', 'é', '中文', 'العربية',
];

function hostile(next: () => number): string {
  const n = 1 + Math.floor(next() * 8);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r < 0.8) parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
    else {
      // Random code points, including unpaired surrogates and control characters.
      const len = 1 + Math.floor(next() * 12);
      parts.push(Array.from({ length: len }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join(''));
    }
  }
  const q = parts.join(next() < 0.7 ? ' ' : '');
  return next() < 0.01 ? q.repeat(400).slice(0, 10_000) : q;
}

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD), sometimes adding invalid UTF-8. */
function encode(q: string, next: () => number): string {
  let out = [...Buffer.from(q, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  if (next() < 0.05) out += '%ff%fe%c0';
  return out;
}

describe('search fuzzing', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await seededApp({ rateLimitPerMinute: 1_000_000 }));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 10,000 hostile queries without a single 5xx', async () => {
    const next = seededRandom(20261126);
    const statuses = new Map<number, number>();
    const endpoints = ['/api/papers/search?limit=5&q=', '/api/v1/search?facets=1&q=', '/search?q='];
    for (let i = 0; i < 10_000; i++) {
      const q = hostile(next);
      const url = endpoints[i % endpoints.length]! + encode(q, next);
      const res = await app.inject({ url });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500 || res.statusCode === 429) throw new Error(`${res.statusCode} for ${JSON.stringify(q)} at ${url.split('?')[0]}: ${res.body.slice(0, 300)}`);
    }
    // Most queries are answered, and the refusals are 400s that say why.
    expect([...statuses.keys()].every((s) => s === 200 || s === 400 || s === 404)).toBe(true);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(2_000);
  }, 240_000);
});
