/**
 * io/bigquery: the BigQuery warehouse (Storage Write API sink + REST queries), table creation and evolution from
 * schemas/, and the query helpers of `tidemark query --target bigquery`. See docs/bigquery.md.
 */
export {
  openBigQueryWarehouse,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_MAX_REQUEST_ROWS,
  SINK_STEP,
  WRITE_MODES,
  type BigQueryWarehouse,
  type BigQueryWarehouseOptions,
  type SinkStats,
  type WriteMode,
} from './bigquery_warehouse';
export { bigQueryClient, writerClient, withEnvironmentEndpoints, tablePath, type BigQueryConnection } from './clients';
export {
  ensureTables,
  planSchemaEvolution,
  tableResource,
  SchemaEvolutionError,
  MissingTableError,
  type TableOptions,
} from './tables';
export {
  dryRun,
  formatBytes,
  parseParam,
  queryRows,
  PARAM_TYPES,
  QueryParamError,
  type QueryParam,
  type ParamType,
} from './query';
export { rowEncoder, rowDescriptor, type RowEncoder } from './row_encoding';
export { appendRequest, AppendError, type RetryPolicy } from './append';
