import { Command, Option } from 'commander';
import { addConfigOptions, type ConfigFlags, configRequest } from '../io/command-options.js';
import { DEFAULT_DATABASE, resolveDatabase } from '../io/database-option.js';
import { wrapText } from '../io/wrap-text.js';
import { runCommand } from '../run-command.js';
import { selectStreams } from '../sync/stream-selection.js';
import { InputError } from '../tap/errors.js';
import { ALL_STREAM_NAMES } from '../tap/streams/index.js';
import type { TargetKind } from '../targets/target.js';
import type { CommandLogOptions } from './log-options.js';
import { addLogOptions } from './log-options.js';
import type { QueryFormat } from './query.js';
import { DEFAULT_RUNS } from './run-status.js';

const DATABASE_HELP = `database file written by sync (default ${DEFAULT_DATABASE})`;
const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function configCommand(): Command {
  return addLogOptions(addConfigOptions(new Command('config')))
    .description('print the effective config and where each field comes from (the token masked)')
    .option('--json', 'print it as JSON')
    .action((flags: ConfigFlags & CommandLogOptions & { json?: boolean }) =>
      runCommand(async () => {
        const { showConfig } = await import('./config-view.js');
        const view = showConfig(configRequest(flags, process.env));
        print(flags.json ? JSON.stringify(view.json) : view.text);
        return view.valid ? 0 : 1;
      }, flags),
    );
}

function statusCommand(): Command {
  return addLogOptions(new Command('status'))
    .description('per stream: rows, last sync, bookmark, pending checkpoint, rejected rows; the last runs')
    .option('--database <path>', DATABASE_HELP, DEFAULT_DATABASE)
    .option('--runs <n>', 'how many of the last sync and load runs to show', String(DEFAULT_RUNS))
    .option('--json', 'print it as JSON')
    .action((flags: CommandLogOptions & { database: string; runs: string; json?: boolean }) =>
      runCommand(async () => {
        const runs = Number(flags.runs);
        if (!/^\d+$/.test(flags.runs) || !Number.isSafeInteger(runs))
          throw new InputError(`--runs must be a whole number of runs, not "${flags.runs}"`);
        const { statusReport } = await import('./status-report.js');
        const report = await statusReport(flags.database, runs);
        print(flags.json ? JSON.stringify(report.json) : report.text);
        return 0;
      }, flags),
    );
}

interface ResetFlags extends CommandLogOptions {
  streams?: string;
  database: string;
  dropRows?: boolean;
  yes?: boolean;
}

function resetCommand(): Command {
  return addLogOptions(new Command('reset'))
    .description("clear streams' state (and rows with --drop-rows) so the next sync reads them again")
    .requiredOption('--streams <list>', `comma-separated streams: ${ALL_STREAM_NAMES.join(',')}`)
    .option('--database <path>', DATABASE_HELP, DEFAULT_DATABASE)
    .option('--drop-rows', "also delete the streams' rows")
    .option('--yes', 'do not ask for confirmation')
    .action((flags: ResetFlags) =>
      runCommand(async () => {
        const streams = selectStreams(flags.streams, 'any');
        const { kind } = resolveDatabase(flags.database, undefined);
        const { confirmReset, resetSummary } = await import('./reset-view.js');
        const plan = { database: flags.database, kind, streams, dropRows: flags.dropRows === true };
        if (!(await confirmReset(plan, flags.yes === true))) {
          process.stderr.write('devin-tap reset: nothing changed\n');
          return 1;
        }
        const { resetStreams } = await import('./reset.js');
        process.stderr.write(`${resetSummary(plan, await resetStreams(plan))}\n`);
        return 0;
      }, flags),
    );
}

type DoctorFlags = ConfigFlags &
  CommandLogOptions & { database?: string; target?: TargetKind; json?: boolean };

function doctorCommand(): Command {
  return addLogOptions(addConfigOptions(new Command('doctor')))
    .description('check config, token, stream permissions, API latency and the database; exit 1 on a problem')
    .option('--database <path>', `database file sync would write (default ${DEFAULT_DATABASE})`)
    .addOption(
      new Option('--target <kind>', 'database kind (default: from the extension)').choices([
        'duckdb',
        'sqlite',
      ]),
    )
    .option('--json', 'print the checks as JSON')
    .action((flags: DoctorFlags) =>
      runCommand(async () => {
        const { runDoctor } = await import('./doctor.js');
        const { doctorTable } = await import('./status-view.js');
        const database = resolveDatabase(flags.database, flags.target);
        const rows = await runDoctor({
          config: configRequest(flags, process.env),
          database,
          now: Date.now,
          onWait: (message) =>
            process.stderr.write(`${wrapText(`devin-tap doctor: ${message}`, 77).join('\n  ')}\n`),
        });
        print(flags.json ? JSON.stringify({ checks: rows }) : doctorTable(rows));
        return rows.every((row) => row.ok || row.skipped) ? 0 : 1;
      }, flags),
    );
}

function queryCommand(): Command {
  return addLogOptions(new Command('query'))
    .description(
      'run read-only SQL on a database written by sync or load (DuckDB or SQLite); it reads the database and nothing else',
    )
    .argument(
      '<sql>',
      'SQL statements, run in order, each result printed, e.g. "SELECT status, count(*) FROM sessions GROUP BY status"',
    )
    .option('--database <path>', DATABASE_HELP, DEFAULT_DATABASE)
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
    )
    .action((sql: string, flags: CommandLogOptions & { database: string; format: QueryFormat }) =>
      runCommand(async () => {
        if (sql.trim() === '') throw new InputError('query: the SQL statement is empty');
        const { formatResults, runQuery } = await import('./query.js');
        process.stdout.write(formatResults(await runQuery(flags.database, sql), flags.format));
        return 0;
      }, flags),
    );
}

/** The commands for looking after a config and a database: config, status, reset, doctor, query. */
export function opsCommands(): Command[] {
  return [configCommand(), statusCommand(), resetCommand(), doctorCommand(), queryCommand()];
}
