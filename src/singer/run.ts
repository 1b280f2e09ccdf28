import type { Writable } from 'node:stream';
import { boundHeapGrowth } from '../io/heap-growth.js';
import { JsonLinesWriter } from '../protocol/json-lines.js';
import { encodeSinger, reduceBookmarks, type SingerMessage, singerLogLine } from '../protocol/singer.js';
import { schemaOf } from '../tap/catalog.js';
import type { TapConfig } from '../tap/config.js';
import type { JsonSchema, LogLevel, TapEvent } from '../tap/events.js';
import type { ConfiguredStream, ReadOptions } from '../tap/read/read.js';
import type { TapState } from '../tap/state/state.js';
import { findStream, type StreamScope } from '../tap/streams/index.js';
import { MetricsTracker } from './metrics.js';
import type { Selection } from './selection.js';

export interface RunOptions {
  config: TapConfig;
  selection: Selection;
  /** Bookmarks from --state: passed to the tap for the selected streams, carried over for the others. */
  state: TapState;
  stdout: Writable;
  /** One stderr line (the caller redacts and writes it). */
  log: (line: string) => void;
  logLevel: LogLevel;
  read: (options: ReadOptions) => AsyncIterable<TapEvent>;
  now: () => number;
  signal?: AbortSignal;
}

export interface RunResult {
  failedStreams: string[];
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Reads the selected streams and writes SCHEMA, RECORD and STATE messages to stdout (with backpressure). */
export async function runTap(options: RunOptions): Promise<RunResult> {
  const { selection, stdout, log } = options;
  const deselected = new Map(selection.streams.map((stream) => [stream.name, stream.deselected]));
  const streams = selection.streams.map(
    (stream): ConfiguredStream => ({
      name: stream.name,
      syncMode: stream.replicationMethod === 'FULL_TABLE' ? 'full_refresh' : 'incremental',
    }),
  );
  const failedStreams: string[] = [];
  if (streams.length === 0) {
    log('WARN no stream is selected: nothing to read');
    return { failedStreams };
  }
  const metrics = new MetricsTracker();
  const withSchema = new Set<string>();
  let bookmarks: TapState = { ...options.state };
  const schemas = new Map<string, JsonSchema>();
  const schemaMessages = new Map<string, SingerMessage>();
  const readOptions: ReadOptions = {
    config: options.config,
    streams,
    state: pickState(options.state, streams),
  };
  if (options.signal !== undefined) readOptions.signal = options.signal;
  boundHeapGrowth();
  const writer = new JsonLinesWriter(stdout);
  try {
    for await (const event of options.read(readOptions)) {
      for (const ordered of withSchemaFirst(event, withSchema, options.config.scope)) {
        bookmarks = reduceBookmarks(bookmarks, ordered);
        if (ordered.kind === 'schema') schemas.set(ordered.stream, ordered.schema);
        const message = encodeSinger(ordered, { bookmarks, deselected, schemas, schemaMessages });
        if (message !== null && ordered.kind === 'schema') schemaMessages.set(ordered.stream, message);
        // Most lines are only buffered: no promise to wait for, no microtask per record.
        const pending = message === null ? undefined : writer.write(message);
        if (pending) await pending;
      }
      const line = singerLogLine(event);
      if (line !== null && isLogged(event, options.logLevel)) log(line);
      for (const metric of metrics.observe(event, options.now())) log(metric);
      if (event.kind === 'stream_error') failedStreams.push(event.stream);
    }
  } finally {
    await writer.flush();
  }
  for (const metric of metrics.finish()) log(metric);
  return { failedStreams };
}

function pickState(state: TapState, streams: readonly ConfiguredStream[]): TapState {
  const picked: TapState = {};
  for (const { name } of streams) {
    const streamState = state[name];
    if (streamState !== undefined) picked[name] = streamState;
  }
  return picked;
}

/** Singer targets need a stream's SCHEMA before its first RECORD: guaranteed here, whatever the tap does. */
function withSchemaFirst(event: TapEvent, withSchema: Set<string>, scope: StreamScope): TapEvent[] {
  if (event.kind === 'schema') {
    withSchema.add(event.stream);
    return [event];
  }
  if (event.kind !== 'record' || withSchema.has(event.stream)) return [event];
  const def = findStream(event.stream, scope);
  if (def === undefined) return [event];
  withSchema.add(event.stream);
  const schema: TapEvent = {
    kind: 'schema',
    stream: def.name,
    schema: schemaOf(def),
    keys: def.primaryKey,
    cursorField: def.cursorField,
  };
  return [schema, event];
}

function isLogged(event: TapEvent, threshold: LogLevel): boolean {
  if (event.kind !== 'log') return true;
  return LEVELS.indexOf(event.level) >= LEVELS.indexOf(threshold);
}
