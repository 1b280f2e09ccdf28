import { ConfigError } from '../tap/errors.js';
import { ALL_STREAM_NAMES, type StreamScope, streamNamesOf, streamsOf } from '../tap/streams/index.js';

/** `--streams a,b` to stream names; without it, every stream selected by default (not session_messages). */
export function selectStreams(
  option: string | undefined,
  scope: StreamScope | 'any' = 'organization',
): string[] {
  // 'any': a database's streams, of either scope (reset), or a check before the config is read.
  const STREAM_NAMES = scope === 'any' ? ALL_STREAM_NAMES : streamNamesOf(scope);
  if (option === undefined)
    return (scope === 'any' ? [...streamsOf('organization'), ...streamsOf('enterprise')] : streamsOf(scope))
      .filter((stream) => stream.selectedByDefault)
      .map((s) => s.name)
      .filter((name, index, all) => all.indexOf(name) === index);
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
