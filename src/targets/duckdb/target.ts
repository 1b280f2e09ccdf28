import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TargetError } from '../../tap/errors.js';
import type { Coverage, RereadScope } from '../../tap/events.js';
import type { JsonObject } from '../../tap/json.js';
import type { TapState } from '../../tap/state/state.js';
import type { Dialect } from '../column-types.js';
import { FreshTables } from '../fresh-keys.js';
import {
  type DbObject,
  META_TABLES,
  OBJECTS_TABLE,
  Ownership,
  objectsTableSql,
  rejectedTableSql,
} from '../owned-objects.js';
import type { WriteRows } from '../row-batch.js';
import { type ShapedBatch, shapeBatch } from '../rows.js';
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
import { epochColumns, type TimeMigration, timeMigration } from '../time-migration.js';
import { dropStagingSql, matchingRowsSql, stageRows, upsertSql, writeSql } from './batch.js';
import { columnsOf, existingObjects, primaryKey, recordedObjects } from './catalog.js';
import { duckdbError } from './errors.js';
import { defaultMemoryLimit } from './memory.js';

/** A string literal (only names and fixed words are spliced this way). */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const DIALECT: Dialect = 'duckdb';

/**
 * DuckDB shares its process with the reader, so its memory is bounded:
 * - memory_limit caps the buffer pool; beyond it DuckDB spills to `<database>.tmp`, beside the file.
 *   The default fits the machine (see defaultMemoryLimit): 128MB failed on one 30 MB message and on
 *   a 500-property schema, and 256MB on the key index of 4.4 million messages.
 * - This build uses glibc malloc, which keeps freed memory in the process: a flush threshold of
 *   1MB makes DuckDB return it (malloc_trim) after each task and each bulk deallocation.
 */
function settings(path: string, memoryLimit: string): Record<string, string> {
  return {
    memory_limit: memoryLimit,
    temp_directory: `${path}.tmp`,
    allocator_flush_threshold: '1MB',
    allocator_bulk_deallocation_flush_threshold: '1MB',
    // The default 16MB makes every second sync commit a checkpoint that rewrites the key indexes:
    // 300k message rows took 14 s to commit, 7 s with 64MB.
    checkpoint_threshold: '64MB',
  };
}

export interface DuckdbOptions {
  now?: () => number;
  /** DuckDB memory_limit ('512MB', '2GB'); default: defaultMemoryLimit(). */
  memoryLimit?: string;
}

/** DuckDB target: appender into a TEMP staging table, then one set-based upsert per batch. */
export class DuckdbTarget implements Target {
  readonly kind = 'duckdb';
  private readonly layouts = new Map<string, TableLayout>();
  /** Streams in a full refresh, with what their read covers. */
  private readonly refreshing = new Map<string, Coverage | undefined>();
  /** Row counts of tables as this connection last saw them (inserted = growth of the count). */
  private readonly counts = new Map<string, number>();
  /** Keyed tables seen empty, whose new rows need no upsert (cleared with `counts`). */
  private readonly fresh = new FreshTables();
  private inTransaction = false;
  private queue: Promise<unknown> = Promise.resolve();
  private ownership = new Ownership([], null, '');
  /** Whether the state, rejected and objects tables exist (created on the first write). */
  private metaReady = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly now: () => number,
    private readonly memoryLimit: string,
  ) {}

  static async create(path: string, options: DuckdbOptions): Promise<DuckdbTarget> {
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection | undefined;
    const memoryLimit = options.memoryLimit ?? defaultMemoryLimit();
    try {
      instance = await DuckDBInstance.create(path, settings(path, memoryLimit));
      connection = await instance.connect();
      const existing = await existingObjects(connection);
      const names = new Set(existing.map((object) => object.name.toLowerCase()));
      const recorded = names.has(OBJECTS_TABLE) ? await recordedObjects(connection) : null;
      const target = new DuckdbTarget(path, instance, connection, options.now ?? Date.now, memoryLimit);
      target.ownership = new Ownership(existing, recorded, path);
      target.metaReady = META_TABLES.every((table) => names.has(table));
      return target;
    } catch (error) {
      connection?.closeSync();
      instance?.closeSync();
      throw duckdbError(path, error, memoryLimit);
    }
  }

  prepare(streams: readonly StreamSchema[]): Promise<void> {
    return this.serial(async () => {
      for (const stream of streams) await this.prepareStream(stream);
    });
  }

  migrate(streams: readonly StreamSchema[]): Promise<MigratedColumns[]> {
    return this.serial(async () => {
      const ours = new Set(
        (await existingObjects(this.connection))
          .filter((object) => object.type === 'table' && object.devinShaped)
          .map((object) => object.name),
      );
      const migrations: TimeMigration[] = [];
      for (const stream of streams.filter((candidate) => ours.has(candidate.name))) {
        const existing = await columnsOf(this.connection, stream.name);
        const columns = epochColumns(stream, existing);
        if (columns.length > 0) migrations.push(timeMigration(stream, existing, columns));
      }
      if (migrations.length > 0) await this.ensureMeta();
      await this.ddl(migrations.flatMap((migration) => migration.statements));
      this.counts.clear();
      this.fresh.clear();
      return migrations.map(({ table, columns }) => ({ table, columns: [...columns] }));
    });
  }

  write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats> {
    return this.serial(async () => {
      const layout = this.layoutOf(stream);
      const now = this.now();
      const { rows: shaped, rejected } = shapeBatch(layout, rows, extractedAt, now);
      const kept = await this.keepRejected(stream, rejected, now);
      if (shaped.length === 0) return { inserted: 0, updated: 0, ...kept };
      const table = this.refreshing.has(stream) ? refreshTable(stream) : stream;
      await this.begin();
      if (layout.keys.length === 0) {
        await stageRows(this.connection, `_stage_${table}`, layout, shaped);
        await this.connection.run(upsertSql(table, `_stage_${table}`, layout));
        await this.connection.run(dropStagingSql(`_stage_${table}`));
        return { inserted: shaped.length, updated: 0, ...kept };
      }
      // Keys are unique within the batch: every staged row either inserts or updates one row.
      const before = this.counts.get(table) ?? (await this.rowCount(table));
      const seen = this.fresh.seen(table, layout, shaped);
      await stageRows(this.connection, `_stage_${table}`, layout, shaped, seen);
      // A full refresh is compared with the live rows it replaces, an upsert with the table it writes.
      const compared = await this.compareStaged(stream, table, layout, before);
      for (const sql of writeSql(table, `_stage_${table}`, layout, seen)) await this.connection.run(sql);
      await this.connection.run(dropStagingSql(`_stage_${table}`));
      const after = await this.rowCount(table);
      const existing = table === stream ? shaped.length - (after - before) : compared.existing;
      const unchanged = compared.same > 0 ? { unchanged: compared.same } : {};
      return { inserted: shaped.length - existing, updated: existing - compared.same, ...unchanged, ...kept };
    });
  }

  clearScope(stream: string, scope: RereadScope, kept: readonly JsonObject[]): Promise<void> {
    return this.serial(async () => {
      if (this.refreshing.has(stream)) return;
      const sql = scopeDeleteSql(DIALECT, stream, this.layoutOf(stream), scope, kept);
      if (sql === null) return;
      await this.begin();
      await this.connection.run(sql);
      this.counts.delete(stream);
    });
  }

  checkpoint(state: TapState): Promise<void> {
    return this.serial(async () => {
      await this.ensureMeta();
      await this.begin();
      await this.writeState(state);
      await this.commit();
    });
  }

  readState(): Promise<TapState> {
    return this.serial(async () => {
      const names = (await existingObjects(this.connection)).map((object) => object.name);
      if (!names.includes(STATE_TABLE)) return {};
      const reader = await this.connection.runAndReadAll(
        `SELECT stream, state::VARCHAR AS state FROM ${STATE_TABLE}`,
      );
      return decodeState(reader.getRowObjectsJson());
    });
  }

  beginFullRefresh(stream: string, coverage?: Coverage): Promise<void> {
    return this.serial(async () => {
      const layout = this.layoutOf(stream);
      const staging = refreshTable(stream);
      await this.commit();
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdent(staging)}`);
      await this.connection.run(createTableSql(DIALECT, staging, layout));
      this.counts.clear();
      this.fresh.clear();
      this.refreshing.set(stream, coverage);
    });
  }

  completeFullRefresh(stream: string, state: TapState = {}, final?: Coverage): Promise<void> {
    return this.serial(async () => {
      if (!this.refreshing.has(stream))
        throw new TargetError(`stream ${stream}: no full refresh in progress`);
      await this.begin();
      const coverage = final ?? this.refreshing.get(stream);
      for (const sql of swapSql(DIALECT, stream, refreshTable(stream), this.layoutOf(stream), coverage)) {
        await this.connection.run(sql);
      }
      await this.writeState(state);
      await this.commit();
      this.counts.clear();
      this.fresh.clear();
      this.refreshing.delete(stream);
    });
  }

  abortFullRefresh(stream: string): Promise<void> {
    return this.serial(async () => {
      this.refreshing.delete(stream);
      this.counts.clear();
      this.fresh.clear();
      await this.commit();
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdent(refreshTable(stream))}`);
    });
  }

  tableNames(): Promise<Set<string>> {
    return this.serial(async () => {
      const reader = await this.connection.runAndReadAll(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = 'main'",
      );
      return new Set(reader.getRowObjectsJson().map((row) => String(row.name)));
    });
  }

  execute(statements: readonly string[], views: readonly string[] = []): Promise<void> {
    return this.serial(async () => {
      await this.ensureMeta();
      await this.ddl([...statements, ...views.map((name) => this.recordSql({ name, type: 'view' }))]);
    });
  }

  reject(records: readonly RejectedRecord[]): Promise<void> {
    return this.serial(() => this.insertRejected(records));
  }

  private async insertRejected(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.ensureMeta();
    await this.begin();
    for (const { stream, reason, record, rejectedAt } of records) {
      await this.connection.run(
        `INSERT INTO ${REJECTED_TABLE} (stream, reason, record, rejected_at) ` +
          'SELECT $1, $2, $3::JSON, make_timestamptz($4::BIGINT * 1000) ' +
          `WHERE NOT EXISTS (SELECT 1 FROM ${REJECTED_TABLE} WHERE stream = $1 AND record::VARCHAR = $3)`,
        [stream, reason, JSON.stringify(record), Math.round(rejectedAt)],
      );
    }
  }

  /** Rows a write set aside (a key its column cannot hold), kept in `_devin_tap_rejected`. */
  private async keepRejected(
    stream: string,
    rejected: ShapedBatch['rejected'],
    now: number,
  ): Promise<{ rejected?: number }> {
    if (rejected.length === 0) return {};
    await this.insertRejected(
      rejected.map(({ record, reason }) => ({ stream, reason, record, rejectedAt: now })),
    );
    return { rejected: rejected.length };
  }

  checkObjects(names: readonly string[]): Promise<void> {
    return this.serial(async () => {
      this.ownership.check(await existingObjects(this.connection), [...META_TABLES, ...names]);
    });
  }

  recordRun(run: RunRecord): Promise<void> {
    return this.serial(async () => {
      if (this.inTransaction) {
        this.inTransaction = false;
        this.counts.clear();
        this.fresh.clear();
        await this.connection.run('ROLLBACK');
      }
      await this.ensureMeta();
      await this.begin();
      await this.connection.run(upsertRunSql(DIALECT), runParameters(run));
      await this.commit();
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.inTransaction) await this.connection.run('ROLLBACK');
      this.inTransaction = false;
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  /** Runs calls one after another and names the database in every error. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work).catch((error: unknown) => {
      this.counts.clear();
      this.fresh.clear();
      throw duckdbError(this.path, error, this.memoryLimit);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async begin(): Promise<void> {
    if (this.inTransaction) return;
    await this.connection.run('BEGIN TRANSACTION');
    this.inTransaction = true;
  }

  private async commit(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    await this.connection.run('COMMIT');
  }

  /**
   * Staged rows whose key is already stored (`existing`) and, of those, with the same content (`same`),
   * in the live table. A key-only join first; content is compared only when keys match.
   */
  private async compareStaged(stream: string, table: string, layout: TableLayout, before: number) {
    const liveRows = table === stream ? before : (this.counts.get(stream) ?? (await this.rowCount(stream)));
    if (liveRows === 0) return { existing: 0, same: 0 };
    const count = async (sql: string) =>
      Number((await this.connection.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
    const staging = `_stage_${table}`;
    const existing = await count(matchingRowsSql(stream, staging, layout, false));
    const same = existing === 0 ? 0 : await count(matchingRowsSql(stream, staging, layout, true));
    return { existing, same };
  }

  /** A cheap count (no column is read); remembered until a refresh or a rollback changes it. */
  private async rowCount(table: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdent(table)}`);
    const count = Number(reader.getRows()[0]?.[0] ?? 0);
    this.counts.set(table, count);
    this.fresh.counted(table, count);
    return count;
  }

  private layoutOf(stream: string): TableLayout {
    const layout = this.layouts.get(stream);
    if (!layout) throw new TargetError(`stream ${stream} was written before prepare()`);
    return layout;
  }

  private async prepareStream(stream: StreamSchema): Promise<void> {
    this.ownership.check(await existingObjects(this.connection), [...META_TABLES, stream.name]);
    await this.ensureMeta();
    const existing = await columnsOf(this.connection, stream.name);
    const layout = tableLayout(DIALECT, stream, existing);
    if (existing.length === 0) {
      await this.ddl([
        createTableSql(DIALECT, stream.name, layout),
        this.recordSql({ name: stream.name, type: 'table' }),
      ]);
    } else {
      checkKeys(stream.name, stream.keys, await primaryKey(this.connection, stream.name));
      const tables = this.refreshing.has(stream.name)
        ? [stream.name, refreshTable(stream.name)]
        : [stream.name];
      for (const table of tables) await this.ddl(await this.missingColumns(table, layout));
    }
    this.layouts.set(stream.name, layout);
  }

  private async missingColumns(table: string, layout: TableLayout): Promise<string[]> {
    const present = new Set((await columnsOf(this.connection, table)).map((column) => column.name));
    const statements = layout.columns
      .filter((c) => !present.has(c.name))
      .map((c) => addColumnSql(DIALECT, table, c));
    if (layout.hasExtra && !present.has(EXTRA_COLUMN)) statements.push(addExtraSql(DIALECT, table));
    return statements;
  }

  /**
   * DuckDB fails a commit that alters a table the same transaction wrote to, so pending rows are
   * committed first (safe: replays upsert) and the DDL runs in its own transaction.
   */
  private async ddl(statements: readonly string[]): Promise<void> {
    if (statements.length === 0) return;
    await this.commit();
    await this.connection.run('BEGIN TRANSACTION');
    try {
      for (const sql of statements) await this.connection.run(sql);
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  /** Creates devin-tap's own tables on the first write, after checking none of them is foreign. */
  private async ensureMeta(): Promise<void> {
    if (this.metaReady) return;
    this.ownership.check(await existingObjects(this.connection), META_TABLES);
    for (const table of META_TABLES) this.ownership.add({ name: table, type: 'table' });
    await this.ddl([
      stateTableSql(DIALECT),
      rejectedTableSql(DIALECT),
      objectsTableSql(DIALECT),
      runsTableSql(DIALECT),
      ...this.ownership.entries().map((object) => this.recordSql(object)),
    ]);
    this.metaReady = true;
  }

  /** The statement noting an object devin-tap created. */
  private recordSql(object: DbObject): string {
    this.ownership.add(object);
    return (
      `INSERT INTO ${OBJECTS_TABLE} (name, type, created_at) VALUES (${sqlText(object.name.toLowerCase())}, ` +
      `${sqlText(object.type)}, make_timestamptz(${Math.round(this.now())} * 1000)) ON CONFLICT (name) DO UPDATE SET type = excluded.type`
    );
  }

  private async writeState(state: TapState): Promise<void> {
    for (const [stream, text] of encodeState(state)) {
      await this.connection.run(
        'INSERT INTO _devin_tap_state (stream, state, updated_at) VALUES ($1, $2::JSON, make_timestamptz($3::BIGINT * 1000)) ' +
          'ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
        [stream, text, this.now()],
      );
    }
  }
}
