import { describe, expect, it } from 'vitest';
import { PaginationError, SchemaError } from '../src/tap/errors.js';
import { type PageFetcher, paginate, parsePage } from '../src/tap/read/paginate.js';

type Query = { first: number; after?: string };

/** A fake API: pages keyed by the `after` that fetches them ('' for the first). */
function fakeSource(pages: Record<string, unknown>): { fetch: PageFetcher; calls: Query[] } {
  const calls: Query[] = [];
  return {
    calls,
    fetch: async (query) => {
      calls.push(query);
      const page = pages[query.after ?? ''];
      if (page === undefined) throw new Error(`no page for ${query.after}`);
      return page;
    },
  };
}

const page = (ids: string[], endCursor: string | null, hasNext: boolean, total: number | null = null) => ({
  items: ids.map((id) => ({ id })),
  end_cursor: endCursor,
  has_next_page: hasNext,
  total,
});

async function all(fetch: PageFetcher, startAfter?: string) {
  const out = [];
  for await (const result of paginate(fetch, {
    pageSize: 2,
    label: 'things',
    ...(startAfter ? { startAfter } : {}),
  })) {
    out.push(result);
  }
  return out;
}

describe('paginate', () => {
  it('follows end_cursor until has_next_page is false, passing first and after', async () => {
    const source = fakeSource({
      '': page(['a', 'b'], 'c1+/=', true, 5),
      'c1+/=': page(['c', 'd'], 'c2', true, 5),
      c2: page(['e'], null, false, 5),
    });
    const pages = await all(source.fetch);
    expect(pages.flatMap((p) => p.items.map((item) => item.id))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(source.calls).toEqual([{ first: 2 }, { first: 2, after: 'c1+/=' }, { first: 2, after: 'c2' }]);
    expect(pages.map((p) => [p.after, p.next, p.total])).toEqual([
      [null, 'c1+/=', 5],
      ['c1+/=', 'c2', 5],
      ['c2', null, 5],
    ]);
  });

  it('stops on has_next_page false even when a cursor is present', async () => {
    const source = fakeSource({ '': page(['a'], 'more', false) });
    expect((await all(source.fetch)).length).toBe(1);
    expect(source.calls.length).toBe(1);
  });

  it('reads an empty list as one empty page', async () => {
    const pages = await all(fakeSource({ '': page([], null, false) }).fetch);
    expect(pages.map((p) => p.items)).toEqual([[]]);
  });

  it('throws instead of looping when a cursor repeats', async () => {
    const source = fakeSource({
      '': page(['a'], 'x', true),
      x: page(['b'], 'y', true),
      y: page(['c'], 'x', true),
    });
    await expect(all(source.fetch)).rejects.toThrow(PaginationError);
    await expect(all(source.fetch)).rejects.toThrow(/things: the API returned the same page cursor twice/);
    expect(source.calls.length).toBe(6);
  });

  it('throws when a page repeats its own request cursor', async () => {
    const source = fakeSource({ '': page(['a'], 'x', true), x: page(['b'], 'x', true) });
    await expect(all(source.fetch)).rejects.toThrow(PaginationError);
  });

  it('throws when has_next_page comes without a cursor', async () => {
    await expect(all(fakeSource({ '': page(['a'], null, true) }).fetch)).rejects.toThrow(
      /has_next_page is true but end_cursor is empty/,
    );
  });

  it('resumes after a checkpoint cursor, and treats that cursor as seen', async () => {
    const source = fakeSource({ c2: page(['e'], 'c2', true) });
    await expect(all(source.fetch, 'c2')).rejects.toThrow(PaginationError);
    const ok = fakeSource({ c2: page(['e'], null, false) });
    expect((await all(ok.fetch, 'c2')).map((p) => p.after)).toEqual(['c2']);
    expect(ok.calls).toEqual([{ first: 2, after: 'c2' }]);
  });
});

describe('parsePage', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not an object', [], /not a JSON object/],
    ['items missing', { has_next_page: false }, /items is not an array/],
    ['an item not an object', { items: [1], has_next_page: false }, /an item is not an object/],
    ['has_next_page missing', { items: [] }, /has_next_page is not a boolean/],
    ['end_cursor a number', { items: [], has_next_page: false, end_cursor: 3 }, /end_cursor/],
    ['total a string', { items: [], has_next_page: false, total: '3' }, /total is not a number/],
  ];
  for (const [name, raw, pattern] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parsePage(raw, 'things')).toThrow(SchemaError);
      expect(() => parsePage(raw, 'things')).toThrow(pattern);
    });
  }

  it('accepts a missing total and end_cursor as null', () => {
    expect(parsePage({ items: [{ a: 1 }], has_next_page: false }, 'x')).toEqual({
      items: [{ a: 1 }],
      endCursor: null,
      hasNextPage: false,
      total: null,
    });
  });
});
