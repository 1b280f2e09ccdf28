import type { TapConfig } from '../config.js';
import type { HttpClient, RequestContext } from '../http/http.js';
import type { ReadPlan } from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';
import { listQuery } from './list-query.js';
import { type PageResult, paginate } from './paginate.js';
import { recordKey } from './stream-path.js';
import type { StreamRun } from './stream-run.js';
import { windowPages } from './window-pages.js';

export interface ReaderDeps {
  http: HttpClient;
  config: TapConfig;
  /** Epoch milliseconds. */
  now: () => number;
  signal: AbortSignal;
  log: (message: string) => void;
}

/**
 * Every page of one endpoint of `def` at `path`, counted on `run`: the v3 list with the plan's
 * server filters, or the plan's time window in requests the endpoint allows.
 */
export function streamPages(
  deps: ReaderDeps,
  run: StreamRun,
  def: StreamDef,
  path: string,
  plan: ReadPlan,
  startAfter: string | null,
): AsyncGenerator<PageResult> {
  const context: RequestContext = {
    stream: run.name,
    permission: def.permission,
    counters: run.http,
    signal: deps.signal,
    onRetry: deps.log,
  };
  const label = `${run.name} (GET ${path})`;
  if (def.paging?.kind === 'window') {
    const window = plan.window ?? { from: 0, to: 0 };
    return windowPages((query) => deps.http.getJson(path, query, context), {
      paging: def.paging,
      window,
      startAfter,
      label,
      keyOf: (record) => recordKey(def, record),
    });
  }
  const query = listQuery(def, plan);
  return paginate((page) => deps.http.getJson(path, { ...query, ...page }, context), {
    pageSize: deps.config.pageSize,
    label,
    startAfter,
  });
}
