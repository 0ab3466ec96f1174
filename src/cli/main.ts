/**
 * The `paperboy` command: serve, worker, migrate, ingest, reindex, admin, digest, recs. Global flags mirror the environment variables
 * (--port PORT, --data PAPERBOY_DATA, --database-url DATABASE_URL, --no-demo PAPERBOY_DEMO=0).
 */
import { Command, Option } from 'commander';
import { type Config, ConfigError, databaseTarget, loadConfig } from '../config.js';
import { buildServer, openStore } from '../main.js';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/store.js';
import { registerAdminCommand } from './admin.command.js';
import { registerBackupCommand } from './backup.command.js';
import { registerDigestCommands } from './digest.command.js';
import { registerIngestCommand } from './ingest.command.js';
import { registerRecsCommands } from './recs.command.js';
import { registerReindexCommand } from './reindex.command.js';

interface GlobalFlags {
  port?: string;
  host?: string;
  data?: string;
  databaseUrl?: string;
  demo?: boolean;
  logLevel?: string;
}

/** Config from the environment with the global flags on top. Exits with the full list of problems when invalid. */
export function configFrom(flags: GlobalFlags): Config {
  try {
    return loadConfig(process.env, {
      PORT: flags.port,
      HOST: flags.host,
      PAPERBOY_DATA: flags.data,
      DATABASE_URL: flags.databaseUrl,
      PAPERBOY_DEMO: flags.demo === false ? '0' : undefined,
      LOG_LEVEL: flags.logLevel,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('paperboy')
    .description('Paperboy: a self-hostable research-paper discovery platform.')
    .version('0.1.0')
    .addOption(new Option('--port <port>', 'HTTP port (env PORT, default 3000)'))
    .addOption(new Option('--host <host>', 'address to listen on (env HOST, default 0.0.0.0)'))
    .addOption(new Option('--data <dir>', 'data folder (env PAPERBOY_DATA, default ./data)'))
    .addOption(new Option('--database-url <url>', 'postgres://… for PostgreSQL (env DATABASE_URL; default SQLite in the data folder)'))
    .addOption(new Option('--no-demo', 'do not load the demo corpus into an empty store (env PAPERBOY_DEMO=0)'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug or silent (env LOG_LEVEL)'))
    .showHelpAfterError('(run paperboy --help for usage)');

  program
    .command('serve')
    .description('serve the web site and API (migrates the database first; loads the demo corpus into an empty store)')
    .action(async (_opts, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals<GlobalFlags>());
      const { app, store } = await buildServer(config);
      const stop = async () => {
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await app.listen({ port: config.port, host: config.host });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          console.error(`Port ${config.port} is already in use. Stop the other server or choose another port: PORT=3001 npm start`);
          await store.close();
          process.exit(1);
        }
        throw e;
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
      console.log(`Paperboy is serving ${store.db.location} at http://${shown}:${port}`);
    });

  program
    .command('migrate')
    .description('bring the database schema up to date (safe while other instances start: one migrates, the others wait)')
    .option('--check', 'change nothing: exit 0 when the schema is current, 3 when migrations are pending (for deploy scripts)')
    .action(async (opts: { check?: boolean }, cmd: Command) => {
      const config = configFrom(cmd.optsWithGlobals<GlobalFlags>());
      if (opts.check) {
        const store = new Store(openDatabase(databaseTarget(config)));
        try {
          const pending = await store.pendingMigrations();
          if (pending.length === 0) {
            console.log(`Database ${store.db.location} is up to date.`);
          } else {
            console.log(`Database ${store.db.location} needs ${pending.length} migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}. Run paperboy migrate.`);
            process.exitCode = 3;
          }
        } finally {
          await store.close();
        }
        return;
      }
      const store = await openStore(config);
      console.log(`Database ${store.db.location} is up to date.`);
      await store.close();
    });

  registerIngestCommand(program, configFrom);
  registerReindexCommand(program, configFrom);
  registerAdminCommand(program, configFrom);
  registerDigestCommands(program, configFrom);
  registerRecsCommands(program, configFrom);
  registerBackupCommand(program, configFrom);
  return program;
}

/** Runs the CLI; errors print a message (not a stack) and exit non-zero. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    console.error(`paperboy: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.DEBUG) console.error(e);
    process.exit(1);
  }
}
