/**
 * The local warehouse: a DuckDB file (or ':memory:') holding the seven tables of schemas/.
 *
 * Write path, per batch: normalize it when `write` is called (one row per key, deletes before upserts:
 * batch_builder.ts), then in ONE transaction: delete the keys to delete, then per table and per chunk of rows,
 * check and pack the cells in JS (packed_columns.ts) and hand them to DuckDB, which unpacks, casts and writes them;
 * commit. While DuckDB writes one chunk, JS packs the next. Rows go in one of two ways (`LoadMode`):
 * - insert: a plain INSERT straight from the packed text, the fast path for tables whose keys are new in a normal
 *   run; an existing key fails it, the transaction is rolled back and redone with
 * - upsert: the chunk is loaded into a temporary staging table and upserted from there by primary key:
 *   `INSERT OR REPLACE`, or for `sessions` `ON CONFLICT DO UPDATE … WHERE excluded.pane_index >= pane_index`, which
 *   keeps a replay of an older pane from overwriting a newer one;
 * - replace, for tables without a key index (`DUCKDB_UNINDEXED_TABLES`: events): the chunk's keys are deleted,
 *   matched with their event time so that DuckDB reads only the batch's row groups, then the chunk is inserted.
 *
 * One connection, one transaction at a time: every use of it goes through a SerialQueue, so concurrent writes are
 * applied in call order and never interleave.
 *
 * DuckDB lets one process open a database file for writing; a second process gets a lock error, which is turned
 * into a message saying so. Two instances on one file inside one process are not detected by DuckDB and would
 * corrupt it, so this module refuses a second open of the same path itself.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  DUCKDB_INSTANCE_SETUP,
  DUCKDB_UNINDEXED_TABLES,
  TABLE_LIST,
  duckdbAddMissingColumns,
  duckdbComments,
  duckdbCreateTable,
  quoteIdent,
  type TableDef,
  type TableName,
} from '../../schemas';
import { normalizeBatch, type TableWrite } from './batch_builder';
import { duckDbParam, plainValue } from './duckdb_values';
import { WarehouseOpenError, WarehouseQueryError, WarehouseWriteError, shortMessage, showValue } from './errors';
import { badCellSql, decodedSelectSql, packKeys, packRows, type CellLimits, type PackedChunk } from './packed_columns';
import { keyParts, versionColumn } from './row_identity';
import { SerialQueue } from './serial_queue';
import { type TableWriteResult, type Warehouse, type WarehouseBatch, type WriteResult } from './warehouse';

export interface DuckDbWarehouseOptions {
  /**
   * Open for queries only: nothing is created or altered, writes are refused, and the file must exist. DuckDB
   * still refuses while another process has the file open for writing.
   */
  readonly readOnly?: boolean;
  /** Longest STRING or JSON cell in UTF-8 bytes (default `DEFAULT_MAX_STRING_BYTES`); a longer one is refused. */
  readonly maxStringBytes?: number;
  /**
   * DuckDB's memory limit, e.g. '2GB'. Default for writing: `DEFAULT_WRITE_MEMORY_LIMIT`; read-only: DuckDB's own
   * (80% of RAM). NOTE: the primary-key indexes that remain (sessions, user features, the small tables) stay in
   * memory, ~130 MB per million keys, so a limit below their size makes commits fail ("failed to pin block").
   */
  readonly memoryLimit?: string;
  /**
   * WAL size at which a commit also checkpoints the file (DuckDB's `checkpoint_threshold`). Default
   * `DEFAULT_CHECKPOINT_THRESHOLD`. A larger WAL means fewer, larger checkpoints and a longer replay after a crash.
   */
  readonly checkpointThreshold?: string;
}

/**
 * 256 MB instead of DuckDB's 16 MB: every checkpoint rewrites the primary-key indexes of the tables it touches, so
 * with 16 MB a streaming run spent a quarter of its time in commits (measured, 300k events: 4.2 s of 17 s in
 * COMMIT, 74 commits; 1.1 s with a 1 GB threshold); 256 MB gained ~10% end to end on 300k events.
 */
export const DEFAULT_CHECKPOINT_THRESHOLD = '256MB';

/**
 * 1 GB: without a limit DuckDB keeps the blocks it has written cached, up to 80% of RAM, so the process of a long
 * streaming run grows with its warehouse. With a limit it evicts written blocks (they are on disk) and keeps what it
 * needs: the remaining key indexes (~130 MB per million keys; ~0.3 GB for the sessions and users of 5M events).
 */
export const DEFAULT_WRITE_MEMORY_LIMIT = '1GB';

/**
 * 2 MiB: the largest legitimate cell is a dead-letter payload, and sources refuse messages over 1 MiB, so this leaves
 * room while a runaway value (a whole file in one cell) is refused with a clear error instead of bloating the file.
 */
export const DEFAULT_MAX_STRING_BYTES = 2 * 1024 * 1024;

export interface DuckDbWarehouse extends Warehouse {
  /** Absolute path of the database file, or ':memory:'. */
  readonly path: string;
}

/** Absolute paths of the files open in this process (see the module comment). */
const openFiles = new Set<string>();

/**
 * Opens (creating when needed) the warehouse at `path`: creates its folder and the tables that are missing, adds
 * NULLABLE columns a newer schema has (refusing a missing REQUIRED one), and sets the instance to UTC.
 */
export async function openDuckDbWarehouse(
  path: string | ':memory:',
  options: DuckDbWarehouseOptions = {},
): Promise<DuckDbWarehouse> {
  const inMemory = path === ':memory:';
  const file = inMemory ? path : resolve(path);
  const readOnly = options.readOnly === true;
  if (!inMemory) {
    if (openFiles.has(file)) {
      throw new WarehouseOpenError(
        `warehouse ${file} is already open in this process: share that warehouse object (two DuckDB instances on one ` +
          'file would corrupt it)',
      );
    }
    if (!readOnly) {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (e) {
        throw new WarehouseOpenError(`cannot create the folder of warehouse ${file}: ${shortMessage(e)}`, { cause: e });
      }
    }
  }
  let instance: DuckDBInstance;
  try {
    const config: Record<string, string> = readOnly ? { access_mode: 'READ_ONLY' } : {};
    const memoryLimit = options.memoryLimit ?? (readOnly ? undefined : DEFAULT_WRITE_MEMORY_LIMIT);
    if (memoryLimit !== undefined) config.memory_limit = memoryLimit;
    if (!readOnly) config.checkpoint_threshold = options.checkpointThreshold ?? DEFAULT_CHECKPOINT_THRESHOLD;
    instance = await DuckDBInstance.create(file, config);
  } catch (e) {
    throw openError(file, e);
  }
  if (!inMemory) openFiles.add(file);
  let connection: DuckDBConnection | undefined;
  let unindexed: ReadonlyMap<TableName, string> = new Map();
  try {
    connection = await instance.connect();
    for (const sql of DUCKDB_INSTANCE_SETUP) await connection.run(sql);
    if (!readOnly) {
      await createOrUpgradeTables(connection, file);
      for (const table of TABLE_LIST) await connection.run(createStageSql(table));
      unindexed = await unindexedTables(connection);
    }
  } catch (e) {
    connection?.closeSync();
    instance.closeSync();
    openFiles.delete(file);
    throw e instanceof WarehouseOpenError ? e : openError(file, e);
  }
  const limits: CellLimits = { maxStringBytes: options.maxStringBytes ?? DEFAULT_MAX_STRING_BYTES };
  return new DuckDbWarehouseImpl(file, instance, connection, readOnly, limits, unindexed);
}

function openError(file: string, error: unknown): WarehouseOpenError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock on file/i.test(message)) {
    const holder = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
    const who = holder ? ` (${holder[1]}, PID ${holder[2]})` : '';
    return new WarehouseOpenError(
      `warehouse ${file} is locked by another process${who}: DuckDB lets one process at a time open a database file ` +
        'for writing. Stop that process (a running `tidemark run`?) or query a copy of the file.',
      { cause: error },
    );
  }
  return new WarehouseOpenError(`cannot open warehouse ${file}: ${shortMessage(error)}`, { cause: error });
}

/** Creates missing tables (with their comments) and adds missing NULLABLE columns, in one transaction. */
async function createOrUpgradeTables(connection: DuckDBConnection, file: string): Promise<void> {
  const reader = await connection.runAndReadAll(
    "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'",
  );
  const existing = new Map<string, Set<string>>();
  for (const [table, column] of reader.getRows()) {
    const columns = existing.get(String(table)) ?? new Set<string>();
    columns.add(String(column));
    existing.set(String(table), columns);
  }
  const statements: string[] = [];
  for (const table of TABLE_LIST) {
    const columns = existing.get(table.name);
    if (columns === undefined) {
      statements.push(duckdbCreateTable(table), ...duckdbComments(table));
      continue;
    }
    let added: string[];
    try {
      added = duckdbAddMissingColumns(table, columns);
    } catch (e) {
      throw new WarehouseOpenError(
        `warehouse ${file} cannot be upgraded to this version's schema: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    if (added.length > 0) statements.push(...added, ...duckdbComments(table));
  }
  if (statements.length === 0) return;
  // One transaction: one commit (and fsync) instead of ~200 for a new file.
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const sql of statements) await connection.run(sql);
    await connection.run('COMMIT');
  } catch (e) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * The tables of `DUCKDB_UNINDEXED_TABLES` that have no primary key in this file, with their event-time column. A file
 * created before a table lost its index keeps the index, and its writes keep the indexed paths.
 */
async function unindexedTables(connection: DuckDBConnection): Promise<ReadonlyMap<TableName, string>> {
  const reader = await connection.runAndReadAll(
    "SELECT table_name FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main' " +
      "AND constraint_type = 'PRIMARY KEY'",
  );
  const indexed = new Set(reader.getRows().map(([table]) => String(table)));
  const out = new Map<TableName, string>();
  for (const table of TABLE_LIST) {
    const name = table.name as TableName;
    if (DUCKDB_UNINDEXED_TABLES.has(name) && !indexed.has(name)) out.set(name, table.partitionBy);
  }
  return out;
}

const columnList = (table: TableDef): string => Object.keys(table.columns).map(quoteIdent).join(', ');
const stageName = (table: TableDef): string => quoteIdent(`_tidemark_stage_${table.name}`);

/** The staging table of `table`: its columns and types, no constraints, in memory (temp), empty between writes. */
function createStageSql(table: TableDef): string {
  return `CREATE OR REPLACE TEMP TABLE ${stageName(table)} AS SELECT ${columnList(table)} FROM ${quoteIdent(table.name)} LIMIT 0`;
}

/** From the staging table into the table, by primary key; see the module comment for sessions. */
function upsertSql(table: TableDef): string {
  const target = quoteIdent(table.name);
  const columns = columnList(table);
  const version = versionColumn(table.name as TableName);
  if (version === undefined) return `INSERT OR REPLACE INTO ${target} (${columns}) SELECT ${columns} FROM ${stageName(table)}`;
  const updates = Object.keys(table.columns)
    .filter((name) => !table.key.includes(name))
    .map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`);
  return (
    `INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${stageName(table)} ` +
    `ON CONFLICT (${table.key.map(quoteIdent).join(', ')}) DO UPDATE SET ${updates.join(', ')} ` +
    `WHERE excluded.${quoteIdent(version)} >= ${target}.${quoteIdent(version)}`
  );
}

/**
 * Deletes the rows whose `columns` match those of a packed chunk (those columns, in that order, as parameters): the
 * key columns for keys to delete; key and event time for the first half of a replace on a table without a key index.
 */
function deleteMatchingSql(table: TableDef, columns: readonly string[]): string {
  const target = quoteIdent(table.name);
  const match = columns.map((name) => `${target}.${quoteIdent(name)} = d.${quoteIdent(name)}`).join(' AND ');
  return `DELETE FROM ${target} USING (${decodedSelectSql(table, columns)}) AS d WHERE ${match}`;
}

/** A table's share of a batch: normalized, keys to delete packed; rows are packed chunk by chunk while writing. */
interface PreparedTable {
  readonly write: TableWrite;
  readonly deleteChunks: readonly PackedChunk[];
}

/** A statement on a chunk of rows failed; carries the chunk so that DuckDB can be asked which cell was bad. */
class ChunkFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly table: TableWrite,
    readonly chunk: PackedChunk,
  ) {
    super(shortMessage(error));
  }
}

/**
 * How a table's rows go in: `insert`, a plain INSERT from the packed text (fails on an existing key), or `upsert`,
 * through the staging table. Measured on 100k events rows: the plain INSERT takes ~0.2 s; staging plus
 * `INSERT OR REPLACE` ~0.45 s; `INSERT OR REPLACE` straight from the packed text ~2 s (DuckDB's conflict handling
 * is slow on that input shape, hence the staging table).
 */
type LoadMode = 'insert' | 'upsert' | 'replace';

/**
 * Tables whose rows are rewritten on every update (one row per user, replaced each refresh): a plain insert would
 * almost always conflict, so they always upsert, like the versioned tables.
 */
const REWRITTEN_TABLES: ReadonlySet<TableName> = new Set<TableName>(['user_features']);

/** After a key conflict, how many writes of that table take the upsert path before trying plain inserts again. */
const UPSERT_WRITES_AFTER_CONFLICT = 100;
const KEY_CONFLICT = /violates primary key constraint/i;

/** A plain INSERT hit an existing key; the transaction was rolled back and is retried with upserts. */
class KeyConflict extends Error {
  constructor(readonly table: TableName) {
    super(`table ${table}: a key already exists`);
  }
}

class DuckDbWarehouseImpl implements DuckDbWarehouse {
  private readonly queue = new SerialQueue();
  private closing: Promise<void> | undefined;
  /** Tables recently seen with key conflicts, and how many more writes they upsert (see `modeFor`). */
  private readonly upsertWritesLeft = new Map<TableName, number>();
  /**
   * Prepared statements that read only their parameters, by SQL: planning a 36-column unpacking statement costs
   * ~5 ms, which dominated small writes. Statements that read a table are never cached (see loadRows).
   */
  private readonly statements = new Map<string, DuckDBPreparedStatement>();

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly readOnly: boolean,
    private readonly limits: CellLimits,
    /** Tables without a key index, and their event-time column (`DUCKDB_UNINDEXED_TABLES`). */
    private readonly unindexed: ReadonlyMap<TableName, string>,
  ) {}

  write(batch: WarehouseBatch): Promise<WriteResult> {
    let prepared: PreparedTable[];
    try {
      if (this.closing !== undefined) throw new WarehouseWriteError({}, `warehouse ${this.path} is closed`);
      if (this.readOnly) throw new WarehouseWriteError({}, `warehouse ${this.path} was opened read-only`);
      // Normalized now, while the caller's rows are as it passed them (and a bad key fails before queueing).
      prepared = normalizeBatch(batch).map((write) => ({
        write,
        deleteChunks: packKeys(
          write.table,
          write.deletes.map((key) => keyParts(write.table, key)),
          this.limits,
        ),
      }));
    } catch (e) {
      return Promise.reject(e);
    }
    return this.queue.run(() => this.apply(prepared));
  }

  private async apply(prepared: readonly PreparedTable[]): Promise<WriteResult> {
    const modes = new Map(prepared.map((p) => [p, this.modeFor(p.write.name)]));
    let result: WriteResult | undefined;
    // Each conflict moves one more table to the upsert path, so this ends after at most one retry per table.
    while (result === undefined) {
      try {
        result = await this.transaction(prepared, modes);
      } catch (e) {
        if (!(e instanceof KeyConflict)) throw e;
        // Some row already exists: this table takes the upsert path for a while, and the write starts over.
        this.upsertWritesLeft.set(e.table, UPSERT_WRITES_AFTER_CONFLICT);
        for (const p of prepared) if (p.write.name === e.table) modes.set(p, 'upsert');
      }
    }
    for (const p of prepared) {
      const left = this.upsertWritesLeft.get(p.write.name);
      if (left !== undefined) this.upsertWritesLeft.set(p.write.name, left - 1);
    }
    return result;
  }

  /**
   * Versioned and rewritten tables always upsert (for sessions the version check is the point). The others insert
   * first: a plain INSERT straight from the packed text is the fast path, and their keys are new in the normal run
   * (a replay after a restart is the exception). A key conflict sends the table to the upsert path for a while.
   */
  private modeFor(table: TableName): LoadMode {
    if (this.unindexed.has(table)) return 'replace';
    if (versionColumn(table) !== undefined || REWRITTEN_TABLES.has(table)) return 'upsert';
    return (this.upsertWritesLeft.get(table) ?? 0) > 0 ? 'upsert' : 'insert';
  }

  /** One attempt at the whole batch in one transaction. */
  private async transaction(
    prepared: readonly PreparedTable[],
    modes: ReadonlyMap<PreparedTable, LoadMode>,
  ): Promise<WriteResult> {
    const tables: Partial<Record<TableName, TableWriteResult>> = {};
    let upserted = 0;
    let deleted = 0;
    if (prepared.length === 0) return { upserted, deleted, tables };
    const conn = this.connection;
    await conn.run('BEGIN TRANSACTION');
    try {
      const deletedBy = new Map<PreparedTable, number>();
      for (const p of prepared) {
        let n = 0;
        // Not through runWithParams: the DELETE reads the table, whose statistics change between writes.
        for (const chunk of p.deleteChunks)
          n += (await conn.run(deleteMatchingSql(p.write.table, p.write.table.key), [...chunk.columns])).rowsChanged;
        deletedBy.set(p, n);
      }
      for (const p of prepared) {
        const result = { upserted: await this.loadRows(p.write, modes.get(p) ?? 'upsert'), deleted: deletedBy.get(p) ?? 0 };
        tables[p.write.name] = result;
        upserted += result.upserted;
        deleted += result.deleted;
      }
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => undefined);
      if (e instanceof ChunkFailure && modes.get(prepared.find((p) => p.write === e.table) ?? prepared[0]) === 'insert') {
        if (KEY_CONFLICT.test(shortMessage(e.error, 10_000))) throw new KeyConflict(e.table.name);
      }
      throw await this.explain(e);
    }
    return { upserted, deleted, tables };
  }

  /**
   * Writes a table's rows chunk by chunk, by plain INSERT or through the staging table (`LoadMode`). While DuckDB
   * works on one chunk (in its own thread), JS checks and packs the next, so the two costs overlap.
   */
  private async loadRows(write: TableWrite, mode: LoadMode): Promise<number> {
    const { table, rows, keys } = write;
    const decoded = decodedSelectSql(table, Object.keys(table.columns));
    const insert = `INSERT INTO ${quoteIdent(table.name)} (${columnList(table)}) ${decoded}`;
    // NOTE: the upsert is not prepared once and reused: prepared while the staging table was empty and run after
    // it was filled, it failed with "Invalid unicode (byte sequence mismatch) detected in segment statistics update"
    // (@duckdb/node-api 1.5.6; the cached plan presumably keeps the empty table's statistics). The insert and the
    // load read only their parameters, so they are safe to reuse.
    const load = `INSERT INTO ${stageName(table)} ${decoded}`;
    const upsert = upsertSql(table);
    const clear = `DELETE FROM ${stageName(table)}`;
    const timeColumn = this.unindexed.get(write.name);
    const replaceColumns = timeColumn === undefined ? [] : [...table.key, timeColumn];
    const replaceDelete = timeColumn === undefined ? '' : deleteMatchingSql(table, replaceColumns);
    const names = Object.keys(table.columns);
    const matchColumns = replaceColumns.map((name) => names.indexOf(name));
    const conn = this.connection;
    let written = 0;
    let inFlight: Promise<void> | undefined;
    try {
      for (let from = 0; from < rows.length; ) {
        const chunk = packRows(table, rows, keys, from, this.limits);
        from += chunk.rowCount;
        await inFlight;
        inFlight = (async () => {
          try {
            if (mode === 'insert') {
              written += (await this.runWithParams(insert, chunk.columns)).rowsChanged;
            } else if (mode === 'replace') {
              // Not through runWithParams: the DELETE reads the table, whose statistics change between writes.
              await conn.run(
                replaceDelete,
                matchColumns.map((i) => chunk.columns[i]),
              );
              written += (await this.runWithParams(insert, chunk.columns)).rowsChanged;
            } else {
              await this.runWithParams(load, chunk.columns);
              written += (await conn.run(upsert)).rowsChanged;
              await conn.run(clear);
            }
          } catch (e) {
            throw new ChunkFailure(e, write, chunk);
          }
        })();
      }
      await inFlight;
    } catch (e) {
      // A bad row found while a chunk is in flight: let that statement finish before the caller rolls back.
      await inFlight?.catch(() => undefined);
      throw e;
    }
    return written;
  }

  /** Runs a statement that reads only its (text) parameters, prepared once per connection. */
  private async runWithParams(sql: string, params: readonly string[]): Promise<DuckDBMaterializedResult> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = await this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    statement.bind([...params]);
    return statement.run();
  }

  /** Turns a failed write into an error naming the table and, for a cell DuckDB could not cast, the row and column. */
  private async explain(failure: unknown): Promise<Error> {
    if (!(failure instanceof ChunkFailure)) {
      return failure instanceof WarehouseWriteError
        ? failure
        : new WarehouseWriteError({}, `write failed: ${shortMessage(failure)}`, { cause: failure });
    }
    const { error, chunk } = failure;
    const { table, rows, keys } = failure.table;
    const names = Object.keys(table.columns);
    for (let c = 0; c < names.length; c++) {
      const sql = badCellSql(table.columns[names[c]]);
      if (sql === null) continue;
      const found = await this.connection
        .runAndReadAll(sql, [chunk.columns[c]] as DuckDBValue[])
        .then((r) => r.getRows())
        .catch(() => []);
      if (found.length === 0) continue;
      const row = chunk.firstRow + Number(found[0][0]) - 1;
      return new WarehouseWriteError(
        { table: table.name, key: keys[row], column: names[c] },
        `cannot store ${showValue(rows[row][names[c]])} as ${table.columns[names[c]].type}: ${shortMessage(error)}`,
        { cause: error },
      );
    }
    return new WarehouseWriteError({ table: table.name }, `writing ${rows.length} rows failed: ${shortMessage(error)}`, {
      cause: error,
    });
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    let values: DuckDBValue[];
    try {
      if (this.closing !== undefined) throw new WarehouseQueryError(`warehouse ${this.path} is closed`);
      values = params.map(duckDbParam);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.queue.run(async () => {
      let reader;
      try {
        // Without parameters, run unprepared: a prepared statement cannot hold several statements.
        reader = await this.connection.runAndReadAll(sql, values.length > 0 ? values : undefined);
      } catch (e) {
        throw new WarehouseQueryError(`query failed: ${shortMessage(e, 500)}`, { cause: e });
      }
      const names = reader.deduplicatedColumnNames();
      const types = reader.columnTypes();
      // fromEntries defines own properties, so a column named __proto__ is a column, not a prototype.
      return reader.getRows().map((row) => Object.fromEntries(names.map((name, i) => [name, plainValue(row[i], types[i])])));
    });
  }

  close(): Promise<void> {
    this.closing ??= this.queue.run(async () => {
      try {
        for (const statement of this.statements.values()) statement.destroySync();
        this.statements.clear();
        this.connection.closeSync();
        this.instance.closeSync();
      } finally {
        openFiles.delete(this.path);
      }
    });
    return this.closing;
  }
}
