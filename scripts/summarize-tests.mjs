// Prints the closing lines CI reads from vitest's JSON reports: one line per run, the skips, and last
// "N passed, N failed". Usage: summarize-tests.mjs FULL.json [WITHOUT-TOOLS.json]
// - FULL is the run with every tool installed: a skipped test there is a failure (CI never skips).
// - WITHOUT-TOOLS is the run of the tool-dependent files with the tools hidden: skips are expected, and
//   at least one is required (else the tools were not hidden and the step proved nothing).
// A test file that fails before running any test (an import error) counts as one failure.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

function summarize(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const brokenFiles = report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed'),
  ).length;
  const skippedByFile = report.testResults
    .map((file) => [
      relative(process.cwd(), file.name),
      file.assertionResults.filter((test) => SKIPPED.has(test.status)).length,
    ])
    .filter(([, count]) => count > 0);
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + brokenFiles,
    skipped: skippedByFile.reduce((sum, [, count]) => sum + count, 0),
    skippedByFile,
    total: report.numTotalTests,
  };
}

function line(label, run) {
  const where = run.skippedByFile.map(([file, count]) => `${file} ${count}`).join(', ');
  return `${label}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped${where ? ` (${where})` : ''}`;
}

const [fullPath, withoutToolsPath] = process.argv.slice(2);
const full = summarize(fullPath);
console.log(line('full run', full));
let failed = full.failed + full.skipped + (full.total === 0 ? 1 : 0);
let passed = full.passed;
let skipped = full.skipped;
if (full.skipped > 0)
  console.log(`full run: ${full.skipped} skipped, each counted as a failure (CI runs every test)`);
if (withoutToolsPath !== undefined) {
  const bare = summarize(withoutToolsPath);
  console.log(line('without chromium, sqlite3 or a container engine', bare));
  if (bare.skipped === 0)
    console.log(
      'without chromium, sqlite3 or a container engine: nothing skipped, so the tools were not hidden',
    );
  failed += bare.failed + (bare.skipped === 0 ? 1 : 0);
  passed += bare.passed;
  skipped += bare.skipped;
}
console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
