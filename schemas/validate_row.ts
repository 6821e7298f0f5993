/**
 * Row validation against a table's row schema: for sinks that want to refuse a malformed row before the warehouse
 * does (with a clearer message), and for tests of the transforms that build rows.
 */
import type { Static } from '@sinclair/typebox';
import { compileChecker, type CheckResult, type Checker } from './checker';
import type { Columns, RowSchemaOf, TableDef } from './table';

const checkers = new WeakMap<TableDef, Checker<unknown>>();

/** Checks `row` against `table`'s row schema (every column present, nothing else, null only where NULLABLE). */
export function validateRow<C extends Columns>(table: TableDef<C>, row: unknown): CheckResult<Static<RowSchemaOf<C>>> {
  let checker = checkers.get(table);
  if (checker === undefined) {
    checker = compileChecker(table.row);
    checkers.set(table, checker);
  }
  return checker(row) as CheckResult<Static<RowSchemaOf<C>>>;
}
