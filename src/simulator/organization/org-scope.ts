import type { JsonObject } from '../../tap/json.js';
import { REPOS } from '../core/text.js';
import { WINDOW_END } from '../core/timeline.js';
import {
  baseAttachmentCount,
  generateAttachment,
  generateIdpUser,
  generateRepository,
  generateSchedule,
} from './gen-org-scope.js';
import { Metrics } from './metrics.js';
import type { OrgStore } from './org-store.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

/**
 * The rest of the organization scope: IdP-group members (the ones who run sessions without being
 * in `/members/users`), schedules, repositories, session attachments and the metrics, all derived
 * from the seed and the other stores. Attachments added by `addAttachment` update their session.
 */
export class OrgScope {
  readonly metrics: Metrics;
  private readonly added = new Map<number, number>();

  constructor(
    private readonly seed: number,
    private readonly orgId: string,
    private readonly sessions: SessionStore,
    private readonly users: UserStore,
    private readonly playbooks: OrgStore,
    readonly scheduleCount: number,
  ) {
    this.metrics = new Metrics(sessions);
  }

  idpUsers(): JsonObject[] {
    return this.users.groupMemberIds.map((id, index) => generateIdpUser(this.seed, this.orgId, id, index));
  }

  schedules(): JsonObject[] {
    return Array.from({ length: this.scheduleCount }, (_, index) => {
      const playbookIndex = index % 3 === 0 && this.playbooks.count > 0 ? index % this.playbooks.count : null;
      const playbook =
        playbookIndex === null
          ? null
          : {
              playbook_id: this.playbooks.ids.id(playbookIndex),
              title: String(this.playbooks.item(playbookIndex).title),
            };
      return generateSchedule(this.seed, index, WINDOW_END, playbook);
    });
  }

  repositories(withStatus: boolean): JsonObject[] {
    return REPOS.map((_, index) => generateRepository(this.seed, index, withStatus, WINDOW_END));
  }

  attachments(session: number): JsonObject[] {
    const count = baseAttachmentCount(this.seed, session) + (this.added.get(session) ?? 0);
    return Array.from({ length: count }, (_, ordinal) => generateAttachment(this.seed, session, ordinal));
  }

  /** One more attachment on a session, which updates the session (its updated_at moves). */
  addAttachment(session: number): JsonObject {
    this.added.set(session, (this.added.get(session) ?? 0) + 1);
    this.sessions.update(session, {});
    return this.attachments(session).at(-1) ?? {};
  }
}
