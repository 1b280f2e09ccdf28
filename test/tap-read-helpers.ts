import type { Simulator } from '../src/simulator/index.js';
import { parseConfig, type TapConfig } from '../src/tap/config.js';
import type { TapEvent } from '../src/tap/events.js';
import type { JsonObject } from '../src/tap/json.js';
import { type ConfiguredStream, type ReadOptions, readStreams, type SyncMode } from '../src/tap/read/read.js';
import type { TapState } from '../src/tap/state/state.js';
import { CURSOR_STREAM_NAMES, KEY_COLUMNS } from './helpers/ground-truth.js';

export const ALL_STREAMS = [
  'sessions',
  'sessions_insights',
  'session_messages',
  'playbooks',
  'secrets',
  'knowledge_notes',
  'users',
  'consumption_daily',
  'consumption_by_user',
] as const;

/** The streams with a record cursor: an unchanged organization gives them nothing on a second run. */
export const CURSOR_STREAMS = CURSOR_STREAM_NAMES;

/** Each stream's primary key columns (from the stream definitions). */
export const KEYS = KEY_COLUMNS;

/** Fast retries: tests exercise the retry paths, not the wall clock. */
export const FAST_BACKOFF = { baseDelayMs: 5, maxDelayMs: 50, retryAfterCapMs: 1500 };

export function simConfig(sim: Simulator, overrides: Record<string, unknown> = {}): TapConfig {
  return parseConfig({ ...sim.config(), page_size: 25, max_concurrency: 4, ...overrides }, {});
}

export function configured(
  names: readonly string[],
  syncMode: SyncMode = 'full_refresh',
): ConfiguredStream[] {
  return names.map((name) => ({ name, syncMode }));
}

export async function collect(
  config: TapConfig,
  streams: readonly ConfiguredStream[],
  extra: Partial<ReadOptions> = {},
): Promise<TapEvent[]> {
  const events: TapEvent[] = [];
  const options: ReadOptions = { config, streams, http: { backoff: FAST_BACKOFF }, ...extra };
  for await (const event of readStreams(options)) events.push(event);
  return events;
}

export function recordsOf(events: readonly TapEvent[], stream: string): JsonObject[] {
  return events.flatMap((event) => (event.kind === 'record' && event.stream === stream ? [event.data] : []));
}

/** The last state event of each stream: what an output hands back as the next run's state. */
export function finalState(events: readonly TapEvent[]): TapState {
  const state: TapState = {};
  for (const event of events) if (event.kind === 'state') state[event.stream] = event.state;
  return state;
}

export function statusesOf(events: readonly TapEvent[], stream: string): string[] {
  return events.flatMap((event) =>
    event.kind === 'status' && event.stream === stream ? [event.status] : [],
  );
}

export function byKey(records: readonly JsonObject[], keys: readonly string[]): JsonObject[] {
  const key = (record: JsonObject) => keys.map((field) => String(record[field])).join('\u0000');
  return [...records].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Every message the simulator serves, with the session_id the tap adds. */
export function truthMessages(sim: Simulator, sessionIds?: Iterable<string>): JsonObject[] {
  const ids = sessionIds ?? [...sim.sessions()].map((session) => String(session.session_id));
  const all: JsonObject[] = [];
  for (const id of ids) for (const message of sim.messages(id)) all.push({ ...message, session_id: id });
  return all;
}

export function messageRequests(sim: Simulator): string[] {
  return sim.requestLog.filter((entry) => entry.path.endsWith('/messages')).map((entry) => entry.path);
}
