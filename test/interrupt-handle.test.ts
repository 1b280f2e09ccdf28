/** The interrupt contract every command shares: the first signal stops gracefully, a second exits at once. */
import { afterEach, describe, expect, it } from 'vitest';
import { Interrupted, type InterruptHandle, interruptOf, onInterrupt } from '../src/interrupts.js';

let handle: InterruptHandle | null = null;
afterEach(() => handle?.dispose());

describe('onInterrupt', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a first %s aborts the work; a second exits at once with %i', (signal, code) => {
    const exits: number[] = [];
    handle = onInterrupt((exitCode) => exits.push(exitCode));
    process.emit(signal);
    expect(handle.signal.aborted).toBe(true);
    expect(interruptOf(handle.signal)).toEqual(new Interrupted(signal));
    expect(exits).toEqual([]); // the first one lets the command commit what it has
    process.emit(signal);
    expect(exits).toEqual([code]);
  });

  it('a SIGTERM after a SIGINT is a second interrupt too; once disposed, signals are not its own', () => {
    const exits: number[] = [];
    handle = onInterrupt((exitCode) => exits.push(exitCode));
    process.emit('SIGINT');
    process.emit('SIGTERM');
    expect(exits).toEqual([143]);
    handle.dispose();
    const before = process.listenerCount('SIGINT');
    handle = onInterrupt((exitCode) => exits.push(exitCode));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
  });
});
