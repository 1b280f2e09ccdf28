import { redact } from './tap/config.js';
import { errorMessage, TapError } from './tap/errors.js';

/**
 * The one place where an error that ended a command becomes an exit code and a message on stderr.
 * User errors get their message only; unexpected errors add the stack when DEVIN_TAP_DEBUG is set.
 */
export function reportErrorAndExit(error: unknown, options: { quiet?: boolean } = {}): void {
  const userError = error instanceof TapError && error.isUserError;
  if (!options.quiet) {
    // Defence in depth: nothing shaped like a token reaches the terminal, whatever raised the error.
    const clean = (text: string) => redact(text, { apiToken: process.env.DEVIN_API_TOKEN ?? '' });
    process.stderr.write(`devin-tap: ${clean(errorMessage(error))}\n`);
    if (!userError) {
      const hint = process.env.DEVIN_TAP_DEBUG
        ? `${clean((error as Error).stack ?? '')}\n`
        : 'devin-tap: this is a bug; run with DEVIN_TAP_DEBUG=1 for details\n';
      process.stderr.write(hint);
    }
  }
  process.exitCode = userError ? 1 : 2;
}

/** Wraps a command action: its resolved number is the exit code; a thrown error is reported. */
export function runCommand(action: () => Promise<number>): Promise<void> {
  return action().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => reportErrorAndExit(error),
  );
}
