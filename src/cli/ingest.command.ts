/** `paperboy ingest`: files (JSONL/JSON, plain or gzip), the arXiv API (ids, searches, categories) and arXiv OAI-PMH. */
import fs from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { parsePaperId } from '../domain/arxiv-id.js';
import { isIsoDate } from '../domain/paper.js';
import { ArxivApiSource } from '../ingest/arxiv-api.source.js';
import { withFeedOnPublished } from '../ingest/feed-day.js';
import { PoliteHttpClient } from '../ingest/http-client.js';
import { OaiPmhSource } from '../ingest/oai-pmh.source.js';
import { openFileSource } from '../ingest/file-source.js';
import type { PaperSource } from '../ingest/source.js';
import { openStore } from '../main.js';
import { type ImportSummary, PaperImporter } from '../services/paper-importer.js';
import { importProgress } from './progress.js';

/** How many rejects the command lists; all of them are stored with the import run. */
const REJECTS_SHOWN = 50;

interface IngestFlags {
  batchSize: string;
  arxivId?: string[];
  arxivQuery?: string;
  arxivCategory?: string;
  max: string;
  oai?: boolean;
  from?: string;
  until?: string;
  set?: string;
  metadataPrefix: string;
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}`);
  return n;
}

/** The network sources the flags ask for (none when only files are named). */
function networkSources(flags: IngestFlags, config: Config): PaperSource[] {
  // One client for everything that talks to arXiv, so the 3-second spacing holds across sources.
  const http = new PoliteHttpClient({ minIntervalMs: config.arxivIntervalMs });
  const maxResults = wholeNumber(flags.max, '--max', 1, 1_000_000);
  const sources: PaperSource[] = [];
  if (flags.arxivId?.length) {
    const raw = flags.arxivId.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
    const bad = raw.filter((s) => parsePaperId(s) === null || parsePaperId(s)?.kind === 'namespaced');
    if (bad.length) throw new Error(`not arXiv ids: ${bad.join(', ')} (expected e.g. 2505.20278, 2505.20278v2 or hep-th/9108002)`);
    const ids = [...new Set(raw.map((s) => parsePaperId(s)!.id))];
    sources.push(new ArxivApiSource({ query: { kind: 'ids', ids }, baseUrl: config.arxivApiUrl, http }));
  }
  if (flags.arxivQuery) sources.push(new ArxivApiSource({ query: { kind: 'search', query: flags.arxivQuery }, baseUrl: config.arxivApiUrl, http, maxResults }));
  if (flags.arxivCategory) {
    sources.push(new ArxivApiSource({ query: { kind: 'category', category: flags.arxivCategory }, baseUrl: config.arxivApiUrl, http, maxResults }));
  }
  if (flags.oai) {
    for (const [flag, v] of [['--from', flags.from], ['--until', flags.until]] as const) {
      if (v !== undefined && !isIsoDate(v)) throw new Error(`${flag} must be a date written YYYY-MM-DD`);
    }
    if (flags.metadataPrefix !== 'arXivRaw' && flags.metadataPrefix !== 'arXiv') throw new Error('--metadata-prefix must be arXivRaw or arXiv');
    sources.push(
      new OaiPmhSource({ baseUrl: config.arxivOaiUrl, http, from: flags.from, until: flags.until, set: flags.set, metadataPrefix: flags.metadataPrefix }),
    );
  } else if (flags.from || flags.until || flags.set) {
    throw new Error('--from, --until and --set belong to an OAI-PMH harvest: add --oai');
  }
  return sources.map(withFeedOnPublished);
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
    .description('import papers from files (JSON Lines / JSON, plain or .gz; Paperboy format or the arXiv metadata snapshot), the arXiv API or arXiv OAI-PMH')
    .argument('[files...]', 'files to import')
    .option('--arxiv-id <ids...>', 'fetch these arXiv ids from the arXiv API (e.g. 2505.20278 hep-th/9108002)')
    .option('--arxiv-query <query>', 'fetch the results of an arXiv API search (e.g. "ti:grokking AND cat:cs.LG")')
    .option('--arxiv-category <category>', 'fetch the newest papers of an arXiv category (e.g. cs.LG)')
    .option('--max <n>', 'most papers to fetch for --arxiv-query / --arxiv-category', '100')
    .option('--oai', 'harvest arXiv OAI-PMH (incremental: use --from/--until)')
    .option('--from <date>', 'OAI-PMH: records changed on or after YYYY-MM-DD')
    .option('--until <date>', 'OAI-PMH: records changed on or before YYYY-MM-DD')
    .option('--set <set>', 'OAI-PMH: a set such as cs or physics:hep-th')
    .option('--metadata-prefix <prefix>', 'OAI-PMH: arXivRaw or arXiv', 'arXivRaw')
    .option('--batch-size <n>', 'papers per transaction', '1000')
    .addHelpText(
      'after',
      `
Examples:
  paperboy ingest papers.jsonl.gz                  import a file (safe to repeat: nothing changes twice)
  paperboy ingest --arxiv-id 2505.20278 1706.03762  fetch two papers from arXiv
  paperboy ingest --arxiv-category cs.LG --max 500 the newest 500 cs.LG papers
  paperboy ingest --oai --from 2026-11-20 --set cs  everything in cs changed since 20 November
arXiv asks for one request every 3 seconds; Paperboy keeps to it (ARXIV_INTERVAL_MS).`,
    )
    .action(async (files: string[], flags: IngestFlags, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const batchSize = wholeNumber(flags.batchSize, '--batch-size', 1, 10_000);
      const missing = files.filter((f) => !fs.existsSync(f));
      if (missing.length) throw new Error(`file not found: ${missing.join(', ')} (check the path)`);
      const sources: PaperSource[] = [...files.map((f) => openFileSource(f)), ...networkSources(flags, config)];
      if (sources.length === 0) {
        throw new Error('nothing to import: name files (paperboy ingest papers.jsonl.gz) or a source (--arxiv-id, --arxiv-query, --arxiv-category, --oai); see paperboy ingest --help');
      }
      for (const source of sources) await runImport(config, source, batchSize);
    });
}
