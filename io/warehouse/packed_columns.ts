/**
 * Moves a batch of rows into DuckDB as one text value per column, and checks every cell on the way.
 *
 * Why packed text: the DuckDB Node API crosses into native code once per string cell (appender, data chunks and
 * bound lists alike). For 100k events rows (36 columns) that crossing alone took ~0.6 s, and the whole write ran at
 * ~30k rows/s with the appender and ~60k rows/s with data chunks. Joining a column's cells into one string in JS
 * and splitting it in SQL (`unnest(string_split($n, chr(30)))`, zipped across columns) crosses once per column
 * instead, and DuckDB's casts from text are fast C++: ~150k rows/s for the same write
 * (test/io/warehouse/write_throughput.ts).
 *
 * The encoding of one cell:
 * - SQL NULL is a lone U+001F;
 * - STRING text has U+001F escaped as U+001F '1' and the separator U+001E as U+001F '2' (so no cell contains the
 *   separator, and no escaped text equals the NULL cell); the SQL side undoes it only when the cell contains U+001F;
 * - every other type is text that cannot contain either character: digits, RFC 3339, `true`/`false`, and JSON from
 *   `JSON.stringify` (which escapes all control characters).
 *
 * Every cell is checked against its column in JS before anything reaches DuckDB, so a bad row is refused with its
 * table, key and column named (and DuckDB's casts, which round 12.5 into a BIGINT or turn '1e400' into Infinity,
 * never see it). What only DuckDB knows (a February 30th) fails the statement, and the writer then asks DuckDB which
 * cell it was (`badCellSql`).
 */
import { DUCKDB_TYPES, quoteIdent, type Column, type TableDef } from '../../schemas';
import { WarehouseWriteError, showValue } from './errors';
import { RFC3339, forDuckDb } from './timestamps';
import { type WarehouseRow } from './warehouse';

export const SEPARATOR = '\u001e';
const ESCAPE = '\u001f';
const NULL_CELL = ESCAPE;
/** A cell needs escaping, or contains a surrogate that may be unpaired (rare: checked precisely only then). */
// eslint-disable-next-line no-control-regex -- the control characters are the point: they are the packing's delimiters
const NEEDS_CARE = /[\u001e\u001f\ud800-\udfff]/;
/** An unpaired UTF-16 surrogate: not encodable as UTF-8 (the native layer would store U+FFFD instead). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export interface CellLimits {
  /** Longest STRING or JSON cell, in UTF-8 bytes. */
  readonly maxStringBytes: number;
}

/** The cell text of a value, or why the value does not fit its column. */
type Encoded = string | { readonly problem: string };

function escapeText(text: string): string {
  return text.replaceAll(ESCAPE, `${ESCAPE}1`).replaceAll(SEPARATOR, `${ESCAPE}2`);
}

function tooLong(text: string, limits: CellLimits): string | null {
  // Cheap bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= limits.maxStringBytes) return null;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limits.maxStringBytes ? `is ${bytes} bytes, more than the limit of ${limits.maxStringBytes}` : null;
}

/** The cell text of a non-null value, or the problem with it. */
function encodeValue(column: Column, value: unknown, limits: CellLimits): Encoded {
  switch (column.type) {
    case 'STRING': {
      if (typeof value !== 'string') return { problem: `must be a string, got ${showValue(value)}` };
      const long = tooLong(value, limits);
      if (long !== null) return { problem: long };
      if (!NEEDS_CARE.test(value)) return value;
      if (LONE_SURROGATE.test(value)) {
        return { problem: `contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode: ${showValue(value)}` };
      }
      return escapeText(value);
    }
    case 'INT64':
      if (typeof value === 'number') {
        return Number.isSafeInteger(value) ? String(value) : { problem: `must be an integer, got ${showValue(value)}` };
      }
      if (typeof value === 'bigint') {
        return value >= INT64_MIN && value <= INT64_MAX ? String(value) : { problem: `is out of the INT64 range: ${value}` };
      }
      return { problem: `must be an integer, got ${showValue(value)}` };
    case 'FLOAT64':
      return typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : { problem: `must be a finite number, got ${showValue(value)}` };
    case 'BOOL':
      return typeof value === 'boolean' ? String(value) : { problem: `must be a boolean, got ${showValue(value)}` };
    case 'TIMESTAMP':
      return typeof value === 'string' && RFC3339.test(value)
        ? forDuckDb(value)
        : { problem: `must be an RFC 3339 timestamp with an offset (e.g. 2024-05-01T12:00:00Z), got ${showValue(value)}` };
    case 'DATE':
      return typeof value === 'string' && DATE.test(value)
        ? value
        : { problem: `must be a date YYYY-MM-DD, got ${showValue(value)}` };
    case 'JSON': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        return { problem: `cannot be serialized as JSON (${e instanceof Error ? e.message : String(e)})` };
      }
      if (text === undefined) return { problem: `cannot be serialized as JSON: ${showValue(value)}` };
      return tooLong(text, limits) === null ? text : { problem: `is ${Buffer.byteLength(text)} bytes as JSON, over the limit` };
    }
  }
}

/**
 * Rows per statement: small enough that packing the next chunk in JS overlaps DuckDB loading this one. Measured on
 * 100k events rows (2 vCPUs): 8,192 → ~100–130k rows/s, 16,384 → ~160k, 32,768 → ~110–145k, one chunk → ~80k.
 */
export const CHUNK_ROWS = 16_384;
/**
 * Most characters of packed text per statement, summed over the columns: V8 strings end at ~2^29 characters, and
 * a few tens of MB per statement keep DuckDB's memory for the split lists modest. Only rows with huge cells get
 * near it; their chunks are split further.
 */
const MAX_CHUNK_CHARS = 32 * 1024 * 1024;

/** The rows of one statement, packed: one text per column, in the table's column order. */
export interface PackedChunk {
  /** Index of the chunk's first row in the rows given to `packRows`. */
  readonly firstRow: number;
  readonly rowCount: number;
  readonly columns: readonly string[];
}

/**
 * Checks and packs up to CHUNK_ROWS rows of `rows`, starting at `from`, for `table` (column order of the
 * definition). `keys[i]` is the key of `rows[i]`, used in error messages. Throws a WarehouseWriteError for the first
 * bad cell; a NULLABLE column missing from a row is NULL, a REQUIRED one is an error, and a property that is not a
 * column is an error (a misspelt column would otherwise be lost silently).
 */
export function packRows(
  table: TableDef,
  rows: readonly WarehouseRow[],
  keys: readonly string[],
  from: number,
  limits: CellLimits,
  maxRows = CHUNK_ROWS,
): PackedChunk {
  const to = Math.min(rows.length, from + maxRows);
  const names = Object.keys(table.columns);
  const cells: string[][] = [];
  // Per row: how many columns had a value (undefined is absent), to find rows with extra properties.
  const present = new Uint16Array(to - from);
  let chars = 0;
  for (const name of names) {
    const column = table.columns[name];
    const out = new Array<string>(to - from);
    for (let i = from; i < to; i++) {
      const value = rows[i][name];
      if (value === null || value === undefined) {
        if (column.mode === 'REQUIRED') {
          const problem = value === null ? 'is REQUIRED but null' : 'is REQUIRED but missing';
          throw new WarehouseWriteError({ table: table.name, key: keys[i], column: name }, problem);
        }
        out[i - from] = NULL_CELL;
        if (value === null) present[i - from]++;
        continue;
      }
      present[i - from]++;
      const encoded = encodeValue(column, value, limits);
      if (typeof encoded !== 'string') {
        throw new WarehouseWriteError({ table: table.name, key: keys[i], column: name }, encoded.problem);
      }
      out[i - from] = encoded;
      chars += encoded.length + 1;
    }
    // Huge cells: pack fewer rows per statement rather than build a string V8 cannot hold.
    if (chars > MAX_CHUNK_CHARS && to - from > 1) return packRows(table, rows, keys, from, limits, Math.ceil((to - from) / 2));
    cells.push(out);
  }
  for (let i = from; i < to; i++) {
    if (Object.keys(rows[i]).length > present[i - from]) checkNoExtraProperties(table, rows[i], keys[i]);
  }
  return { firstRow: from, rowCount: to - from, columns: cells.map((column) => column.join(SEPARATOR)) };
}

function checkNoExtraProperties(table: TableDef, row: WarehouseRow, key: string): void {
  for (const [name, value] of Object.entries(row)) {
    if (value !== undefined && !Object.prototype.hasOwnProperty.call(table.columns, name)) {
      throw new WarehouseWriteError({ table: table.name, key }, `has a property ${showValue(name)} that is not a column`);
    }
  }
}

/** Packs keys to delete (canonical key column texts from `keyParts`), CHUNK_ROWS keys per chunk. */
export function packKeys(table: TableDef, keys: readonly (readonly string[])[], limits: CellLimits): PackedChunk[] {
  const chunks: PackedChunk[] = [];
  for (let from = 0; from < keys.length; from += CHUNK_ROWS) {
    const part = keys.slice(from, from + CHUNK_ROWS);
    const columns = table.key.map((name, k) => {
      const column = table.columns[name];
      const cells = part.map((parts) => {
        const value = keyValue(column, parts[k]);
        const encoded = value === undefined ? { problem: 'is not a valid key value' } : encodeValue(column, value, limits);
        if (typeof encoded !== 'string') {
          throw new WarehouseWriteError(
            { table: table.name, key: parts.join(', '), column: name },
            `key to delete ${encoded.problem}`,
          );
        }
        return encoded;
      });
      return cells.join(SEPARATOR);
    });
    chunks.push({ firstRow: from, rowCount: part.length, columns });
  }
  return chunks;
}

/** The JS value a canonical key text stands for, or undefined when it cannot be one. */
function keyValue(column: Column, text: string): unknown {
  switch (column.type) {
    case 'INT64':
      return /^-?\d{1,19}$/.test(text) ? BigInt(text) : undefined;
    case 'BOOL':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    default:
      return text;
  }
}

/** `SELECT unnest(string_split($1, chr(30))) AS c0, …`: the packed columns as rows, cells still text. */
export function unpackSql(columnCount: number): string {
  const columns = Array.from({ length: columnCount }, (_, i) => `unnest(string_split($${i + 1}, chr(30))) AS c${i}`);
  return `SELECT ${columns.join(', ')}`;
}

/** The SQL expression turning cell text `cell` back into the column's value. */
export function decodeSql(column: Column, cell: string): string {
  if (column.type === 'STRING') {
    return (
      `CASE WHEN ${cell} = chr(31) THEN NULL ` +
      `WHEN contains(${cell}, chr(31)) THEN replace(replace(${cell}, chr(31) || '2', chr(30)), chr(31) || '1', chr(31)) ` +
      `ELSE ${cell} END`
    );
  }
  return `CAST(NULLIF(${cell}, chr(31)) AS ${DUCKDB_TYPES[column.type]})`;
}

/** `SELECT <decoded c0> AS "col0", …` over the unpacked cells of `columns` (names in packing order). */
export function decodedSelectSql(table: TableDef, columns: readonly string[]): string {
  const decoded = columns.map((name, i) => `${decodeSql(table.columns[name], `c${i}`)} AS ${quoteIdent(name)}`);
  return `SELECT ${decoded.join(', ')} FROM (${unpackSql(columns.length)})`;
}

/**
 * SQL finding the first cell of one packed column that DuckDB cannot cast to the column's type: its 1-based
 * position, or no row. Used only after a statement failed, to name the row.
 */
export function badCellSql(column: Column): string | null {
  if (column.type === 'STRING') return null;
  return (
    `SELECT i FROM (SELECT unnest(string_split($1, chr(30))) AS c, generate_subscripts(string_split($1, chr(30)), 1) AS i) ` +
    `WHERE c <> chr(31) AND TRY_CAST(c AS ${DUCKDB_TYPES[column.type]}) IS NULL ORDER BY i LIMIT 1`
  );
}
