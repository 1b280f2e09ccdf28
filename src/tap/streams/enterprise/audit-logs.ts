import type { StreamDef } from '../stream-def.js';

/**
 * The enterprise audit trail, oldest first, in windows of at most 100 days (the API's limit), each
 * paged; later reads start a day before the bookmark. Emails and names in it are personal data.
 */
export const auditLogs = {
  name: 'audit_logs',
  path: '/v3/enterprise/audit-logs',
  primaryKey: ['audit_log_id'],
  cursorField: 'created_at',
  permission: 'ManageEnterpriseSettings',
  query: { order: 'asc' },
  paging: {
    kind: 'window',
    answer: { kind: 'pages' },
    afterParam: 'time_after',
    beforeParam: 'time_before',
    maxDaysPerRequest: 100,
    trailingDays: 1,
    history: { days: 'auditHistoryDays', startDate: 'always' },
  },
  selectedByDefault: true,
} as const satisfies StreamDef;
