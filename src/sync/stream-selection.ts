import { ConfigError } from '../tap/errors.js';
import { type StreamScope, streamNamesOf, streamsOf } from '../tap/streams/index.js';

/** `--streams a,b` to stream names; without it, every stream selected by default (not session_messages). */
export function selectStreams(option: string | undefined, scope: StreamScope = 'organization'): string[] {
  const STREAM_NAMES = streamNamesOf(scope);
  if (option === undefined)
    return streamsOf(scope)
      .filter((stream) => stream.selectedByDefault)
      .map((s) => s.name);
  const names = option
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0)
    throw new ConfigError(`--streams: expected a comma-separated list of: ${STREAM_NAMES.join(', ')}`);
  const unknown = names.filter((name) => !STREAM_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `--streams: unknown stream ${unknown.map((n) => `"${n}"`).join(', ')}; valid: ${STREAM_NAMES.join(', ')}`,
    );
  }
  return [...new Set(names)];
}
