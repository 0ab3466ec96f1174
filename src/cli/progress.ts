/** Progress display for long commands: a bar on a terminal, nothing (or periodic lines) elsewhere. */
import cliProgress from 'cli-progress';
import type { ImportCounts } from '../store/import-run.repository.js';

export interface ImportProgress {
  update(done: number, counts: ImportCounts): void;
  stop(): void;
}

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

/** A progress bar over bytes (files) or records (network sources); silent when stderr is not a terminal. */
export function importProgress(size: { unit: 'bytes' | 'records'; total: number } | undefined, stream = process.stderr): ImportProgress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bytes = size?.unit === 'bytes';
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: size
        ? ` {bar} {percentage}% | {doneLabel} of {totalLabel} | {papers} papers ({added} new, {updated} updated, {rejected} rejected) | ETA {eta_formatted}`
        : ` {papers} papers ({added} new, {updated} updated, {rejected} rejected)`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const label = (n: number) => (bytes ? formatBytes(n) : n.toLocaleString('en-US'));
  const total = size?.total ?? 0;
  bar.start(total || 1, 0, { doneLabel: label(0), totalLabel: label(total), papers: 0, added: 0, updated: 0, rejected: 0 });
  return {
    update(done, c) {
      bar.update(Math.min(done, total || done), {
        doneLabel: label(done),
        totalLabel: label(total),
        papers: (c.added + c.updated + c.unchanged).toLocaleString('en-US'),
        added: c.added.toLocaleString('en-US'),
        updated: c.updated.toLocaleString('en-US'),
        rejected: c.rejected.toLocaleString('en-US'),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
