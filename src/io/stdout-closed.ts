/**
 * The reader of stdout went away (EPIPE: `| head`, a destination that stopped): nothing more can be
 * delivered, so the command stops at once with one line on stderr and exit code 1, never a stack
 * trace. `exit` and `stderr` are injected for tests.
 */
export function exitWhenStdoutFails(
  name: string,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    stderr.write(`${name}: error: cannot write to stdout (${error.code ?? error.message})\n`);
    exit(1);
  });
}
