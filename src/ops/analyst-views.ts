import { VIEW_NAMES, viewStatements } from '../report/views.js';
import type { Target } from '../targets/target.js';

const CREATED = /^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?("[^"]+"|\w+)/i;

/**
 * (Re)creates the analyst views over the tables the database holds, as devin-tap's own views, in
 * one transaction. Each view is read once (no row) before the commit: SQLite binds a view's columns
 * only when it is read, so a table that does not fit would otherwise leave a view that fails later.
 */
export async function createAnalystViews(target: Target): Promise<void> {
  const views = viewStatements(target.kind, await target.tableNames());
  const probes = views.flatMap((sql) => {
    const name = CREATED.exec(sql.trim())?.[1];
    return name === undefined ? [] : [`SELECT * FROM ${name} LIMIT 0`];
  });
  await target.execute([...views, ...probes], views.length > 0 ? VIEW_NAMES : []);
}
