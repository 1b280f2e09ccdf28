import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { type InterruptSignal, interruptOf } from '../interrupts.js';
import { inputRecord, inputSchema, timeFieldsOf } from '../protocol/timestamps.js';
import { InputError } from '../tap/errors.js';
import type { JsonObject } from '../tap/json.js';
import { depthProblem, shallowRecord } from '../tap/json-depth.js';
import { type BatchLimits, DEFAULT_LIMITS, RowBuffer } from '../targets/row-buffer.js';
import { SINGER_STATE_KEY, type Target } from '../targets/target.js';
import { migrationMessages } from '../targets/time-migration.js';
import { keyProblem } from './key-check.js';
import { readLines } from './lines.js';
import { RereadScopes } from './reread-scopes.js';
import { parseSingerLine, type SingerMessage } from './singer-message.js';

export interface LoadOptions {
  target: Target;
  input: Readable;
  output: Writable;
  log: (message: string) => void;
  limits?: Partial<BatchLimits>;
  now?: () => number;
  /** Aborted by SIGINT / SIGTERM: stop reading; what the last STATE covers is committed already. */
  signal?: AbortSignal;
  /** Filled as the load goes (so a caller sees what a failed load committed); default: a new one. */
  summary?: LoadSummary;
  /** Called once, before the load first changes the database (its first SCHEMA). */
  beforeFirstChange?: (stream: string) => Promise<void>;
}

export interface LoadStreamSummary {
  records: number;
  inserted: number;
  /** Rows whose key existed and whose content changed. */
  updated: number;
  /** Records whose row was stored already with the same content. */
  unchanged: number;
  /** RECORDs without a valid primary key (or nested too deep), kept in `_devin_tap_rejected`. */
  rejected: number;
}

export interface LoadSummary {
  lines: number;
  states: number;
  streams: Record<string, LoadStreamSummary>;
  /** Messages of types this target does not handle, by type. */
  skipped: Record<string, number>;
  /** Rows inserted or updated and committed. */
  committed: number;
  /** The signal that interrupted the load, or null. */
  interrupted: InterruptSignal | null;
}

async function writeLine(output: Writable, line: string): Promise<void> {
  if (!output.write(`${line}\n`)) await once(output, 'drain');
}

/** Per-run state of a load: buffers per stream and the summary. */
export function emptyLoadSummary(): LoadSummary {
  return { lines: 0, states: 0, streams: {}, skipped: {}, committed: 0, interrupted: null };
}

class SingerLoader {
  readonly summary: LoadSummary;
  /** Rows written since the last commit. */
  private written = 0;
  private readonly buffers = new Map<string, RowBuffer>();
  private readonly keys = new Map<string, { keys: readonly string[]; schema: JsonObject }>();
  private readonly limits: BatchLimits;
  private readonly now: () => number;
  private changed = false;
  private readonly scopes = new RereadScopes();
  /** Each stream's last SCHEMA (schema and keys, as JSON text). */
  private readonly shapes = new Map<string, string>();

  constructor(private readonly options: LoadOptions) {
    this.summary = options.summary ?? emptyLoadSummary();
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  async line(text: string): Promise<void> {
    const line = ++this.summary.lines;
    if (text.trim() === '') return;
    const message = parseSingerLine(text, line);
    if (message.type === 'SCHEMA') {
      await this.schema(message);
    } else if (message.type === 'RECORD') {
      const buffer = this.buffers.get(message.stream);
      const stats = this.summary.streams[message.stream];
      if (!buffer || !stats)
        throw new InputError(`line ${line}: RECORD for stream ${message.stream} before its SCHEMA`);
      stats.records += 1;
      const shape = this.keys.get(message.stream);
      if (shape) message.record = inputRecord(message.record, timeFieldsOf(shape.schema));
      const problem =
        (shape ? keyProblem(message.record, shape.keys, shape.schema) : null) ?? depthProblem(message.record);
      if (problem !== null) {
        const record = shallowRecord(message.record);
        await this.reject(message.stream, stats, problem, record, message.extractedAt, line);
      } else {
        this.scopes.record(message.stream, message.record);
        if (buffer.push(message.record, message.extractedAt ?? this.now(), text.length))
          await this.flush(message.stream, buffer);
      }
    } else if (message.type === 'STATE') {
      this.scopes.state();
      await this.commit(message.value);
      // What Singer targets emit: the state's value, one JSON line; Meltano passes it to --state.
      await writeLine(this.options.output, JSON.stringify(message.value));
      this.summary.states += 1;
    } else {
      const seen = this.summary.skipped[message.name] ?? 0;
      if (seen === 0)
        this.options.log(`warning: skipping Singer ${message.name} messages (first at line ${line})`);
      this.summary.skipped[message.name] = seen + 1;
    }
  }

  private async schema(message: Extract<SingerMessage, { type: 'SCHEMA' }>): Promise<void> {
    const { stream, keys, reread } = message;
    // Instants come as ISO 8601 strings (earlier taps: epoch seconds); stored as `sync` stores them.
    const schema = inputSchema(message.schema);
    this.scopes.schema(stream, reread);
    // The same SCHEMA again (devin-tap repeats it before each re-read scope): nothing to prepare.
    const shape = JSON.stringify([schema, keys]);
    if (this.shapes.get(stream) === shape) return;
    if (!this.changed) await this.options.beforeFirstChange?.(stream);
    this.changed = true;
    const buffer = this.buffers.get(stream) ?? new RowBuffer(this.limits);
    await this.flush(stream, buffer);
    const migrated = await this.options.target.migrate([{ name: stream, schema, keys }]);
    for (const message of migrationMessages(migrated)) this.options.log(message);
    await this.options.target.prepare([{ name: stream, schema, keys }]);
    this.buffers.set(stream, buffer);
    this.shapes.set(stream, shape);
    this.keys.set(stream, { keys, schema });
    this.summary.streams[stream] ??= { records: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  }

  /** Writes every buffered row and commits them, with the Singer state when given. */
  async commit(state?: JsonObject): Promise<void> {
    for (const [stream, buffer] of this.buffers) await this.flush(stream, buffer);
    // A re-read replaces its scope's rows: the days it no longer sends go (see RereadScope).
    for (const { stream, scope, kept } of this.scopes.takeComplete())
      await this.options.target.clearScope(stream, scope, kept);
    await this.options.target.checkpoint(state ? { [SINGER_STATE_KEY]: state } : {});
    this.summary.committed += this.written;
    this.written = 0;
  }

  /** Keeps a record without a valid key in `_devin_tap_rejected`; the load goes on. */
  private async reject(
    stream: string,
    stats: LoadStreamSummary,
    reason: string,
    record: JsonObject,
    extractedAt: number | null,
    line: number,
  ) {
    if (stats.rejected === 0)
      this.options.log(
        `warning: ${stream}: line ${line}: record rejected (${reason}); kept in _devin_tap_rejected`,
      );
    stats.rejected += 1;
    await this.options.target.reject([{ stream, reason, record, rejectedAt: extractedAt ?? this.now() }]);
  }

  private async flush(stream: string, buffer: RowBuffer): Promise<void> {
    if (buffer.size === 0) return;
    const { rows, extractedAt } = buffer.take();
    const written = await this.options.target.write(stream, rows, extractedAt);
    const stats = this.summary.streams[stream];
    if (stats) {
      stats.inserted += written.inserted;
      stats.updated += written.updated;
      stats.unchanged += written.unchanged ?? 0;
      // Keys the table's own key column cannot hold (a table created with another key type).
      if (written.rejected) {
        if (stats.rejected === 0)
          this.options.log(
            `warning: ${stream}: ${written.rejected} record(s) rejected; kept in _devin_tap_rejected`,
          );
        stats.rejected += written.rejected;
      }
    }
    this.written += written.inserted + written.updated;
  }
}

/**
 * `devin-tap load`: a Singer target. Reads Singer messages line by line, writes records in bounded
 * batches, commits before echoing each STATE (so an orchestrator never saves a state ahead of the
 * data). A malformed line stops the load with an InputError naming it; the rows before it are
 * committed. The caller opens and closes the target.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const loader = new SingerLoader(options);
  const { signal } = options;
  // An interrupt ends the wait for the next line at once.
  const stopReading = () => options.input.destroy();
  signal?.addEventListener('abort', stopReading, { once: true });
  try {
    for await (const text of readLines(options.input)) {
      if (signal?.aborted) break;
      await loader.line(text);
    }
  } catch (error) {
    if (interruptOf(signal) === null) {
      if (error instanceof InputError) await loader.commit();
      throw error;
    }
  } finally {
    signal?.removeEventListener('abort', stopReading);
  }
  const interrupt = interruptOf(signal);
  // Interrupted: the rows after the last STATE are not committed (close rolls them back), so the
  // tap's next run, from that STATE, delivers them once.
  if (interrupt !== null) loader.summary.interrupted = interrupt.signal;
  else await loader.commit();
  return loader.summary;
}
