import type { StreamDef } from './stream-def.js';

export const knowledgeNotes = {
  name: 'knowledge_notes',
  path: '/v3/organizations/{org_id}/knowledge/notes',
  primaryKey: ['note_id'],
  cursorField: 'updated_at',
  permission: 'ManageOrgKnowledge',
  cursorFallback: 'created_at',
  selectedByDefault: true,
} as const satisfies StreamDef;
