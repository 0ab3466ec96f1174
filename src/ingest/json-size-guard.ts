/**
 * A stream-json token filter that keeps one huge record from costing gigabytes: it holds each record's tokens (a
 * top-level array element, or a top-level value) and passes them on once the record is complete; once a record
 * exceeds the limit it drops what it held and the rest of the record, and passes a `null` in its place, noting the
 * record's index. The assembler downstream then
 * never builds the oversized record. (A single string larger than the limit is still buffered by the parser itself.)
 */
import { Transform, type TransformCallback } from 'node:stream';

interface Token {
  name: string;
  value?: unknown;
}

const OPENERS = new Set(['startObject', 'startArray']);
const CLOSERS = new Set(['endObject', 'endArray']);
/** Packed tokens that complete a value (stream-json emits them after the chunks when packValues is on). */
const VALUES = new Set(['stringValue', 'numberValue', 'nullValue', 'trueValue', 'falseValue']);
/** What a token costs beyond its text, in characters: punctuation in the file, an object in memory. */
const TOKEN_OVERHEAD_CHARS = 8;

export class JsonSizeGuard extends Transform {
  /** Indexes of records replaced by null because they were too large. */
  readonly oversized = new Set<number>();
  private depth = 0;
  private size = 0;
  private index = 0;
  private dropping = false;
  private held: Token[] = [];

  /**
   * @param level depth at which records sit: 1 for the elements of a top-level array, 0 for top-level values.
   * @param maxChars largest record kept, in characters of JSON text (about bytes for ASCII).
   */
  constructor(
    private readonly level: 0 | 1,
    private readonly maxChars: number,
  ) {
    super({ objectMode: true });
  }

  override _transform(token: Token, _enc: BufferEncoding, done: TransformCallback): void {
    const { name } = token;
    const before = this.depth;
    if (OPENERS.has(name)) this.depth++;
    else if (CLOSERS.has(name)) this.depth--;
    // At the records' own level, only a record's first token (an opener or a whole value) belongs to a record; the
    // other tokens there close the enclosing array.
    const inRecord = before > this.level || OPENERS.has(name) || VALUES.has(name);
    if (!inRecord) {
      this.push(token);
      return done();
    }
    // A record ends when we are back at its level after a closer, or with a value token at its level.
    const ends = (CLOSERS.has(name) && this.depth === this.level) || (VALUES.has(name) && before === this.level);
    if (!this.dropping) {
      // Tokens are held until the record is complete: passing part of a record on would leave the assembler
      // inside an unfinished object. Each token costs its text plus some overhead, so a record of many tiny values
      // counts as large as it is in memory.
      this.size += (typeof token.value === 'string' ? token.value.length : 0) + TOKEN_OVERHEAD_CHARS;
      if (this.size > this.maxChars) {
        this.dropping = true;
        this.held = [];
        this.oversized.add(this.index);
      } else {
        this.held.push(token);
      }
    }
    if (ends) {
      if (this.dropping) this.push({ name: 'nullValue', value: null });
      else for (const t of this.held) this.push(t);
      this.held = [];
      this.dropping = false;
      this.size = 0;
      this.index++;
    }
    done();
  }
}
