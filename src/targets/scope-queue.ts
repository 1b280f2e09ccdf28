import type { RereadScope } from '../tap/events.js';
import type { JsonObject } from '../tap/json.js';

export interface ScopeRows {
  scope: RereadScope;
  /** The records sent for the scope (they follow its event). */
  kept: JsonObject[];
}

/**
 * The re-read scopes of one stream (see RereadScope): the one whose records are arriving, those
 * complete but not yet covered by a state, and those a state covers (cleared at the next commit,
 * after the rows; a failed stream never clears what no state covers).
 */
export class ScopeQueue {
  open: ScopeRows | null = null;
  closed: ScopeRows[] = [];
  ready: ScopeRows[] = [];

  start(scope: RereadScope): void {
    this.close();
    this.open = { scope, kept: [] };
  }

  close(): void {
    if (this.open !== null) this.closed.push(this.open);
    this.open = null;
  }

  covered(): void {
    this.close();
    this.ready.push(...this.closed);
    this.closed = [];
  }

  dropUncovered(): void {
    this.open = null;
    this.closed = [];
  }

  takeReady(): ScopeRows[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }
}
