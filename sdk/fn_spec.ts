import { isAbsolute, resolve } from 'node:path';
import { PipelineConstructionError } from './errors';
import { type PTransform } from './ptransform';
import { type WindowingStrategy } from './windowing_strategy';

/** A value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * How to build a transform again somewhere else (a Dataflow worker) without shipping its code: the module to
 * require, the factory it exports, and the factory's JSON options. `factory(options)` must return the same
 * transform; functions, clocks and connectors are rebuilt by the factory from the options.
 */
export interface FnSpec {
  /** A module path as a worker resolves it from its node_modules, e.g. "tidemark/pipelines/marketing_steps". */
  readonly module: string;
  readonly exportName: string;
  readonly options: JsonValue;
}

/** What a spec'd transform was applied to: a pipeline's beginning (a read) or one collection. */
export type InputShape =
  | { readonly kind: 'begin' }
  | { readonly kind: 'collection'; readonly windowing: WindowingStrategy; readonly keyed: boolean; readonly bounded: boolean };

/**
 * Where a primitive step came from: the innermost transform with a spec that it was expanded in, and the
 * step's name relative to that transform ("" when the transform is the step itself). A worker rebuilds the
 * transform from the spec on an input of the same shape and takes the step at `path`.
 */
export interface StepOrigin {
  readonly spec: FnSpec;
  readonly path: string;
  readonly input: InputShape;
}

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as Record<string, unknown>).every((v) => v !== undefined && isJson(v, depth + 1));
  }
  return false;
}

/**
 * Marks `transform` as rebuildable from `spec`: every primitive step it expands into records the spec (see
 * StepOrigin). The options are checked here, so a spec that would not survive JSON fails at construction. The
 * result is `transform` with a spec (its other members, getters included, are inherited unchanged).
 */
export function withSpec<T extends PTransform<never, unknown>>(spec: FnSpec, transform: T): T {
  if (
    !/^(@[\w.-]+\/)?\w[\w.-]*(\/[\w.-]+)+$/.test(spec.module) ||
    spec.module.split('/').includes('..') ||
    spec.exportName.length === 0
  ) {
    throw new PipelineConstructionError(
      `spec of '${transform.name}': '${spec.module}#${spec.exportName}' is not a module path and export`,
    );
  }
  if (!isJson(spec.options)) {
    throw new PipelineConstructionError(
      `spec of '${transform.name}': options must be plain JSON (no functions, undefined, NaN, Infinity, class instances)`,
    );
  }
  return Object.assign(Object.create(transform) as T, { spec });
}

/** The npm name workers know this project by: its modules are `tidemark/<path>` in their node_modules. */
export const PROJECT_PACKAGE = 'tidemark';
/** This checkout, or /app/node_modules/tidemark on a worker: one level above sdk/. */
export const PROJECT_ROOT = resolve(__dirname, '..');

/** What to `require` for a spec module: project modules resolve inside the project, others via node_modules. */
export function specModulePath(module: string): string {
  if (module === PROJECT_PACKAGE || module.startsWith(`${PROJECT_PACKAGE}/`)) {
    return resolve(PROJECT_ROOT, module.slice(PROJECT_PACKAGE.length + 1));
  }
  if (isAbsolute(module) || module.startsWith('.'))
    throw new Error(`spec module '${module}' must be a package path, not a file path`);
  return module;
}

/** The function a spec names (not called). Throws a message naming module and export when it is missing. */
export function loadSpecExport(spec: FnSpec): (options: never) => unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(specModulePath(spec.module)) as Record<string, unknown>)[spec.exportName];
  if (typeof exported !== 'function') {
    throw new Error(`spec '${spec.module}#${spec.exportName}': the module exports no function of that name`);
  }
  return exported as (options: never) => unknown;
}
