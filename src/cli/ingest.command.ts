/** `paperboy ingest`: files (JSONL/JSON, plain or gzip) and, later in this file, arXiv API / OAI-PMH sources. */
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { JsonlFileSource } from '../ingest/jsonl.source.js';
import type { PaperSource } from '../ingest/source.js';
import { openStore } from '../main.js';
import { type ImportSummary, PaperImporter } from '../services/paper-importer.js';
import { importProgress } from './progress.js';

/** How many rejects the command lists; all of them are stored with the import run. */
const REJECTS_SHOWN = 50;

interface IngestFlags {
  batchSize?: string;
}

function printSummary(s: ImportSummary, out = console.log): void {
  out(`${s.source}: ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected (${(s.durationMs / 1000).toFixed(1)} s, import run #${s.runId})`);
  if (s.rejects.length === 0) return;
  out('Rejected records:');
  for (const r of s.rejects.slice(0, REJECTS_SHOWN)) out(`  ${r.location}: ${r.reason}`);
  if (s.rejected > REJECTS_SHOWN) out(`  … and ${s.rejected - REJECTS_SHOWN} more (stored with import run #${s.runId})`);
}

/** Imports one source with a progress bar on a terminal, then prints the summary. */
export async function runImport(config: Config, source: PaperSource, batchSize?: number): Promise<ImportSummary> {
  const store = await openStore(config);
  const progress = importProgress(source.size);
  try {
    const summary = await new PaperImporter(store).run(source, {
      batchSize,
      onBatch: (c) => progress.update(source.progress?.() ?? c.added + c.updated + c.unchanged + c.rejected, c),
    });
    progress.stop();
    printSummary(summary);
    return summary;
  } catch (e) {
    progress.stop();
    throw e;
  } finally {
    await store.close();
  }
}

export function registerIngestCommand(program: Command, configFrom: (flags: object) => Config): void {
  program
    .command('ingest')
    .description('import papers from JSON Lines / JSON files (plain or .gz; Paperboy format or the arXiv metadata snapshot)')
    .argument('[files...]', 'files to import')
    .option('--batch-size <n>', 'papers per transaction', '1000')
    .action(async (files: string[], flags: IngestFlags, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('--batch-size must be a whole number from 1 to 10000');
      if (files.length === 0) throw new Error('nothing to import: name one or more files, e.g. paperboy ingest papers.jsonl.gz');
      const missing = files.filter((f) => !fs.existsSync(f));
      if (missing.length) throw new Error(`file not found: ${missing.join(', ')} (check the path)`);
      for (const f of files) await runImport(config, new JsonlFileSource(f), batchSize);
    });
}
