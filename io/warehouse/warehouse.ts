/**
 * The warehouse the pipeline writes to and people query: DuckDB locally (duckdb_warehouse.ts), BigQuery in the
 * cloud. Writes are idempotent by each table's key (schemas/), so a replayed batch changes nothing.
 */
import { type TableName } from '../../schemas';

/** A row of a table as the schemas define it (timestamps as RFC 3339 strings, JSON as values). */
export type WarehouseRow = Readonly<Record<string, unknown>>;

export interface WarehouseBatch {
  /** Rows to upsert, per table. */
  readonly rows: Partial<Readonly<Record<TableName, readonly WarehouseRow[]>>>;
  /**
   * Keys of rows to delete in the same write, per table (sessions merged away by late data). Deletes apply
   * before upserts.
   */
  readonly deletes?: Partial<Readonly<Record<TableName, readonly string[]>>>;
}

export interface WriteResult {
  readonly upserted: number;
  readonly deleted: number;
}

export interface Warehouse {
  /** Writes one batch atomically; resolves once it is durable. */
  write(batch: WarehouseBatch): Promise<WriteResult>;
  /** Runs a query and returns its rows as plain objects (timestamps as RFC 3339 strings). */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
