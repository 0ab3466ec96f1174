/** JSON (not JSON Lines) files: arrays and top-level values, with the per-record size limit applied while streaming. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlFileSource, MAX_LINE_BYTES } from '../src/ingest/jsonl.source.js';
import type { SourceItem } from '../src/ingest/source.js';
import { tempDir } from './helpers/app.js';

const rec = (id: string) => ({ id, title: `Paper ${id}`, abstract: 'A.', authors: ['A B'], categories: ['cs.LG'], published: '2025-05-26' });

async function items(file: string): Promise<Array<{ kind: string; where: string; reason?: string; id?: string }>> {
  const out = [];
  for await (const i of new JsonlFileSource(file).items() as AsyncIterable<SourceItem>) {
    out.push(i.kind === 'rejected' ? { kind: i.kind, where: i.where, reason: i.reason } : { kind: i.kind, where: i.where, id: i.paper.id });
  }
  return out;
}

function write(name: string, text: string): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('JSON files', () => {
  it('rejects an oversized array element without building it, and keeps the records around it', async () => {
    // ~3 million tiny strings: small on disk, but hundreds of MB once assembled into an array of JS strings.
    const huge = `{"id":"2505.00002","title":"Huge","authors":[${'"a",'.repeat(3_000_000)}"a"]}`;
    const file = write('big.json', `[${JSON.stringify(rec('2505.00001'))},\n${huge},\n${JSON.stringify(rec('2505.00003'))}, 7]`);
    expect(huge.length).toBeGreaterThan(MAX_LINE_BYTES);
    expect(await items(file)).toEqual([
      { kind: 'paper', where: expect.stringMatching(/big\.json\[0\]$/), id: '2505.00001' },
      { kind: 'rejected', where: expect.stringMatching(/big\.json\[1\]$/), reason: `record larger than ${MAX_LINE_BYTES} bytes` },
      { kind: 'paper', where: expect.stringMatching(/big\.json\[2\]$/), id: '2505.00003' },
      { kind: 'rejected', where: expect.stringMatching(/big\.json\[3\]$/), reason: 'not a JSON object' },
    ]);
  });

  it('reads a pretty-printed single object, and several objects in a row, from a .json file', async () => {
    const one = write('one.json', JSON.stringify(rec('2505.00011'), null, 2));
    expect(await items(one)).toEqual([{ kind: 'paper', where: expect.stringMatching(/one\.json\[0\]$/), id: '2505.00011' }]);
    const many = write('many.json', `${JSON.stringify(rec('2505.00012'), null, 2)}\n${JSON.stringify(rec('2505.00013'), null, 2)}\n{"id": 5}`);
    expect(await items(many)).toEqual([
      { kind: 'paper', where: expect.stringMatching(/many\.json\[0\]$/), id: '2505.00012' },
      { kind: 'paper', where: expect.stringMatching(/many\.json\[1\]$/), id: '2505.00013' },
      { kind: 'rejected', where: expect.stringMatching(/many\.json\[2\]$/), reason: 'missing title' },
    ]);
  });
});
