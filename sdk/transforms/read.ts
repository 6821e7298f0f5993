import { PipelineConstructionError } from '../errors';
import { type PCollection } from '../pcollection';
import { type PBegin, type PTransform } from '../ptransform';
import { type ReadBatch, type Source, type SourceReader } from '../source';
import { MIN_TIMESTAMP, type Instant, WATERMARK_DONE, WATERMARK_START } from '../time';
import { DEFAULT_WINDOWING } from '../windowing_strategy';

/** Reads a source into the global window. */
export function read<T>(source: Source<T>, name?: string): PTransform<PBegin, PCollection<T>> {
  return readNamed(source, name ?? 'Read', name !== undefined);
}

function readNamed<T>(source: Source<T>, name: string, explicitName: boolean): PTransform<PBegin, PCollection<T>> {
  return {
    name,
    explicitName,
    expand: (begin) =>
      begin.pipeline.addStep({ kind: 'read', source: source as Source<unknown> }, [], {
        main: { windowing: DEFAULT_WINDOWING, keyed: false, bounded: source.bounded },
      }).main as PCollection<T>,
  };
}

export interface CreateOptions {
  /** Event timestamps, one per value; without them every element gets MIN_TIMESTAMP, as in Beam. */
  readonly timestamps?: readonly Instant[];
}

/**
 * A bounded source over values in memory. Its watermark stays at the start until every value has
 * been read, then jumps to +Infinity: nothing in it is ever late.
 */
export class InMemorySource<T> implements Source<T> {
  readonly bounded = true;
  readonly description: string;

  constructor(
    private readonly values: readonly T[],
    private readonly timestamps?: readonly Instant[],
  ) {
    if (timestamps && timestamps.length !== values.length) {
      throw new PipelineConstructionError(`create: ${values.length} values but ${timestamps.length} timestamps`);
    }
    this.description = `${values.length} in-memory values`;
  }

  open(): SourceReader<T> {
    let position = 0;
    const { values, timestamps } = this;
    return {
      read(max: number): ReadBatch<T> {
        const end = Math.min(values.length, position + max);
        const batch = {
          values: values.slice(position, end),
          timestamps: timestamps ? timestamps.slice(position, end) : new Array<Instant>(end - position).fill(MIN_TIMESTAMP),
        };
        position = end;
        return batch;
      },
      watermark: () => (position >= values.length ? WATERMARK_DONE : WATERMARK_START),
      close() {},
    };
  }
}

/** Beam's Create: a bounded collection from values in memory. */
export function create<T>(values: readonly T[], options: CreateOptions = {}, name?: string): PTransform<PBegin, PCollection<T>> {
  return readNamed(new InMemorySource(values, options.timestamps), name ?? 'Create', name !== undefined);
}
