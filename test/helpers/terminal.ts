import { spawn } from 'node:child_process';
import type { CliResult } from './run-cli.js';

/** A CLI running on a pseudo-terminal: what a person sees, and a keyboard. */
export interface TerminalCli {
  /** Everything written to the terminal so far (stdout and stderr, escapes included). */
  screen(): string;
  /** Types `keys` (`\x03` is Ctrl-C: the terminal sends SIGINT to the command). */
  type(keys: string): void;
  /** Resolves as soon as the screen holds `text`; rejects when the command ends first. */
  waitFor(text: string | RegExp): Promise<void>;
  ended: Promise<CliResult>;
}

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Runs `node <script> <args>` on a pseudo-terminal `columns` wide, through util-linux `script`
 * (Debian's essential bsdutils): the command sees a TTY on stdin, stdout and stderr.
 */
export function startInTerminal(script: string, args: readonly string[], columns = 80): TerminalCli {
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, script, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  const screen = () => Buffer.concat(chunks).toString('utf8');
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdin.on('error', () => undefined);
  const ended = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: screen(), stderr: '' }));
  });
  const waitFor = (wanted: string | RegExp) =>
    new Promise<void>((resolve, reject) => {
      const found = () => (typeof wanted === 'string' ? screen().includes(wanted) : wanted.test(screen()));
      const check = () => {
        if (!found()) return;
        child.stdout.off('data', check);
        resolve();
      };
      child.stdout.on('data', check);
      void ended.then(() => (found() ? resolve() : reject(new Error(`the command ended before ${wanted}`))));
      check();
    });
  return { screen, type: (keys) => child.stdin.write(keys), waitFor, ended };
}

/** The lines a terminal shows for `output`: escape sequences removed, split at CR and LF. */
export function screenLines(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is removed
  const plain = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  return plain.split(/\r\n|\r|\n/);
}
