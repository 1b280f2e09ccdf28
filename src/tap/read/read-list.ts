import type { TapConfig } from '../config.js';
import type { TapEvent } from '../events.js';
import type { HttpClient, Query, RequestContext } from '../http/http.js';
import type { JsonObject } from '../json.js';
import {
  cursorValue,
  isCreated,
  isNew,
  maxOf,
  type ReadPlan,
  WindowCollector,
} from '../state/cursor-plan.js';
import type { StreamDef } from '../streams/index.js';
import { admits } from './list-query.js';
import { type PageResult, paginate } from './paginate.js';
import { recordKey } from './stream-path.js';
import type { StreamRun } from './stream-run.js';

export interface ReaderDeps {
  http: HttpClient;
  config: TapConfig;
  /** Epoch milliseconds. */
  now: () => number;
  signal: AbortSignal;
  log: (message: string) => void;
}

/** Every page of one list endpoint, with the stream's request context. */
export function listPages(
  deps: ReaderDeps,
  run: StreamRun,
  path: string,
  query: Query,
  startAfter: string | null,
): AsyncGenerator<PageResult> {
  const context: RequestContext = {
    stream: run.name,
    permission: run.def.permission,
    counters: run.http,
    signal: deps.signal,
    onRetry: deps.log,
  };
  return paginate((page) => deps.http.getJson(path, { ...query, ...page }, context), {
    pageSize: deps.config.pageSize,
    label: `${run.name} (GET ${path})`,
    startAfter,
  });
}

/**
 * Sorts a page's records for one stream: what to emit, and the running maximum of the cursor
 * values it admits (which becomes the bookmark once the stream is read to its end).
 */
export class RecordSelector {
  maxSeen: number | null;
  readonly window = new WindowCollector();

  constructor(
    private readonly def: StreamDef,
    private readonly filterDef: StreamDef,
    readonly plan: ReadPlan,
  ) {
    this.maxSeen = plan.maxSeen;
  }

  /**
   * True when `record` (a record of filterDef's list) is new or changed for this stream. Counts
   * it as unchanged otherwise (unless it lies outside this stream's filters: a shared read).
   */
  select(record: JsonObject): boolean {
    if (!admits(this.filterDef, this.plan, record)) return false;
    const value = cursorValue(record, this.filterDef.cursorField);
    this.maxSeen = maxOf(this.maxSeen, value);
    const key = recordKey(this.filterDef, record);
    if (!isNew(this.plan, key, value)) {
      this.unchanged += 1;
      return false;
    }
    this.window.add(key, value, this.maxSeen, this.plan.lookback);
    return true;
  }

  unchanged = 0;

  isCreated(record: JsonObject): boolean {
    return isCreated(this.plan, record);
  }

  get streamName(): string {
    return this.def.name;
  }
}

/** A page's events: `running` before the first page, then the records it selects. */
export function pageEvents(run: StreamRun, selector: RecordSelector, page: PageResult): TapEvent[] {
  const events = run.firstPage();
  run.attach(selector);
  for (const item of page.items) {
    if (selector.select(item)) events.push(run.record(run.project(item), selector.isCreated(item)));
  }
  return events;
}
