/**
 * Output of `tidemark query`: rows as an aligned table for people, a JSON array or CSV for programs.
 *
 * - table: a header, a rule, one line per row, then `(N rows)`. Numeric columns are right-aligned; NULL is shown
 *   as NULL; control characters are shown escaped (`\n`), so one row stays one line; a cell wider than
 *   `maxCellWidth` terminal columns is cut with an ellipsis. Widths count East Asian wide characters and most emoji
 *   as two columns and combining marks as none, so CJK text stays aligned.
 * - json: exactly one JSON array of row objects (one row per line), so `JSON.parse(stdout)` works. Integers beyond
 *   2^53 become strings (JSON numbers would lose digits), Dates ISO strings, NaN and ±Infinity null.
 * - csv: RFC 4180: a header record, CRLF between records, a field quoted when it contains a comma, a double quote,
 *   CR or LF (quotes doubled). NULL is an empty field and the empty string is `""`, so the two stay apart.
 *   Nested values (JSON columns, lists) are written as JSON text.
 * The result has no trailing line break; the caller prints it as a line.
 */
export type OutputFormat = 'table' | 'json' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

export interface FormatOptions {
  /** Column order (and columns to show when there are no rows); by default the keys of the rows, first seen first. */
  readonly columns?: readonly string[];
  /** Widest table cell, in terminal columns (default 40); wider ones end in an ellipsis. */
  readonly maxCellWidth?: number;
}

type Row = Readonly<Record<string, unknown>>;

const DEFAULT_MAX_CELL_WIDTH = 40;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function formatRows(rows: readonly Row[], format: OutputFormat, options: FormatOptions = {}): string {
  const columns = options.columns ?? columnsOf(rows);
  switch (format) {
    case 'table':
      return formatTable(rows, columns, options.maxCellWidth ?? DEFAULT_MAX_CELL_WIDTH);
    case 'json':
      return formatJson(rows);
    case 'csv':
      return formatCsv(rows, columns);
  }
}

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) seen.add(name);
  return [...seen];
}

/** JSON.stringify replacer: what JSON cannot hold exactly, as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return hex(value);
  return value;
}

function hex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** A non-null value as text (table and CSV). */
function text(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (value instanceof Uint8Array) return hex(value);
      return JSON.stringify(value, jsonSafe);
    default:
      return String(value);
  }
}

const isNull = (value: unknown): boolean => value === null || value === undefined;

// ---------------------------------------------------------------------------------------------------------- json

function formatJson(rows: readonly Row[]): string {
  if (rows.length === 0) return '[]';
  // undefined would drop a key, and a row must keep every column: null instead.
  const lines = rows.map((row) => JSON.stringify(row, (k, v: unknown) => (v === undefined ? null : jsonSafe(k, v))));
  return `[\n${lines.join(',\n')}\n]`;
}

// ----------------------------------------------------------------------------------------------------------- csv

function csvField(value: unknown): string {
  if (isNull(value)) return '';
  const t = text(value);
  return t === '' || /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

function formatCsv(rows: readonly Row[], columns: readonly string[]): string {
  const records = [columns.map(csvField).join(',')];
  for (const row of rows) records.push(columns.map((name) => csvField(row[name])).join(','));
  return records.join('\r\n');
}

// --------------------------------------------------------------------------------------------------------- table

/** Terminal columns of one code point: 0 for combining marks and zero-width characters, 2 for wide ones. */
function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += charWidth(ch.codePointAt(0) ?? 0);
  return width;
}

/** Cuts `s` to at most `max` columns, the last one an ellipsis, never splitting a character. */
function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let width = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the purpose
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of text: control characters (which would break or garble the line) shown escaped. */
function oneLine(s: string): string {
  return s.replace(CONTROL, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

function formatTable(rows: readonly Row[], columns: readonly string[], maxCellWidth: number): string {
  const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
  if (columns.length === 0) return count;
  const header = columns.map(oneLine);
  const cells = rows.map((row) =>
    columns.map((name) => (isNull(row[name]) ? 'NULL' : truncate(oneLine(text(row[name])), maxCellWidth))),
  );
  const numeric = columns.map((name) =>
    rows.every((row) => isNull(row[name]) || typeof row[name] === 'number' || typeof row[name] === 'bigint'),
  );
  // A loop, not Math.max(...cells): a spread of 100k rows exceeds the argument limit.
  const widths = header.map(displayWidth);
  for (const values of cells) values.forEach((v, c) => (widths[c] = Math.max(widths[c], displayWidth(v))));
  const last = columns.length - 1;
  // The last column is not padded on the right: no trailing blanks on any line.
  const line = (values: readonly string[], alignRight: readonly boolean[]): string =>
    values.map((v, c) => (c === last && !alignRight[c] ? v : pad(v, widths[c], alignRight[c]))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [
    line(
      header,
      header.map(() => false),
    ),
    rule,
    ...cells.map((values) => line(values, numeric)),
    count,
  ].join('\n');
}
