import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/tap/config.js';
import type { TapEvent } from '../src/tap/events.js';
import { readStreams } from '../src/tap/read/read.js';
import type { StreamDef } from '../src/tap/streams/index.js';
import { finalState, recordsOf, statusesOf } from './tap-read-helpers.js';

/**
 * A parent and a child that exist nowhere but here: adding a child stream is its definition.
 * teams (cursor updated_at) -> members of each team (bound as `t-<id>`, team_id copied), re-read
 * only for new or changed teams.
 */
const teams: StreamDef = {
  name: 'teams',
  path: '/v3/organizations/{org_id}/teams',
  primaryKey: ['team_id'],
  cursorField: 'updated_at',
  permission: 'ViewTeams',
  selectedByDefault: true,
  schema: { type: 'object', properties: { team_id: { type: 'string' }, updated_at: { type: 'integer' } } },
};
const teamMembers: StreamDef = {
  name: 'team_members',
  path: '/v3/organizations/{org_id}/teams/{team}/members',
  primaryKey: ['team_id', 'member'],
  cursorField: null,
  permission: 'ViewTeams',
  parent: {
    stream: 'teams',
    bind: { team: { field: 'team_id', prefix: 't-' } },
    copy: ['team_id'],
    reread: 'changed',
  },
  selectedByDefault: true,
  schema: { type: 'object', properties: { team_id: { type: 'string' }, member: { type: 'string' } } },
};

const T0 = 1_760_000_000;
const data = {
  teams: Array.from({ length: 7 }, (_, i) => ({ team_id: `${i}`, updated_at: T0 + i })),
  members: (team: string) =>
    Array.from({ length: Number(team) % 3 }, (_, i) => ({ member: `m${team}.${i}` })),
};

/** The v3 envelope, two items a page; cursors are offsets. */
function page<T>(items: readonly T[], url: URL) {
  const start = Number(url.searchParams.get('after') ?? 0);
  const end = start + 2;
  return {
    items: items.slice(start, end),
    end_cursor: String(end),
    has_next_page: end < items.length,
    total: items.length,
  };
}

describe('a parent/child pair declared only as data', () => {
  let server: Server;
  const paths: string[] = [];
  let baseUrl = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      paths.push(url.pathname);
      const team = /\/teams\/t-(\w+)\/members$/.exec(url.pathname)?.[1];
      const body = team !== undefined ? page(data.members(team), url) : page(data.teams, url);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const read = async (state?: Record<string, never> | ReturnType<typeof finalState>): Promise<TapEvent[]> => {
    const config = parseConfig(
      { api_token: 'cog_toy', org_id: 'org-toy', base_url: baseUrl, max_concurrency: 3 },
      {},
    );
    const events: TapEvent[] = [];
    const streams = [teams, teamMembers].map((def) => ({ name: def.name, syncMode: 'incremental' as const }));
    for await (const event of readStreams({
      config,
      streams,
      definitions: [teams, teamMembers],
      ...(state ? { state } : {}),
    }))
      events.push(event);
    return events;
  };

  it('reads the parent once, every child page with the copied field, and re-reads only changed parents', async () => {
    const first = await read();
    expect(recordsOf(first, 'teams')).toEqual(data.teams);
    const expected = data.teams.flatMap((team) =>
      data.members(team.team_id).map((m) => ({ ...m, team_id: team.team_id })),
    );
    expect(
      recordsOf(first, 'team_members').sort((a, b) => String(a.member).localeCompare(String(b.member))),
    ).toEqual(expected);
    expect(statusesOf(first, 'team_members')).toEqual(['started', 'running', 'complete']);
    expect(paths.filter((path) => path.endsWith('/teams'))).toHaveLength(4);
    expect(paths).toContain('/v3/organizations/org-toy/teams/t-5/members');

    data.teams[5] = { team_id: '5', updated_at: T0 + 100 };
    paths.length = 0;
    const second = await read(finalState(first));
    expect(recordsOf(second, 'teams')).toEqual([data.teams[5]]);
    expect(recordsOf(second, 'team_members')).toEqual(expected.filter((m) => m.team_id === '5'));
    expect(paths.filter((path) => path.endsWith('/members'))).toEqual([
      '/v3/organizations/org-toy/teams/t-5/members',
    ]);
  });
});
