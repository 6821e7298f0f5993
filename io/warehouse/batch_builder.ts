/**
 * Collects upserts and deletes into one batch with the meaning they had in arrival order.
 *
 * A warehouse applies a batch's deletes before its upserts, and a table's primary key allows one row per key per
 * statement. So within a batch, per table and key:
 * - an upsert after an earlier upsert of the same key keeps the later one, except in a versioned table
 *   (`sessions`), where a lower pane_index never replaces a higher one (a stale replay inside one bundle);
 * - a delete drops any earlier upsert of that key and is kept, so that it also removes the stored row;
 * - an upsert after a delete of its key is kept: the delete runs first, then the upsert writes the row.
 * The result is what applying the records one by one would leave, in one write.
 */
import { type TableDef, type TableName } from '../../schemas';
import { WarehouseWriteError, showValue } from './errors';
import { keyParts, mayReplace, rowKey, tableDef } from './row_identity';
import { canonicalTimestamp } from './timestamps';
import { type WarehouseBatch, type WarehouseRow } from './warehouse';

/** One table's share of a normalized batch. */
export interface TableWrite {
  readonly table: TableDef;
  readonly name: TableName;
  /** Keys to delete, canonical and distinct. */
  readonly deletes: readonly string[];
  /** Rows to upsert, one per key, with `keys[i]` the key of `rows[i]`. */
  readonly rows: readonly WarehouseRow[];
  readonly keys: readonly string[];
}

interface PendingTable {
  readonly table: TableDef;
  readonly upserts: Map<string, WarehouseRow>;
  readonly deletes: Set<string>;
}

export class BatchBuilder {
  private readonly tables = new Map<TableName, PendingTable>();
  private pending = 0;

  /** Upserts and deletes held (after merging repeated keys). */
  get size(): number {
    return this.pending;
  }

  /** Adds one record: its deletes first, then its row (a merged session may keep the id of one it replaces). */
  add(table: TableName, row: WarehouseRow | null, deleteKeys: readonly string[] = []): void {
    const pending = this.tableFor(table);
    for (const key of deleteKeys) this.addDelete(pending, key);
    if (row !== null) this.addRow(pending, row);
  }

  /** Adds a whole batch, keeping its meaning: all its deletes, then all its rows. */
  addBatch(batch: WarehouseBatch): void {
    for (const [table, keys] of Object.entries(batch.deletes ?? {})) {
      const pending = this.tableFor(table);
      for (const key of keys ?? []) this.addDelete(pending, key);
    }
    for (const [table, rows] of Object.entries(batch.rows)) {
      const pending = this.tableFor(table);
      if (!Array.isArray(rows)) throw new WarehouseWriteError({ table }, `rows must be an array, got ${showValue(rows)}`);
      for (const row of rows as readonly WarehouseRow[]) this.addRow(pending, row);
    }
  }

  /** The normalized batch, table by table (tables with nothing to do left out); the builder is empty afterwards. */
  take(): TableWrite[] {
    const writes: TableWrite[] = [];
    for (const [name, { table, upserts, deletes }] of this.tables) {
      if (upserts.size === 0 && deletes.size === 0) continue;
      writes.push({ table, name, deletes: [...deletes], rows: [...upserts.values()], keys: [...upserts.keys()] });
    }
    this.tables.clear();
    this.pending = 0;
    return writes;
  }

  /** `take`, as a batch for `Warehouse.write`. */
  takeBatch(): WarehouseBatch {
    const rows: Partial<Record<TableName, readonly WarehouseRow[]>> = {};
    const deletes: Partial<Record<TableName, readonly string[]>> = {};
    for (const w of this.take()) {
      if (w.rows.length > 0) rows[w.name] = w.rows;
      if (w.deletes.length > 0) deletes[w.name] = w.deletes;
    }
    return { rows, deletes };
  }

  private tableFor(name: unknown): PendingTable {
    let pending = this.tables.get(name as TableName);
    if (pending === undefined) {
      const table = tableDef(name);
      pending = { table, upserts: new Map(), deletes: new Set() };
      this.tables.set(table.name as TableName, pending);
    }
    return pending;
  }

  private addRow(pending: PendingTable, row: WarehouseRow): void {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new WarehouseWriteError({ table: pending.table.name }, `a row must be an object, got ${showValue(row)}`);
    }
    const key = rowKey(pending.table, row);
    const current = pending.upserts.get(key);
    if (current === undefined) {
      pending.upserts.set(key, row);
      this.pending++;
    } else if (mayReplace(pending.table.name as TableName, row, current)) {
      pending.upserts.set(key, row);
    }
  }

  private addDelete(pending: PendingTable, key: string): void {
    const canonical = canonicalKey(pending.table, key);
    if (pending.upserts.delete(canonical)) this.pending--;
    if (!pending.deletes.has(canonical)) {
      pending.deletes.add(canonical);
      this.pending++;
    }
  }
}

/** A delete key in the canonical form `rowKey` produces, so that it matches the upserts of the same row. */
function canonicalKey(table: TableDef, key: string): string {
  const parts = keyParts(table, key);
  if (table.key.length === 1 && table.columns[table.key[0]].type === 'STRING') return parts[0];
  const canonical = parts.map((part, i) => {
    const column = table.key[i];
    const type = table.columns[column].type;
    if (type === 'INT64' && /^-?\d{1,19}$/.test(part)) return String(BigInt(part));
    if (type !== 'TIMESTAMP') return part;
    const instant = canonicalTimestamp(part);
    if (instant === null)
      throw new WarehouseWriteError({ table: table.name, key, column }, 'key to delete is not an RFC 3339 timestamp');
    return instant;
  });
  return table.key.length === 1 ? canonical[0] : JSON.stringify(canonical);
}

/** Normalizes a batch (see the module comment). */
export function normalizeBatch(batch: WarehouseBatch): TableWrite[] {
  const builder = new BatchBuilder();
  builder.addBatch(batch);
  return builder.take();
}
