/**
 * Compiled JSON Schema checks with readable errors, shared by the event validator and the row validators.
 *
 * NOTE: two ajv instances. Valid input is the common case and is checked by a validator that stops at the first
 * error (allErrors off is several times faster on a large schema); only input that fails is checked again with
 * allErrors on, to report everything wrong with it at once. Both compile lazily, once per schema: importing
 * schemas/ costs nothing for code that never validates.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { toIssues, type ValidationIssue } from './issues';

export type CheckResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };
export type Checker<T> = (input: unknown) => CheckResult<T>;

function createAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors,
    // Every keyword must be known and every type explicit: a typo in a schema fails at compile time.
    strict: true,
    // Except strictRequired: it wants each `required` name defined in the same subschema, which the anyOf / then
    // relations (they name properties the parent defines) cannot be.
    strictRequired: false,
    // Validation never rewrites the input: what was checked is what gets written.
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
  });
  // Only the formats the schemas use, in ajv-formats' "full" mode (calendar-aware dates).
  addFormats(ajv, ['date-time', 'date']);
  return ajv;
}

let fastAjv: Ajv2020 | undefined;
let fullAjv: Ajv2020 | undefined;

/** A checker for `schema`; the first call compiles it. */
export function compileChecker<S extends TSchema>(schema: S): Checker<Static<S>> {
  let fast: ValidateFunction | undefined;
  let full: ValidateFunction | undefined;
  return (input: unknown): CheckResult<Static<S>> => {
    fast ??= (fastAjv ??= createAjv(false)).compile(schema);
    if (fast(input)) return { ok: true, value: input as Static<S> };
    full ??= (fullAjv ??= createAjv(true)).compile(schema);
    if (full(input)) return { ok: true, value: input as Static<S> }; // unreachable: same schema, same verdict
    return { ok: false, errors: toIssues(full.errors ?? [], input, schema) };
  };
}
