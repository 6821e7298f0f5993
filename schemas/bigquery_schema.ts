/**
 * BigQuery table schemas and table settings, derived from the table definitions. `generate.ts` writes them to
 * `schemas/bigquery/` for Terraform:
 *
 *   schema = file("${path.module}/../schemas/bigquery/${each.key}.json")
 *   settings = jsondecode(file(".../schemas/bigquery/tables.json"))[each.key]
 *     time_partitioning { type = settings.time_partitioning.type, field = settings.time_partitioning.field }
 *     clustering = settings.clustering
 *     table_constraints { primary_key { columns = settings.primary_key } }
 *
 * NOTE: field types use the names the BigQuery API returns (INTEGER, FLOAT, BOOLEAN), not their GoogleSQL aliases
 * (INT64, FLOAT64, BOOL). The API accepts both but reads back the former, and comparing a config written with
 * aliases against what the API returns shows a permanent diff in Terraform (terraform-provider-google #8774).
 */
import type { ColumnMode, ColumnType } from './column';
import type { TableDef } from './table';

export const BIGQUERY_TYPES = {
  STRING: 'STRING',
  INT64: 'INTEGER',
  FLOAT64: 'FLOAT',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  JSON: 'JSON',
} as const satisfies Readonly<Record<ColumnType, string>>;
export type BigQueryType = (typeof BIGQUERY_TYPES)[ColumnType];

/** One entry of a table's `schema.fields`, as the BigQuery API and `google_bigquery_table.schema` take it. */
export interface BigQueryField {
  name: string;
  type: BigQueryType;
  mode: ColumnMode;
  description: string;
}

/** Per-table settings that are not part of the field list. Key names follow google_bigquery_table's arguments. */
export interface BigQueryTableSettings {
  description: string;
  schema_version: number;
  /** File name of the field list, next to tables.json. */
  schema_file: string;
  time_partitioning: { type: 'DAY'; field: string };
  clustering: string[];
  /** BigQuery primary keys are NOT ENFORCED; sinks upsert on these columns. */
  primary_key: string[];
}

export function bigQueryFields(table: TableDef): BigQueryField[] {
  return Object.entries(table.columns).map(([name, column]) => ({
    name,
    type: BIGQUERY_TYPES[column.type],
    mode: column.mode,
    description: column.description,
  }));
}

export function bigQueryTableSettings(table: TableDef): BigQueryTableSettings {
  return {
    description: table.description,
    schema_version: table.version,
    schema_file: `${table.name}.json`,
    time_partitioning: { type: 'DAY', field: table.partitionBy },
    clustering: [...table.clustering],
    primary_key: [...table.key],
  };
}
