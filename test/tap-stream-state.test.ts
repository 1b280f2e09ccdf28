import { describe, expect, it } from 'vitest';
import { StateError } from '../src/tap/errors.js';
import {
  checkpointState,
  completedState,
  cursorValue,
  isNew,
  MAX_RECENT,
  planRead,
  type ReadPlan,
  WindowCollector,
} from '../src/tap/state/cursor-plan.js';
import { emptyState, parseStreamState, serializeState } from '../src/tap/state/stream-state.js';

const NOW = 2_000_000;
const inputs = { mode: 'incremental' as const, startDate: null, lookback: 100, nowSeconds: NOW };

describe('parseStreamState', () => {
  const full = {
    version: 1,
    stream: 'sessions',
    cursor: 1000,
    recent: { 'devin-a': 950 },
    checkpoint: { after: 'c+/=', lower_bound: 900, upper_bound: NOW, max_seen: 990 },
  };

  it('round-trips through serializeState', () => {
    const parsed = parseStreamState('sessions', full);
    expect(parsed).toEqual({
      version: 1,
      stream: 'sessions',
      cursor: 1000,
      recent: { 'devin-a': 950 },
      checkpoint: { after: 'c+/=', lowerBound: 900, upperBound: NOW, maxSeen: 990, pages: null, done: [] },
      partitions: {},
      orgIds: null,
    });
    expect(serializeState(parsed)).toEqual(full);
    const limited = { ...full, org_ids: ['org-a'] };
    expect(serializeState(parseStreamState('sessions', limited))).toEqual(limited);
    const paged = { ...full, checkpoint: { ...full.checkpoint, pages: 4 } };
    expect(serializeState(parseStreamState('sessions', paged))).toEqual(paged);
  });

  it('refuses a bookmark that is no epoch second since 2000, naming the stream and the value; keeps a future one', () => {
    const now = 1_800_000_000;
    for (const cursor of [1e308, 12, 1_735_689_600.5]) {
      const run = () => parseStreamState('sessions', { ...full, cursor, checkpoint: null }, now);
      expect(run).toThrow(StateError);
      expect(run).toThrow(`Invalid state for stream "sessions": "cursor" ${cursor} is not an epoch second`);
    }
    expect(parseStreamState('sessions', { ...full, cursor: now, checkpoint: null }, now).cursor).toBe(now);
    // A whole second in the future (milliseconds too) is kept: the read finds nothing and warns.
    for (const cursor of [now + 2 * 86_400, 4_102_444_800, 1_735_689_600_000])
      expect(parseStreamState('sessions', { ...full, cursor, checkpoint: null }, now).cursor).toBe(cursor);
  });

  it('treats an absent state as a first run', () => {
    expect(parseStreamState('playbooks', undefined)).toEqual(emptyState('playbooks'));
  });

  const bad: [string, unknown, RegExp][] = [
    ['a non-object', 'x', /expected a JSON object/],
    ['no version', { cursor: 1 }, /no "version" field/],
    ['an unknown version', { ...full, version: 2 }, /unknown version 2 \(this devin-tap reads version 1\)/],
    ['another stream’s state', { ...full, stream: 'playbooks' }, /it belongs to stream "playbooks"/],
    ['an unknown field', { ...full, bookmark: 3 }, /unknown field\(s\) "bookmark"/],
    ['a string cursor', { ...full, cursor: '1000' }, /"cursor" must be a number or null/],
    ['a bad recent map', { ...full, recent: { a: 'x' } }, /"recent" must be an object/],
    ['a checkpoint without cursor', { ...full, checkpoint: { lower_bound: 1 } }, /"checkpoint.after"/],
    [
      'a bad checkpoint bound',
      { ...full, checkpoint: { after: 'x', upper_bound: 'y' } },
      /checkpoint.upper_bound/,
    ],
  ];
  for (const [name, raw, pattern] of bad) {
    it(`rejects ${name}, naming the stream`, () => {
      const run = () => parseStreamState('sessions', raw as never);
      expect(run).toThrow(StateError);
      expect(run).toThrow(/^Invalid state for stream "sessions": /);
      expect(run).toThrow(pattern);
    });
  }
});

describe('planRead', () => {
  it('first run: start_date as created_after, no upper bound, emit everything', () => {
    const plan = planRead(emptyState('sessions'), { ...inputs, startDate: 500 });
    expect(plan).toMatchObject({
      createdAfter: 500,
      updatedAfter: null,
      updatedBefore: null,
      previous: null,
    });
  });

  it('with a bookmark: updated_after = bookmark - lookback, and the state wins over start_date', () => {
    const state = { ...emptyState('sessions'), cursor: 1000, recent: { a: 990 } };
    const plan = planRead(state, { ...inputs, startDate: 500 });
    expect(plan).toMatchObject({
      createdAfter: null,
      updatedAfter: 900,
      updatedBefore: null,
      startAfter: null,
      previous: { cursor: 1000, recent: { a: 990 } },
    });
  });

  it('resumes from a checkpoint with its bounds and progress', () => {
    const checkpoint = { after: 'p3', lowerBound: 900, upperBound: 1500, maxSeen: 1200, pages: 3, done: [] };
    const plan = planRead({ ...emptyState('sessions'), cursor: 1000, checkpoint }, inputs);
    expect(plan).toMatchObject({
      startAfter: 'p3',
      updatedAfter: 900,
      updatedBefore: 1500,
      maxSeen: 1200,
      pages: 3,
    });
    const first = planRead(
      { ...emptyState('sessions'), checkpoint: { ...checkpoint, lowerBound: null } },
      inputs,
    );
    expect(first).toMatchObject({
      startAfter: 'p3',
      updatedAfter: null,
      updatedBefore: 1500,
      previous: null,
    });
  });

  it('full refresh ignores the state entirely', () => {
    const checkpoint = {
      after: 'p3',
      lowerBound: 900,
      upperBound: 1500,
      maxSeen: 1200,
      pages: null,
      done: [],
    };
    const plan = planRead(
      { ...emptyState('sessions'), cursor: 1000, checkpoint },
      { ...inputs, mode: 'full_refresh', startDate: 7 },
    );
    expect(plan).toMatchObject({
      startAfter: null,
      createdAfter: 7,
      updatedAfter: null,
      updatedBefore: null,
      previous: null,
    });
  });
});

describe('isNew', () => {
  const plan = planRead({ ...emptyState('s'), cursor: 1000, recent: { a: 950, b: 960 } }, inputs);
  const table: [string, number | null, boolean][] = [
    ['x', 1001, true], // after the bookmark
    ['a', 1001, true],
    ['x', 1000, true], // inside the window, never emitted: a late arrival
    ['a', 950, false], // emitted before with this very value
    ['b', 955, true], // emitted before, value changed
    ['x', 900, true], // the window's lower edge: served (updated_after is inclusive), never emitted
    ['a', 950, false],
    ['x', 899, false], // below the window: covered by an earlier run
    ['x', 10, false],
    ['x', null, true], // no cursor value: cannot tell, emit
  ];
  for (const [key, value, expected] of table) {
    it(`${key}@${value} -> ${expected}`, () => expect(isNew(plan, key, value)).toBe(expected));
  }
  it('emits everything on a first run', () => {
    expect(isNew(planRead(emptyState('s'), inputs), 'a', 1)).toBe(true);
  });
});

describe('cursorValue', () => {
  it('falls back to created_at when the cursor field is null', () => {
    expect(cursorValue({ updated_at: 5, created_at: 1 }, 'updated_at', 'created_at')).toBe(5);
    expect(cursorValue({ updated_at: null, created_at: 1 }, 'updated_at', 'created_at')).toBe(1);
    expect(cursorValue({ updated_at: null, created_at: 1 }, 'updated_at')).toBeNull();
    expect(cursorValue({ user_id: 'u' }, null)).toBeNull();
    expect(cursorValue({}, 'updated_at', 'created_at')).toBeNull();
  });
});

describe('checkpointState and completedState', () => {
  const state = { ...emptyState('sessions'), cursor: 1000, recent: { old: 905, stale: 850 } };
  const plan: ReadPlan = planRead(state, inputs);

  it('a checkpoint keeps the bookmark and records the page cursor and bounds', () => {
    expect(checkpointState(state, plan, { after: 'p2', maxSeen: 1100, pages: 2 })).toEqual({
      ...state,
      checkpoint: { after: 'p2', lowerBound: 900, upperBound: null, maxSeen: 1100, pages: 2, done: [] },
      partitions: {},
    });
  });

  it('completion advances the bookmark and trims the window to it', () => {
    const done = completedState(state, plan, 1200, { fresh: 1150, edge: 1100, late: 1101 });
    expect(done).toEqual({
      version: 1,
      stream: 'sessions',
      cursor: 1200,
      recent: { fresh: 1150, late: 1101, edge: 1100 },
      checkpoint: null,
      partitions: {},
      orgIds: null,
    });
  });

  it('never moves the bookmark back', () => {
    expect(completedState(state, plan, null, {}).cursor).toBe(1000);
    expect(completedState(state, plan, 700, {}).cursor).toBe(1000);
  });

  it('keeps at most MAX_RECENT entries, the newest', () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_RECENT + 5 }, (_, i) => [`k${i}`, 1_000_000 + i]),
    );
    const done = completedState(
      emptyState('s'),
      planRead(emptyState('s'), { ...inputs, lookback: 1e9 }),
      2_000_000,
      many,
    );
    expect(Object.keys(done.recent).length).toBe(MAX_RECENT);
    expect(done.recent.k0).toBeUndefined();
    expect(done.recent[`k${MAX_RECENT + 4}`]).toBe(1_000_000 + MAX_RECENT + 4);
  });

  it('WindowCollector keeps only values inside the moving window', () => {
    const window = new WindowCollector();
    window.add('a', 100, 100, 10);
    window.add('b', 80, 100, 10);
    window.add('c', 95, 100, 10);
    window.prune(92);
    expect(window.snapshot()).toEqual({ a: 100, c: 95 });
  });
});
