import { Command, Option } from 'commander';
import { Interrupted, onInterrupt } from '../interrupts.js';
import { resolveDatabase } from '../io/database-option.js';
import { runCommand } from '../run-command.js';

interface LoadFlags {
  target?: 'duckdb' | 'sqlite';
  database?: string;
  quiet?: boolean;
  memoryLimit?: string;
}

/** `devin-tap load`: a Singer target; Singer messages on stdin, each STATE echoed once committed. */
export function loadCommand(): Command {
  return new Command('load')
    .description('Singer target: load Singer messages from stdin into DuckDB or SQLite')
    .addOption(
      new Option('--target <kind>', 'database kind (default: from the --database extension)').choices([
        'duckdb',
        'sqlite',
      ]),
    )
    .option('--database <path>', 'database file (default ./devin.duckdb)')
    .option('--quiet', 'no summary on stderr')
    .option(
      '--memory-limit <size>',
      'DuckDB memory limit, e.g. 2GB (default: 64MB, raised for a batch that needs more, up to a quarter of the machine memory)',
    )
    .action((flags: LoadFlags) =>
      runCommand(async () => {
        const interrupt = onInterrupt();
        const log = (message: string) => process.stderr.write(`devin-tap load: ${message}\n`);
        // Loaded on use: the database drivers are heavy and other commands do not need them.
        const { openTarget } = await import('../targets/open-target.js');
        const { loadWithHistory } = await import('./load-with-history.js');
        const database = resolveDatabase(flags.database, flags.target);
        const { parseMemoryLimit } = await import('../targets/duckdb/memory.js');
        const memoryLimit =
          flags.memoryLimit === undefined
            ? {}
            : { memoryLimit: parseMemoryLimit(flags.memoryLimit, '--memory-limit') };
        const target = await openTarget(database.kind, database.path, memoryLimit);
        try {
          const summary = await loadWithHistory({
            target,
            input: process.stdin,
            output: process.stdout,
            log,
            signal: interrupt.signal,
          });
          if (!flags.quiet) {
            for (const [stream, stats] of Object.entries(summary.streams)) {
              const rejected = stats.rejected > 0 ? `, ${stats.rejected} rejected` : '';
              log(
                `${stream}: ${stats.records} records, ${stats.inserted} inserted, ${stats.updated} updated, ` +
                  `${stats.unchanged} unchanged${rejected}`,
              );
            }
          }
          if (summary.interrupted === null) return 0;
          const rows = summary.committed.toLocaleString('en-US');
          process.stderr.write(`interrupted: ${rows} rows committed; run the same command to resume\n`);
          return new Interrupted(summary.interrupted).exitCode;
        } finally {
          interrupt.dispose();
          await target.close();
        }
      }),
    );
}
