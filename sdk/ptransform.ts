import { type FnSpec } from './fn_spec';
import { type PCollection } from './pcollection';
import { type Pipeline } from './pipeline';

/** The input of a root transform such as a read. */
export interface PBegin {
  readonly kind: 'begin';
  readonly pipeline: Pipeline;
}

/**
 * A named step that turns an input into an output. Transforms are made by factory functions
 * (`map(fn)`, `groupByKey()`, `sessionize(options)`) and composites expand into other transforms;
 * the name becomes part of every nested step's full name, which must stay stable for job updates.
 */
export interface PTransform<In, Out> {
  readonly name: string;
  /**
   * True when a person chose the name. A generated name that collides gets a numeric suffix; an
   * explicit one that collides is an error, because silently renaming it would break job updates.
   */
  readonly explicitName?: boolean;
  /** How a worker builds this transform again (see withSpec); the steps it expands into record it. */
  readonly spec?: FnSpec;
  expand(input: In): Out;
}

/** Gives a transform an explicit, stable name. */
export function withName<In, Out>(name: string, transform: PTransform<In, Out>): PTransform<In, Out> {
  return { name, explicitName: true, expand: (input) => transform.expand(input) };
}

/** A composite transform from a function; its steps are named `<name>/<step>`. */
export function composite<In, Out>(name: string, expand: (input: In) => Out): PTransform<In, Out> {
  return { name, explicitName: true, expand };
}

export type PInput = PBegin | PCollection<unknown> | readonly PCollection<unknown>[];
