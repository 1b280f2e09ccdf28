import { SPECIAL } from '../core/special.js';
import type { createOrgData } from '../organization/data.js';
import type { OrgStore } from '../organization/org-store.js';
import { hiddenValues } from './hostile.js';
import { HOSTILE_AT } from './hostile-modes.js';

type OrgData = ReturnType<typeof createOrgData>;

/** The records each switched-on hostile mode strikes (ids as the simulator knows them internally). */
export interface HostileTargets {
  millisecondCursor: { sessionId: string | null; playbookId: string | null };
  keyless: {
    sessionId: string | null;
    playbookIds: string[];
    secretId: string | null;
    noteId: string | null;
    userId: string | null;
  };
  nestedSecret: { secretIds: string[] };
  echoToken: {
    sessionId: string | null;
    playbookId: string | null;
    noteId: string | null;
    userId: string | null;
  };
  bigMessage: { sessionId: string | null; ordinal: number };
}

function orgId(store: OrgStore, index: number): string | null {
  return index < store.count ? store.ids.id(index) : null;
}

/** The ids of the records each hostile mode strikes; null where the org is too small to hold one. */
export function hostileTargets(data: OrgData): HostileTargets {
  const { hostile, sessions, playbooks, secrets, notes, users } = data;
  const sessionId = (fromNewest: number): string | null => {
    const index = hostile.sessionIndex(fromNewest);
    return index < 0 ? null : sessions.options.sessionIds.id(index);
  };
  const memberId = (index: number): string | null => (index < users.size ? users.userIdAt(index) : null);
  const ids = (store: OrgStore, indexes: number[]): string[] =>
    indexes.flatMap((index) => orgId(store, index) ?? []);
  return {
    millisecondCursor: {
      sessionId: sessionId(HOSTILE_AT.millisecondSession),
      playbookId: orgId(playbooks, HOSTILE_AT.millisecondPlaybook),
    },
    keyless: {
      sessionId: sessionId(HOSTILE_AT.keylessSession),
      playbookIds: ids(playbooks, [HOSTILE_AT.keylessPlaybookNull, HOSTILE_AT.keylessPlaybookEmpty]),
      secretId: orgId(secrets, HOSTILE_AT.keylessSecret),
      noteId: orgId(notes, HOSTILE_AT.keylessNote),
      userId: memberId(HOSTILE_AT.keylessUser),
    },
    nestedSecret: { secretIds: ids(secrets, [HOSTILE_AT.nestedSecret, HOSTILE_AT.wrongTypedSecret]) },
    echoToken: {
      sessionId: sessionId(HOSTILE_AT.tokenSession),
      playbookId: orgId(playbooks, HOSTILE_AT.tokenPlaybook),
      noteId: orgId(notes, HOSTILE_AT.tokenNote),
      userId: memberId(HOSTILE_AT.tokenUser),
    },
    bigMessage: {
      sessionId:
        sessions.size > SPECIAL.hugeMessage ? sessions.options.sessionIds.id(SPECIAL.hugeMessage) : null,
      ordinal: 1,
    },
  };
}

/** The main token and every hidden secret value the org serves now (legacy `value`, nested ones). */
export function leakCanaries(data: OrgData): string[] {
  const found = [data.tokens.main];
  for (const secret of data.secrets.all()) hiddenValues(secret, found);
  return [...new Set(found)];
}
