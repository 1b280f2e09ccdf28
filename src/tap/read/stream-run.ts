import { redact, type TapConfig } from '../config.js';
import { ApiError, ConfigError, errorMessage, RetryExhaustedError, StateError } from '../errors.js';
import type { Coverage, StreamCounters, TapEvent } from '../events.js';
import type { RequestCounters } from '../http/http.js';
import type { JsonObject } from '../json.js';
import { shallowRecord } from '../json-depth.js';
import { type CursorState, serializeState } from '../state/stream-state.js';
import type { StreamDef } from '../streams/index.js';
import { rejectionOf, schemaOf, shaper } from './record-shape.js';

type Failure = Extract<TapEvent, { kind: 'stream_error' }>['failure'];

const CONFIG_STATUSES = new Set([401, 403, 404, 422]);

export function failureOf(error: unknown): Failure {
  if (error instanceof ApiError) return CONFIG_STATUSES.has(error.status) ? 'config_error' : 'system_error';
  if (error instanceof ConfigError || error instanceof StateError) return 'config_error';
  if (error instanceof RetryExhaustedError) return 'transient_error';
  return 'system_error';
}

/**
 * One stream's bookkeeping during a read: counters, the running flag, records since the last
 * state. Its methods build the stream's events in the order the contract promises.
 */
export class StreamRun {
  readonly http: RequestCounters = { requests: 0, retries: 0 };
  records = 0;
  rejected = 0;
  private sinceState = 0;
  private rejectedSinceState = 0;
  private running = false;
  /** A raw record as emitted: projected, typed, spread columns added. */
  readonly shape: (record: JsonObject) => JsonObject;
  private readonly schema: JsonObject;

  constructor(
    readonly def: StreamDef,
    private readonly config: TapConfig,
    private readonly now: () => number,
  ) {
    this.schema = schemaOf(def);
    this.shape = shaper(def);
  }

  get name(): string {
    return this.def.name;
  }

  opening(coverage?: Coverage): TapEvent[] {
    const { name, primaryKey, cursorField } = this.def;
    const covers = coverage === undefined ? {} : { coverage };
    return [
      { kind: 'schema', stream: name, schema: this.schema, keys: primaryKey, cursorField, ...covers },
      { kind: 'status', stream: name, status: 'started' },
    ];
  }

  /** `status running`, once, when the first page arrives. */
  firstPage(): TapEvent[] {
    if (this.running) return [];
    this.running = true;
    return [{ kind: 'status', stream: this.name, status: 'running' }];
  }

  private selector: { unchanged: number } | null = null;

  /** The selector whose unchanged count this stream reports. */
  attach(selector: { unchanged: number }): void {
    this.selector = selector;
  }

  /** Records read but not emitted (an earlier run did), beside the selector's. */
  private alreadyEmitted = 0;

  /** A record read again that an earlier run emitted: counted as unchanged, never emitted. */
  skip(): void {
    this.alreadyEmitted += 1;
  }

  /** The scope of the records that follow (see RereadScope); none without a cursor field. */
  reread(span: { from: number; to: number }, match: JsonObject): TapEvent[] {
    const column = this.def.cursorField;
    if (column === null) return [];
    return [{ kind: 'reread', stream: this.name, scope: { window: { column, ...span }, match } }];
  }

  /** A shaped record as a record event, or as a `rejected` one (no valid key, nested too deep). */
  emit(data: JsonObject): TapEvent {
    const problem = rejectionOf(this.def, data);
    return problem === null ? this.record(data) : this.reject(data, problem);
  }

  record(data: JsonObject): TapEvent {
    this.records += 1;
    this.sinceState += 1;
    return { kind: 'record', stream: this.name, data, emittedAt: this.now() };
  }

  reject(data: JsonObject, reason: string): TapEvent {
    this.rejected += 1;
    this.rejectedSinceState += 1;
    // Kept as data any output can encode: a field nested too deep becomes its JSON text.
    return { kind: 'rejected', stream: this.name, reason, data: shallowRecord(data), emittedAt: this.now() };
  }

  counters(): StreamCounters {
    return {
      records: this.records,
      requests: this.http.requests,
      retries: this.http.retries,
      rejected: this.rejected,
      unchanged: (this.selector?.unchanged ?? 0) + this.alreadyEmitted,
      requestSeconds: (this.http.requestMs ?? 0) / 1000,
    };
  }

  private total: number | null = null;

  /** `total` where the API gave one; the last known total when null. */
  progress(total: number | null): TapEvent {
    if (total !== null) this.total = total;
    return { kind: 'progress', stream: this.name, counters: this.counters(), total: this.total };
  }

  state(state: CursorState): TapEvent {
    const recordCount = this.sinceState;
    const rejectedCount = this.rejectedSinceState;
    this.sinceState = 0;
    this.rejectedSinceState = 0;
    return { kind: 'state', stream: this.name, state: serializeState(state), recordCount, rejectedCount };
  }

  complete(coverage?: Coverage): TapEvent {
    return { kind: 'status', stream: this.name, status: 'complete', ...(coverage ? { coverage } : {}) };
  }

  warn(message: string | null): TapEvent[] {
    return message === null ? [] : [{ kind: 'log', level: 'warn', message: redact(message, this.config) }];
  }

  /**
   * The stream was read except for some parents' parts (an organization that answered 403): what was
   * read is kept (its state came first), and the stream fails naming each parent and its error.
   */
  partlyFailed(failures: ReadonlyMap<string, unknown>, coverage?: Coverage): TapEvent[] {
    const noun = (this.def.parent?.stream ?? 'parent').replace(/s$/, '');
    const own = `${this.name}: `;
    const parts = [...failures].map(([key, error]) => {
      const message = errorMessage(error);
      return `${noun} ${key}: ${message.startsWith(own) ? message.slice(own.length) : message}`;
    });
    const shown = parts.slice(0, 5).join('; ') + (parts.length > 5 ? `; and ${parts.length - 5} more` : '');
    const text = `${own}${shown} (the other records are kept; this part is read again next run)`;
    const failure = failureOf(failures.values().next().value);
    return [
      {
        kind: 'stream_error',
        stream: this.name,
        message: redact(text, this.config),
        failure,
        partial: true,
        ...(coverage ? { coverage } : {}),
      },
      { kind: 'status', stream: this.name, status: 'incomplete' },
    ];
  }

  failed(error: unknown): TapEvent[] {
    const text = redact(errorMessage(error), this.config);
    const message = text.startsWith(`${this.name}:`) ? text : `${this.name}: ${text}`;
    const failure = failureOf(error);
    const internal = failure === 'system_error' && error instanceof Error && error.stack;
    return [
      // Final counters first, so a summary shows the requests and retries the failure cost.
      this.progress(null),
      {
        kind: 'stream_error',
        stream: this.name,
        message,
        failure,
        ...(internal ? { internalMessage: redact(internal, this.config) } : {}),
      },
      { kind: 'status', stream: this.name, status: 'incomplete' },
    ];
  }
}
