export type InterruptSignal = 'SIGINT' | 'SIGTERM';

const EXIT_CODES: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The reason an interrupted command's signal aborts with. */
export class Interrupted extends Error {
  constructor(readonly signal: InterruptSignal) {
    super(`interrupted by ${signal}`);
  }

  /** 128 + the signal's number, as shells report a process ended by it. */
  get exitCode(): number {
    return EXIT_CODES[this.signal];
  }
}

export function interruptOf(signal: AbortSignal | undefined): Interrupted | null {
  return signal?.aborted && signal.reason instanceof Interrupted ? signal.reason : null;
}

export interface InterruptHandle {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * The first SIGINT or SIGTERM aborts the returned signal (the command stops reading, commits or
 * flushes what it has, and exits 130 or 143); a second one exits at once, leaving the database at its
 * last commit.
 */
export function onInterrupt(
  onSecond: (code: number) => void = (code) => process.exit(code),
): InterruptHandle {
  const controller = new AbortController();
  const handle = (signal: InterruptSignal) => {
    if (controller.signal.aborted) onSecond(EXIT_CODES[signal]);
    else controller.abort(new Interrupted(signal));
  };
  const onInt = () => handle('SIGINT');
  const onTerm = () => handle('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
