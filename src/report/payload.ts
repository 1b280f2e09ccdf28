/**
 * The data embedded in the report page, columnar so a 100,000-session organization stays small. The
 * page (and the static render in Node) recomputes every figure from it. Days are whole days since
 * 1970-01-01: a session's UTC creation day; a billing day's date (billing days start at 08:00 UTC).
 * ACUs are integer hundredths.
 */

export const ACTOR_USER = 0;
export const ACTOR_SERVICE = 1;
export const ACTOR_NONE = 2;

export const PRODUCTS = ['devin', 'cascade', 'terminal', 'review', 'other'] as const;

export interface PayloadMeta {
  database: string;
  engine: string;
  generatedAt: string;
  /** --since / --until as given (YYYY-MM-DD), bounding what is embedded. */
  since: string | null;
  until: string | null;
  /** USD per ACU, null when none was given. */
  price: number | null;
  /** A monthly budget in USD (`--budget-usd`), null when none was given. */
  budgetUsd?: number | null;
  /** First and last day with data (sessions or billing), within --since/--until; null when none. */
  firstDay: number | null;
  lastDay: number | null;
  /** A session's URL is urlBase + its id without the `devin-` prefix, unless sessions.url has it. */
  urlBase: string | null;
  /** The enterprise's current billing cycle (cycle_budget), null without cycles and billing. */
  cycle?: CycleCard | null;
  /** Rows left out of every period: a date or created_at that is no plausible instant (see plausible.ts). */
  leftOut: number;
}

/** The current billing cycle's enterprise row: days since 1970-01-01, ACUs. */
export interface CycleCard {
  startDay: number;
  lastDay: number;
  elapsedDays: number;
  cycleDays: number;
  acus: number;
  limit: number | null;
  projected: number | null;
}

export interface SessionColumns {
  id: string[];
  /** null entries: the URL is urlBase + id tail. */
  url: (string | null)[];
  title: number[];
  day: number[];
  status: number[];
  origin: number[];
  category: number[];
  actor: number[];
  /** -1: no playbook. */
  playbook: number[];
  acus: number[];
  prs: number[];
  merged: number[];
  open: number[];
  closed: number[];
  /** -1: no insights row. */
  size: number[];
  /** -1: session_messages not synced. */
  messages: number[];
}

/** Billed ACUs per billing day, one column per product (hundredths); `other` is the rest of `acus`. */
export interface BillingColumns {
  day: number[];
  devin: number[];
  cascade: number[];
  terminal: number[];
  review: number[];
  other: number[];
}

export interface UserBillingColumns extends BillingColumns {
  actor: number[];
}

export interface Payload {
  meta: PayloadMeta;
  /** Why a section falls back (a stream not synced), shown in the page. */
  notes: { users: string | null; billing: string | null; byUser: string | null; playbooks: string | null };
  has: { sessions: boolean; insights: boolean; messages: boolean };
  dims: { status: string[]; origin: string[]; category: string[]; size: string[]; title: string[] };
  actors: { id: string[]; kind: number[]; label: string[] };
  playbooks: { id: string[]; title: string[] };
  sessions: SessionColumns;
  /** null: consumption_daily not synced (or empty). */
  billing: BillingColumns | null;
  /** null: consumption_by_user not synced (or empty). */
  billingByUser: UserBillingColumns | null;
}

/** What the reader chose in the page: a period and three filters (-1: all). */
export interface ViewChoice {
  /** Last N days, `mtd` (the month of the last day with data, to that day), everything, or custom. */
  period: '7' | '30' | '90' | 'mtd' | 'all' | 'custom';
  /** Custom period, inclusive days. */
  from: number | null;
  to: number | null;
  actor: number;
  origin: number;
  category: number;
}
