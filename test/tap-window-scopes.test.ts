import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/tap/json.js';
import type { PageResult } from '../src/tap/read/paginate.js';
import { windowPages } from '../src/tap/read/window-pages.js';
import { CONSUMPTION_WINDOW } from '../src/tap/streams/consumption-window.js';

const DAY = 86_400;

/** Pages of a 60-day window whose answers list `days` (each answer: the days inside its bounds, edges included). */
async function pagesOver(days: readonly number[]): Promise<PageResult[]> {
  const pages: PageResult[] = [];
  const fetch = async (_part: unknown, query: Record<string, number | string>) => {
    const [after, before] = [Number(query.time_after ?? 0), Number(query.time_before ?? 0)];
    return {
      consumption_by_date: days.filter((day) => day >= after && day <= before).map((date) => ({ date })),
    };
  };
  for await (const page of windowPages(fetch, {
    paging: CONSUMPTION_WINDOW,
    window: { from: 0, to: 60 * DAY },
    startAfter: null,
    label: 'consumption_daily',
    keyOf: (record: JsonObject) => String(record.date),
    dateOf: (record: JsonObject) => record.date,
    pageSize: 200,
  }))
    pages.push(page);
  return pages;
}

describe('windowPages: the span each page replaces', () => {
  it('is its request, less the days an earlier page already yielded (a day listed at both edges)', async () => {
    const pages = await pagesOver([DAY, 30 * DAY, 31 * DAY]);
    expect(pages.map((page) => page.items.map((item) => item.date))).toEqual([[DAY, 30 * DAY], [31 * DAY]]);
    expect(pages.map((page) => page.covers)).toEqual([
      { from: 0, to: 30 * DAY, fields: {} },
      { from: 30 * DAY + 1, to: 60 * DAY, fields: {} },
    ]);
  });

  it('is the whole request when the earlier pages yielded nothing inside it', async () => {
    const pages = await pagesOver([]);
    expect(pages.map((page) => page.covers)).toEqual([
      { from: 0, to: 30 * DAY, fields: {} },
      { from: 30 * DAY, to: 60 * DAY, fields: {} },
    ]);
  });
});
