import type { JsonObject, JsonValue } from '../../tap/json.js';
import type { Period } from '../organization/metrics.js';
import { CostView } from './cost-view.js';

/** The aggregate metrics endpoints that answer one object per window. */
export type MetricKind = 'prs' | 'sessions' | 'searches' | 'usage';

/** The rest of the organization scope: ground truth for tests, and the changes they make. */
export class OrgScopeView extends CostView {
  /** What `/members/idp-users` lists. */
  idpUsers(): JsonObject[] {
    return this.data.org.idpUsers();
  }

  /** Every schedule, as `/schedules` serves them (ISO 8601 timestamps). */
  schedules(): JsonObject[] {
    return this.data.org.schedules();
  }

  /** What `/repositories` lists (`withStatus`: as with load_indexing_status=true). */
  repositories(withStatus = true): JsonObject[] {
    return this.data.org.repositories(withStatus);
  }

  /** What `/sessions/{devin_id}/attachments` answers. */
  attachments(sessionId: string): JsonObject[] {
    return this.data.org.attachments(this.liveIndex(sessionId));
  }

  /** One more attachment on a session; the session's updated_at moves. Returns the new attachment. */
  addAttachment(sessionId: string): JsonObject {
    const attachment = this.data.org.addAttachment(this.liveIndex(sessionId));
    this.note('session.attachment_added', { session_id: sessionId });
    return attachment;
  }

  /** What `/metrics/{dau|wau|mau}` answers for [after, before). */
  activeUsers(period: Period, after: number, before: number): JsonValue {
    return this.data.org.metrics.series(period, after, before);
  }

  /** What `/metrics/{kind}` answers for [after, before). */
  metric(kind: MetricKind, after: number, before: number): JsonObject {
    return this.data.org.metrics[kind](after, before);
  }

  private liveIndex(sessionId: string): number {
    const index = this.data.sessions.indexOf(sessionId);
    if (index === null) throw new RangeError(`unknown session id: ${sessionId}`);
    return index;
  }
}
