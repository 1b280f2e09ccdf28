import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureTrace } from '../src/airbyte/commands.js';
import { reportErrorAndExit } from '../src/run-command.js';
import { ConfigError } from '../src/tap/errors.js';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

function stderrOf(action: () => void): string {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  action();
  return written.join('');
}

describe('errors that end a command', () => {
  it('a user error: its message only, exit code 1, no stack', () => {
    const text = stderrOf(() => reportErrorAndExit(new ConfigError('org_id: expected org-... or org_...')));
    expect(text).toBe('devin-tap: org_id: expected org-... or org_...\n');
    expect(process.exitCode).toBe(1);
  });

  it('an unexpected error: exit code 2 and a hint, never a token-shaped string', () => {
    const text = stderrOf(() =>
      reportErrorAndExit(new Error('upstream said Bearer cog_abcDEF123456 is bad')),
    );
    expect(text).not.toContain('cog_abcDEF123456');
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('DEVIN_TAP_DEBUG=1');
    expect(process.exitCode).toBe(2);
  });

  it('an Airbyte ERROR trace never carries the token either', () => {
    const trace = failureTrace(new Error('failed with my-secret-token'), 1, {
      DEVIN_API_TOKEN: 'my-secret-token',
    });
    expect(JSON.stringify(trace)).not.toContain('my-secret-token');
    expect(JSON.stringify(trace)).toContain('system_error');
  });
});
