import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The source of Chart.js's UMD build, from the installed chart.js package, to inline into the report.
 * The package's exports map hides dist/chart.umd*.js, so it is found beside the entry point it exports.
 */
export function chartLibrarySource(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}
