/**
 * Errors of the warehouse. A write error says which table, which row (by its key) and which column, because a
 * pipeline that stops on a bad row is only debuggable when the message points at the row; and it never embeds a
 * huge value, because a 1 MB cell in an error message makes logs unreadable.
 */

/** Longest rendering of a value inside an error message. */
const MAX_SHOWN_CHARS = 80;

/** A value as an error message shows it: JSON-like, and cut short with its full length when long. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  if (text.length <= MAX_SHOWN_CHARS) return text;
  const length = typeof value === 'string' ? `${value.length} characters` : `${text.length} characters as JSON`;
  return `${text.slice(0, MAX_SHOWN_CHARS)}… (${length})`;
}

/** Cuts a message from DuckDB (which may quote a whole offending value) to a readable length. */
export function shortMessage(error: unknown, maxChars = 300): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstParagraph = text.split('\n\n')[0];
  return firstParagraph.length <= maxChars ? firstParagraph : `${firstParagraph.slice(0, maxChars)}…`;
}

export interface RowLocation {
  /** Absent when the whole write is refused (a closed warehouse). */
  readonly table?: string;
  /** The row's key as `rowKey` renders it, when it could be read. */
  readonly key?: string;
  readonly column?: string;
}

/** A row or batch the warehouse refused. Nothing of the batch was written. */
export class WarehouseWriteError extends Error {
  override readonly name = 'WarehouseWriteError';
  readonly table: string | undefined;
  readonly key: string | undefined;
  readonly column: string | undefined;

  constructor(location: RowLocation, problem: string, options?: { cause?: unknown }) {
    const where = describeLocation(location);
    super(where === '' ? problem : `${where}: ${problem}`, options);
    this.table = location.table;
    this.key = location.key;
    this.column = location.column;
  }
}

/** Opening the warehouse failed (locked file, incompatible table, unreadable file). */
export class WarehouseOpenError extends Error {
  override readonly name = 'WarehouseOpenError';
}

/** A query failed; the message is DuckDB's, shortened. */
export class WarehouseQueryError extends Error {
  override readonly name = 'WarehouseQueryError';
}

function describeLocation({ table, key, column }: RowLocation): string {
  const parts: string[] = [];
  if (table !== undefined) parts.push(`table ${table}`);
  if (key !== undefined) parts.push(`row ${showValue(key)}`);
  if (column !== undefined) parts.push(`column ${column}`);
  return parts.join(', ');
}
