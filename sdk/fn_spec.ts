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
 * StepOrigin). The options are checked here, so a spec that would not survive JSON fails at construction.
 */
export function withSpec<In, Out>(spec: FnSpec, transform: PTransform<In, Out>): PTransform<In, Out> {
  if (!/^[\w@.-]+(\/[\w.-]+)+$/.test(spec.module) || spec.exportName.length === 0) {
    throw new PipelineConstructionError(
      `spec of '${transform.name}': '${spec.module}#${spec.exportName}' is not a module path and export`,
    );
  }
  if (!isJson(spec.options)) {
    throw new PipelineConstructionError(
      `spec of '${transform.name}': options must be plain JSON (no functions, undefined, NaN, Infinity, class instances)`,
    );
  }
  return { ...transform, spec, expand: (input: In) => transform.expand(input) };
}
