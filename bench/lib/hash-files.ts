/**
 * Cache keys of the benchmarks' built data (stores, indexes, vectors): a hash of the source files that decide what the
 * data holds, so editing one of them rebuilds the data. Shared, so that benchmarks reusing another's cache compute
 * the same key.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** SHA-256 (first 10 hex digits) of `extra` and every file under `paths` (relative to the project), in name order. */
export function hashFiles(paths: readonly string[], extra: string): string {
  const h = crypto.createHash('sha256').update(extra);
  const files: string[] = [];
  const walk = (p: string) => {
    if (!fs.existsSync(p)) return;
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    else files.push(p);
  };
  for (const p of paths) walk(path.join(PROJECT_ROOT, p));
  for (const f of files) h.update(path.relative(PROJECT_ROOT, f)).update(fs.readFileSync(f));
  return h.digest('hex').slice(0, 10);
}
