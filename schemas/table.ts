/**
 * A table definition: the one place a table is described. Everything else — the row type, the row JSON Schema, the
 * BigQuery schema files and the DuckDB DDL — is derived from it.
 *
 * `defineTable` checks the definition when the module loads, so a bad key, partition or clustering column fails
 * every test and every start-up at once instead of at the first write.
 */
import { Type, type Static, type TNull, type TObject, type TSchema, type TUnion } from '@sinclair/typebox';
import type { Column, ColumnType } from './column';
import { identifierProblem } from './identifiers';

export type Columns = Readonly<Record<string, Column>>;
export type ColumnName<C extends Columns> = keyof C & string;

type CellSchema<C extends Column> = C['mode'] extends 'NULLABLE' ? TUnion<[C['value'], TNull]> : C['value'];
export type RowSchemaOf<C extends Columns> = TObject<{ -readonly [K in keyof C]: CellSchema<C[K]> }>;

export interface TableSpec<C extends Columns> {
  /** Same name in DuckDB and BigQuery. */
  readonly name: string;
  readonly description: string;
  /**
   * Version of this table's schema, bumped with every change (only additive changes are allowed; see README.md).
   * Recorded in `bigquery/tables.json` so deployments can tell which shape a table has.
   */
  readonly version: number;
  /** Column order here is the column order in both warehouses. */
  readonly columns: C;
  /** Primary / idempotency key: a sink upserts on these columns, so a replay never duplicates a row. */
  readonly key: readonly ColumnName<C>[];
  /** BigQuery partitions by DAY on this TIMESTAMP or DATE column (the table's event-time column). */
  readonly partitionBy: ColumnName<C>;
  /** BigQuery clustering, most selective filter first; at most 4 columns. */
  readonly clustering: readonly ColumnName<C>[];
}

export interface TableDef<C extends Columns = Columns> extends TableSpec<C> {
  /** JSON Schema (TypeBox) of one row; `Static<typeof row>` is the row type. */
  readonly row: RowSchemaOf<C>;
}

/** The TS type of one row of a table. */
export type RowOf<T extends { readonly columns: Columns }> = Static<RowSchemaOf<T['columns']>>;

/** BigQuery: partitioning needs a date-like column. */
const PARTITION_TYPES: ReadonlySet<ColumnType> = new Set(['TIMESTAMP', 'DATE']);
/** BigQuery: FLOAT64 and JSON cannot be clustering columns. */
const CLUSTERING_TYPES: ReadonlySet<ColumnType> = new Set(['STRING', 'INT64', 'BOOL', 'TIMESTAMP', 'DATE']);
/** Key columns: exact, comparable types only. */
const KEY_TYPES: ReadonlySet<ColumnType> = new Set(['STRING', 'INT64', 'BOOL', 'TIMESTAMP', 'DATE']);
const MAX_CLUSTERING = 4;
/** BigQuery's limit on a column description. */
const MAX_DESCRIPTION = 1024;

/** What `tableProblems` looks at; every `TableSpec` has this shape (with names widened to strings). */
export interface TableShape {
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly columns: Columns;
  readonly key: readonly string[];
  readonly partitionBy: string;
  readonly clustering: readonly string[];
}

/** Every problem with a table spec (empty when it is valid). */
export function tableProblems(spec: TableShape): string[] {
  const problems: string[] = [];
  const nameProblem = identifierProblem(spec.name);
  if (nameProblem !== null) problems.push(`table name: ${nameProblem}`);
  if (!Number.isInteger(spec.version) || spec.version < 1) problems.push('version must be an integer >= 1');
  if (spec.description.trim() === '') problems.push('table description is empty');

  const names = Object.keys(spec.columns);
  if (names.length === 0) problems.push('no columns');
  for (const name of names) {
    const column = spec.columns[name];
    const problem = identifierProblem(name);
    if (problem !== null) problems.push(`column name: ${problem}`);
    if (column.description.trim() === '') problems.push(`column ${name}: empty description`);
    if (column.description.length > MAX_DESCRIPTION)
      problems.push(`column ${name}: description longer than ${MAX_DESCRIPTION} characters`);
  }

  const columnOf = (role: string, name: string): Column | undefined => {
    const column = Object.prototype.hasOwnProperty.call(spec.columns, name) ? spec.columns[name] : undefined;
    if (column === undefined) problems.push(`${role} column ${name} is not a column of the table`);
    return column;
  };

  if (spec.key.length === 0) problems.push('key is empty');
  if (new Set(spec.key).size !== spec.key.length) problems.push('key repeats a column');
  for (const name of spec.key) {
    const column = columnOf('key', name);
    if (column === undefined) continue;
    if (column.mode !== 'REQUIRED') problems.push(`key column ${name} must be REQUIRED`);
    if (!KEY_TYPES.has(column.type)) problems.push(`key column ${name} has type ${column.type}`);
  }

  const partition = columnOf('partition', spec.partitionBy);
  if (partition !== undefined && !PARTITION_TYPES.has(partition.type))
    problems.push(`partition column ${spec.partitionBy} has type ${partition.type}, not TIMESTAMP or DATE`);

  if (spec.clustering.length > MAX_CLUSTERING) problems.push(`more than ${MAX_CLUSTERING} clustering columns`);
  if (new Set(spec.clustering).size !== spec.clustering.length) problems.push('clustering repeats a column');
  for (const name of spec.clustering) {
    const column = columnOf('clustering', name);
    if (column !== undefined && !CLUSTERING_TYPES.has(column.type))
      problems.push(`clustering column ${name} has type ${column.type}, which BigQuery cannot cluster on`);
  }
  return problems;
}

/** The JSON Schema of a row: every column present, `null` allowed for NULLABLE ones, nothing else. */
function rowSchema<C extends Columns>(name: string, columns: C): RowSchemaOf<C> {
  const properties: Record<string, TSchema> = {};
  for (const [columnName, column] of Object.entries(columns)) {
    properties[columnName] = column.mode === 'NULLABLE' ? Type.Union([column.value, Type.Null()]) : column.value;
  }
  // The mapped type cannot be built key by key; the loop above is exactly RowSchemaOf<C>.
  return Type.Object(properties, { additionalProperties: false, title: `${name} row` }) as unknown as RowSchemaOf<C>;
}

/** Checks `spec` (throws listing every problem) and returns it with its row schema. */
export function defineTable<const C extends Columns>(spec: TableSpec<C>): TableDef<C> {
  const problems = tableProblems(spec);
  if (problems.length > 0) throw new Error(`table ${spec.name}: ${problems.join('; ')}`);
  return Object.freeze({ ...spec, row: rowSchema(spec.name, spec.columns) });
}

/** Column names in definition order, typed. */
export function columnNames<C extends Columns>(table: TableDef<C>): ColumnName<C>[] {
  return Object.keys(table.columns) as ColumnName<C>[];
}
