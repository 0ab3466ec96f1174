/**
 * Reads papers from JSON Lines or JSON files, plain or gzip-compressed, as a stream: memory stays flat however big
 * the file is. Gzip is recognised by its magic bytes, JSON arrays by their first character. A line that is not
 * valid JSON, too large, or not a paper is reported with `file:line` and skipped; a truncated or corrupt file is
 * reported at the point it breaks, after everything before it has been read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import Parser from 'stream-json/Parser.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import StreamValues from 'stream-json/streamers/StreamValues.js';
import { JsonSizeGuard } from './json-size-guard.js';
import type { PaperSource, SourceItem } from './source.js';
import { mapRecord } from './record-mapping.js';

/** Longest line we parse. A real record is a few KB; this stops one absurd line from costing gigabytes. */
export const MAX_LINE_BYTES = 1_000_000;

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = fs.readSync(fd, head, 0, 2, 0);
    return n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class JsonlFileSource implements PaperSource {
  readonly description: string;
  readonly size: { unit: 'bytes'; total: number };
  private bytesRead = 0;
  private readonly label: string;

  /** @param file path of a `.jsonl`, `.json`, `.jsonl.gz` or `.json.gz` file. Throws when it cannot be opened. */
  constructor(private readonly file: string) {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error(`${file} is not a file`);
    this.size = { unit: 'bytes', total: stat.size };
    this.label = path.relative(process.cwd(), file) || file;
    if (this.label.startsWith('..' + path.sep + '..')) this.label = file;
    this.description = `file ${this.label}`;
  }

  progress(): number {
    return this.bytesRead;
  }

  /** A text stream of the (decompressed) file, counting compressed bytes for progress. */
  private open(countProgress = true): NodeJS.ReadableStream & AsyncIterable<Buffer> {
    const raw = fs.createReadStream(this.file, { highWaterMark: 1 << 20 });
    // Only the stream that yields records counts: the format sniff's stream may still be reading when it is destroyed.
    if (countProgress) {
      raw.on('data', (c) => {
        this.bytesRead += c.length;
      });
    }
    if (!isGzip(this.file)) return raw as NodeJS.ReadableStream & AsyncIterable<Buffer>;
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 18 });
    raw.on('error', (e) => gunzip.destroy(e));
    // A reader that stops early (firstChar) destroys the gunzip stream only; without this the file stream would go on
    // reading the whole file in the background, counting its bytes into the progress.
    gunzip.on('close', () => raw.destroy());
    return raw.pipe(gunzip) as NodeJS.ReadableStream & AsyncIterable<Buffer>;
  }

  private firstChar(): Promise<string | null> {
    return (async () => {
      const stream = this.open(false);
      const decoder = new StringDecoder('utf8');
      try {
        for await (const chunk of stream) {
          const text = decoder.write(chunk).trimStart();
          if (text !== '') return text[0]!;
        }
      } catch {
        return null;
      } finally {
        (stream as unknown as { destroy(): void }).destroy();
      }
      return null;
    })();
  }

  async *items(): AsyncGenerator<SourceItem> {
    const first = await this.firstChar();
    if (first === '[') yield* this.jsonItems(true);
    else if (first === '{' && /\.json(\.gz)?$/i.test(this.file)) yield* this.jsonItems(false);
    else yield* this.lineItems();
  }

  private async *lineItems(): AsyncGenerator<SourceItem> {
    const stream = this.open();
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let pendingBytes = 0;
    let oversized = false;
    let lineNo = 0;
    let atStart = true;
    const where = () => `${this.label}:${lineNo}`;
    const handle = (line: string): SourceItem | null => {
      if (line.trim() === '') return null;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        return { kind: 'rejected', where: where(), reason: `invalid JSON: ${errorText(e).slice(0, 120)}` };
      }
      const mapped = mapRecord(value);
      return typeof mapped === 'string' ? { kind: 'rejected', where: where(), reason: mapped } : { kind: 'paper', paper: mapped, where: where() };
    };
    try {
      for await (const chunk of stream) {
        let text = decoder.write(chunk);
        // A UTF-8 byte order mark (as some Windows tools write) is not JSON whitespace: drop it, or line 1 is rejected.
        if (atStart && text !== '') {
          atStart = false;
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
        let start = 0;
        for (;;) {
          const nl = text.indexOf('\n', start);
          if (nl === -1) break;
          lineNo++;
          if (oversized) {
            oversized = false;
            yield { kind: 'rejected', where: where(), reason: `record larger than ${MAX_LINE_BYTES} bytes` };
          } else {
            const line = pending === '' ? text.slice(start, nl) : pending + text.slice(start, nl);
            const item = handle(line);
            if (item) yield item;
          }
          pending = '';
          pendingBytes = 0;
          start = nl + 1;
        }
        if (start < text.length && !oversized) {
          const rest = text.slice(start);
          pendingBytes += rest.length;
          if (pendingBytes > MAX_LINE_BYTES) {
            oversized = true;
            pending = '';
          } else {
            pending += rest;
          }
        }
      }
      pending += decoder.end();
      if (oversized || pending.trim() !== '') {
        lineNo++;
        if (oversized) yield { kind: 'rejected', where: where(), reason: `record larger than ${MAX_LINE_BYTES} bytes` };
        else {
          const item = handle(pending);
          if (item) yield item;
        }
      }
    } catch (e) {
      // A truncated gzip stream or a read error: everything before this point has been yielded already.
      const partial = pending.trim() !== '' || oversized ? ` (line ${lineNo + 1} is incomplete)` : '';
      yield {
        kind: 'rejected',
        where: `${this.label}:${lineNo + 1}`,
        reason: `file is truncated or corrupt after line ${lineNo}${partial}: ${errorText(e)}`,
      };
    }
  }

  /**
   * A JSON file: one top-level array of records (`[{…}, {…}]`), or one or more top-level values (`{…}` pretty-printed,
   * possibly several in a row). Records are located as `file[index]`.
   */
  private async *jsonItems(array: boolean): AsyncGenerator<SourceItem> {
    const stream = this.open() as unknown as NodeJS.ReadableStream;
    // Packed values only (no chunk tokens): the guard counts packed strings, the assembler needs nothing else.
    const parser = new Parser({ jsonStreaming: !array, streamValues: false });
    const guard = new JsonSizeGuard(array ? 1 : 0, MAX_LINE_BYTES);
    const records = array ? new StreamArray() : new StreamValues();
    stream.on('error', (e: Error) => parser.destroy(e));
    parser.on('error', (e: Error) => guard.destroy(e));
    guard.on('error', (e: Error) => records.destroy(e));
    stream.pipe(parser).pipe(guard).pipe(records);
    let index = -1;
    try {
      for await (const data of records as AsyncIterable<{ key: number; value: unknown }>) {
        index = data.key;
        const where = `${this.label}[${index}]`;
        if (guard.oversized.has(index)) {
          yield { kind: 'rejected', where, reason: `record larger than ${MAX_LINE_BYTES} bytes` };
          continue;
        }
        const mapped = mapRecord(data.value);
        yield typeof mapped === 'string' ? { kind: 'rejected', where, reason: mapped } : { kind: 'paper', paper: mapped, where };
      }
    } catch (e) {
      yield { kind: 'rejected', where: `${this.label}[${index + 1}]`, reason: `file is truncated or not valid JSON after item ${index + 1}: ${errorText(e)}` };
    } finally {
      (stream as unknown as { destroy(): void }).destroy();
    }
  }
}
