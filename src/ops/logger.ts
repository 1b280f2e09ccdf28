import type { LogLevel } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';

export type LogFormat = 'text' | 'json';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface LogEntry {
  level: LogLevel;
  message: string;
  stream?: string;
  /** Figures that go with the message (records, requests, seconds, ...): JSON fields in json format. */
  fields?: JsonObject;
}

export interface Logger {
  readonly level: LogLevel;
  readonly format: LogFormat;
  enabled(level: LogLevel): boolean;
  log(entry: LogEntry): void;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Receives each line that passes the level (no newline), and the entry it came from. */
  write: (line: string, entry: LogEntry) => void;
  now: () => number;
  /** Applied to every line: removes the API token and anything shaped like one. */
  redact: (text: string) => string;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `2026-12-01T09:24:30Z INFO  [sessions] message`, or one JSON object per line. */
export function formatLogLine(entry: LogEntry, format: LogFormat, now: number): string {
  if (format === 'json') {
    return JSON.stringify({
      time: new Date(now).toISOString(),
      level: entry.level,
      ...(entry.stream === undefined ? {} : { stream: entry.stream }),
      message: entry.message,
      ...entry.fields,
    });
  }
  const stream = entry.stream === undefined ? '' : `[${entry.stream}] `;
  return `${isoSeconds(now)} ${entry.level.toUpperCase().padEnd(5)} ${stream}${entry.message}`;
}

/** Message text as Airbyte LOG messages carry it (the platform adds time and level itself). */
export function plainMessage(entry: LogEntry): string {
  return entry.stream === undefined ? entry.message : `[${entry.stream}] ${entry.message}`;
}

export function levelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

export function createLogger(options: LoggerOptions): Logger {
  return {
    level: options.level,
    format: options.format,
    enabled: (level) => levelEnabled(level, options.level),
    log(entry) {
      if (!levelEnabled(entry.level, options.level)) return;
      const clean = { ...entry, message: options.redact(entry.message) };
      options.write(options.redact(formatLogLine(clean, options.format, options.now())), clean);
    },
  };
}
