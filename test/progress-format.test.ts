import { describe, expect, it } from 'vitest';
import { progressLine, summaryTable } from '../src/sync/progress-format.js';
import { ProgressTracker } from '../src/sync/progress-tracker.js';
import { selectStreams } from '../src/sync/stream-selection.js';

describe('progress tracking', () => {
  it('follows counters, totals, completion and failure per stream', () => {
    const tracker = new ProgressTracker();
    tracker.observe({ kind: 'status', stream: 'sessions', status: 'started' }, 0);
    tracker.observe(
      {
        kind: 'progress',
        stream: 'sessions',
        counters: { records: 50, requests: 2, retries: 1, unchanged: 3 },
        total: 200,
      },
      2_000,
    );
    tracker.observe(
      {
        kind: 'stream_error',
        stream: 'playbooks',
        message: 'needs ManageOrgPlaybooks',
        failure: 'config_error',
      },
      2_500,
    );
    tracker.observe({ kind: 'status', stream: 'playbooks', status: 'incomplete' }, 2_500);
    const sessions = tracker.streams.get('sessions');
    expect(sessions).toMatchObject({
      records: 50,
      requests: 2,
      retries: 1,
      unchanged: 3,
      total: 200,
      status: 'running',
    });
    const running = sessions as NonNullable<typeof sessions>;
    // 50 emitted + 3 unchanged of 200 listed: 27%.
    expect(progressLine(running, 2_000, tracker.fraction(running))).toMatch(
      /^sessions\s+50 records\s+27%\s+ETA 0:06\s+1\.0 req\/s\s+1 retries$/,
    );
    tracker.observe({ kind: 'status', stream: 'sessions', status: 'complete' }, 4_000);
    // Read to its end, but not called done before the rows are committed.
    expect(tracker.streams.get('sessions')?.status).toBe('read');
    expect(progressLine(running, 4_000)).toMatch(/read, committing$/);
    tracker.committed();
    expect(tracker.streams.get('sessions')?.status).toBe('complete');
    expect(progressLine(running, 4_000)).toMatch(/done$/);
    expect(tracker.failures().map((f) => [f.stream, f.error])).toEqual([
      ['playbooks', 'needs ManageOrgPlaybooks'],
    ]);
  });

  it('prints an aligned summary table', () => {
    const table = summaryTable([
      {
        stream: 'sessions',
        inserted: 1234,
        updated: 5,
        unchanged: 0,
        requests: 10,
        retries: 0,
        seconds: 1.25,
        status: 'ok',
      },
      {
        stream: 'playbooks',
        inserted: 0,
        updated: 0,
        unchanged: 25,
        rejected: 3,
        requests: 1,
        retries: 2,
        seconds: 0.1,
        status: 'failed',
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^stream\s+inserted\s+updated\s+unchanged\s+rejected\s+reqs\s+retries\s+secs\s+status$/,
    );
    expect(table[2]).toMatch(/^sessions\s+1,234\s+5\s+0\s+0\s+10\s+0\s+1\.3\s+ok$/);
    expect(table[3]).toMatch(/^playbooks\s+0\s+0\s+25\s+3\s+1\s+2\s+0\.1\s+failed$/);
    const requestsEnd = (line: string | undefined) => (line ?? '').indexOf('reqs') + 'reqs'.length;
    expect(table[2]?.slice(0, requestsEnd(table[0])).endsWith('10')).toBe(true);
  });
});

describe('stream selection', () => {
  it('defaults to every stream but the personal-data ones (session_messages, session_attachments)', () => {
    expect(selectStreams(undefined)).toEqual([
      'sessions',
      'sessions_insights',
      'playbooks',
      'secrets',
      'knowledge_notes',
      'users',
      'consumption_daily',
      'consumption_by_user',
      'idp_users',
      'schedules',
      'repositories',
      'metrics_active_users',
      'metrics_prs',
      'metrics_sessions',
      'metrics_searches',
    ]);
  });
  it('takes a comma list and rejects unknown names, listing the valid ones', () => {
    expect(selectStreams('session_messages, sessions,sessions')).toEqual(['session_messages', 'sessions']);
    expect(() => selectStreams('sessions,teams')).toThrow(
      /unknown stream "teams"; valid: sessions, sessions_insights/,
    );
    expect(() => selectStreams(' , ')).toThrow(/--streams/);
  });
});

describe('progress lines and summary for people', () => {
  const counters = (records: number, requests: number) => ({ records, requests, retries: 0, unchanged: 0 });

  it('session_messages takes its percentage and ETA from its parents; no rate for one request', () => {
    const tracker = new ProgressTracker();
    tracker.observe({ kind: 'progress', stream: 'sessions', counters: counters(50, 1), total: 200 }, 1_000);
    tracker.observe(
      { kind: 'progress', stream: 'session_messages', counters: counters(900, 30), total: null },
      1_000,
    );
    const messages = tracker.streams.get('session_messages') as NonNullable<
      ReturnType<typeof tracker.streams.get>
    >;
    const sessions = tracker.streams.get('sessions') as NonNullable<ReturnType<typeof tracker.streams.get>>;
    expect(tracker.fraction(messages)).toBe(0.25);
    expect(progressLine(messages, 3_000, tracker.fraction(messages))).toMatch(
      /900 records\s+25%\s+ETA 0:06\s+15\.0 req\/s$/,
    );
    expect(progressLine(sessions, 3_000, tracker.fraction(sessions))).not.toContain('req/s');
  });

  it('every line fits 80 columns, the summary too, with a total line', () => {
    const tracker = new ProgressTracker();
    const big = { records: 123_456_789, requests: 9_876_543, retries: 12_345, unchanged: 1 };
    tracker.observe({ kind: 'progress', stream: 'sessions_insights', counters: big, total: 999_999_999 }, 0);
    const progress = tracker.streams.get('sessions_insights') as NonNullable<
      ReturnType<typeof tracker.streams.get>
    >;
    expect(progressLine(progress, 10_000, tracker.fraction(progress)).length).toBeLessThanOrEqual(79);
    const row = {
      stream: 'sessions_insights',
      inserted: 123_456,
      updated: 12_345,
      unchanged: 123_456,
      rejected: 12,
      requests: 1_234,
      retries: 123,
      seconds: 123.4,
      status: 'failed',
    };
    const table = summaryTable([row], { rows: 135_801, requests: 1_234, seconds: 123.4 }).split('\n');
    for (const line of table) expect(line.length).toBeLessThanOrEqual(80);
    expect(table.at(-1)).toBe('total: 135,801 rows written, 1,234 requests, 123.4 s');
  });
});

describe('what the live lines say', () => {
  const state = (stream: string) => ({ kind: 'state', stream, state: {}, recordCount: 0 }) as const;
  const complete = (stream: string) => ({ kind: 'status', stream, status: 'complete' }) as const;

  it('a stream is done as soon as its last state is committed, before the sync ends', () => {
    const tracker = new ProgressTracker();
    tracker.observe(state('playbooks'), 1);
    tracker.observe(complete('playbooks'), 2);
    expect(tracker.streams.get('playbooks')?.status).toBe('read');
    tracker.statesCommitted(['playbooks']);
    expect(tracker.streams.get('playbooks')?.status).toBe('complete');
    // Committed before the tap said complete: done at once.
    tracker.observe(state('secrets'), 3);
    tracker.statesCommitted(['secrets']);
    tracker.observe(complete('secrets'), 4);
    expect(tracker.streams.get('secrets')?.status).toBe('complete');
    // A state after the commit is pending again.
    tracker.observe(state('users'), 5);
    tracker.statesCommitted(['users']);
    tracker.observe(state('users'), 6);
    tracker.observe(complete('users'), 7);
    expect(tracker.streams.get('users')?.status).toBe('read');
  });

  it('an interrupted stream says interrupted, never FAILED', () => {
    const tracker = new ProgressTracker();
    tracker.observe(state('sessions'), 1);
    tracker.observe(state('playbooks'), 1);
    tracker.observe(
      { kind: 'stream_error', stream: 'sessions', message: 'interrupted', failure: 'system_error' },
      2,
    );
    tracker.interrupted('sessions');
    tracker.observe({ kind: 'status', stream: 'sessions', status: 'incomplete' }, 3);
    tracker.interruptUnfinished();
    for (const stream of ['sessions', 'playbooks']) {
      const progress = tracker.streams.get(stream);
      expect(progress?.status, stream).toBe('interrupted');
      if (progress) expect(progressLine(progress, 4)).toMatch(/interrupted$/);
      if (progress) expect(progressLine(progress, 4)).not.toContain('FAILED');
    }
  });

  it('figures align whatever the stream name’s length', () => {
    const tracker = new ProgressTracker();
    for (const stream of ['users', 'metrics_active_users', 'consumption_by_user'])
      tracker.observe(state(stream), 0);
    const columns = [...tracker.streams.values()].map((progress) =>
      progressLine(progress, 1000).indexOf('records'),
    );
    expect(new Set(columns).size).toBe(1);
  });
});

describe('log lines above the live lines', () => {
  it('are wrapped by us to the terminal’s width, not by the terminal', async () => {
    const { Writable } = await import('node:stream');
    const { ProgressDisplay } = await import('../src/sync/progress-display.js');
    let written = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        written += String(chunk);
        done();
      },
    });
    const display = new ProgressDisplay(new ProgressTracker(), out, 'live', () => 0);
    const line = `2026-12-01T09:39:41Z WARN  [consumption_by_user] ${'a member was removed while the read ran '.repeat(3)}`;
    display.log(line);
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
    const visible = written.replace(ansi, '').split('\n');
    for (const text of visible) expect(text.length, text).toBeLessThanOrEqual(80);
    expect(visible.join(' ').replace(/\s+/g, ' ')).toContain(line.trim().replace(/\s+/g, ' '));
  });
});
