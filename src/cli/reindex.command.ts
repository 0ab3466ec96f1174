/** `paperboy reindex`: rebuilds this instance's search index from the store, with a progress bar on a terminal. */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../config.js';
import { openSearchIndex, openSemantic, openStore } from '../main.js';
import { IndexSync } from '../search/index-sync.js';

export function registerReindexCommand(program: Command, configFrom: (flags: object) => Config): void {
  program
    .command('reindex')
    .description("rebuild this instance's search index from the store (safe while the server runs; searches see the old index until each batch lands)")
    .option('--catch-up', 'only apply changes the index has not seen yet, instead of rebuilding')
    .action(async (flags: { catchUp?: boolean }, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals());
      const store = await openStore(config);
      const index = openSearchIndex(config);
      const semantic = await openSemantic(config, index, (m) => console.error(m));
      const tty = process.stderr.isTTY;
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: ' {bar} {percentage}% | {value}/{total} changes | ETA {eta_formatted}', hideCursor: true, fps: 5 },
        cliProgress.Presets.shades_classic,
      );
      const started = Date.now();
      try {
        if (!flags.catchUp) {
          index.clear();
          semantic?.vectors.clear();
        }
        let begun = false;
        const n = await new IndexSync(store, index, semantic).syncOnce((done, total) => {
          if (!tty) return;
          if (!begun) bar.start(total, 0);
          begun = true;
          bar.update(done);
        });
        if (begun) bar.stop();
        const vectors = semantic ? `, ${semantic.vectors.size()} vectors (${semantic.embedder.id})` : ', keyword only';
        console.log(`Search index ${index.file}: ${index.count()} papers${vectors} (${n} indexed in ${((Date.now() - started) / 1000).toFixed(1)} s).`);
      } finally {
        semantic?.vectors.saveIfDirty(true);
        index.close();
        await store.close();
      }
    });
}
