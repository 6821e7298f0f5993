/**
 * The warehouse the pipeline writes to and people query: DuckDB locally (duckdb_warehouse.ts), BigQuery in the
 * cloud. Writes are idempotent by each table's key (schemas/), so a replayed batch changes nothing.
 */
import { type TableName } from '../../schemas';

/** A row of a table as the schemas define it (timestamps as RFC 3339 strings, JSON as values). */
export type WarehouseRow = Readonly<Record<string, unknown>>;

export interface WarehouseBatch {
  /**
   * Rows to upsert, per table. Upsert means: replace the stored row with the same key (row_identity.ts), except
   * that a `sessions` row never replaces one with a higher pane_index. When a key repeats within the batch, the
   * later row wins under the same rule.
   */
  readonly rows: Partial<Readonly<Record<TableName, readonly WarehouseRow[]>>>;
  /**
   * Keys of rows to delete in the same write, per table (sessions merged away by late data), as `rowKey` renders
   * them. Deletes apply before upserts, so a key both deleted and upserted ends up upserted.
   */
  readonly deletes?: Partial<Readonly<Record<TableName, readonly string[]>>>;
}

export interface TableWriteResult {
  /** Rows inserted or replaced (a stale session pane that was ignored is not counted). */
  readonly upserted: number;
  /** Stored rows removed by the batch's deletes. */
  readonly deleted: number;
}

export interface WriteResult extends TableWriteResult {
  /** The same counts per table, for tables the batch touched. */
  readonly tables: Partial<Readonly<Record<TableName, TableWriteResult>>>;
}

export interface Warehouse {
  /**
   * Writes one batch atomically (all of it or none of it); resolves once it is durable. Writes are applied in the
   * order of the calls. A bad row rejects the whole batch with an error naming the table, row key and column.
   */
  write(batch: WarehouseBatch): Promise<WriteResult>;
  /**
   * Runs a query and returns its rows as plain objects: timestamps as RFC 3339 strings in UTC ('Z'), integers as
   * numbers (as decimal strings beyond 2^53), JSON columns parsed.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Waits for pending writes, then closes. Idempotent. */
  close(): Promise<void>;
}
