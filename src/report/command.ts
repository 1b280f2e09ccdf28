import { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface ReportFlags {
  database: string;
  out: string;
  since?: string;
}

/** `devin-tap report`: a bad path, a non-database file or a bad --since is a clear error, exit 1. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      'write a self-contained HTML report (headline figures, charts) from a database written by sync',
    )
    .option(
      '--database <path>',
      'DuckDB or SQLite file written by `devin-tap sync` (opened read-only)',
      './devin.duckdb',
    )
    .option('--out <path>', 'HTML file to write', 'report.html')
    .option('--since <YYYY-MM-DD>', 'only sessions created on or after this day (UTC)')
    .action((flags: ReportFlags) =>
      runCommand(async () => {
        const { writeReport } = await import('./write-report.js');
        const { database, out, since } = flags;
        const data = await writeReport(since === undefined ? { database, out } : { database, out, since });
        process.stderr.write(`devin-tap report: ${data.headline?.sessions ?? 0} sessions\n`);
        process.stdout.write(`${out}\n`);
        return 0;
      }),
    );
}
