/**
 * Which stored row a written row is, and which of two versions of it wins.
 *
 * A row's identity is its table's key (schemas/tables/*.ts). `rowKey` renders it as one string, the form that
 * `deleteKeys` use too:
 * - a single key column: its value (`events` → the event_id; `sessions` → the session_id);
 * - several key columns: a JSON array of the values (`campaign_metrics` →
 *   `["2024-05-01T12:00:00.000Z","spring_sale","0"]`).
 * Each value is in canonical text: a TIMESTAMP as `formatInstant` renders it (UTC, so `+02:00` and `Z` spellings of
 * one instant are one key, as they are to DuckDB's primary key), an INT64 as decimal digits, a BOOL as true/false.
 *
 * Versioned tables: a row of `sessions` is rewritten by every pane of its session window, and a redelivered old pane
 * must not overwrite a newer one. So there a row replaces the stored row only when its version column (`pane_index`)
 * is greater than or equal to the stored one (equal: a replay of the same pane, harmless). Other tables are
 * last-writer-wins.
 */
import { TABLES, type ColumnType, type TableDef, type TableName } from '../../schemas';
import { WarehouseWriteError, showValue } from './errors';
import { canonicalTimestamp } from './timestamps';
import { type WarehouseRow } from './warehouse';

/**
 * NOTE: kept here rather than in schemas/ because it is a write policy of the sinks, not a column property; the
 * column's description (`the highest one wins`) states the same rule for readers of the table.
 */
const VERSION_COLUMNS: Readonly<Partial<Record<TableName, string>>> = { sessions: 'pane_index' };

/** The version column of a table whose rows only move forward, or undefined for last-writer-wins tables. */
export function versionColumn(table: TableName): string | undefined {
  return VERSION_COLUMNS[table];
}

export function isTableName(name: unknown): name is TableName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(TABLES, name);
}

/** The definition of a table by name; a clear error for an unknown one. */
export function tableDef(name: unknown): TableDef {
  if (!isTableName(name)) {
    throw new WarehouseWriteError({ table: String(name) }, `unknown table; the tables are ${Object.keys(TABLES).join(', ')}`);
  }
  return TABLES[name];
}

/** Canonical text of one key value, or an error naming the problem. */
function keyPart(type: ColumnType, value: unknown): string | { readonly problem: string } {
  switch (type) {
    case 'STRING':
    case 'DATE':
      return typeof value === 'string' ? value : { problem: `must be a string, got ${showValue(value)}` };
    case 'INT64':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'bigint') return String(value);
      return { problem: `must be an integer, got ${showValue(value)}` };
    case 'BOOL':
      return typeof value === 'boolean' ? String(value) : { problem: `must be a boolean, got ${showValue(value)}` };
    case 'TIMESTAMP': {
      const canonical = typeof value === 'string' ? canonicalTimestamp(value) : null;
      return canonical ?? { problem: `must be an RFC 3339 timestamp, got ${showValue(value)}` };
    }
    default:
      // Key columns are restricted to comparable types by defineTable.
      return { problem: `has type ${type}, which cannot be part of a key` };
  }
}

/** The key of `row` in `table` (see the module comment); throws a WarehouseWriteError when a key column is bad. */
export function rowKey(table: TableDef, row: WarehouseRow): string {
  if (table.key.length === 1) {
    const column = table.key[0];
    const part = keyPart(table.columns[column].type, row[column]);
    if (typeof part !== 'string') throw new WarehouseWriteError({ table: table.name, column }, `key ${part.problem}`);
    return part;
  }
  const parts = table.key.map((column) => {
    const part = keyPart(table.columns[column].type, row[column]);
    if (typeof part !== 'string') throw new WarehouseWriteError({ table: table.name, column }, `key ${part.problem}`);
    return part;
  });
  return JSON.stringify(parts);
}

/** The key column values a key string stands for, as canonical text (the inverse of `rowKey`). */
export function keyParts(table: TableDef, key: unknown): readonly string[] {
  if (typeof key !== 'string') {
    throw new WarehouseWriteError({ table: table.name }, `a key to delete must be a string, got ${showValue(key)}`);
  }
  if (table.key.length === 1) return [key];
  let parts: unknown;
  try {
    parts = JSON.parse(key);
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== table.key.length || !parts.every((p) => typeof p === 'string')) {
    throw new WarehouseWriteError(
      { table: table.name, key },
      `a key of this table is a JSON array of ${table.key.length} strings (${table.key.join(', ')}), as rowKey renders it`,
    );
  }
  return parts as string[];
}

/** Whether `next` may replace `current` (same key): always, except when a versioned table's version went back. */
export function mayReplace(table: TableName, next: WarehouseRow, current: WarehouseRow): boolean {
  const column = VERSION_COLUMNS[table];
  if (column === undefined) return true;
  // Non-numbers are refused later by the column checks; here they must only not win by accident.
  const nextVersion = next[column];
  const currentVersion = current[column];
  return !(typeof nextVersion === 'number' && typeof currentVersion === 'number' && nextVersion < currentVersion);
}
