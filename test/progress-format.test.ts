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
    expect(progressLine(sessions as NonNullable<typeof sessions>, 2_000)).toMatch(
      /^sessions\s+50 records\s+25%\s+ETA 0:06\s+1\.0 req\/s\s+1 retries$/,
    );
    tracker.observe({ kind: 'status', stream: 'sessions', status: 'complete' }, 4_000);
    expect(tracker.streams.get('sessions')?.status).toBe('complete');
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
        requests: 1,
        retries: 2,
        seconds: 0.1,
        status: 'failed',
      },
    ]).split('\n');
    expect(table[0]).toMatch(
      /^stream\s+inserted\s+updated\s+unchanged\s+requests\s+retries\s+seconds\s+status$/,
    );
    expect(table[2]).toMatch(/^sessions\s+1,234\s+5\s+0\s+10\s+0\s+1\.3\s+ok$/);
    expect(table[3]).toMatch(/^playbooks\s+0\s+0\s+25\s+1\s+2\s+0\.1\s+failed$/);
    const requestsEnd = (line: string | undefined) => (line ?? '').indexOf('requests') + 'requests'.length;
    expect(table[2]?.slice(0, requestsEnd(table[0])).endsWith('10')).toBe(true);
  });
});

describe('stream selection', () => {
  it('defaults to every stream but session_messages', () => {
    expect(selectStreams(undefined)).toEqual([
      'sessions',
      'sessions_insights',
      'playbooks',
      'secrets',
      'knowledge_notes',
      'users',
      'consumption_daily',
      'consumption_by_user',
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
