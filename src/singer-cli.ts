#!/usr/bin/env node
import { Command, Option } from 'commander';
import { onInterrupt } from './interrupts.js';
import { addConfigFieldOptions } from './io/command-options.js';
import { exitWhenStdoutFails } from './io/stdout-closed.js';
import { TAP_DESCRIPTION, TAP_NAME } from './singer/about.js';
import { runSingerCommand, type SingerArgs } from './singer/command.js';
import { packageVersion } from './singer/version.js';
import { ENTERPRISE_ONLY_NAMES, STREAM_NAMES } from './tap/streams/index.js';

const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => Date.now(),
  cwd: process.cwd(),
};

// The reader (a Singer target) went away: nothing more can be delivered, so stop at once.
exitWhenStdoutFails(TAP_NAME);

const program = addConfigFieldOptions(new Command(TAP_NAME))
  .description(TAP_DESCRIPTION)
  .version(packageVersion())
  .option('--about', 'print the name, capabilities and settings of the tap')
  .addOption(
    new Option('--format <format>', 'format of --about').choices(['json', 'markdown']).default('json'),
  )
  .option(
    '-c, --config <file>',
    'config JSON file; repeat to merge several (later files win); env fallbacks apply',
    (value: string, previous: string[]) => [...previous, value],
    [],
  )
  .option(
    '-d, --discover',
    `print the Singer catalog of the ${STREAM_NAMES.length} streams (${STREAM_NAMES.join(', ')}); with scope enterprise also ${ENTERPRISE_ONLY_NAMES.join(', ')}`,
  )
  .option('--catalog <file>', 'Singer catalog selecting streams and fields to read')
  .option('-p, --properties <file>', 'legacy name of --catalog')
  .option('-s, --state <file>', 'Singer state {"bookmarks": ...} from a previous run')
  .addOption(
    new Option('--log-level <level>', 'lowest level of log lines on stderr')
      .choices(['debug', 'info', 'warn', 'error'])
      .default('info'),
  )
  .addOption(
    new Option('--log-format <format>', 'log lines as text or JSON')
      .choices(['text', 'json'])
      .default('text'),
  )
  .showHelpAfterError()
  .action(async (options: SingerArgs) => {
    const interrupt = onInterrupt();
    try {
      process.exitCode = await runSingerCommand(options, { ...io, signal: interrupt.signal });
    } finally {
      interrupt.dispose();
    }
  });

await program.parseAsync(process.argv);
