/**
 * Users and billing rows for report tests, shaped by catalog/users.json, consumption_daily.json and
 * consumption_by_user.json and derived from the simulator's sessions: every member a session names,
 * billed per billing day (08:00 UTC) with some ACUs no member accounts for.
 */

import type { Dialect } from '../src/report/views.js';
import type { Simulator } from '../src/simulator/index.js';
import type { JsonObject } from '../src/tap/json.js';
import { type StreamRows, simulatorRows, writeDatabase } from './report-helpers.js';

const BILLING_OFFSET = 8 * 3600;
const round = (value: number): number => Math.round(value * 100) / 100;
export const billingDay = (createdAt: number): number => Math.floor((createdAt - BILLING_OFFSET) / 86_400);

function products(devin: number, day: number): JsonObject {
  const cascade = day % 3 === 0 ? 1.5 : 0;
  const terminal = day % 5 === 0 ? 0.25 : 0;
  const review = day % 7 === 0 ? 2 : 0;
  return { devin: round(devin), cascade, terminal, review };
}

function billingRow(day: number, byProduct: JsonObject, extra: number): JsonObject {
  const values = Object.values(byProduct).map(Number);
  return {
    date: day * 86_400 + BILLING_OFFSET,
    acus: round(values.reduce((a, b) => a + b, 0) + extra),
    acus_by_product: byProduct,
    acus_devin: Number(byProduct.devin),
    acus_cascade: Number(byProduct.cascade),
    acus_terminal: Number(byProduct.terminal),
    acus_review: Number(byProduct.review),
  };
}

/** users (a third with a name, a third with only an email, a third with neither; every 7th missing). */
export function memberRows(sessions: readonly JsonObject[]): JsonObject[] {
  const ids = [
    ...new Set(sessions.map((s) => s.user_id).filter((id): id is string => typeof id === 'string')),
  ];
  return ids.flatMap((user_id, i) =>
    i % 7 === 6
      ? []
      : [
          {
            user_id,
            name: i % 3 === 0 ? `Member ${i}` : null,
            email: i % 3 === 2 ? null : `member${i}@example.com`,
            role_assignments: [{ role: { role_id: 'r1', role_name: 'member' }, org_id: 'org-sim0001' }],
          },
        ],
  );
}

/** consumption_daily (every session's ACUs plus other products and some unknown ones) and by user. */
export function billingRows(sessions: readonly JsonObject[]): { daily: JsonObject[]; byUser: JsonObject[] } {
  const daily = new Map<number, number>();
  const byUser = new Map<string, number>();
  for (const s of sessions) {
    const day = billingDay(Number(s.created_at));
    daily.set(day, (daily.get(day) ?? 0) + Number(s.acus_consumed));
    if (typeof s.user_id === 'string') {
      const key = JSON.stringify([s.user_id, day]);
      byUser.set(key, (byUser.get(key) ?? 0) + Number(s.acus_consumed));
    }
  }
  return {
    daily: [...daily].map(([day, acus]) => billingRow(day, products(acus, day), day % 4 === 0 ? 0.75 : 0)),
    byUser: [...byUser].map(([key, acus]) => {
      const [user_id, day] = JSON.parse(key) as [string, number];
      return { user_id, ...billingRow(day, { devin: round(acus), cascade: 0, terminal: 0, review: 0 }, 0) };
    }),
  };
}

export interface FixtureStreams {
  users?: boolean;
  daily?: boolean;
  byUser?: boolean;
  playbooks?: boolean;
}

/** Writes sessions (+ insights) from the simulator and the chosen extra tables, through the targets. */
export async function writeFixture(
  dialect: Dialect,
  path: string,
  sim: Simulator,
  streams: FixtureStreams = { users: true, daily: true, byUser: true, playbooks: true },
): Promise<StreamRows> {
  const rows: StreamRows = simulatorRows(sim, [
    'sessions',
    'sessions_insights',
    ...(streams.playbooks ? ['playbooks'] : []),
  ]);
  const sessions = rows.sessions ?? [];
  const billing = billingRows(sessions);
  const all: StreamRows = {
    ...rows,
    ...(streams.users ? { users: memberRows(sessions) } : {}),
    ...(streams.daily ? { consumption_daily: billing.daily } : {}),
    ...(streams.byUser ? { consumption_by_user: billing.byUser } : {}),
  };
  await writeDatabase(dialect, path, all);
  return all;
}
