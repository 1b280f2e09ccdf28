/**
 * The error `run` throws, which must be a `type`: a test of an error's message fails when nothing is
 * thrown, and another error is rethrown as it is.
 */
export function thrownBy<T extends Error>(type: abstract new (...args: never[]) => T, run: () => unknown): T {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
