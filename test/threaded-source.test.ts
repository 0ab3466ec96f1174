/** The worker-thread file source yields what JsonlFileSource yields (prepared instead of raw papers), and cleans up. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { preparePaper } from '../src/domain/paper-hash.js';
import { JsonlFileSource } from '../src/ingest/jsonl.source.js';
import type { PaperSource, SourceItem } from '../src/ingest/source.js';
import { ThreadedJsonlSource } from '../src/ingest/threaded-jsonl.source.js';
import { SEED_PAPERS, tempDir } from './helpers/app.js';

async function collect(source: PaperSource): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of source.items()) out.push(item);
  return out;
}

/** What the importer would make of each item: a prepared paper or a reject, with its location. */
function normalise(items: SourceItem[]) {
  return items.map((i) => {
    if (i.kind === 'rejected') return i;
    if (i.kind === 'prepared') return { kind: 'ok', where: i.where, paper: i.paper };
    const v = preparePaper(i.paper);
    return v.ok ? { kind: 'ok', where: i.where, paper: v.value } : { kind: 'rejected', where: i.where, reason: v.reason };
  });
}

function damagedFile(dir: string): string {
  const seed = fs.readFileSync(SEED_PAPERS, 'utf8').split('\n').filter(Boolean);
  const lines = [...seed.slice(0, 20), '{not json', JSON.stringify({ id: '2505.99999' }), JSON.stringify({ id: 'nope', title: 'x' }), ...seed.slice(20)];
  const gz = zlib.gzipSync(lines.join('\n'));
  const file = path.join(dir, 'damaged.jsonl.gz');
  fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length * 0.8))); // truncated too
  return file;
}

describe('ThreadedJsonlSource', () => {
  it('yields the same papers, rejects and locations as JsonlFileSource, and reports progress', async () => {
    const file = damagedFile(tempDir());
    const threaded = new ThreadedJsonlSource(file);
    const [a, b] = await Promise.all([collect(new JsonlFileSource(file)), collect(threaded)]);
    expect(b.every((i) => i.kind !== 'paper')).toBe(true);
    expect(normalise(b)).toEqual(normalise(a));
    expect(b.filter((i) => i.kind === 'rejected').map((i) => i.where)).toEqual(a.filter((i) => i.kind === 'rejected').map((i) => i.where));
    expect(a.filter((i) => i.kind === 'rejected').length).toBeGreaterThanOrEqual(3);
    expect(threaded.progress()).toBe(fs.statSync(file).size);
  });

  it('stops its thread when the reader stops early', async () => {
    const source = new ThreadedJsonlSource(SEED_PAPERS);
    let n = 0;
    for await (const _ of source.items()) if (++n === 3) break;
    expect(n).toBe(3);
  });

  it('fails at once for a missing file', () => {
    expect(() => new ThreadedJsonlSource('/no/such/file.jsonl')).toThrow(/ENOENT/);
  });
});
