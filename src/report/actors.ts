import type { ReportDatabase } from './database.js';
import { Dictionary } from './dictionary.js';
import { ACTOR_NONE, ACTOR_SERVICE, ACTOR_USER, type Payload } from './payload.js';
import { columnOr, tableColumns } from './table-columns.js';

export interface Member {
  name: string | null;
  email: string | null;
}

/** Who ran a session or was billed: users by name (else email, else id), service users, nobody. */
export class ActorBook {
  private readonly keys = new Dictionary();
  private readonly actors: Payload['actors'] = { id: [], kind: [], label: [] };

  constructor(private readonly members: ReadonlyMap<string, Member>) {}

  user(userId: string): number {
    const member = this.members.get(userId);
    return this.add(ACTOR_USER, userId, member?.name || member?.email || userId);
  }

  serviceUser(id: string): number {
    return this.add(ACTOR_SERVICE, id, `${id} (service user)`);
  }

  nobody(): number {
    return this.add(ACTOR_NONE, '', 'unattributed');
  }

  /** The actors; two members with the same name (or email) are told apart by email, else id. */
  columns(): Payload['actors'] {
    const { id, kind, label } = this.actors;
    const seen = new Map<string, number>();
    for (const text of label) seen.set(text, (seen.get(text) ?? 0) + 1);
    const shown = label.map((text, i) => {
      if ((seen.get(text) ?? 0) < 2 || kind[i] !== ACTOR_USER) return text;
      const member = this.members.get(id[i] ?? '');
      const email = member?.email && member.email !== text ? member.email : null;
      return `${text} (${email ?? id[i]})`;
    });
    return { id, kind, label: shown };
  }

  private add(kind: number, id: string, label: string): number {
    const key = `${kind}:${id}`;
    const known = this.keys.find(key);
    if (known !== undefined) return known;
    this.actors.id.push(id);
    this.actors.kind.push(kind);
    this.actors.label.push(label);
    return this.keys.add(key);
  }
}

/** Members from the users table; null when it was not synced. */
export async function loadMembers(db: ReportDatabase): Promise<Map<string, Member> | null> {
  const columns = await tableColumns(db, 'users');
  if (!columns.has('user_id')) return null;
  const rows = await db.all(
    `SELECT user_id, ${columnOr(columns, 'name', 'NULL')} AS name, ${columnOr(columns, 'email', 'NULL')} AS email
     FROM users`,
  );
  const text = (value: unknown): string | null =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  return new Map(rows.map((row) => [String(row.user_id), { name: text(row.name), email: text(row.email) }]));
}
