import { Command, Option } from 'commander';
import { resolveDatabase } from '../io/database-option.js';
import { runCommand } from '../run-command.js';

interface LoadFlags {
  target?: 'duckdb' | 'sqlite';
  database?: string;
  quiet?: boolean;
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
    .action((flags: LoadFlags) =>
      runCommand(async () => {
        const log = (message: string) => process.stderr.write(`devin-tap load: ${message}\n`);
        // Loaded on use: the database drivers are heavy and other commands do not need them.
        const { openTarget } = await import('../targets/open-target.js');
        const { runLoad } = await import('./run-load.js');
        const database = resolveDatabase(flags.database, flags.target);
        const target = await openTarget(database.kind, database.path);
        try {
          const summary = await runLoad({ target, input: process.stdin, output: process.stdout, log });
          if (!flags.quiet) {
            for (const [stream, stats] of Object.entries(summary.streams)) {
              log(
                `${stream}: ${stats.records} records, ${stats.inserted} inserted, ${stats.updated} updated`,
              );
            }
          }
          return 0;
        } finally {
          await target.close();
        }
      }),
    );
}
