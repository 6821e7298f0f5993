/**
 * schemas/: the one source of truth for the marketing event and the warehouse tables.
 *
 * From the definitions in event.ts and tables/ come: the TS types (`MarketingEvent`, `EventRow`, ...), the runtime
 * validators (`validateEvent`, `parseEvent`, `validateRow`), the BigQuery schema files (generate.ts) and the DuckDB
 * DDL (`duckdbDdl`). See README.md for the rules of changing them.
 */
export * from './enums';
export * from './event';
export * from './patterns';
export * from './campaign';
export * from './column';
export * from './table';
export * from './tables';
export * from './issues';
export { compileChecker, type CheckResult, type Checker } from './checker';
export * from './validate_event';
export * from './validate_row';
export * from './bigquery_schema';
export * from './duckdb_ddl';
export { identifierProblem, BIGQUERY_RESERVED_WORDS } from './identifiers';
