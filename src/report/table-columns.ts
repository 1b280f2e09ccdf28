import type { ReportDatabase } from './database.js';

/** The column names of a table in the file (empty when it does not exist). */
export async function tableColumns(db: ReportDatabase, table: string): Promise<Set<string>> {
  if (!/^[a-z_]+$/.test(table)) throw new RangeError(`not a table name: ${table}`);
  const sql =
    db.dialect === 'duckdb'
      ? `SELECT column_name AS name FROM information_schema.columns
         WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = '${table}'`
      : `SELECT name FROM pragma_table_info('${table}')`;
  return new Set((await db.all(sql)).map((row) => String(row.name)));
}

/** `column` when the table has it, else a literal fallback (so older files still read). */
export function columnOr(columns: ReadonlySet<string>, column: string, fallback: string): string {
  return columns.has(column) ? column : fallback;
}
