// `npm run demo`: a seeded Devin organization served by the simulator in this process, synced into
// ./demo.duckdb with the same code as `devin-tap sync`, then three analyst questions answered with SQL
// and an HTML report. No credentials, no network.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeReport } from '../src/report/write-report.js';
import { startSimulator } from '../src/simulator/index.js';
import { reportSync, runSync } from '../src/sync/run-sync.js';
import { STREAM_NAMES } from '../src/tap/streams/index.js';

const DATABASE = resolve('demo.duckdb');
const REPORT = resolve('demo-report.html');
const CLI_PATH = fileURLToPath(new URL('../src/cli.js', import.meta.url));

const QUESTIONS: [string, string][] = [
  [
    'ACUs per week (last 8 weeks)',
    `SELECT strftime(week_start, '%Y-%m-%d') AS week, sum(sessions) AS sessions, round(sum(acus), 1) AS acus
     FROM acu_by_week GROUP BY week_start ORDER BY week_start DESC LIMIT 8`,
  ],
  [
    'Sessions by status',
    `SELECT status, count(*) AS sessions, round(sum(acus_consumed), 1) AS acus
     FROM sessions GROUP BY status ORDER BY sessions DESC`,
  ],
  [
    'Pull-request merge rate',
    `SELECT count(*) AS pull_requests, count(*) FILTER (WHERE pr_state = 'merged') AS merged,
       round(100.0 * count(*) FILTER (WHERE pr_state = 'merged') / count(*), 1) AS merge_rate_percent
     FROM pr_outcomes`,
  ],
];

function table(rows: Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  const columns = Object.keys(first);
  const cell = (value: unknown) => (value === null ? 'NULL' : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (cells: string[]) => cells.map((text, i) => text.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join('\n');
}

/** Commands that work as printed, from the directory the demo ran in. */
function printNextSteps(token: string, orgId: string): void {
  const database = relative(process.cwd(), DATABASE) || DATABASE;
  const port = 8765;
  console.log(`
Next steps (from this directory):
  Put devin-tap on your PATH:
    npm link        (or: alias devin-tap="node ${CLI_PATH}")
  Ask the data (DuckDB or SQLite, read-only; --format csv|json too):
    devin-tap query --database ${database} "SELECT status, count(*) AS n FROM sessions GROUP BY status"
  See what is synced:
    devin-tap status --database ${database}
  Keep a sandbox API running (same seed, same data), then sync again in another terminal:
    devin-tap simulate --port ${port} --seed 2026 --sessions 1500 --messages-per-session 12
    DEVIN_API_TOKEN=${token} devin-tap sync --org-id ${orgId} --base-url http://127.0.0.1:${port} \\
      --database ${database} --streams ${STREAM_NAMES.join(',')}
  Your organization: see "Use it on your organization" in README.md (devin-tap doctor checks a setup).`);
}

async function answerQuestions(): Promise<void> {
  const instance = await DuckDBInstance.create(DATABASE, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    for (const [title, sql] of QUESTIONS) {
      const reader = await connection.runAndReadAll(sql);
      console.log(`\n${title}\n${table(reader.getRowObjectsJson() as Record<string, unknown>[])}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const sim = await startSimulator({ sessions: 1500, messagesPerSession: 12, seed: 2026 });
// The simulator's token is fixed by its seed: `devin-tap simulate --seed 2026` serves the same one.
const simToken = sim.token;
const simOrg = sim.config().org_id;
console.log(`Simulated Devin API at ${sim.baseUrl} (1,500 sessions, seeded)\n`);
rmSync(DATABASE, { force: true });
rmSync(`${DATABASE}.wal`, { force: true });
const configPath = join(mkdtempSync(join(tmpdir(), 'devin-tap-demo-')), 'config.json');
writeFileSync(configPath, JSON.stringify(sim.config()));
const io = { stdout: process.stdout, stderr: process.stderr, env: {}, now: Date.now };
const options = {
  configPaths: [configPath],
  target: 'duckdb' as const,
  database: DATABASE,
  streams: STREAM_NAMES.join(','),
  fullRefresh: false,
  quiet: false,
  json: false,
};
try {
  const result = await runSync(options, io);
  process.exitCode = reportSync(result, options, io);
} finally {
  await sim.close();
}
await answerQuestions();
// An example price, so the report shows dollars: use your contract's price per ACU.
const EXAMPLE_ACU_PRICE = '2.25';
await writeReport({ database: DATABASE, out: REPORT, acuPrice: EXAMPLE_ACU_PRICE });
console.log(`\nReport: ${REPORT} (one file; opens offline in any browser)`);
console.log(
  `  (costs at an example price of $${EXAMPLE_ACU_PRICE} per ACU: pass your own with --acu-price USD, or acu_price_usd in the config)`,
);
printNextSteps(simToken, simOrg);
