/**
 * Imports one file into one SQLite file, in its own process, so a test can kill it mid-import (SIGKILL) and inspect
 * what was left. Usage: node --import tsx test/helpers/import-child.ts <db-file> <data-file>
 */
import { JsonlFileSource } from '../../src/ingest/jsonl.source.js';
import { PaperImporter } from '../../src/services/paper-importer.js';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';

const [dbFile, dataFile] = process.argv.slice(2);
if (!dbFile || !dataFile) {
  console.error('usage: import-child.ts <db-file> <data-file>');
  process.exit(2);
}
const store = new Store(openDatabase({ dialect: 'sqlite', file: dbFile }));
await store.migrate();
const summary = await new PaperImporter(store).run(new JsonlFileSource(dataFile));
await store.close();
console.log(JSON.stringify({ added: summary.added, rejected: summary.rejected }));
