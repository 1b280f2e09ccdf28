import type { JsonObject } from '../../tap/json.js';
import type { OrgStore } from '../organization/org-store.js';
import type { SessionChange } from '../organization/session-store.js';
import { OrgScopeView } from './org-scope-view.js';

function known(index: number | null, id: string): number {
  if (index === null) throw new RangeError(`unknown id: ${id}`);
  return index;
}

/** One organization's ground truth and the changes tests make to it (each noted in the audit log). */
export class OrgView extends OrgScopeView {
  get orgId(): string {
    return this.data.orgId;
  }

  /** Live session indexes, newest first (the API's order). */
  private *liveSessions(): Generator<number> {
    const { sessions } = this.data;
    for (let index = sessions.size - 1; index >= 0; index--) if (sessions.isLive(index)) yield index;
  }

  private sessionIndex(sessionId: string): number {
    const index = this.data.sessions.indexOf(sessionId);
    if (index === null) throw new RangeError(`unknown session id: ${sessionId}`);
    return index;
  }

  *sessions(): Generator<JsonObject> {
    for (const index of this.liveSessions()) yield this.data.sessions.session(index);
  }

  *insights(): Generator<JsonObject> {
    for (const index of this.liveSessions()) yield this.data.sessions.insight(index);
  }

  *messages(sessionId: string): Generator<JsonObject> {
    const index = this.sessionIndex(sessionId);
    const { sessions } = this.data;
    for (let ordinal = 0; ordinal < sessions.messageCount(index); ordinal++)
      yield sessions.message(index, ordinal);
  }

  playbooks(): Iterable<JsonObject> {
    return this.data.playbooks.all();
  }

  secrets(): Iterable<JsonObject> {
    return this.data.secrets.all();
  }

  knowledgeNotes(): Iterable<JsonObject> {
    return this.data.notes.all();
  }

  addSessions(count: number): string[] {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count must be an integer >= 0');
    const ids = this.data.sessions.add(count);
    for (const id of ids) this.note('session.created', { session_id: id });
    return ids;
  }

  updateSession(sessionId: string, change: SessionChange): void {
    const extra = change.newMessages;
    if (extra !== undefined && (!Number.isSafeInteger(extra) || extra < 0)) {
      throw new RangeError('newMessages must be an integer >= 0');
    }
    this.data.sessions.update(this.sessionIndex(sessionId), change);
    this.note('session.updated', { session_id: sessionId });
  }

  deleteSession(sessionId: string): void {
    this.data.sessions.delete(this.sessionIndex(sessionId));
    this.note('session.deleted', { session_id: sessionId });
  }

  updatePlaybook(playbookId: string): void {
    const store: OrgStore = this.data.playbooks;
    store.update(known(store.indexOf(playbookId), playbookId));
    this.note('playbook.updated', { playbook_id: playbookId });
  }

  deletePlaybook(playbookId: string): void {
    const store: OrgStore = this.data.playbooks;
    store.delete(known(store.indexOf(playbookId), playbookId));
    this.note('playbook.deleted', { playbook_id: playbookId });
  }
}
