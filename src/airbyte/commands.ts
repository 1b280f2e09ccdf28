import type { Writable } from 'node:stream';
import { interruptOf } from '../interrupts.js';
import type { ConfigRequest } from '../io/config-input.js';
import { loadConfig } from '../io/config-input.js';
import { describeFailure } from '../io/failure.js';
import { boundHeapGrowth } from '../io/heap-growth.js';
import { readJsonFile } from '../io/read-json-file.js';
import { createLogger, type LogFormat, plainMessage } from '../ops/logger.js';
import { StreamLog } from '../ops/stream-log.js';
import {
  type AirbyteMessage,
  catalogMessage,
  connectionStatusMessage,
  encodeAirbyteLine,
  errorTrace,
  logMessage,
  specMessage,
  type TimeFields,
} from '../protocol/airbyte.js';
import { JsonLinesWriter, writeJsonLine } from '../protocol/json-lines.js';
import { schemaOf } from '../tap/catalog.js';
import { checkConnection } from '../tap/check.js';
import { redact, SOURCE_SPEC } from '../tap/config.js';
import { checkEnterpriseKey } from '../tap/enterprise-key.js';
import { CatalogError, StateError } from '../tap/errors.js';
import type { LogLevel } from '../tap/events.js';
import { resolveOrgId } from '../tap/org-id.js';
import { readEventBatches } from '../tap/read/read.js';
import { type StreamScope, streamsOf } from '../tap/streams/index.js';
import { timestampFields } from '../tap/timestamps.js';
import { parseConfiguredCatalog } from './configured-catalog.js';
import { parseAirbyteState } from './state-input.js';

export const DOCUMENTATION_URL =
  'https://github.com/devin-tap/devin-tap/blob/main/docs/airbyte-and-singer.md#airbyte-source';

export interface AirbyteIo {
  out: Writable;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** `read`: aborted by SIGINT / SIGTERM (stop reading, flush what was emitted, exit 130 / 143). */
  signal?: AbortSignal;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
}

export async function runSpec(io: AirbyteIo): Promise<number> {
  await writeJsonLine(io.out, specMessage(SOURCE_SPEC, DOCUMENTATION_URL));
  return 0;
}

/** Config warnings (a misspelt field) as LOG WARN messages. */
async function writeWarnings(out: Writable, warnings: readonly string[]): Promise<void> {
  for (const warning of warnings) await writeJsonLine(out, logMessage('WARN', warning));
}

/** Exactly one CONNECTION_STATUS; a failed check is an answer, not a crash, so it exits 0. */
export async function runCheck(request: ConfigRequest, io: AirbyteIo): Promise<number> {
  let message: AirbyteMessage;
  try {
    const loaded = loadConfig(request);
    await writeWarnings(io.out, loaded.warnings);
    const config = await resolveOrgId(loaded.config);
    const result = await checkConnection(config);
    message = connectionStatusMessage(result.ok, redact(result.message, config));
  } catch (error) {
    message = connectionStatusMessage(false, describeFailure(error, io.env).message);
  }
  await writeJsonLine(io.out, message);
  return 0;
}

export async function runDiscover(request: ConfigRequest, io: AirbyteIo): Promise<number> {
  const loaded = loadConfig(request);
  await writeWarnings(io.out, loaded.warnings);
  const streams = streamsOf(loaded.config.scope).map((stream) => ({
    name: stream.name,
    schema: schemaOf(stream),
    primaryKey: stream.primaryKey,
    cursorField: stream.cursorField,
  }));
  await writeJsonLine(io.out, catalogMessage(streams));
  return 0;
}

export interface ReadArgs {
  config: ConfigRequest;
  catalog: string;
  state?: string;
}

/** Each stream's time fields, from its catalog schema: RECORDs carry them as ISO 8601 strings. */
function catalogTimeFields(scope: StreamScope): TimeFields {
  const fields = new Map(streamsOf(scope).map((def) => [def.name, timestampFields(schemaOf(def))]));
  return (stream) => fields.get(stream) ?? [];
}

const AIRBYTE_LEVEL = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/**
 * Streams records and states, with the stream logs as LOG messages; a failed stream is reported as an
 * ERROR trace and the exit code is 1.
 */
export async function runRead(args: ReadArgs, io: AirbyteIo): Promise<number> {
  const loaded = loadConfig(args.config);
  await writeWarnings(io.out, loaded.warnings);
  const config = await resolveOrgId(loaded.config);
  await checkEnterpriseKey(config);
  const streams = parseConfiguredCatalog(
    readJsonFile(args.catalog, 'catalog', CatalogError),
    args.catalog,
    config.scope,
  );
  const state =
    args.state === undefined
      ? {}
      : parseAirbyteState(readJsonFile(args.state, 'state', StateError), args.state);
  let failedStreams = 0;
  boundHeapGrowth();
  const writer = new JsonLinesWriter(io.out);
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  const timeFields = catalogTimeFields(config.scope);
  const logLines: string[] = [];
  const logger = createLogger({
    level: io.logLevel ?? 'info',
    format: 'text',
    now: io.now,
    redact: (text) => redact(text, config),
    write: (_line, entry) =>
      logLines.push(JSON.stringify(logMessage(AIRBYTE_LEVEL[entry.level], plainMessage(entry)))),
  });
  const streamLog = new StreamLog(logger, io.now);
  try {
    for await (const batch of readEventBatches({ config, streams, state, ...signal })) {
      for (const event of batch) {
        if (event.kind === 'stream_error') failedStreams += 1;
        if (event.kind !== 'record') streamLog.observe(event);
        if (logLines.length > 0) for (const line of logLines.splice(0)) await writer.writeLine(line);
        // Logs and rejected records reach Airbyte through the logger (it applies --log-level).
        if (event.kind === 'log' || event.kind === 'rejected') continue;
        const line = encodeAirbyteLine(event, event.kind === 'record' ? 0 : io.now(), timeFields);
        // Most lines are only buffered: no promise to wait for, no microtask per record.
        const pending = line === null ? undefined : writer.writeLine(line);
        if (pending) await pending;
      }
    }
  } catch (error) {
    const interrupt = interruptOf(io.signal);
    if (interrupt === null) throw error;
    // Every STATE emitted so far is flushed (finally): each covers what came before it.
    const message = `${interrupt.message}: stopped reading; the last STATE of each stream is where the next read resumes`;
    await writer.write(logMessage('WARN', message));
    return interrupt.exitCode;
  } finally {
    await writer.flush();
  }
  return failedStreams > 0 ? 1 : 0;
}

/** Turns an error that ended a command into one ERROR trace (user errors are config errors). */
export function failureTrace(error: unknown, now: number, env: NodeJS.ProcessEnv = {}) {
  const failure = describeFailure(error, env);
  return errorTrace(failure.message, failure.failureType, now);
}
