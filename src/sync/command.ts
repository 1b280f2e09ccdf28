import { Command, Option } from 'commander';
import { runCommand } from '../run-command.js';
import { STREAM_NAMES } from '../tap/streams/index.js';

interface SyncFlags {
  config?: string[];
  target: 'duckdb' | 'sqlite';
  database?: string;
  streams?: string;
  fullRefresh?: boolean;
  quiet?: boolean;
  json?: boolean;
  memoryLimit?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `devin-tap sync`: the Devin streams straight into a local DuckDB or SQLite file, incrementally. */
export function syncCommand(): Command {
  return new Command('sync')
    .description('sync the Devin streams into a local DuckDB or SQLite file (incremental by default)')
    .option(
      '--config <file>',
      'config JSON file (repeatable; later files win); or use DEVIN_API_TOKEN / DEVIN_ORG_ID',
      collect,
    )
    .addOption(new Option('--target <kind>', 'database kind').choices(['duckdb', 'sqlite']).default('duckdb'))
    .option('--database <path>', 'database file (default ./devin.duckdb or ./devin.sqlite)')
    .option(
      '--streams <list>',
      `comma-separated streams (default: all but session_messages): ${STREAM_NAMES.join(',')}`,
    )
    .option('--full-refresh', "read everything and replace each stream's rows atomically")
    .option('--quiet', 'no progress and no summary table')
    .option('--json', 'print a machine-readable summary on stdout')
    .option(
      '--memory-limit <size>',
      'DuckDB memory limit, e.g. 2GB (default: a quarter of the machine memory, 512MB to 4GB)',
    )
    .action((flags: SyncFlags) =>
      runCommand(async () => {
        // Loaded on use: the database drivers are heavy and other commands do not need them.
        const { reportSync, runSync } = await import('./run-sync.js');
        const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, now: Date.now };
        const options = {
          configPaths: flags.config ?? [],
          target: flags.target,
          fullRefresh: flags.fullRefresh === true,
          quiet: flags.quiet === true,
          json: flags.json === true,
          ...(flags.database === undefined ? {} : { database: flags.database }),
          ...(flags.streams === undefined ? {} : { streams: flags.streams }),
          ...(flags.memoryLimit === undefined ? {} : { memoryLimit: flags.memoryLimit }),
        };
        return reportSync(await runSync(options, io), options, io);
      }),
    );
}
