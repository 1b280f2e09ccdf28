import { describeFailure, failureLines } from './io/failure.js';
import { type CommandLogOptions, stderrLogger } from './ops/log-options.js';

/**
 * Reports an error that ended a command on stderr and sets the exit code: 1 for a user error (its
 * message only), 2 for a bug (with a hint, or the stack when DEVIN_TAP_DEBUG is set).
 */
export function reportErrorAndExit(
  error: unknown,
  options: { quiet?: boolean; log?: CommandLogOptions } = {},
): void {
  const failure = describeFailure(error, process.env);
  if (!options.quiet) {
    const [message, ...details] = failureLines(failure, process.env);
    if (options.log?.logFormat === 'json') {
      stderrLogger(options.log).log({ level: 'error', message: [message, ...details].join('\n') });
    } else {
      for (const line of [message, ...details]) process.stderr.write(`devin-tap: ${line}\n`);
    }
  }
  process.exitCode = failure.exitCode;
}

/** Wraps a command action: its resolved number is the exit code; a thrown error is reported. */
export function runCommand(action: () => Promise<number>, log?: CommandLogOptions): Promise<void> {
  return action().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => reportErrorAndExit(error, log === undefined ? {} : { log }),
  );
}
