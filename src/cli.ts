#!/usr/bin/env node
import { Command } from 'commander';
import { onInterrupt } from './interrupts.js';
import { loadCommand } from './load/command.js';
import { writeJsonLine } from './protocol/json-lines.js';
import { reportCommand } from './report/command.js';
import { reportErrorAndExit } from './run-command.js';
import { simulateCommand } from './simulator/command.js';
import { syncCommand } from './sync/command.js';

const io = { out: process.stdout, env: process.env, now: () => Date.now() };

type AirbyteCommands = typeof import('./airbyte/commands.js');

/**
 * Airbyte commands report every failure as one ERROR trace on stdout (nothing else goes there).
 * Each command's modules load on use, so a command starts without the others' dependencies.
 */
async function airbyte(action: (commands: AirbyteCommands) => Promise<number>): Promise<void> {
  const commands = await import('./airbyte/commands.js');
  return action(commands).then(
    (code) => {
      process.exitCode = code;
    },
    async (error: unknown) => {
      await writeJsonLine(process.stdout, commands.failureTrace(error, Date.now(), process.env));
      reportErrorAndExit(error, { quiet: true });
    },
  );
}

const program = new Command('devin-tap')
  .description('Devin API v3 connector: Airbyte source, direct DuckDB/SQLite load, API simulator')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('spec')
  .description('Airbyte: print the connector specification (the config JSON Schema)')
  .action(() => airbyte((c) => c.runSpec(io)));

program
  .command('check')
  .description('Airbyte: check the config and which streams the API key can read')
  .option('--config <file>', 'config JSON file (default: DEVIN_API_TOKEN / DEVIN_ORG_ID only)')
  .action((options: { config?: string }) => airbyte((c) => c.runCheck(options.config, io)));

program
  .command('discover')
  .description('Airbyte: print the catalog of the six streams')
  .requiredOption('--config <file>', 'config JSON file')
  .action((options: { config: string }) => airbyte((c) => c.runDiscover(options.config, io)));

program
  .command('read')
  .description('Airbyte: read the configured streams as Airbyte messages on stdout')
  .requiredOption('--config <file>', 'config JSON file')
  .requiredOption('--catalog <file>', 'configured catalog JSON file')
  .option('--state <file>', 'state JSON file from a previous read')
  .action((options: { config: string; catalog: string; state?: string }) => {
    const interrupt = onInterrupt();
    return airbyte((c) => c.runRead(options, { ...io, signal: interrupt.signal })).finally(interrupt.dispose);
  });

program.addCommand(syncCommand());
program.addCommand(loadCommand());
program.addCommand(simulateCommand());
program.addCommand(reportCommand());

await program.parseAsync(process.argv);
