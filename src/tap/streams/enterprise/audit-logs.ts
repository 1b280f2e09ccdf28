import type { StreamDef } from '../stream-def.js';

/**
 * The enterprise audit trail, oldest first, in windows of at most 100 days (the API's limit), each
 * paged; later reads start `lookback_window_seconds` before the bookmark. With `org_ids`, only those
 * organizations' entries (and the enterprise's own) are kept. Emails and names are personal data.
 */
export const auditLogs = {
  name: 'audit_logs',
  path: '/v3/enterprise/audit-logs',
  primaryKey: ['audit_log_id'],
  cursorField: 'created_at',
  permission: 'ManageEnterpriseSettings',
  query: { order: 'asc' },
  orgFilter: {},
  paging: {
    kind: 'window',
    answer: { kind: 'pages' },
    afterParam: 'time_after',
    beforeParam: 'time_before',
    maxDaysPerRequest: 100,
    trailingDays: 0,
    trailingLookback: true,
    history: { days: 'auditHistoryDays', startDate: 'always' },
  },
  selectedByDefault: true,
} as const satisfies StreamDef;
