/**
 * The BigQuery dataset and tables from schemas/: created when missing (if asked), and brought forward when the
 * definitions gained columns.
 *
 * Table settings (the same as schemas/bigquery/tables.json, which Terraform reads):
 * - time partitioning by DAY on the table's event-time column (`partitionBy`), with an optional partition
 *   expiration (`partitionExpirationDays`): partitions older than that are dropped by BigQuery, the tiered-storage
 *   knob (long-term storage pricing applies by itself to partitions untouched for 90 days);
 * - clustering on the table's clustering columns;
 * - a primary key (NOT ENFORCED) on the table's key, which BigQuery CDC upserts need;
 * - `max_staleness` (upsert mode): how stale a query may read a CDC table; BigQuery applies upserts in the
 *   background within that bound.
 *
 * Schema evolution rule: the only change applied to an existing table is adding NULLABLE columns, done with a
 * PATCH of the schema (no copy, no downtime; existing rows read NULL). Anything else — a column removed, renamed
 * (seen as removed + added), retyped, its mode changed, or a REQUIRED column added — is refused with a message
 * naming the column and the change, and nothing is altered: such a change needs a new table and a backfill.
 */
import { type BigQuery } from '@google-cloud/bigquery';
import { TABLE_LIST, bigQueryFields, type BigQueryField, type TableDef } from '../../schemas';
import { type BigQueryConnection } from './clients';

export interface TableOptions {
  /** Create the dataset and missing tables (default false: a missing one is an error naming it). */
  readonly createTables?: boolean;
  /** Drop partitions older than this many days (unset: keep them). */
  readonly partitionExpirationDays?: number;
  /** Require a partition filter in queries (guards against full scans). Default false. */
  readonly requirePartitionFilter?: boolean;
  /** `max_staleness` for CDC tables, as BigQuery's INTERVAL text (e.g. '0-0 0 0:5:0' for 5 minutes). */
  readonly maxStaleness?: string;
}

/** A field as it stands in an existing table. */
export interface ExistingField {
  readonly name: string;
  readonly type?: string;
  readonly mode?: string;
}

export interface SchemaPlan {
  /** NULLABLE columns to add (applied by a PATCH). */
  readonly add: readonly BigQueryField[];
  /** Changes that are refused, one sentence each, naming the column. */
  readonly refused: readonly string[];
}

export class SchemaEvolutionError extends Error {
  override readonly name = 'SchemaEvolutionError';
}

export class MissingTableError extends Error {
  override readonly name = 'MissingTableError';
}

/** Type names as the API returns them, so INT64 and INTEGER (and the like) compare equal. */
const CANONICAL_TYPES: Readonly<Record<string, string>> = { INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN' };
const canonicalType = (t: string | undefined): string => CANONICAL_TYPES[t ?? ''] ?? t ?? 'STRING';

/** Compares an existing table's fields with the definition's (see the module comment for the rule). */
export function planSchemaEvolution(
  table: string,
  existing: readonly ExistingField[],
  wanted: readonly BigQueryField[],
): SchemaPlan {
  const refused: string[] = [];
  const add: BigQueryField[] = [];
  const byName = new Map(wanted.map((f) => [f.name, f]));
  const existingNames = new Set(existing.map((f) => f.name));
  for (const field of existing) {
    const next = byName.get(field.name);
    if (next === undefined) {
      refused.push(
        `${table}.${field.name}: removing (or renaming) a column is not supported; the table has it and schemas/ does not`,
      );
      continue;
    }
    if (canonicalType(field.type) !== canonicalType(next.type)) {
      refused.push(
        `${table}.${field.name}: changing the type from ${canonicalType(field.type)} to ${next.type} is not supported`,
      );
    }
    const mode = field.mode ?? 'NULLABLE';
    if (mode !== next.mode)
      refused.push(`${table}.${field.name}: changing the mode from ${mode} to ${next.mode} is not supported`);
  }
  for (const field of wanted) {
    if (existingNames.has(field.name)) continue;
    if (field.mode !== 'NULLABLE')
      refused.push(`${table}.${field.name}: adding a ${field.mode} column is not supported; only NULLABLE columns can be added`);
    else add.push(field);
  }
  return { add, refused };
}

/** The REST body of a new table. */
export function tableResource(table: TableDef, options: TableOptions): Record<string, unknown> {
  return {
    description: table.description,
    schema: { fields: bigQueryFields(table) },
    timePartitioning: {
      type: 'DAY',
      field: table.partitionBy,
      ...(options.partitionExpirationDays !== undefined && {
        expirationMs: String(Math.round(options.partitionExpirationDays * 86_400_000)),
      }),
    },
    ...(options.requirePartitionFilter === true && { requirePartitionFilter: true }),
    clustering: { fields: [...table.clustering] },
    tableConstraints: { primaryKey: { columns: [...table.key] } },
    ...(options.maxStaleness !== undefined && { maxStaleness: options.maxStaleness }),
  };
}

const isNotFound = (e: unknown): boolean => (e as { code?: unknown }).code === 404;

export interface EnsureResult {
  readonly created: readonly string[];
  /** Columns added, as table.column. */
  readonly added: readonly string[];
}

/**
 * Makes the dataset and every table of schemas/ match the definitions (see the module comment). Every table is
 * checked before any is altered, so a refused change leaves all of them as they were.
 */
export async function ensureTables(
  bigquery: BigQuery,
  connection: BigQueryConnection,
  options: TableOptions = {},
  tables: readonly TableDef[] = TABLE_LIST,
): Promise<EnsureResult> {
  const dataset = bigquery.dataset(connection.datasetId, {
    projectId: connection.projectId,
    ...(connection.location !== undefined && { location: connection.location }),
  });
  try {
    await dataset.get();
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (options.createTables !== true) {
      throw new MissingTableError(
        `dataset ${connection.projectId}.${connection.datasetId} does not exist (create it, or pass --create-tables)`,
      );
    }
    await dataset.create({ ...(connection.location !== undefined && { location: connection.location }) });
  }
  const missing: TableDef[] = [];
  const patches: { table: TableDef; fields: ExistingField[]; add: readonly BigQueryField[] }[] = [];
  const refused: string[] = [];
  for (const table of tables) {
    let fields: ExistingField[];
    try {
      const [metadata] = await dataset.table(table.name).getMetadata();
      fields = ((metadata as { schema?: { fields?: ExistingField[] } }).schema?.fields ?? []).map((f) => ({ ...f }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      missing.push(table);
      continue;
    }
    const plan = planSchemaEvolution(table.name, fields, bigQueryFields(table));
    refused.push(...plan.refused);
    if (plan.add.length > 0) patches.push({ table, fields, add: plan.add });
  }
  if (refused.length > 0) throw new SchemaEvolutionError(`schema change refused: ${refused.join('; ')}`);
  if (missing.length > 0 && options.createTables !== true) {
    throw new MissingTableError(
      `missing table(s) in ${connection.projectId}.${connection.datasetId}: ${missing.map((t) => t.name).join(', ')} (create them, or pass --create-tables)`,
    );
  }
  for (const table of missing) await dataset.createTable(table.name, tableResource(table, options));
  for (const { table, fields, add } of patches) {
    await dataset.table(table.name).setMetadata({ schema: { fields: [...fields, ...add] } });
  }
  return {
    created: missing.map((t) => t.name),
    added: patches.flatMap(({ table, add }) => add.map((f) => `${table.name}.${f.name}`)),
  };
}
