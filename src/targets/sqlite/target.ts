import Database from 'better-sqlite3';
import { TargetError } from '../../tap/errors.js';
import type { Coverage, RereadScope } from '../../tap/events.js';
import type { JsonObject } from '../../tap/json.js';
import type { TapState } from '../../tap/state/state.js';
import type { Dialect } from '../column-types.js';
import { FreshTables } from '../fresh-keys.js';
import {
  type DbObject,
  type ExistingObject,
  META_TABLES,
  OBJECTS_TABLE,
  type ObjectType,
  Ownership,
  objectsTableSql,
  rejectedTableSql,
} from '../owned-objects.js';
import type { WriteRows } from '../row-batch.js';
import { type ShapedRow, shapeChunks } from '../rows.js';
import { type RunRecord, runParameters, runsTableSql, upsertRunSql } from '../runs-table.js';
import { scopeDeleteSql } from '../scope-delete.js';
import { addColumnSql, addExtraSql, createTableSql, refreshTable, stateTableSql, swapSql } from '../sql.js';
import { decodeState, encodeState } from '../state-rows.js';
import { checkKeys, EXTRA_COLUMN, quoteIdent, type TableLayout, tableLayout } from '../table-layout.js';
import {
  type MigratedColumns,
  REJECTED_TABLE,
  type RejectedRecord,
  STATE_TABLE,
  type StreamSchema,
  type Target,
  type WriteStats,
} from '../target.js';
import { sqliteError } from './errors.js';
import { type SqliteStatements, sqliteStatements } from './statements.js';

const DIALECT: Dialect = 'sqlite';

interface TableInfoRow {
  name: string;
  type: string;
  pk: number;
}

/** SQLite target: WAL; one prepared statement per batch inside the open transaction. */
export class SqliteTarget implements Target {
  readonly kind = 'sqlite';
  readonly takesEncodedRows = true;
  private readonly layouts = new Map<string, TableLayout>();
  /** Streams in a full refresh, with what their read covers. */
  private readonly refreshing = new Map<string, Coverage | undefined>();
  private readonly statements = new Map<string, SqliteStatements>();
  /** Keyed tables seen empty: a row whose key was never written needs no look-up (see FreshTables). */
  private readonly fresh = new FreshTables();
  /** Tables whose rows were counted for `fresh` since it was last forgotten. */
  private readonly counted = new Set<string>();
  private readonly ownership: Ownership;
  /** Whether the state, rejected and objects tables exist (created on the first write). */
  private metaReady: boolean;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    const existing = this.existingObjects();
    const names = new Set(existing.map((object) => object.name.toLowerCase()));
    const recorded = names.has(OBJECTS_TABLE)
      ? (db.prepare(`SELECT name, type FROM ${OBJECTS_TABLE}`).all() as DbObject[])
      : null;
    this.ownership = new Ownership(existing, recorded, path);
    this.metaReady = META_TABLES.every((table) => names.has(table));
  }

  static create(path: string, options: { busyTimeoutMs?: number; now?: () => number }): SqliteTarget {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a killed process never loses a commit; a power cut may lose the last ones.
      db.pragma('synchronous = NORMAL');
      // The WAL is copied into the file every 10,000 pages (40 MB) rather than 1,000: a page
      // rewritten by several commits is copied once, which saves a third of the commits' CPU.
      db.pragma('wal_autocheckpoint = 10000');
      // One writer at a time, for the whole run (as DuckDB's file lock): the write lock is taken
      // before anything is read and held from commit to commit, so a second run waits for it (the
      // busy timeout) and then fails saying so, instead of judging tables the first is creating.
      db.exec('BEGIN IMMEDIATE');
      return new SqliteTarget(path, db, options.now ?? Date.now);
    } catch (error) {
      db?.close();
      throw sqliteError(path, error);
    }
  }

  /** SQLite stores every time column as epoch seconds, as earlier versions did: nothing to retype. */
  migrate(_streams: readonly StreamSchema[]): Promise<MigratedColumns[]> {
    return Promise.resolve([]);
  }

  async prepare(streams: readonly StreamSchema[]): Promise<void> {
    this.guard(() => {
      for (const stream of streams) this.prepareStream(stream);
    });
  }

  async write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats> {
    return this.guard(() => {
      const layout = this.layoutOf(stream);
      const now = this.now();
      const table = this.refreshing.has(stream) ? refreshTable(stream) : stream;
      const statements = this.statementsOf(table, layout);
      const live = this.statementsOf(stream, layout);
      this.begin();
      const total: Required<WriteStats> = { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
      // Row by row (in chunks): the batch is never held shaped, nor as objects, all at once.
      shapeChunks(layout, rows, extractedAt, now, ({ rows: shaped, rejected }) => {
        this.insertRejected(
          rejected.map(({ record, reason }) => ({ stream, reason, record, rejectedAt: now })),
        );
        total.rejected += rejected.length;
        // A full refresh is compared with the live rows it replaces.
        const seen = table === stream ? this.seen(table, layout, shaped) : null;
        const stats = this.insert(statements, live, shaped, seen);
        total.inserted += stats.inserted;
        total.updated += stats.updated;
        total.unchanged += stats.unchanged ?? 0;
      });
      return {
        inserted: total.inserted,
        updated: total.updated,
        ...(total.unchanged > 0 ? { unchanged: total.unchanged } : {}),
        ...(total.rejected > 0 ? { rejected: total.rejected } : {}),
      };
    });
  }

  async clearScope(stream: string, scope: RereadScope, kept: readonly JsonObject[]): Promise<void> {
    this.guard(() => {
      if (this.refreshing.has(stream)) return;
      const sql = scopeDeleteSql(DIALECT, stream, this.layoutOf(stream), scope, kept);
      if (sql === null) return;
      this.begin();
      this.db.exec(sql);
    });
  }

  async checkpoint(state: TapState): Promise<void> {
    this.guard(() => {
      this.ensureMeta();
      this.begin();
      this.writeState(state);
      this.commit();
    });
  }

  async readState(): Promise<TapState> {
    return this.guard(() =>
      this.hasTable(STATE_TABLE)
        ? decodeState(this.db.prepare(`SELECT stream, state FROM ${STATE_TABLE}`).all())
        : {},
    );
  }

  async beginFullRefresh(stream: string, coverage?: Coverage): Promise<void> {
    this.guard(() => {
      const layout = this.layoutOf(stream);
      const staging = refreshTable(stream);
      this.begin();
      this.db.exec(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`);
      this.db.exec(createTableSql(DIALECT, staging, layout));
      this.statements.delete(staging);
      this.forget();
      this.refreshing.set(stream, coverage);
    });
  }

  async completeFullRefresh(stream: string, state: TapState = {}, final?: Coverage): Promise<void> {
    this.guard(() => {
      if (!this.refreshing.has(stream))
        throw new TargetError(`stream ${stream}: no full refresh in progress`);
      this.begin();
      const coverage = final ?? this.refreshing.get(stream);
      for (const sql of swapSql(DIALECT, stream, refreshTable(stream), this.layoutOf(stream), coverage))
        this.db.exec(sql);
      this.writeState(state);
      this.commit();
      this.refreshing.delete(stream);
      this.statements.delete(refreshTable(stream));
      this.forget();
    });
  }

  async abortFullRefresh(stream: string): Promise<void> {
    this.guard(() => {
      this.refreshing.delete(stream);
      this.statements.delete(refreshTable(stream));
      this.begin();
      this.db.exec(`DROP TABLE IF EXISTS ${quoteIdent(refreshTable(stream))}`);
    });
  }

  async tableNames(): Promise<Set<string>> {
    return this.guard(() => {
      const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
        name: string;
      }[];
      return new Set(rows.map((row) => row.name));
    });
  }

  async execute(statements: readonly string[], views: readonly string[] = []): Promise<void> {
    this.guard(() => {
      this.ensureMeta();
      this.begin();
      for (const sql of statements) this.db.exec(sql);
      for (const name of views) this.record({ name, type: 'view' });
      this.commit();
    });
  }

  async reject(records: readonly RejectedRecord[]): Promise<void> {
    this.guard(() => this.insertRejected(records));
  }

  private insertRejected(records: readonly RejectedRecord[]): void {
    if (records.length === 0) return;
    this.ensureMeta();
    this.begin();
    const insert = this.db.prepare(
      `INSERT INTO ${REJECTED_TABLE} (stream, reason, record, rejected_at) SELECT @stream, @reason, @record, @at ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${REJECTED_TABLE} WHERE stream = @stream AND record = @record)`,
    );
    for (const { stream, reason, record, rejectedAt } of records) {
      insert.run({ stream, reason, record: JSON.stringify(record), at: Math.round(rejectedAt) });
    }
  }

  async checkObjects(names: readonly string[]): Promise<void> {
    this.guard(() => this.ownership.check(this.existingObjects(), [...META_TABLES, ...names]));
  }

  async recordRun(run: RunRecord): Promise<void> {
    this.guard(() => {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.forget();
      this.ensureMeta();
      this.begin();
      this.db.prepare(upsertRunSql(DIALECT)).run(...runParameters(run));
      // Keeps the write lock: a second run must not get in between this run's commits.
      this.commit();
    });
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.forget();
      throw sqliteError(this.path, error);
    }
  }

  private begin(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN IMMEDIATE');
  }

  /** Commits, and takes the write lock again at once: no other writer gets in between runs' commits. */
  private commit(): void {
    this.db.exec('COMMIT');
    this.db.exec('BEGIN IMMEDIATE');
  }

  private layoutOf(stream: string): TableLayout {
    const layout = this.layouts.get(stream);
    if (!layout) throw new TargetError(`stream ${stream} was written before prepare()`);
    return layout;
  }

  private tableInfo(table: string): TableInfoRow[] {
    return this.db.prepare(`PRAGMA table_info(${quoteIdent(table)})`).all() as TableInfoRow[];
  }

  private prepareStream(stream: StreamSchema): void {
    this.ownership.check(this.existingObjects(), [...META_TABLES, stream.name]);
    this.ensureMeta();
    const info = this.tableInfo(stream.name);
    const layout = tableLayout(
      DIALECT,
      stream,
      info.map((row) => ({ name: row.name, sqlType: row.type })),
    );
    // DDL joins the open transaction when there is one (SQLite DDL is transactional).
    if (info.length === 0) {
      this.begin();
      this.db.exec(createTableSql(DIALECT, stream.name, layout));
      this.record({ name: stream.name, type: 'table' });
    } else {
      const keys = info.filter((row) => row.pk > 0).sort((a, b) => a.pk - b.pk);
      checkKeys(
        stream.name,
        stream.keys,
        keys.map((row) => row.name),
      );
      const tables = this.refreshing.has(stream.name)
        ? [stream.name, refreshTable(stream.name)]
        : [stream.name];
      for (const table of tables) this.addColumns(table, layout);
    }
    this.layouts.set(stream.name, layout);
    this.statements.delete(stream.name);
    this.statements.delete(refreshTable(stream.name));
  }

  private addColumns(table: string, layout: TableLayout): void {
    const present = new Set(this.tableInfo(table).map((row) => row.name));
    for (const column of layout.columns) {
      if (!present.has(column.name)) this.db.exec(addColumnSql(DIALECT, table, column));
    }
    if (layout.hasExtra && !present.has(EXTRA_COLUMN)) this.db.exec(addExtraSql(DIALECT, table));
  }

  private statementsOf(table: string, layout: TableLayout): SqliteStatements {
    let statements = this.statements.get(table);
    if (!statements) {
      statements = sqliteStatements(this.db, table, layout);
      this.statements.set(table, statements);
    }
    return statements;
  }

  /** Rows may reach a table another way (a swap, a rollback): every key may be stored again. */
  private forget(): void {
    this.fresh.clear();
    this.counted.clear();
  }

  /** Per row, whether its key may be stored already (null: every row may). */
  private seen(table: string, layout: TableLayout, rows: readonly ShapedRow[]): boolean[] | null {
    if (layout.keys.length === 0) return null;
    if (!this.counted.has(table)) {
      const count = this.db
        .prepare(`SELECT count(*) FROM ${quoteIdent(table)}`)
        .pluck()
        .get();
      this.fresh.counted(table, Number(count));
      this.counted.add(table);
    }
    return this.fresh.seen(table, layout, rows);
  }

  /** Upserts the rows; a row whose key was never written is new without a look-up. */
  private insert(
    statements: SqliteStatements,
    live: SqliteStatements,
    rows: readonly ShapedRow[],
    seen: readonly boolean[] | null,
  ): WriteStats {
    const counts = { new: 0, same: 0, changed: 0 };
    for (const [index, row] of rows.entries()) {
      counts[seen?.[index] === false ? 'new' : live.compare(row)] += 1;
      statements.upsert(row);
    }
    const unchanged = counts.same > 0 ? { unchanged: counts.same } : {};
    return { inserted: counts.new, updated: counts.changed, ...unchanged };
  }

  private existingObjects(): ExistingObject[] {
    const rows = this.db
      .prepare(
        "SELECT m.name AS name, m.type AS type, EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = '_extracted_at') AS shaped " +
          "FROM sqlite_master AS m WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite%'",
      )
      .all() as { name: string; type: ObjectType; shaped: number }[];
    return rows.map((row) => ({ name: row.name, type: row.type, devinShaped: row.shaped === 1 }));
  }

  private hasTable(name: string): boolean {
    return (
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    );
  }

  /** Creates devin-tap's own tables on the first write, after checking none of them is foreign. */
  private ensureMeta(): void {
    if (this.metaReady) return;
    this.ownership.check(this.existingObjects(), META_TABLES);
    this.begin();
    this.db.exec(stateTableSql(DIALECT));
    this.db.exec(rejectedTableSql(DIALECT));
    this.db.exec(objectsTableSql(DIALECT));
    this.db.exec(runsTableSql(DIALECT));
    for (const table of META_TABLES) this.ownership.add({ name: table, type: 'table' });
    for (const object of this.ownership.entries()) this.record(object);
    this.metaReady = true;
  }

  /** Notes an object devin-tap created (in the open transaction). */
  private record(object: DbObject): void {
    this.ownership.add(object);
    this.db
      .prepare(
        `INSERT INTO ${OBJECTS_TABLE} (name, type, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET type = excluded.type`,
      )
      .run(object.name.toLowerCase(), object.type, this.now());
  }

  private writeState(state: TapState): void {
    const upsert = this.db.prepare(
      'INSERT INTO _devin_tap_state (stream, state, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
    );
    for (const [stream, text] of encodeState(state)) upsert.run(stream, text, this.now());
  }
}
