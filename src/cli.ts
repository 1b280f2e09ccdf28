#!/usr/bin/env node
import { Command } from 'commander';
import { onInterrupt } from './interrupts.js';
import { addConfigOptions, type ConfigFlags, configRequest } from './io/command-options.js';
import { exitWhenStdoutFails } from './io/stdout-closed.js';
import { loadCommand } from './load/command.js';
import { opsCommands } from './ops/commands.js';
import { addLogOptions, type CommandLogOptions } from './ops/log-options.js';
import { writeJsonLine } from './protocol/json-lines.js';
import { reportCommand } from './report/command.js';
import { reportErrorAndExit } from './run-command.js';
import { simulateCommand } from './simulator/command.js';
import { syncCommand } from './sync/command.js';
import { ENTERPRISE_ONLY_NAMES, STREAM_NAMES } from './tap/streams/index.js';

type AirbyteCommands = typeof import('./airbyte/commands.js');
type AirbyteFlags = ConfigFlags & CommandLogOptions;

/**
 * Airbyte commands report every failure as one ERROR trace on stdout (nothing else goes there).
 * Each command's modules load on use, so a command starts without the others' dependencies.
 */
async function airbyte(
  flags: CommandLogOptions,
  action: (commands: AirbyteCommands, io: import('./airbyte/commands.js').AirbyteIo) => Promise<number>,
): Promise<void> {
  const commands = await import('./airbyte/commands.js');
  // The destination went away: nothing more can be delivered (one line on stderr, exit 1).
  exitWhenStdoutFails('devin-tap');
  const io = {
    out: process.stdout,
    env: process.env,
    now: () => Date.now(),
    ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel }),
    ...(flags.logFormat === undefined ? {} : { logFormat: flags.logFormat }),
  };
  return action(commands, io).then(
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

program.addCommand(
  new Command('spec')
    .description('Airbyte: print the connector specification (the config JSON Schema)')
    .action((flags: CommandLogOptions) => airbyte(flags, (c, io) => c.runSpec(io))),
);

program.addCommand(
  addConfigOptions(new Command('check'))
    .description('Airbyte: check the config and which streams the API key can read')
    .action((flags: AirbyteFlags) =>
      airbyte(flags, (c, io) => c.runCheck(configRequest(flags, process.env), io)),
    ),
);

program.addCommand(
  addConfigOptions(new Command('discover'))
    .description(
      `Airbyte: print the catalog of the ${STREAM_NAMES.length} streams (${STREAM_NAMES.join(', ')}); with scope enterprise also ${ENTERPRISE_ONLY_NAMES.join(', ')}`,
    )
    .action((flags: AirbyteFlags) =>
      airbyte(flags, (c, io) => c.runDiscover(configRequest(flags, process.env), io)),
    ),
);

program.addCommand(
  addConfigOptions(new Command('read'))
    .description('Airbyte: read the configured streams as Airbyte messages on stdout')
    .requiredOption('--catalog <file>', 'configured catalog JSON file')
    .option('--state <file>', 'state JSON file from a previous read')
    .action((flags: AirbyteFlags & { catalog: string; state?: string }) => {
      const interrupt = onInterrupt();
      return airbyte(flags, (c, io) =>
        c.runRead(
          {
            config: configRequest(flags, process.env),
            catalog: flags.catalog,
            ...(flags.state === undefined ? {} : { state: flags.state }),
          },
          { ...io, signal: interrupt.signal },
        ),
      ).finally(interrupt.dispose);
    }),
);

program.addCommand(syncCommand());
program.addCommand(loadCommand());
program.addCommand(simulateCommand());
program.addCommand(reportCommand());
for (const command of opsCommands()) program.addCommand(command);
// The same logging options on every command.
for (const command of program.commands) {
  if (!command.options.some((option) => option.long === '--log-level')) addLogOptions(command);
}

await program.parseAsync(process.argv);
