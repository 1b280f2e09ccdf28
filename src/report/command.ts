import { Command } from 'commander';
import { runCommand } from '../run-command.js';

interface ReportFlags {
  database: string;
  out: string;
  since?: string;
  until?: string;
  acuPrice?: string;
  config?: string[];
  period?: string;
  budgetUsd?: string;
}

/** `devin-tap report`: a bad path, a non-database file, a bad date or price is a clear error, exit 1. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      'write a self-contained, interactive HTML report (cost, spend over time, people, playbooks, sessions) from a database written by sync',
    )
    .option(
      '--database <path>',
      'DuckDB or SQLite file written by `devin-tap sync` (opened read-only)',
      './devin.duckdb',
    )
    .option('--out <path>', 'HTML file to write', 'report.html')
    .option('--since <YYYY-MM-DD>', 'only data from this day on (UTC) is embedded')
    .option('--until <YYYY-MM-DD>', 'only data up to this day (UTC, inclusive) is embedded')
    .option('--acu-price <USD>', 'price of one ACU in US dollars: every ACU figure also in dollars')
    .option(
      '--config <file...>',
      'config files; acu_price_usd in them sets the price (--acu-price wins), budget_usd_monthly the budget (--budget-usd wins)',
    )
    .option(
      '--budget-usd <USD>',
      "a monthly budget: the month's forecast is shown against it (needs a price)",
    )
    .option(
      '--period <period>',
      'the view the page opens on: last-30-days, last-90-days, month-to-date or all',
      'last-30-days',
    )
    .action((flags: ReportFlags) =>
      runCommand(async () => {
        const { writeReport } = await import('./write-report.js');
        const { database, out, since, until, acuPrice, config, period, budgetUsd } = flags;
        const payload = await writeReport({
          database,
          out,
          ...(budgetUsd === undefined ? {} : { budgetUsd }),
          ...(period === undefined ? {} : { period }),
          ...(since === undefined ? {} : { since }),
          ...(until === undefined ? {} : { until }),
          ...(acuPrice === undefined ? {} : { acuPrice }),
          configPaths: config ?? [],
        });
        const price = payload.meta.price === null ? '' : `, at $${payload.meta.price} per ACU`;
        process.stderr.write(`devin-tap report: ${payload.sessions.id.length} sessions${price}\n`);
        const { leftOut } = payload.meta;
        if (leftOut > 0)
          process.stderr.write(
            `devin-tap report: warning: ${leftOut} row(s) whose date or created_at is not an instant from ` +
              '2000 to 2099 (milliseconds? a corrupt value?) are left out of every period; they stay in their tables\n',
          );
        process.stdout.write(`${out}\n`);
        return 0;
      }),
    );
}
