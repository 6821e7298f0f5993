import { type PTransform } from './ptransform';
import { type Pipeline } from './pipeline';
import { type WindowingStrategy } from './windowing_strategy';

/**
 * An immutable, possibly unbounded collection of timestamped, windowed elements of type T, produced
 * by one step of a pipeline. It is a handle for building the graph: it holds no data.
 */
export class PCollection<T> {
  /** Phantom field that carries T for type inference; never set. */
  declare readonly __elementType?: T;

  constructor(
    readonly pipeline: Pipeline,
    /** Unique within the pipeline. */
    readonly id: number,
    /** "<step name>" for a main output, "<step name>.<tag>" for a tagged one. */
    readonly name: string,
    readonly windowing: WindowingStrategy,
    /** False when any input upstream is unbounded. */
    readonly bounded: boolean,
    /**
     * True when the elements are KV pairs, so the collection can be grouped by key. Beam checks the
     * same at construction through the coder; here the transforms that make KVs set it.
     */
    readonly keyed: boolean,
  ) {}

  apply<O>(transform: PTransform<PCollection<T>, O>): O {
    return this.pipeline.applyTransform(transform, this);
  }
}
