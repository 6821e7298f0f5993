import { PipelineConstructionError } from './errors';
import { type FnSpec, type InputShape, type StepOrigin } from './fn_spec';
import {
  type FlattenStep,
  type GroupStep,
  type ParDoStep,
  type PrimitiveStep,
  type ReadStep,
  type WindowIntoStep,
  type WithTimestampsStep,
} from './graph';
import { PCollection } from './pcollection';
import { type PBegin, type PTransform } from './ptransform';
import { type WindowingStrategy } from './windowing_strategy';

type Without<S> = S extends unknown ? Omit<S, 'id' | 'name' | 'inputs' | 'outputs' | 'origin'> : never;
/** What a transform author says to add a primitive step. */
export type StepSpec = Without<PrimitiveStep>;

export interface OutputSpec {
  readonly windowing: WindowingStrategy;
  readonly keyed: boolean;
  /** Defaults to "all inputs bounded". */
  readonly bounded?: boolean;
}

/**
 * The graph of a job: primitive steps in an order where every step comes after its inputs. A
 * pipeline is built once, then handed to a runner (the direct runner here, Dataflow through the
 * translator).
 */
export class Pipeline {
  readonly begin: PBegin = { kind: 'begin', pipeline: this };
  private readonly stepList: PrimitiveStep[] = [];
  private readonly scope: string[] = [];
  private readonly usedNames = new Set<string>();
  /** Transforms with a spec being expanded, innermost last, with their full names and input shapes. */
  private readonly specScope: { spec: FnSpec; fullName: string; input: InputShape | undefined }[] = [];
  private nextCollectionId = 0;

  get steps(): readonly PrimitiveStep[] {
    return this.stepList;
  }

  /** Applies a root transform (a read). */
  apply<O>(transform: PTransform<PBegin, O>): O {
    return this.applyTransform(transform, this.begin);
  }

  applyTransform<I, O>(transform: PTransform<I, O>, input: I): O {
    const full = this.uniqueName(transform.name, transform.explicitName === true);
    this.scope.push(full.slice(full.lastIndexOf('/') + 1));
    if (transform.spec) this.specScope.push({ spec: transform.spec, fullName: full, input: inputShape(input) });
    try {
      return transform.expand(input);
    } finally {
      this.scope.pop();
      if (transform.spec) this.specScope.pop();
    }
  }

  /**
   * Adds a primitive step under the current composite scope and returns its outputs by tag. Used by
   * transform factories; pipelines use `apply`.
   */
  addStep(
    spec: StepSpec,
    inputs: readonly PCollection<unknown>[],
    outputs: Readonly<Record<string, OutputSpec>>,
  ): Readonly<Record<string, PCollection<unknown>>> {
    for (const input of inputs) {
      if (input.pipeline !== this) {
        throw new PipelineConstructionError(`collection '${input.name}' belongs to another pipeline`);
      }
    }
    // The step takes the name of the innermost transform being expanded.
    const name = this.scope.join('/') || `${spec.kind}`;
    if (this.stepList.some((s) => s.name === name)) {
      throw new PipelineConstructionError(
        `transform '${name}' expands to more than one primitive step: wrap each in its own named transform`,
      );
    }
    const allBounded = inputs.every((i) => i.bounded);
    const outs: Record<string, PCollection<unknown>> = {};
    for (const [tag, o] of Object.entries(outputs)) {
      outs[tag] = new PCollection<unknown>(
        this,
        this.nextCollectionId++,
        tag === 'main' ? name : `${name}.${tag}`,
        o.windowing,
        o.bounded ?? allBounded,
        o.keyed,
      );
    }
    const step = { ...spec, id: this.stepList.length, name, inputs, outputs: outs, ...this.originOf(name) } as PrimitiveStep;
    this.stepList.push(step);
    return outs;
  }

  /** The step that produces a collection. */
  producerOf(pc: PCollection<unknown>): PrimitiveStep {
    for (const s of this.stepList) {
      for (const o of Object.values(s.outputs)) if (o === pc) return s;
    }
    throw new Error(`no step produces '${pc.name}'`);
  }

  private originOf(stepName: string): { origin: StepOrigin } | Record<string, never> {
    const spec = this.specScope[this.specScope.length - 1];
    // A spec'd transform applied to several collections (a flatten) cannot be rebuilt on one input: no origin.
    if (!spec?.input) return {};
    const path = stepName === spec.fullName ? '' : stepName.slice(spec.fullName.length + 1);
    return { origin: { spec: spec.spec, path, input: spec.input } };
  }

  private uniqueName(name: string, explicit: boolean): string {
    if (name.length === 0 || name.includes('/')) {
      throw new PipelineConstructionError(`transform name '${name}' must be non-empty and contain no '/'`);
    }
    const prefix = this.scope.length ? `${this.scope.join('/')}/` : '';
    let full = prefix + name;
    if (this.usedNames.has(full)) {
      if (explicit) {
        throw new PipelineConstructionError(
          `step name '${full}' is already used: give the transform a distinct name (stable names let Dataflow update a running job)`,
        );
      }
      let n = 2;
      while (this.usedNames.has(`${full}${n}`)) n++;
      full = `${full}${n}`;
    }
    this.usedNames.add(full);
    return full;
  }
}

function inputShape(input: unknown): InputShape | undefined {
  if (input instanceof PCollection) {
    return { kind: 'collection', windowing: input.windowing, keyed: input.keyed, bounded: input.bounded };
  }
  if (typeof input === 'object' && input !== null && (input as { kind?: unknown }).kind === 'begin') return { kind: 'begin' };
  return undefined;
}

export type { FlattenStep, GroupStep, ParDoStep, ReadStep, WindowIntoStep, WithTimestampsStep };
