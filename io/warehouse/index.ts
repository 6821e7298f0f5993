/**
 * io/warehouse: the warehouse interface, the local DuckDB warehouse, the pipeline sink and the query output format.
 */
export * from './warehouse';
export {
  openDuckDbWarehouse,
  DEFAULT_MAX_STRING_BYTES,
  type DuckDbWarehouse,
  type DuckDbWarehouseOptions,
} from './duckdb_warehouse';
export {
  writeToWarehouse,
  WriteToWarehouseFn,
  type WarehouseRecord,
  type WarehouseWriteCounters,
  type WriteToWarehouse,
  type WriteToWarehouseOptions,
} from './write_to_warehouse';
export { formatRows, OUTPUT_FORMATS, type FormatOptions, type OutputFormat } from './format';
export { rowKey } from './row_identity';
export { WarehouseOpenError, WarehouseQueryError, WarehouseWriteError } from './errors';
