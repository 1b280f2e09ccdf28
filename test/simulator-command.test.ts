import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../src/simulator/command.js';
import { apiFetch, membersPath, orgPath } from './helpers/api-fetch.js';

/** Resolves once `out` holds `count` lines (the command's io pushes them and calls `printed`). */
const waiting: { out: string[]; count: number; resolve: () => void }[] = [];
function printed(out: string[]): void {
  for (const waiter of waiting.filter((w) => w.out === out && out.length >= w.count)) {
    waiting.splice(waiting.indexOf(waiter), 1);
    waiter.resolve();
  }
}
function linesPrinted(out: string[], count: number): Promise<void> {
  return new Promise((resolve) => {
    if (out.length >= count) resolve();
    else waiting.push({ out, count, resolve });
  });
}

function program(out: string[], err: string[], stop: Promise<void>): Command {
  const io = {
    out: (line: string) => {
      out.push(line);
      printed(out);
    },
    err: (line: string) => err.push(line),
    waitForStop: () => stop,
  };
  const output = { writeErr: (text: string) => err.push(text), writeOut: (text: string) => out.push(text) };
  return new Command('devin-tap')
    .exitOverride()
    .configureOutput(output)
    .addCommand(simulateCommand(io).exitOverride().configureOutput(output));
}

describe('devin-tap simulate', () => {
  it('prints its base URL and a ready config, serves it, and stops cleanly', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let stop = (): void => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const run = program(out, err, stopped).parseAsync(
      [
        'simulate',
        '--port',
        '0',
        '--seed',
        '5',
        '--sessions',
        '12',
        '--messages-per-session',
        '3',
        '--org-id',
        'org_test',
      ],
      { from: 'user' },
    );
    await linesPrinted(out, 2);
    expect(out[0]).toMatch(/^Devin API v3 simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const config = JSON.parse(out[1] ?? '') as { api_token: string; org_id: string; base_url: string };
    expect(out[0]).toContain(config.base_url);
    expect(config.org_id).toBe('org_test');
    expect(config.api_token).toMatch(/^cog_/);
    const response = await apiFetch(config.base_url, orgPath(config.org_id, '/sessions'), config.api_token);
    expect(response.body.total).toBe(12);
    stop();
    await run;
    expect(err.at(-1)).toBe('simulator stopped');
    await expect(fetch(config.base_url)).rejects.toThrow();
  });

  it('--hostile and --big-message-mb switch hostile data on and say so', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let stop = (): void => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const args = [
      'simulate',
      '--sessions',
      '10',
      '--users',
      '3',
      '--hostile',
      'keyless,millisecond-cursor',
      '--big-message-mb',
      '1',
    ];
    const run = program(out, err, stopped).parseAsync(args, { from: 'user' });
    await linesPrinted(out, 2);
    const config = JSON.parse(out[1] ?? '') as { api_token: string; org_id: string; base_url: string };
    const response = await apiFetch(config.base_url, orgPath(config.org_id, '/sessions'), config.api_token);
    const items = response.body.items as Record<string, unknown>[];
    expect(items.filter((row) => row.session_id === undefined).length).toBe(1);
    expect(items.filter((row) => Number(row.updated_at) > 1e12).length).toBe(1);
    expect(err).toContain('hostile data: millisecondCursor=true, keyless=true, bigMessageMb=1');
    const members = await apiFetch(config.base_url, membersPath(config.org_id), config.api_token);
    expect(members.body.total).toBe(3);
    expect(err.some((line) => line.includes('10 sessions') && line.includes('3 members'))).toBe(true);
    stop();
    await run;
  });

  it('--orgs N serves an enterprise and prints its organizations and an enterprise config', async () => {
    const out: string[] = [];
    let stop = (): void => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const args = ['simulate', '--sessions', '9', '--users', '6', '--orgs', '3', '--org-id', 'org_acme'];
    const run = program(out, [], stopped).parseAsync(args, { from: 'user' });
    await linesPrinted(out, 4);
    expect(out[2]).toBe('enterprise of 3 organizations: org_acme, org_acme-02, org_acme-03');
    const config = JSON.parse(out[3] ?? '') as { api_token: string; base_url: string; scope: string };
    expect(config.scope).toBe('enterprise');
    const orgs = await apiFetch(config.base_url, '/v3/enterprise/organizations', config.api_token);
    expect((orgs.body.items as { org_id: string }[]).map((org) => org.org_id)).toEqual([
      'org_acme',
      'org_acme-02',
      'org_acme-03',
    ]);
    const sessions = await apiFetch(config.base_url, orgPath('org_acme-03', '/sessions'), config.api_token);
    expect(sessions.body.total).toBe(3);
    stop();
    await run;
  });

  it.each([
    [['--hostile', 'keyless,loud'], '--hostile'],
    [['--big-message-mb', '5000'], '--big-message-mb'],
    [['--users', '100001'], '--users'],
    [['--port', '70000'], '--port'],
    [['--sessions', 'many'], '--sessions'],
    [['--sessions', '-3'], '--sessions'],
    [['--fault-rate', '1.5'], '--fault-rate'],
    [['--latency-ms', '2.5'], '--latency-ms'],
    [['--org-id', 'acme'], '--org-id'],
    [['--orgs', '0'], '--orgs'],
    [['--orgs', '51'], '--orgs'],
  ])('rejects %j with an error naming the option', async (args, option) => {
    const err: string[] = [];
    const run = program([], err, Promise.resolve()).parseAsync(['simulate', ...args], { from: 'user' });
    await expect(run).rejects.toThrow(
      new RegExp(`option '${option} <\\w+>' argument .* is invalid\\. expected`),
    );
    expect(err.join('')).toContain(option);
  });
});
