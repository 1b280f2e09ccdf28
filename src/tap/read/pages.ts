import type { TapConfig } from '../config.js';
import type { HttpClient, Query, RequestContext } from '../http/http.js';
import type { JsonObject } from '../json.js';
import type { ReadPlan } from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';
import { arrayPage } from './array-page.js';
import { listQuery } from './list-query.js';
import { type PageResult, paginate, paginateOffset } from './paginate.js';
import { isoSeconds } from './record-shape.js';
import { fillPart, recordKey } from './stream-path.js';
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

/** The server-side filter of an enterprise list to the configured organizations, if it takes one. */
function orgQuery(def: StreamDef, config: TapConfig): Query {
  const param = def.orgFilter?.param;
  return param === undefined || config.orgIds === null ? {} : { [param]: config.orgIds };
}

/** Whether a record of an enterprise list belongs to the organizations read (or to none of them). */
export function inOrgScope(def: StreamDef, config: TapConfig, record: JsonObject): boolean {
  if (def.orgFilter === undefined || config.orgIds === null) return true;
  const orgId = record.org_id;
  return typeof orgId !== 'string' || config.orgIds.includes(orgId);
}

/** A raw record's cursor value as epoch seconds (an ISO text converted, as the shaper will). */
const dateOf =
  (field: string) =>
  (record: JsonObject): number | null =>
    isoSeconds(record[field]);

/**
 * Every page of one endpoint of `def` at `path`, counted on `run`, in the paging the definition
 * declares: the v3 cursor list with the plan's server filters, `limit`/`offset`, one bare array, or
 * the plan's time window in the requests the endpoint allows.
 */
export function streamPages(
  deps: ReaderDeps,
  run: StreamRun,
  def: StreamDef,
  path: string,
  plan: ReadPlan,
  startAfter: string | null,
  /** Sent with every request besides the definition's own query (a parent's `?org_id=`). */
  extra: Query = {},
): AsyncGenerator<PageResult> {
  const context: RequestContext = {
    stream: run.name,
    permission: def.permission,
    counters: run.http,
    signal: deps.signal,
    onRetry: deps.log,
  };
  const label = `${run.name} (GET ${path})`;
  const fixed = { ...def.query, ...orgQuery(def, deps.config), ...extra };
  const get = (query: Query, at = path) => deps.http.getJson(at, { ...fixed, ...query }, context);
  const paging = def.paging;
  switch (paging?.kind) {
    case 'window':
      return windowPages((part, query) => get(query, fillPart(path, part)), {
        paging,
        window: plan.window ?? { from: 0, to: 0 },
        startAfter,
        label,
        keyOf: (record) => recordKey(def, record),
        pageSize: deps.config.pageSize,
        ...(def.cursorField === null ? {} : { dateOf: dateOf(def.cursorField) }),
      });
    case 'offset':
      return paginateOffset(
        ({ limit, offset }) => get({ [paging.limitParam]: limit, [paging.offsetParam]: offset }),
        { limit: Math.min(deps.config.pageSize, paging.maxLimit), label, startAfter },
      );
    case 'array':
      return arrayPage(() => get({}), label);
    case undefined: {
      const query = listQuery(def, plan);
      return paginate((page) => get({ ...query, ...page }), {
        pageSize: deps.config.pageSize,
        label,
        startAfter,
      });
    }
  }
}
