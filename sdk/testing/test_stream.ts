import { ManualClock } from '../clock';
import { PipelineConstructionError } from '../errors';
import { type PCollection } from '../pcollection';
import { type PBegin, type PTransform } from '../ptransform';
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceContext, type SourceReader } from '../source';
import { type Duration, type Instant, WATERMARK_DONE, WATERMARK_START, formatInstant } from '../time';
import { read } from '../transforms/read';

export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: Instant;
}

export function tv<T>(value: T, timestamp: Instant): TimestampedValue<T> {
  return { value, timestamp };
}

type TestStreamEvent<T> =
  | { readonly kind: 'elements'; readonly elements: readonly TimestampedValue<T>[] }
  | { readonly kind: 'watermark'; readonly to: Instant }
  | { readonly kind: 'processingTime'; readonly by: Duration };

/**
 * A scripted unbounded source for semantics tests (Beam's TestStream): add elements, advance the
 * watermark, advance processing time, in a fixed order. The runner performs one event at a time and
 * settles everything it causes (panes, timers) before the next, so a test states exactly which
 * elements arrive before which watermark. Processing time moves the runner's ManualClock.
 */
export class TestStream<T> implements Source<T> {
  readonly bounded = false;
  readonly description = 'TestStream';
  private readonly events: TestStreamEvent<T>[] = [];
  private lastWatermark: Instant = WATERMARK_START;
  private finished = false;

  static create<T>(): TestStream<T> {
    return new TestStream<T>();
  }

  addElements(...elements: TimestampedValue<T>[]): this {
    this.requireOpen();
    this.events.push({ kind: 'elements', elements });
    return this;
  }

  advanceWatermarkTo(to: Instant): this {
    this.requireOpen();
    if (to < this.lastWatermark) {
      throw new PipelineConstructionError(
        `TestStream watermark must not go backwards: ${formatInstant(to)} after ${formatInstant(this.lastWatermark)}`,
      );
    }
    this.lastWatermark = to;
    this.events.push({ kind: 'watermark', to });
    return this;
  }

  advanceProcessingTime(by: Duration): this {
    this.requireOpen();
    if (!(by > 0)) throw new PipelineConstructionError(`processing time must advance by a positive amount, got ${by}`);
    this.events.push({ kind: 'processingTime', by });
    return this;
  }

  /** Ends the stream: the watermark goes to +Infinity and every window fires and closes. */
  advanceWatermarkToInfinity(): this {
    this.requireOpen();
    this.finished = true;
    return this;
  }

  open(context: SourceContext): SourceReader<T> {
    if (!this.finished) {
      throw new PipelineConstructionError('TestStream must end with advanceWatermarkToInfinity() before it runs');
    }
    const clock = context.clock;
    if (!(clock instanceof ManualClock)) {
      throw new PipelineConstructionError('TestStream needs the runner to use a ManualClock (options.clock)');
    }
    const events = this.events;
    let next = 0;
    let watermark: Instant = WATERMARK_START;
    return {
      read(): ReadBatch<T> {
        const event = events[next++];
        if (event === undefined) {
          watermark = WATERMARK_DONE;
          return EMPTY_BATCH;
        }
        switch (event.kind) {
          case 'elements':
            return { values: event.elements.map((e) => e.value), timestamps: event.elements.map((e) => e.timestamp) };
          case 'watermark':
            watermark = event.to;
            return EMPTY_BATCH;
          case 'processingTime':
            clock.advanceBy(event.by);
            return EMPTY_BATCH;
        }
      },
      watermark: () => watermark,
      close() {},
    };
  }

  private requireOpen(): void {
    if (this.finished) throw new PipelineConstructionError('TestStream already ended with advanceWatermarkToInfinity()');
  }
}

/** Reads a TestStream into a pipeline. */
export function testStream<T>(stream: TestStream<T>, name?: string): PTransform<PBegin, PCollection<T>> {
  return read(stream, name ?? 'TestStream');
}
