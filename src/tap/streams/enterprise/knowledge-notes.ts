import { knowledgeNotes as orgNotes } from '../knowledge-notes.js';
import type { StreamDef } from '../stream-def.js';

/** Every organization's knowledge notes and the enterprise's own (org_id null: always kept). */
export const knowledgeNotes = {
  ...orgNotes,
  path: '/v3/enterprise/knowledge/notes',
  permission: 'ManageAccountKnowledge',
  orgFilter: {},
} as const satisfies StreamDef;
