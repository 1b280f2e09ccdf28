import { streamSchema } from '../tap/catalog.js';
import { InputError } from '../tap/errors.js';
import { STREAMS } from '../tap/streams/index.js';
import { timestampFields } from '../tap/timestamps.js';
import type { ReportDatabase } from './database.js';

/**
 * A DuckDB file an earlier devin-tap wrote keeps some time columns (consumption's `date`...) as
 * BIGINT epoch seconds until the next sync migrates it; the views read them as TIMESTAMPTZ. Refused
 * with the way out rather than a binder error (the report opens the file read-only: it cannot migrate).
 */
export async function refuseEarlierTimeColumns(
  db: ReportDatabase,
  tables: ReadonlySet<string>,
): Promise<void> {
  if (db.dialect !== 'duckdb') return;
  const earlier: string[] = [];
  for (const def of STREAMS.filter((stream) => tables.has(stream.name))) {
    const fields = timestampFields(streamSchema(def.name));
    const rows = await db.all(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_catalog = current_database() ` +
        `AND table_schema = 'main' AND table_name = '${def.name}' AND data_type = 'BIGINT'`,
    );
    for (const row of rows)
      if (fields.includes(String(row.name))) earlier.push(`${def.name}.${String(row.name)}`);
  }
  if (earlier.length > 0)
    throw new InputError(
      `the database was written by an earlier devin-tap: its time column(s) ${earlier.join(', ')} are still ` +
        'epoch seconds; run `devin-tap sync` on it once (it migrates the file in place), then the report',
    );
}
