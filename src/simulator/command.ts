import { Command, InvalidArgumentError } from 'commander';
import { runCommand } from '../run-command.js';
import { InputError } from '../tap/errors.js';
import { MAX_ORGS } from './enterprise/orgs.js';
import { type HostileModes, MAX_BIG_MESSAGE_MB } from './hostile/hostile-modes.js';
import { MAX_USERS } from './organization/gen-users.js';
import type { SimulatorOptions } from './types.js';

export interface SimulateIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the simulator should stop (SIGINT/SIGTERM by default). */
  waitForStop: () => Promise<void>;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const DEFAULT_IO: SimulateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  waitForStop: waitForSignal,
};

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = /^-?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return parsed;
  };
}

function fraction(value: string): number {
  const parsed = /^[0-9]*\.?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1.');
  return parsed;
}

function orgId(value: string): string {
  if (!/^org[-_][A-Za-z0-9_-]+$/.test(value))
    throw new InvalidArgumentError('expected an id starting with org- or org_.');
  return value;
}

const MAX = 2 ** 31 - 1;

const HOSTILE_FLAGS = {
  'millisecond-cursor': 'millisecondCursor',
  keyless: 'keyless',
  'nested-secret': 'nestedSecret',
  'echo-token': 'echoToken',
} as const satisfies Record<string, keyof HostileModes>;

function hostileModes(value: string): Partial<HostileModes> {
  const modes: Partial<HostileModes> = {};
  for (const name of value.split(',').map((part) => part.trim())) {
    if (name === 'all') for (const key of Object.values(HOSTILE_FLAGS)) modes[key] = true;
    else if (Object.hasOwn(HOSTILE_FLAGS, name))
      modes[HOSTILE_FLAGS[name as keyof typeof HOSTILE_FLAGS]] = true;
    else
      throw new InvalidArgumentError(
        `expected a comma list of ${Object.keys(HOSTILE_FLAGS).join(', ')} or all.`,
      );
  }
  return modes;
}

interface SimulateFlags extends Omit<SimulatorOptions, 'hostile'> {
  hostile?: Partial<HostileModes>;
  bigMessageMb?: number;
}

function simulatorOptions({ hostile, bigMessageMb, ...rest }: SimulateFlags): SimulatorOptions {
  return { ...rest, hostile: { ...hostile, ...(bigMessageMb ? { bigMessageMb } : {}) } };
}

async function serve(options: SimulatorOptions, io: SimulateIo): Promise<number> {
  const { startSimulator } = await import('./index.js');
  const sim = await startSimulator(options).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new InputError(
        `cannot listen on 127.0.0.1:${options.port ?? 0} (${String(code)}); use another --port, or 0`,
      );
    }
    throw error;
  });
  const { sessions, messagesPerSession, seed, users, orgs } = sim.options;
  io.out(`Devin API v3 simulator listening on ${sim.baseUrl}`);
  io.out(JSON.stringify(sim.config()));
  if (orgs > 1) {
    io.out(`enterprise of ${orgs} organizations: ${sim.orgIds.join(', ')}`);
    io.out(JSON.stringify(sim.enterpriseConfig()));
  }
  io.err(
    `seed ${seed}, ${sessions} sessions (about ${messagesPerSession} messages each), ${users} members; Ctrl-C to stop`,
  );
  const hostile = Object.entries(sim.options.hostile).filter(([, value]) => value !== false && value !== 0);
  if (hostile.length > 0)
    io.err(`hostile data: ${hostile.map(([key, value]) => `${key}=${String(value)}`).join(', ')}`);
  await io.waitForStop();
  await sim.close();
  io.err('simulator stopped');
  return 0;
}

/** `devin-tap simulate`: serve a seeded Devin API v3 on 127.0.0.1 until SIGINT/SIGTERM. */
export function simulateCommand(io: SimulateIo = DEFAULT_IO): Command {
  return new Command('simulate')
    .description('Serve a simulated Devin API v3 on 127.0.0.1 (seeded data, latency, rate limits, faults)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', integer(0, 65_535), 0)
    .option('--seed <n>', 'seed of the generated data', integer(0, MAX), 1)
    .option('--sessions <n>', 'number of sessions', integer(0, 1_000_000_000), 200)
    .option('--messages-per-session <n>', 'average messages per session', integer(0, 10_000), 20)
    .option('--playbooks <n>', 'number of playbooks', integer(0, 10_000_000), 25)
    .option('--secrets <n>', 'number of secrets', integer(0, 10_000_000), 25)
    .option('--knowledge-notes <n>', 'number of knowledge notes', integer(0, 10_000_000), 25)
    .option(
      '--users <n>',
      'organization members (sessions go to them with a skew)',
      integer(0, MAX_USERS),
      40,
    )
    .option('--latency-ms <n>', 'delay before every response, in ms', integer(0, 600_000), 0)
    .option('--rate-limit <n>', 'requests per second before 429 (0 = off)', integer(0, 1_000_000), 0)
    .option('--fault-rate <f>', 'fraction of requests that fail: 5xx, dropped, truncated', fraction, 0)
    .option(
      '--org-id <id>',
      'organization id (the first organization of the enterprise)',
      orgId,
      'org-sim0001',
    )
    .option(
      '--orgs <n>',
      `organizations in the enterprise (1 to ${MAX_ORGS}); each after the first is a third of its size`,
      integer(1, MAX_ORGS),
      1,
    )
    .option(
      '--hostile <modes>',
      `hostile data, comma-separated: ${Object.keys(HOSTILE_FLAGS).join(', ')}, or all`,
      hostileModes,
    )
    .option(
      '--big-message-mb <n>',
      'make message #1 of the third-oldest session this many MiB (0 = the usual 120 KB)',
      integer(0, MAX_BIG_MESSAGE_MB),
      0,
    )
    .action((flags: SimulateFlags) => runCommand(() => serve(simulatorOptions(flags), io)));
}
