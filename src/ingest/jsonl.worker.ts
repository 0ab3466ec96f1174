/**
 * Worker-thread half of ThreadedJsonlSource: reads, parses, validates and hashes a file's papers, and posts them to
 * the importer in batches. At most a few batches are in flight (credit-based flow control), so memory stays flat.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { preparePaper } from '../domain/paper-hash.js';
import { JsonlFileSource } from './jsonl.source.js';
import type { SourceItem } from './source.js';

export interface WorkerInput {
  file: string;
  batchSize: number;
  /** Batches the worker may post before waiting for a credit. */
  credits: number;
}

export type WorkerMessage = { type: 'batch'; items: SourceItem[]; progress: number } | { type: 'done'; progress: number } | { type: 'error'; message: string };

async function run(port: NonNullable<typeof parentPort>, input: WorkerInput): Promise<void> {
  let credits = input.credits;
  let wake: (() => void) | null = null;
  port.on('message', (m: unknown) => {
    if (m === 'credit') {
      credits++;
      wake?.();
      wake = null;
    }
  });
  const source = new JsonlFileSource(input.file);
  let items: SourceItem[] = [];
  const post = async () => {
    while (credits === 0) await new Promise<void>((r) => (wake = r));
    credits--;
    port.postMessage({ type: 'batch', items, progress: source.progress() } satisfies WorkerMessage);
    items = [];
  };
  for await (const item of source.items()) {
    if (item.kind === 'paper') {
      const v = preparePaper(item.paper);
      items.push(v.ok ? { kind: 'prepared', paper: v.value, where: item.where } : { kind: 'rejected', where: item.where, reason: v.reason });
    } else items.push(item);
    if (items.length >= input.batchSize) await post();
  }
  if (items.length) await post();
  port.postMessage({ type: 'done', progress: source.progress() } satisfies WorkerMessage);
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as WorkerInput).catch((e: unknown) => {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
  });
}
