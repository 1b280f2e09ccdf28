import { watch } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Resolves once `condition()` (reading a file at `path`) holds, checked whenever anything in its
 * directory changes: no polling on the clock. Rejects, saying `what`, when `ended` settles first.
 */
export function whenFile(
  path: string,
  condition: () => boolean,
  ended: Promise<unknown>,
  what: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const watcher = watch(dirname(path));
    const finish = (error?: Error) => {
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    watcher.on('change', () => {
      if (condition()) finish();
    });
    void ended.then(() => (condition() ? finish() : finish(new Error(`the command ended before ${what}`))));
    if (condition()) finish();
  });
}
