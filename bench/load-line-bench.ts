/**
 * `devin-tap load` of one huge RECORD line (default 100 MB), into SQLite and DuckDB, beside a floor
 * measured in the same run: a child that only reads the same file and JSON.parses its lines.
 *   node dist/bench/load-line-bench.js [--mb 100] [--targets sqlite,duckdb] [--ascii]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    targets: { type: 'string', default: 'sqlite,duckdb' },
    ascii: { type: 'boolean', default: false },
  },
});
const mb = Number(values.mb);
const dir = mkdtempSync(join(tmpdir(), 'load-line-bench-'));
const input = join(dir, 'input.jsonl');
const CLI = resolve('dist/src/cli.js');

function writeInput(): void {
  const schema = {
    type: 'SCHEMA',
    stream: 'big',
    key_properties: ['id'],
    schema: { properties: { id: { type: 'integer' }, text: { type: 'string' } } },
  };
  const record = `{"type":"RECORD","stream":"big","record":{"id":1,"text":"${values.ascii ? 'x'.repeat(mb * 1024 * 1024) : 'é'.repeat((mb * 1024 * 1024) / 2)}"}}`;
  writeFileSync(
    input,
    `${JSON.stringify(schema)}\n${record}\n${JSON.stringify({ type: 'STATE', value: {} })}\n`,
  );
}

function peakRssMb(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs node with the input file as stdin; wall seconds and peak RSS (sampled every 20 ms). */
function run(args: readonly string[]): Promise<{ seconds: number; rss: number; code: number | null }> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: [openSync(input, 'r'), 'ignore', 'inherit'] });
    let rss = 0;
    const timer = setInterval(() => {
      rss = Math.max(rss, peakRssMb(child.pid ?? 0));
    }, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      done({ seconds: (performance.now() - started) / 1000, rss, code });
    });
  });
}

const FLOOR = `let b='';process.stdin.setEncoding('utf8');process.stdin.on('data',c=>b+=c).on('end',()=>{for(const l of b.split('\\n'))if(l)JSON.parse(l)})`;

writeInput();
const rows: string[] = [];
const floor = await run(['-e', FLOOR]);
rows.push(
  `| floor (read the file, JSON.parse each line) | ${floor.seconds.toFixed(2)} s | ${floor.rss.toFixed(0)} MB |`,
);
for (const kind of String(values.targets).split(',')) {
  const result = await run([CLI, 'load', '--target', kind, '--database', join(dir, `db.${kind}`)]);
  const status = result.code === 0 ? '' : ` (exit ${result.code})`;
  rows.push(`| load into ${kind}${status} | ${result.seconds.toFixed(2)} s | ${result.rss.toFixed(0)} MB |`);
}
console.log(`one RECORD line of ${mb} MB (UTF-8, ${values.ascii ? 'ASCII' : '2-byte characters'})\n`);
console.log('| run | wall | peak RSS |\n|---|---|---|');
for (const row of rows) console.log(row);
rmSync(dir, { recursive: true, force: true });
