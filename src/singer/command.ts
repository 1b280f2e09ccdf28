import type { Writable } from 'node:stream';
import { interruptOf } from '../interrupts.js';
import { type ConfigFlags, configRequest } from '../io/command-options.js';
import { loadConfig } from '../io/config-input.js';
import { describeFailure, failureLines } from '../io/failure.js';
import { readJsonFile } from '../io/read-json-file.js';
import { createLogger, type LogFormat, type Logger } from '../ops/logger.js';
import { StreamLog } from '../ops/stream-log.js';
import { flushStream } from '../protocol/json-lines.js';
import { readConfigFile, redact, SOURCE_SPEC, type TapConfig } from '../tap/config.js';
import { checkEnterpriseKey } from '../tap/enterprise-key.js';
import { CatalogError, InputError, StateError } from '../tap/errors.js';
import type { LogLevel, TapEvent } from '../tap/events.js';
import { resolveOrgId } from '../tap/org-id.js';
import { readStreams } from '../tap/read/read.js';
import type { StreamScope } from '../tap/streams/index.js';
import { aboutJson, aboutMarkdown, TAP_NAME } from './about.js';
import { discoverCatalog } from './catalog.js';
import { runTap } from './run.js';
import { defaultSelection, parseSingerCatalog } from './selection.js';
import { parseSingerState } from './state-input.js';
import { packageVersion } from './version.js';

export interface SingerArgs extends ConfigFlags {
  about?: boolean;
  format: 'json' | 'markdown';
  config: string[];
  discover?: boolean;
  catalog?: string;
  properties?: string;
  state?: string;
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

export interface SingerIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Aborted by SIGINT / SIGTERM: stop reading, flush what was emitted (its last STATE), exit 130 / 143. */
  signal?: AbortSignal;
  /** Directory whose `.env` is read (default: none). */
  cwd?: string;
}

const SINGER_LEVELS: Readonly<Record<string, LogLevel>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
};

/** A stderr logger taking the tap's Singer-style lines ("INFO METRIC: {...}", "WARN ..."). */
function singerLog(args: SingerArgs, io: SingerIo, redactText: (text: string) => string) {
  const logger = createLogger({
    level: args.logLevel,
    format: args.logFormat ?? 'text',
    write: (line) => io.stderr.write(`${line}\n`),
    now: io.now,
    redact: redactText,
  });
  const log = (line: string) => {
    const match = /^(DEBUG|INFO|WARN|WARNING|ERROR) ([\s\S]*)$/.exec(line);
    const level = SINGER_LEVELS[match?.[1] ?? ''] ?? 'info';
    logger.log({ level, message: match?.[2] ?? line });
  };
  return { logger, log };
}

/** Runs one tap-devin invocation; the resolved number is the exit code. Never throws. */
export async function runSingerCommand(args: SingerArgs, io: SingerIo): Promise<number> {
  let config: TapConfig | undefined;
  // Before the config is known, redact still masks anything shaped like a Devin key.
  const clean = (text: string) => redact(text, config ?? { apiToken: io.env.DEVIN_API_TOKEN ?? '' });
  const { logger, log } = singerLog(args, io, clean);
  try {
    if (args.about) return await about(args, io);
    if (args.discover) return await discover(args, io);
    const loaded = loadConfig(configRequest(args, io.env, io.cwd));
    for (const warning of loaded.warnings) log(`WARN ${warning}`);
    config = await resolveOrgId(loaded.config);
    await checkEnterpriseKey(config);
    return await sync(args, config, io, log, logger);
  } catch (error) {
    const interrupt = interruptOf(io.signal);
    if (interrupt !== null) {
      await flushStream(io.stdout);
      log(`INFO ${interrupt.message}: stopped reading; the last STATE on stdout is where --state resumes`);
      return interrupt.exitCode;
    }
    const failure = describeFailure(error, io.env);
    const [message, ...details] = failureLines(failure, io.env);
    logger.log({ level: 'error', message: `${TAP_NAME}: error: ${message}` });
    for (const detail of details) logger.log({ level: 'error', message: `${TAP_NAME}: ${detail}` });
    return failure.exitCode;
  }
}

async function about(args: SingerArgs, io: SingerIo): Promise<number> {
  const version = packageVersion();
  if (args.format === 'markdown') io.stdout.write(aboutMarkdown(SOURCE_SPEC, version));
  else io.stdout.write(`${JSON.stringify(aboutJson(SOURCE_SPEC, version), null, 2)}\n`);
  await flushStream(io.stdout);
  return 0;
}

/** Discovery reads no API, so the config files only have to be JSON objects (Meltano discovers before secrets are set). */
async function discover(args: SingerArgs, io: SingerIo): Promise<number> {
  let scope: StreamScope = 'organization';
  for (const path of args.config) if (readConfigFile(path).scope === 'enterprise') scope = 'enterprise';
  const fromEnv = io.env.DEVIN_SCOPE?.trim();
  if (fromEnv === 'enterprise' || fromEnv === 'organization') scope = fromEnv;
  io.stdout.write(`${JSON.stringify(discoverCatalog(scope), null, 2)}\n`);
  await flushStream(io.stdout);
  return 0;
}

async function sync(
  args: SingerArgs,
  config: TapConfig,
  io: SingerIo,
  log: (line: string) => void,
  logger: Logger,
): Promise<number> {
  if (args.catalog !== undefined && args.properties !== undefined) {
    throw new InputError('give --catalog or --properties (its legacy name), not both');
  }
  const catalogPath = args.catalog ?? args.properties;
  const selection =
    catalogPath === undefined
      ? defaultSelection(config.scope)
      : parseSingerCatalog(readJsonFile(catalogPath, 'catalog', CatalogError), catalogPath, config.scope);
  const state =
    args.state === undefined
      ? {}
      : parseSingerState(readJsonFile(args.state, 'state', StateError), args.state);
  for (const warning of selection.warnings) log(`WARN ${warning}`);
  const result = await runTap({
    config,
    selection,
    state,
    stdout: io.stdout,
    log,
    logLevel: args.logLevel,
    read: (options) => logged(readStreams(options), new StreamLog(logger, io.now, true)),
    now: io.now,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  await flushStream(io.stdout);
  if (result.failedStreams.length === 0) return 0;
  log(
    `${TAP_NAME}: error: ${result.failedStreams.length} stream(s) failed: ${result.failedStreams.join(', ')}`,
  );
  return 1;
}

/** The tap's events, each shown to the stream log on its way to the Singer encoder. */
async function* logged(events: AsyncIterable<TapEvent>, streamLog: StreamLog): AsyncGenerator<TapEvent> {
  for await (const event of events) {
    streamLog.observe(event);
    yield event;
  }
}
