import { TargetError } from '../tap/errors.js';
import type { Dialect } from './column-types.js';
import { RUNS_TABLE } from './runs-table.js';
import { quoteIdent } from './table-layout.js';
import { REJECTED_TABLE, STATE_TABLE } from './target.js';

/** What devin-tap created in a database: the tables and views it may change, nothing else. */
export const OBJECTS_TABLE = '_devin_tap_objects';

export type ObjectType = 'table' | 'view';

export interface DbObject {
  name: string;
  type: ObjectType;
}

/** A table or view found in the database; `devinShaped`: a table with devin-tap's `_extracted_at`. */
export interface ExistingObject extends DbObject {
  devinShaped: boolean;
}

const key = (name: string): string => name.toLowerCase();

export function objectsTableSql(dialect: Dialect): string {
  const createdAt = dialect === 'duckdb' ? 'TIMESTAMPTZ' : 'INTEGER';
  return `CREATE TABLE IF NOT EXISTS ${OBJECTS_TABLE} (name TEXT PRIMARY KEY, type TEXT NOT NULL, created_at ${createdAt} NOT NULL)`;
}

export function rejectedTableSql(dialect: Dialect): string {
  const [record, at] = dialect === 'duckdb' ? ['JSON', 'TIMESTAMPTZ'] : ['TEXT', 'INTEGER'];
  return `CREATE TABLE IF NOT EXISTS ${REJECTED_TABLE} (stream TEXT NOT NULL, reason TEXT NOT NULL, record ${record} NOT NULL, rejected_at ${at} NOT NULL)`;
}

/** devin-tap's own tables (spelled out: target.ts imports this module's importers, so no cycle at load). */
export const META_TABLES: readonly string[] = [
  '_devin_tap_state',
  '_devin_tap_rejected',
  OBJECTS_TABLE,
  RUNS_TABLE,
];

/**
 * Which objects of a database devin-tap owns. From its record (`_devin_tap_objects`) when there is
 * one; a database written before that record existed (it has `_devin_tap_state`, no record) owns its
 * state table, the tables with devin-tap's `_extracted_at` column and its views.
 */
export class Ownership {
  private readonly owned = new Map<string, ObjectType>();

  constructor(
    existing: readonly ExistingObject[],
    recorded: readonly DbObject[] | null,
    private readonly path: string,
  ) {
    if (recorded !== null) {
      for (const object of recorded) this.owned.set(key(object.name), object.type);
      this.owned.set(key(OBJECTS_TABLE), 'table');
    } else if (existing.some((object) => key(object.name) === STATE_TABLE && object.type === 'table')) {
      for (const object of existing) {
        if (object.type === 'view' || object.devinShaped || META_TABLES.includes(key(object.name)))
          this.owned.set(key(object.name), object.type);
      }
    }
  }

  /** Objects to write into a new record: what is owned so far. */
  entries(): DbObject[] {
    return [...this.owned].map(([name, type]) => ({ name, type }));
  }

  add(object: DbObject): void {
    this.owned.set(key(object.name), object.type);
  }

  /** Throws naming the first wanted name that exists and is not devin-tap's (as that type). */
  check(existing: readonly ExistingObject[], wanted: readonly string[]): void {
    const found = new Map(existing.map((object) => [key(object.name), object]));
    for (const name of wanted) {
      const object = found.get(key(name));
      if (object !== undefined && this.owned.get(key(name)) !== object.type) throw this.foreign(object);
    }
  }

  private foreign(object: ExistingObject): TargetError {
    const drop = `DROP ${object.type === 'table' ? 'TABLE' : 'VIEW'} ${quoteIdent(object.name)}`;
    return new TargetError(
      `database ${this.path}: ${object.type} ${quoteIdent(object.name)} was not created by devin-tap, so it ` +
        `is left alone (nothing was changed). Write into another file (--database), or drop it (${drop}) ` +
        'if it is not needed.',
    );
  }
}
