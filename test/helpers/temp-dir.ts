/** Temporary directories for tests: one way to make them, one way to have them removed. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh temporary directory (the caller removes it, or leaves it to the system). */
export function tempDir(prefix = 'devin-tap-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A fresh temporary directory removed after the enclosing suite. Call it where `afterAll` may be
 * called: at a file's top level or in a `describe` body, not inside a test or hook.
 */
export function suiteTempDir(prefix = 'devin-tap-test-'): string {
  const dir = tempDir(prefix);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
