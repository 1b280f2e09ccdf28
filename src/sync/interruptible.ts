import { interruptOf } from '../interrupts.js';
import type { TapEvent } from '../tap/events.js';

/**
 * The tap's events until the signal aborts; then each stream not yet ended fails as "interrupted".
 * The writer keeps what each stream's last state covered (a full refresh keeps the old rows) and
 * commits it, exactly as for a failed stream.
 */
export async function* untilInterrupted(
  events: AsyncIterable<TapEvent>,
  signal: AbortSignal,
  streams: readonly string[],
): AsyncGenerator<TapEvent> {
  const ended = new Set<string>();
  try {
    for await (const event of events) {
      if (event.kind === 'status' && event.status !== 'started' && event.status !== 'running')
        ended.add(event.stream);
      yield event;
    }
  } catch (error) {
    const interrupt = interruptOf(signal);
    if (interrupt === null) throw error;
    for (const stream of streams) {
      if (ended.has(stream)) continue;
      yield { kind: 'stream_error', stream, message: interrupt.message, failure: 'system_error' };
      yield { kind: 'status', stream, status: 'incomplete' };
    }
  }
}
