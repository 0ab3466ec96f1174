/**
 * JsonlFileSource run in a worker thread: reading, gunzip, JSON parsing, validation and hashing happen on a second
 * core while the importer writes to the database on the first. Same items, same locations, same rejects as
 * JsonlFileSource; only faster on a machine with two or more cores (docs/decisions/005-parse-in-a-worker-thread.md).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { JsonlFileSource } from './jsonl.source.js';
import type { WorkerInput, WorkerMessage } from './jsonl.worker.js';
import type { PaperSource, SourceItem } from './source.js';

const WORKER_ENTRY = new URL('./jsonl.worker.ts', import.meta.url).href;
/** The worker runs TypeScript sources, so it registers tsx before importing its entry (the main thread may have done so via the API, which workers do not inherit). */
const TSX_API = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });
`;

export const WORKER_BATCH_SIZE = 500;
/** Batches allowed in flight: enough to keep both threads busy, few enough to keep memory flat (~4 × 500 papers). */
export const WORKER_CREDITS = 4;

export class ThreadedJsonlSource implements PaperSource {
  readonly description: string;
  readonly size: { unit: 'bytes'; total: number };
  private bytesRead = 0;

  /**
   * @param file as for JsonlFileSource; throws at once when the file cannot be opened.
   * @param description what the import run records as its source (default `file <path>`).
   */
  constructor(
    private readonly file: string,
    description?: string,
  ) {
    const probe = new JsonlFileSource(file);
    this.description = description ?? probe.description;
    this.size = probe.size;
  }

  progress(): number {
    return this.bytesRead;
  }

  async *items(): AsyncGenerator<SourceItem> {
    const input: WorkerInput = { file: this.file, batchSize: WORKER_BATCH_SIZE, credits: WORKER_CREDITS };
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { ...input, tsxApi: TSX_API, entry: WORKER_ENTRY },
      // The reader keeps nothing between batches; a small heap makes V8 collect early instead of growing (peak RSS).
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 },
    });
    const queue: WorkerMessage[] = [];
    let wake: (() => void) | null = null;
    let failure: Error | null = null;
    let exited = false;
    const notify = () => {
      wake?.();
      wake = null;
    };
    worker.on('message', (m: WorkerMessage) => {
      queue.push(m);
      notify();
    });
    worker.on('error', (e) => {
      failure = e;
      notify();
    });
    worker.on('exit', (code) => {
      exited = true;
      if (code !== 0 && !failure) failure = new Error(`the file reader thread stopped with exit code ${code}`);
      notify();
    });
    try {
      for (;;) {
        const m = queue.shift();
        if (!m) {
          if (failure) throw failure;
          if (exited) throw new Error('the file reader thread stopped before the end of the file');
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        if (m.type === 'error') throw new Error(m.message);
        this.bytesRead = m.progress;
        if (m.type === 'done') return;
        worker.postMessage('credit');
        yield* m.items;
      }
    } finally {
      await worker.terminate();
    }
  }
}
