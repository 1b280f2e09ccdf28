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
import { type ShapedBatch, shapeChunks } from '../rows.js';
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
import { dropStagingSql, duckdbJsonText, stageChunks } from './batch.js';
import { columnsOf, existingObjects, keyCommentSql, recordedObjects, tableKey } from './catalog.js';
import { duckdbError } from './errors.js';
import {
  BASE_LIMIT_MB,
  batchLimitMb,
  defaultMemoryLimit,
  machineCeilingMb,
  writeRowsBytes,
} from './memory.js';
import {
  dedupStagedSql,
  matchCountsSql,
  matchingRowsSql,
  matchTableSql,
  upsertSql,
  writeSql,
} from './upsert.js';

/** A string literal (only names and fixed words are spliced this way). */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const DIALECT: Dialect = 'duckdb';

/**
 * DuckDB shares its process with the reader, so its memory is bounded:
 * - memory_limit caps the buffer pool; beyond it DuckDB spills to `<database>.tmp`, beside the file.
 *   DuckDB caches table blocks up to it, so the default is small (64MB) and a batch that needs more
 *   (a 50 MB message, a 1,000-property schema) raises it until its commit (see batchLimitMb).
 * - This build uses glibc malloc, which keeps freed memory in the process: a flush threshold of
 *   1MB makes DuckDB return it (malloc_trim) after each task and each bulk deallocation.
 */
function settings(path: string, memoryLimit: string): Record<string, string> {
  return {
    memory_limit: memoryLimit,
    temp_directory: `${path}.tmp`,
    allocator_flush_threshold: '1MB',
    allocator_bulk_deallocation_flush_threshold: '1MB',
    // The default 16MB made every second sync commit a checkpoint (300k message rows took 14 s to
    // commit, 7 s with 64MB, when tables had key indexes); with none, 16MB and 64MB measure alike.
    checkpoint_threshold: '64MB',
  };
}

export interface DuckdbOptions {
  now?: () => number;
  /**
   * DuckDB memory_limit ('512MB', '2GB'), kept for the whole run. Without one the target starts at
   * defaultMemoryLimit() and raises it for a batch that needs more (batchLimitMb), until its commit.
   */
  memoryLimit?: string;
}

/** DuckDB target: appender into a TEMP staging table, then one set-based upsert per batch. */
export class DuckdbTarget implements Target {
  readonly kind = 'duckdb';
  /** Rows come as JSON text and are parsed a chunk at a time while staged (see stageChunks). */
  readonly takesEncodedRows = true;
  private readonly layouts = new Map<string, TableLayout>();
  /** Streams in a full refresh, with what their read covers. */
  private readonly refreshing = new Map<string, Coverage | undefined>();
  /** Row counts of tables as this connection last saw them (inserted = growth of the count). */
  private readonly counts = new Map<string, number>();
  /** Keyed tables seen empty, whose new rows need no upsert (cleared with `counts`). */
  private readonly fresh = new FreshTables();
  /** Tables of an earlier release whose PRIMARY KEY DuckDB still enforces with an index. */
  private readonly indexed = new Set<string>();
  private inTransaction = false;
  private queue: Promise<unknown> = Promise.resolve();
  private ownership = new Ownership([], null, '');
  /** Whether the state, rejected and objects tables exist (created on the first write). */
  private metaReady = false;
  /** The limit a batch may raise memory_limit to; null when the user set the limit. */
  private readonly ceilingMb: number | null;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly now: () => number,
    private memoryLimit: string,
    managed: boolean,
  ) {
    this.ceilingMb = managed ? machineCeilingMb() : null;
  }

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
      const managed = options.memoryLimit === undefined;
      const now = options.now ?? Date.now;
      const target = new DuckdbTarget(path, instance, connection, now, memoryLimit, managed);
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
      const migrations: (TimeMigration & { keyIndex: boolean })[] = [];
      for (const stream of streams.filter((candidate) => ours.has(candidate.name))) {
        const existing = await columnsOf(this.connection, stream.name);
        const columns = epochColumns(stream, existing);
        const key = await tableKey(this.connection, stream.name);
        // Rebuilt without the key index of an earlier release (see createTableSql), rows unchanged;
        // never under another key than the table's (prepare would no longer see the difference).
        if (columns.length === 0 && !key.indexed) continue;
        checkKeys(stream.name, stream.keys, key.columns);
        migrations.push({ ...timeMigration(stream, existing, columns), keyIndex: key.indexed });
      }
      if (migrations.length > 0) await this.ensureMeta();
      const keys = new Map(streams.map((stream) => [stream.name, stream.keys]));
      await this.ddl(
        migrations.flatMap(({ table, statements }) => [
          ...statements,
          keyCommentSql(table, keys.get(table) ?? []),
        ]),
      );
      for (const { table } of migrations) this.indexed.delete(table);
      this.counts.clear();
      this.fresh.clear();
      return migrations.map(({ table, columns, keyIndex }) => ({
        table,
        columns: [...columns],
        ...(keyIndex ? { keyIndexDropped: true } : {}),
      }));
    });
  }

  write(stream: string, rows: WriteRows, extractedAt?: readonly number[]): Promise<WriteStats> {
    return this.serial(async () => {
      const layout = this.layoutOf(stream);
      const now = this.now();
      const table = this.refreshing.has(stream) ? refreshTable(stream) : stream;
      const keyed = layout.keys.length > 0;
      await this.begin();
      await this.fitLimit(writeRowsBytes(rows), layout.columns.length);
      const before = keyed ? (this.counts.get(table) ?? (await this.rowCount(table))) : 0;
      const tracked = keyed && this.fresh.tracks(table);
      const staging = `_stage_${table}`;
      const rejected: ShapedBatch['rejected'] = [];
      let anySeen = !tracked;
      // Parsed, shaped and appended a chunk at a time: the batch never lives as objects here.
      let staged = await stageChunks(this.connection, staging, layout, tracked, (append) =>
        shapeChunks(layout, rows, extractedAt, now, (chunk) => {
          const seen = tracked ? this.fresh.seen(table, layout, chunk.rows) : null;
          if (seen?.includes(true)) anySeen = true;
          append(chunk.rows, seen);
          rejected.push(...chunk.rejected);
        }),
      );
      const kept = await this.keepRejected(stream, rejected, now);
      if (keyed && staged > 1)
        staged -= Number((await this.connection.run(dedupStagedSql(staging, layout))).rowsChanged);
      if (staged === 0 || !keyed) {
        if (staged > 0) await this.connection.run(upsertSql(table, staging, layout));
        await this.connection.run(dropStagingSql(staging));
        return { inserted: staged, updated: 0, ...kept };
      }
      // Keys are unique within the batch: every staged row either inserts or updates one row.
      // A full refresh is compared with the live rows it replaces, an upsert with the table it writes.
      const compared = await this.compareStaged(stream, table, layout, tracked, anySeen);
      const write = { indexed: this.indexed.has(table), tracked, anySeen, matched: compared.matched };
      for (const sql of writeSql(table, staging, layout, write)) await this.connection.run(sql);
      await this.connection.run(dropStagingSql(staging));
      if (compared.matched) await this.connection.run(dropStagingSql(compared.matched));
      const inserted = staged - compared.existing;
      this.counts.set(table, before + (table === stream ? inserted : staged));
      const unchanged = compared.same > 0 ? { unchanged: compared.same } : {};
      return { inserted, updated: compared.existing - compared.same, ...unchanged, ...kept };
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
        [stream, reason, duckdbJsonText(JSON.stringify(record)), Math.round(rejectedAt)],
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

  /**
   * Sets memory_limit to what a batch of `bytes` in `columns` columns needs (the base after a
   * commit), unless the user chose the limit. A larger limit lets DuckDB cache more, so it is only
   * kept while such a batch is in the open transaction.
   */
  private async fitLimit(bytes: number, columns: number): Promise<void> {
    if (this.ceilingMb === null) return;
    const current = Number.parseInt(this.memoryLimit, 10);
    const wanted = bytes === 0 ? BASE_LIMIT_MB : batchLimitMb(bytes, columns, this.ceilingMb);
    if (bytes > 0 ? wanted <= current : wanted === current) return;
    await this.connection.run(`SET memory_limit = '${wanted}MB'`);
    this.memoryLimit = `${wanted}MB`;
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
    await this.lowerLimit();
  }

  /** Back to the base limit once a raised one's batch is committed; best effort (it only caches). */
  private async lowerLimit(): Promise<void> {
    try {
      await this.fitLimit(0, 0);
    } catch {
      // DuckDB could not free enough to lower it yet: the next commit tries again.
    }
  }

  /**
   * Staged rows whose key the live table holds (`existing`) and, of those, with the same content
   * (`same`): one join. Skipped when the live table is empty, or when it is the table written and
   * no staged key was ever written to it since this connection saw it empty. For an upsert the
   * matched rows are kept in a match table (`matched`), which the write deletes by rowid.
   */
  private async compareStaged(
    stream: string,
    table: string,
    layout: TableLayout,
    tracked: boolean,
    anySeen: boolean,
  ): Promise<{ existing: number; same: number; matched: string | null }> {
    const none = { existing: 0, same: 0, matched: null };
    const upsert = table === stream;
    if (upsert && !anySeen) return none;
    const liveRows = this.counts.get(stream) ?? (await this.rowCount(stream));
    if (liveRows === 0) return none;
    const staging = `_stage_${table}`;
    const count = async (sql: string) => {
      const [existing, same] = (await this.connection.runAndReadAll(sql)).getRows()[0] ?? [];
      return { existing: Number(existing ?? 0), same: Number(same ?? 0) };
    };
    if (!upsert) return { ...(await count(matchingRowsSql(stream, staging, layout))), matched: null };
    const matched = `_match_${table}`;
    await this.connection.run(matchTableSql(matched, table, staging, layout, tracked));
    return { ...(await count(matchCountsSql(matched))), matched };
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
        keyCommentSql(stream.name, layout.keys),
        this.recordSql({ name: stream.name, type: 'table' }),
      ]);
      this.indexed.delete(stream.name);
    } else {
      const key = await tableKey(this.connection, stream.name);
      checkKeys(stream.name, stream.keys, key.columns);
      if (key.indexed) this.indexed.add(stream.name);
      else this.indexed.delete(stream.name);
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
