import type { RereadScope } from '../tap/events.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';

export interface ScopeRows {
  stream: string;
  scope: RereadScope;
  /** The records sent for the scope (those that follow its SCHEMA). */
  kept: JsonObject[];
}

/**
 * The re-read scopes a tap announced (devin-tap's SCHEMA key `devin_tap_reread`): a scope's records
 * are those of its stream up to the next SCHEMA of the stream or the next STATE, which complete it.
 * Only complete scopes are cleared: input that ends (or breaks) inside a scope clears nothing of it.
 */
export class RereadScopes {
  private readonly open = new Map<string, ScopeRows>();
  private complete: ScopeRows[] = [];

  /** A SCHEMA of `stream`: the scope before it is complete; `scope` (if any) begins. */
  schema(stream: string, scope: RereadScope | null): void {
    this.close(stream);
    if (scope !== null) this.open.set(stream, { stream, scope, kept: [] });
  }

  record(stream: string, record: JsonObject): void {
    this.open.get(stream)?.kept.push(record);
  }

  /** A STATE: every scope begun so far is complete. */
  state(): void {
    for (const stream of [...this.open.keys()]) this.close(stream);
  }

  takeComplete(): ScopeRows[] {
    const complete = this.complete;
    this.complete = [];
    return complete;
  }

  private close(stream: string): void {
    const open = this.open.get(stream);
    if (open !== undefined) this.complete.push(open);
    this.open.delete(stream);
  }
}

/** A SCHEMA's `devin_tap_reread` value as a scope; a problem text when it is not one. */
export function rereadScope(value: JsonValue): RereadScope | string {
  if (!isJsonObject(value)) return 'devin_tap_reread must be an object';
  const { column, from, to, match } = value;
  if (typeof column !== 'string' || column === '') return 'devin_tap_reread.column must be a column name';
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    return 'devin_tap_reread.from and .to must be integers (epoch seconds)';
  if (!isJsonObject(match)) return 'devin_tap_reread.match must be an object';
  return { window: { column, from: from as number, to: to as number }, match };
}
