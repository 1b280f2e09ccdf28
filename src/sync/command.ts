import { Command, Option } from 'commander';
import { onInterrupt } from '../interrupts.js';
import { addConfigOptions, type ConfigFlags, configRequest } from '../io/command-options.js';
import { resolveDatabase } from '../io/database-option.js';
import { forTerminal } from '../io/wrap-text.js';
import { addLogOptions, type CommandLogOptions } from '../ops/log-options.js';
import { levelEnabled } from '../ops/logger.js';
import { runCommand } from '../run-command.js';
import { ENTERPRISE_ONLY_NAMES, STREAM_NAMES } from '../tap/streams/index.js';
import type { TargetKind } from '../targets/target.js';
import { selectStreams } from './stream-selection.js';

interface SyncFlags extends ConfigFlags, CommandLogOptions {
  target?: TargetKind;
  database?: string;
  streams?: string;
  fullRefresh?: boolean;
  quiet?: boolean;
  json?: boolean;
  memoryLimit?: string;
}

/** `devin-tap sync`: the Devin streams straight into a local DuckDB or SQLite file, incrementally. */
export function syncCommand(): Command {
  return addLogOptions(addConfigOptions(new Command('sync'), 'config JSON file'))
    .description('sync the Devin streams into a local DuckDB or SQLite file (incremental by default)')
    .addOption(
      new Option(
        '--target <kind>',
        'database kind (default: from the --database extension, else duckdb)',
      ).choices(['duckdb', 'sqlite']),
    )
    .option(
      '--database <path>',
      'database file (default ./devin.duckdb, or ./devin.sqlite with --target sqlite)',
    )
    .option(
      '--streams <list>',
      `comma-separated streams (default: all but the opt-in session_messages, session_attachments): ${STREAM_NAMES.join(',')}; with scope enterprise also ${ENTERPRISE_ONLY_NAMES.join(',')}`,
    )
    .option('--full-refresh', "read everything and replace each stream's rows atomically")
    .option('--quiet', 'no progress and no summary table (warnings and errors only)')
    .option('--json', 'print a machine-readable summary on stdout')
    .option(
      '--memory-limit <size>',
      'DuckDB memory limit, e.g. 2GB (default: 64MB, raised for a batch that needs more, up to a quarter of the machine memory)',
    )
    .action((flags: SyncFlags) =>
      runCommand(async () => {
        const { path, kind } = resolveDatabase(flags.database, flags.target);
        // Checked against either scope here; against the configured one once the config is read.
        const names =
          flags.streams === undefined ? ['the default streams'] : selectStreams(flags.streams, 'any');
        const quiet = flags.quiet === true || flags.json === true;
        // Before the heavy modules load, someone at a terminal sees at once that the sync has begun.
        if (!quiet && process.stderr.isTTY)
          process.stderr.write(`${forTerminal(`devin-tap sync: ${names.join(', ')} into ${path}`, true)}\n`);
        // Loaded on use: the database drivers are heavy and other commands do not need them.
        // First, so that a signal during start-up is already handled.
        const interrupt = onInterrupt();
        const { reportSync, runSync } = await import('./run-sync.js');
        const level = flags.logLevel ?? 'info';
        const io = {
          stdout: process.stdout,
          stderr: process.stderr,
          env: process.env,
          now: Date.now,
          signal: interrupt.signal,
        };
        const options = {
          configPaths: flags.config ?? [],
          config: configRequest(flags, process.env),
          log: {
            level: flags.quiet && !levelEnabled(level, 'warn') ? 'warn' : level,
            format: flags.logFormat ?? 'text',
          },
          target: kind,
          database: path,
          ...(flags.streams === undefined ? {} : { streams: names.join(',') }),
          fullRefresh: flags.fullRefresh === true,
          quiet: flags.quiet === true,
          json: flags.json === true,
          ...(flags.memoryLimit === undefined ? {} : { memoryLimit: flags.memoryLimit }),
        } as const;
        try {
          return reportSync(await runSync(options, io), options, io);
        } finally {
          interrupt.dispose();
        }
      }, flags),
    );
}
