import { type Command, Option } from 'commander';
import type { LogLevel } from '../tap/events.js';
import { redact } from '../tap/redact.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type Logger } from './logger.js';

export interface CommandLogOptions {
  logLevel?: LogLevel;
  logFormat?: LogFormat;
}

/** `--log-level` and `--log-format`, the same on every command. */
export function addLogOptions<T extends Command>(command: T, defaultLevel: LogLevel = 'info'): T {
  command.addOption(
    new Option('--log-level <level>', 'lowest level of log lines').choices(LOG_LEVELS).default(defaultLevel),
  );
  command.addOption(
    new Option('--log-format <format>', 'log lines as text or JSON').choices(LOG_FORMATS).default('text'),
  );
  return command;
}

/** A logger writing to stderr, redacting the environment's token and anything shaped like one. */
export function stderrLogger(
  options: CommandLogOptions,
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const apiToken = env.DEVIN_API_TOKEN ?? '';
  return createLogger({
    level: options.logLevel ?? 'info',
    format: options.logFormat ?? 'text',
    write,
    now: Date.now,
    redact: (text) => redact(text, { apiToken }),
  });
}
