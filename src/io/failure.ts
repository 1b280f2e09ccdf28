import { errorMessage, TapError } from '../tap/errors.js';
import { redact } from '../tap/redact.js';

/** How an error that ended a command is reported: exit code, message, and the Airbyte failure type. */
export interface Failure {
  exitCode: 1 | 2;
  userError: boolean;
  message: string;
  failureType: 'config_error' | 'system_error';
  /** For unexpected errors: the stack (redacted), shown only with DEVIN_TAP_DEBUG. */
  stack: string | null;
}

const FILE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A file system error on a path the user named (an unwritable --out, say) is the user's to fix. */
function fileSystemMessage(error: unknown): string | null {
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return null;
  const reason = FILE_REASONS[code];
  return reason === undefined ? null : `cannot use ${path}: ${reason}`;
}

/** The one place mapping an error to what the user sees. The API token never survives it. */
export function describeFailure(error: unknown, env: NodeJS.ProcessEnv): Failure {
  const clean = (text: string) => redact(text, { apiToken: env.DEVIN_API_TOKEN ?? '' });
  const fileMessage = fileSystemMessage(error);
  const userError = (error instanceof TapError && error.isUserError) || fileMessage !== null;
  return {
    exitCode: userError ? 1 : 2,
    userError,
    message: clean(fileMessage ?? errorMessage(error)),
    failureType: userError ? 'config_error' : 'system_error',
    stack: userError ? null : clean((error as Error | undefined)?.stack ?? String(error)),
  };
}

/** The lines a person reads on stderr for a failure (without the program prefix). */
export function failureLines(failure: Failure, env: NodeJS.ProcessEnv): string[] {
  if (failure.userError) return [failure.message];
  const hint = env.DEVIN_TAP_DEBUG
    ? (failure.stack ?? '')
    : 'this is a bug; run with DEVIN_TAP_DEBUG=1 for details';
  return [failure.message, hint];
}
