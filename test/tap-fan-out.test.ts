import { describe, expect, it } from 'vitest';
import { SchemaError } from '../src/tap/errors.js';
import type { JsonObject } from '../src/tap/json.js';
import { type FanOutEvent, fanOut, type ParentBatch } from '../src/tap/read/fan-out.js';
import { boundValue, resolvePath, withParentFields } from '../src/tap/read/stream-path.js';
import { consumptionByUser } from '../src/tap/streams/consumption-by-user.js';
import { findStream } from '../src/tap/streams/index.js';

type Batch = ParentBatch<number, string>;

async function* batchesOf(pages: number[][]): AsyncGenerator<Batch> {
  for (const [index, parents] of pages.entries()) yield { meta: `page${index}`, parents, expand: parents };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

async function drain<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('fanOut', () => {
  it('reads every child page of every parent, with batch_done after its children, in batch order', async () => {
    let active = 0;
    let peak = 0;
    async function* children(parent: number): AsyncGenerator<number[]> {
      active += 1;
      peak = Math.max(peak, active);
      for (let page = 0; page < parent % 3; page++) {
        await tick();
        yield [parent * 10 + page];
      }
      active -= 1;
    }
    const pages = [[1, 2, 3, 4], [5, 6], [], [7, 8, 9]];
    const events = await drain(fanOut(batchesOf(pages), children, { concurrency: 3, buffer: 2 }));
    const kids = events.flatMap((e) => (e.kind === 'children' ? e.items : []));
    const expected = pages.flat().flatMap((p) => Array.from({ length: p % 3 }, (_, i) => p * 10 + i));
    expect([...kids].sort()).toEqual([...expected].sort());
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    const done = events.flatMap((e) => (e.kind === 'batch_done' ? [e.meta] : []));
    expect(done).toEqual(['page0', 'page1', 'page2', 'page3']);
    // Each batch_done comes after every child of its batch and every batch event before it.
    pages.forEach((parents, index) => {
      const doneAt = events.findIndex((e) => e.kind === 'batch_done' && e.meta === `page${index}`);
      const batchAt = events.findIndex((e) => e.kind === 'batch' && e.meta === `page${index}`);
      expect(batchAt).toBeLessThan(doneAt);
      for (const parent of parents) {
        const lastChild = events.findLastIndex(
          (e: FanOutEvent<number, number, string>) => e.kind === 'children' && e.parent === parent,
        );
        expect(lastChild).toBeLessThan(doneAt);
      }
    });
  });

  it('throws the first error instead of skipping the parent', async () => {
    async function* children(parent: number): AsyncGenerator<number[]> {
      await tick();
      if (parent === 3) throw new SchemaError('parent 3 is broken');
      yield [parent];
    }
    await expect(drain(fanOut(batchesOf([[1, 2, 3, 4, 5]]), children, { concurrency: 2 }))).rejects.toThrow(
      'parent 3 is broken',
    );
  });

  it('stops pulling parents when the consumer leaves early', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Batch> {
      for (let page = 0; ; page++) {
        pulled += 1;
        yield { meta: `p${page}`, parents: [page], expand: [page] };
      }
    }
    async function* children(parent: number): AsyncGenerator<number[]> {
      yield [parent];
    }
    for await (const event of fanOut(endless(), children, { concurrency: 2, buffer: 2 })) {
      if (event.kind === 'children' && event.parent >= 5) break;
    }
    await tick();
    const after = pulled;
    await tick();
    expect(pulled).toBe(after);
    expect(pulled).toBeLessThan(20);
  });
});

describe('message paths', () => {
  const messages = findStream('session_messages');
  if (!messages) throw new Error('no session_messages stream');

  it('adds devin- only when missing', () => {
    const rule = { field: 'session_id', prefix: 'devin-' };
    expect(boundValue(rule, 'abc123')).toBe('devin-abc123');
    expect(boundValue(rule, 'devin-abc123')).toBe('devin-abc123');
    expect(boundValue('user_id', 'email|a')).toBe('email|a');
    expect(resolvePath(messages, 'org-1', { session_id: 'abc' })).toBe(
      '/v3/organizations/org-1/sessions/devin-abc/messages',
    );
    expect(resolvePath(messages, 'org-1', { session_id: 'devin-abc' })).toBe(
      '/v3/organizations/org-1/sessions/devin-abc/messages',
    );
  });

  it('URL-encodes a bound value (user ids contain |)', () => {
    expect(resolvePath(consumptionByUser, 'org-1', { user_id: 'google-oauth2|104' })).toBe(
      '/v3/organizations/org-1/consumption/daily/users/google-oauth2%7C104',
    );
  });

  it('throws when the parent lacks the bound field', () => {
    expect(() => resolvePath(messages, 'org-1', { id: 'x' })).toThrow(SchemaError);
    expect(() => resolvePath(messages, 'org-1', { session_id: null })).toThrow(
      'session_messages: a sessions record has no "session_id"',
    );
  });

  it('copies session_id from the parent as the API gave it', () => {
    const parent: JsonObject = { session_id: 'devin-x', title: 't' };
    expect(withParentFields(messages, { event_id: 'e1' }, parent)).toEqual({
      event_id: 'e1',
      session_id: 'devin-x',
    });
  });
});
