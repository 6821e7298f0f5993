import { type Clock } from './clock';
import { type FnSpec } from './fn_spec';
import { type Instant } from './time';

/**
 * A source of elements with event timestamps and a watermark: bounded (ends, then reports a
 * watermark of +Infinity) or unbounded. Runners open it once and pull batches from the reader.
 */
export interface Source<T> {
  /** Human-readable description, for messages. */
  readonly description: string;
  readonly bounded: boolean;
  /**
   * How to make this source again elsewhere (a Dataflow worker, or a read Dataflow runs natively): the named
   * factory returns an equivalent source from the JSON options. Sources without it cannot leave this process.
   */
  readonly spec?: FnSpec;
  open(context: SourceContext): SourceReader<T> | Promise<SourceReader<T>>;
}

export interface SourceContext {
  readonly clock: Clock;
  /**
   * Set when a run resumes from a checkpoint: what `checkpoint()` returned when it was taken. The reader starts
   * right after the elements it had produced by then.
   */
  readonly resumeFrom?: SourcePosition;
}

/** A reader's position, as a structured-cloneable value (numbers, strings, plain objects, arrays). */
export type SourcePosition = unknown;

/** A batch of elements: values[i] has event timestamp timestamps[i] (parallel arrays, no wrapper per element). */
export interface ReadBatch<T> {
  readonly values: readonly T[];
  readonly timestamps: readonly Instant[];
}

export interface SourceReader<T> {
  /**
   * Up to `maxElements` elements available now. May wait up to `waitMs` for the first one; returns
   * an empty batch when nothing came (an idle source).
   */
  read(maxElements: number, waitMs: number): ReadBatch<T> | Promise<ReadBatch<T>>;
  /** No element older than this will be produced; +Infinity once the source is exhausted. */
  watermark(): Instant;
  /**
   * Called after everything read so far is durable downstream (emitted to sinks or held in
   * checkpointed state): the moment a source may acknowledge its messages.
   */
  commit?(): void | Promise<void>;
  /**
   * The position after every element returned so far, for a checkpoint. A reader that cannot resume (it has no
   * position) leaves this out: a resumed run then relies on redelivery of what was never committed, as Pub/Sub does.
   */
  checkpoint?(): SourcePosition;
  close(): void | Promise<void>;
}

export const EMPTY_BATCH: ReadBatch<never> = Object.freeze({ values: [], timestamps: [] });
