import type { JsonObject } from '../json.js';
import { cursorValue, isNew, maxOf, type ReadPlan, WindowCollector } from '../state/cursor-plan.js';
import { isPlausibleCursor } from '../state/cursor-sanity.js';
import type { StreamDef } from '../streams/index.js';
import { admits } from './list-query.js';
import { recordKey } from './stream-path.js';

/**
 * Decides, for one stream's plan, which records of `judged`'s list are new or changed, and keeps
 * the running maximum of their cursor values (the bookmark once the stream is read to its end).
 * `judged` is the stream itself, or the parent whose changes decide which children are re-read.
 * An implausible cursor value is emitted but never counted into the maximum or the window.
 */
export class RecordSelector {
  maxSeen: number | null;
  readonly window = new WindowCollector();
  unchanged = 0;
  implausible = 0;

  constructor(
    private readonly judged: StreamDef,
    readonly plan: ReadPlan,
    private readonly nowSeconds: number,
  ) {
    this.maxSeen = plan.maxSeen;
  }

  /** True when `record` is new or changed for this stream (false too outside its part of a shared read). */
  select(record: JsonObject): boolean {
    if (!admits(this.judged, this.plan, record)) return false;
    const value = cursorValue(record, this.judged.cursorField, this.judged.cursorFallback);
    if (value !== null && !isPlausibleCursor(value, this.nowSeconds)) {
      this.implausible += 1;
      return true;
    }
    this.maxSeen = maxOf(this.maxSeen, value);
    const key = recordKey(this.judged, record);
    if (!isNew(this.plan, key, value)) {
      this.unchanged += 1;
      return false;
    }
    this.window.add(key, value, this.maxSeen, this.plan.lookback);
    return true;
  }

  /** The once-per-stream warning about implausible cursor values, if there were any. */
  warning(stream: string): string | null {
    return implausibleWarning(stream, this.judged, this.implausible);
  }
}

function implausibleWarning(stream: string, judged: StreamDef, count: number): string | null {
  if (count === 0) return null;
  const field = judged.cursorField ?? 'cursor';
  const whose = judged.name === stream ? '' : ` ${judged.name}`;
  return (
    `${stream}: ${count}${whose} record(s) with an implausible ${field} (not an epoch second ` +
    'between 2000-01-01 and a day from now): emitted, but the bookmark ignores them'
  );
}

/** The highest plausible cursor value of a child's own records (children read on every run). */
export class OwnCursor {
  implausible = 0;

  constructor(
    private readonly def: StreamDef,
    public max: number | null,
    private readonly nowSeconds: number,
  ) {}

  see(record: JsonObject): void {
    const value = cursorValue(record, this.def.cursorField, this.def.cursorFallback);
    if (value === null) return;
    if (isPlausibleCursor(value, this.nowSeconds)) this.max = maxOf(this.max, value);
    else this.implausible += 1;
  }

  warning(stream: string): string | null {
    return implausibleWarning(stream, this.def, this.implausible);
  }
}
