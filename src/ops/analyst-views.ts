import { VIEW_NAMES, viewStatements } from '../report/views.js';
import type { Target } from '../targets/target.js';

/** (Re)creates the analyst views over the tables the database holds, as devin-tap's own views. */
export async function createAnalystViews(target: Target): Promise<void> {
  const views = viewStatements(target.kind, await target.tableNames());
  await target.execute(views, views.length > 0 ? VIEW_NAMES : []);
}
