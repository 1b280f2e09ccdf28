import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { interruptOf } from '../interrupts.js';
import { readJsonFile } from '../io/read-json-file.js';
import { flushStream } from '../protocol/json-lines.js';
import { CONFIG_SCHEMA, readConfigFiles, redact, type TapConfig } from '../tap/config.js';
import { CatalogError, ConfigError, errorMessage, InputError, StateError, TapError } from '../tap/errors.js';
import type { LogLevel } from '../tap/events.js';
import { isJsonObject, parseJson } from '../tap/json.js';
import { readStreams } from '../tap/read/read.js';
import { aboutJson, aboutMarkdown, TAP_NAME } from './about.js';
import { discoverCatalog } from './catalog.js';
import { runTap } from './run.js';
import { defaultSelection, parseSingerCatalog } from './selection.js';
import { parseSingerState } from './state-input.js';
import { packageVersion } from './version.js';

export interface SingerArgs {
  about?: boolean;
  format: 'json' | 'markdown';
  config: string[];
  discover?: boolean;
  catalog?: string;
  properties?: string;
  state?: string;
  logLevel: LogLevel;
}

export interface SingerIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Aborted by SIGINT / SIGTERM: stop reading, flush what was emitted (its last STATE), exit 130 / 143. */
  signal?: AbortSignal;
}

/** Runs one tap-devin invocation; the resolved number is the exit code. Never throws. */
export async function runSingerCommand(args: SingerArgs, io: SingerIo): Promise<number> {
  let config: TapConfig | undefined;
  // Before the config is known, redact still masks anything shaped like a Devin key.
  const clean = (text: string) => redact(text, config ?? { apiToken: '' });
  const log = (line: string) => io.stderr.write(`${clean(line)}\n`);
  try {
    if (args.about) return await about(args, io);
    if (args.discover) return await discover(args, io);
    config = readConfigFiles(args.config, io.env);
    return await sync(args, config, io, log);
  } catch (error) {
    const interrupt = interruptOf(io.signal);
    if (interrupt !== null) {
      await flushStream(io.stdout);
      log(`INFO ${interrupt.message}: stopped reading; the last STATE on stdout is where --state resumes`);
      return interrupt.exitCode;
    }
    const userError = error instanceof TapError && error.isUserError;
    log(`${TAP_NAME}: error: ${errorMessage(error)}`);
    if (!userError) {
      log(
        io.env.DEVIN_TAP_DEBUG
          ? String((error as Error).stack)
          : `${TAP_NAME}: this is a bug; run with DEVIN_TAP_DEBUG=1 for details`,
      );
    }
    return userError ? 1 : 2;
  }
}

async function about(args: SingerArgs, io: SingerIo): Promise<number> {
  const version = packageVersion();
  if (args.format === 'markdown') io.stdout.write(aboutMarkdown(CONFIG_SCHEMA, version));
  else io.stdout.write(`${JSON.stringify(aboutJson(CONFIG_SCHEMA, version), null, 2)}\n`);
  await flushStream(io.stdout);
  return 0;
}

/** Discovery reads no API, so the config files only have to be JSON objects (Meltano discovers before secrets are set). */
async function discover(args: SingerArgs, io: SingerIo): Promise<number> {
  for (const path of args.config) checkConfigFile(path);
  io.stdout.write(`${JSON.stringify(discoverCatalog(), null, 2)}\n`);
  await flushStream(io.stdout);
  return 0;
}

/** Never quotes the parser's message: it may echo the file, and so the token. */
function checkConfigFile(path: string): void {
  let parsed: unknown;
  try {
    parsed = parseJson(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code ? `cannot be read (${code})` : 'is not valid JSON';
    throw new ConfigError(`Config file "${path}" ${reason}`);
  }
  if (!isJsonObject(parsed)) throw new ConfigError(`Config file "${path}" must hold a JSON object`);
}

async function sync(
  args: SingerArgs,
  config: TapConfig,
  io: SingerIo,
  log: (line: string) => void,
): Promise<number> {
  if (args.catalog !== undefined && args.properties !== undefined) {
    throw new InputError('give --catalog or --properties (its legacy name), not both');
  }
  const catalogPath = args.catalog ?? args.properties;
  const selection =
    catalogPath === undefined
      ? defaultSelection()
      : parseSingerCatalog(readJsonFile(catalogPath, 'catalog', CatalogError), catalogPath);
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
    read: readStreams,
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
