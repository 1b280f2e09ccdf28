import { Tokens } from '../auth.js';
import { ID_KIND, IdCodec } from '../core/ids.js';
import { LogicalClock } from '../core/timeline.js';
import { Hostile } from '../hostile/hostile.js';
import type { HostileModes } from '../hostile/hostile-modes.js';
import { Consumption } from './consumption.js';
import { generateNote, generatePlaybook, generateSecret } from './gen-org.js';
import { OrgScope } from './org-scope.js';
import { OrgStore } from './org-store.js';
import { SessionStore } from './session-store.js';
import { type MemberSource, UserStore } from './user-store.js';

export interface DataOptions {
  seed: number;
  orgId: string;
  sessions: number;
  messagesPerSession: number;
  playbooks: number;
  secrets: number;
  knowledgeNotes: number;
  hostile: HostileModes;
  users: number;
  schedules: number;
}

/** One organization's stores, as its endpoints read them. */
export interface ApiState {
  orgId: string;
  tokens: Tokens;
  sessions: SessionStore;
  playbooks: OrgStore;
  secrets: OrgStore;
  notes: OrgStore;
  users: UserStore;
  consumption: Consumption;
  org: OrgScope;
}

/** What the organizations of one enterprise share: the clock of changes, the keys, members of other orgs. */
export interface SharedParts {
  clock: LogicalClock;
  tokens: Tokens;
  members?: MemberSource;
}

export type OrgData = ApiState & { clock: LogicalClock; hostile: Hostile };

/** Every store of one simulated organization, sharing one logical clock. Nothing is generated yet. */
export function createOrgData(options: DataOptions, shared?: SharedParts): OrgData {
  const { seed, orgId } = options;
  const clock = shared?.clock ?? new LogicalClock();
  const tokens = shared?.tokens ?? new Tokens(seed, orgId);
  const hostile = new Hostile(seed, tokens.main, options.sessions, options.hostile);
  const users = new UserStore(seed, orgId, options.users, hostile, shared?.members);
  const playbooks = new OrgStore(
    seed,
    ID_KIND.playbook,
    options.playbooks,
    new IdCodec(seed, ID_KIND.playbook, 'playbook-'),
    (id, index, times) => hostile.playbook(index, generatePlaybook(seed, orgId, id, index, times)),
    clock,
  );
  const secrets = new OrgStore(
    seed,
    ID_KIND.secret,
    options.secrets,
    new IdCodec(seed, ID_KIND.secret, 'secret-'),
    (id, index, times) => hostile.secret(index, generateSecret(seed, id, index, times)),
    clock,
  );
  const notes = new OrgStore(
    seed,
    ID_KIND.note,
    options.knowledgeNotes,
    new IdCodec(seed, ID_KIND.note, 'note-'),
    (id, index, times) => hostile.note(index, generateNote(seed, orgId, id, index, times)),
    clock,
  );
  const noteIds = Array.from({ length: Math.min(options.knowledgeNotes, 20) }, (_, index) =>
    notes.ids.id(index),
  );
  const sessions = new SessionStore(
    {
      seed,
      orgId,
      baseCount: options.sessions,
      averageMessages: options.messagesPerSession,
      sessionIds: new IdCodec(seed, ID_KIND.session, 'devin-'),
      playbookId: (index) => playbooks.ids.id(index),
      playbookCount: options.playbooks,
      noteIds: () => noteIds,
      hostile,
      users,
    },
    clock,
  );
  const consumption = new Consumption(seed, sessions, users, clock);
  const org = new OrgScope(seed, orgId, sessions, users, playbooks, options.schedules);
  return { orgId, tokens, sessions, playbooks, secrets, notes, users, consumption, org, clock, hostile };
}
