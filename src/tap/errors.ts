/**
 * Typed errors. Thrown where they happen; turned into exit codes, Airbyte TRACE messages or log
 * lines in one place (the CLI). Messages never contain the API token.
 */
export type ErrorCode =
  | 'config'
  | 'api'
  | 'retry_exhausted'
  | 'pagination'
  | 'schema'
  | 'catalog'
  | 'state'
  | 'target'
  | 'input';

export abstract class TapError extends Error {
  abstract readonly code: ErrorCode;
  /** A user error (bad config, catalog, state, input, permission): no stack trace is shown. */
  readonly isUserError: boolean = true;
}

export class ConfigError extends TapError {
  readonly code = 'config';
}

export class CatalogError extends TapError {
  readonly code = 'catalog';
}

export class StateError extends TapError {
  readonly code = 'state';
}

export class SchemaError extends TapError {
  readonly code = 'schema';
}

export class InputError extends TapError {
  readonly code = 'input';
}

export class TargetError extends TapError {
  readonly code = 'target';
}

/** The API answered with an error status that retrying will not fix (401, 403, 404, 422, other 4xx). */
export class ApiError extends TapError {
  readonly code = 'api';
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly permission?: string,
  ) {
    super(message);
  }
}

/**
 * An answer no stream can get past, so the whole run ends at once with this one message: the token
 * was rejected (401), or base_url answers with a redirect (never followed).
 */
export class RunEndingApiError extends ApiError {}

/** A response body beyond max_response_mb (after decompression): retrying would not shrink it. */
export class ResponseTooLargeError extends ApiError {}

/** Retryable failures (429, 5xx, timeouts, dropped connections, bad bodies) persisted past max_retries. */
export class RetryExhaustedError extends TapError {
  readonly code = 'retry_exhausted';
  constructor(
    message: string,
    readonly path: string,
    readonly attempts: number,
    /** The HTTP status of the last attempt; undefined when it got no answer (timeout, connection). */
    readonly lastStatus?: number,
  ) {
    super(message);
  }
}

/** The API returned the same cursor twice: following it would loop forever. */
export class PaginationError extends TapError {
  readonly code = 'pagination';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
