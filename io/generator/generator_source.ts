/**
 * The generator as a pipeline source: messages in arrival order, shaped like Pub/Sub messages. Bounded when a
 * message count is given, unbounded otherwise; optionally paced at a wall-clock rate for live demos and latency
 * measurements.
 *
 * The source does not know event time (it is in the payload): elements carry their publish time, and the
 * pipeline estimates the event-time watermark where it parses the payload.
 */
import {
  EMPTY_BATCH,
  type ReadBatch,
  type Source,
  type SourceContext,
  type SourceReader,
  WATERMARK_DONE,
  WATERMARK_START,
} from '../../sdk';
import { type RawMessage } from '../../transforms/records';
import { ClickstreamGenerator } from './generator';
import { type GeneratorOptions } from './options';

export interface GeneratorSourceOptions extends GeneratorOptions {
  /**
   * Messages per second of wall-clock time. Without it the source produces as fast as the pipeline reads, and
   * publish times are the generator's simulated arrival times; with it publish times are real clock readings.
   */
  readonly paceMessagesPerSecond?: number;
}

export class GeneratorSource implements Source<RawMessage> {
  readonly bounded: boolean;
  readonly description: string;
  /** The generator behind the source, to read its ground truth after a run. */
  readonly generator: ClickstreamGenerator;

  constructor(private readonly options: GeneratorSourceOptions) {
    this.bounded = options.events !== undefined;
    // A paced stream is a live one: event time starts now and advances at the wall-clock rate, as it would
    // from real trackers (otherwise every event would look days old next to its publish time).
    const live =
      options.paceMessagesPerSecond !== undefined
        ? { startTime: options.startTime ?? Date.now(), rate: options.rate ?? options.paceMessagesPerSecond }
        : {};
    // Ground truth grows with the input; a pipeline source keeps none unless asked.
    this.generator = new ClickstreamGenerator({ trackTruth: false, ...options, ...live });
    this.description = `generator (${options.events ?? 'unbounded'} events, seed ${this.generator.options.seed})`;
    const pace = options.paceMessagesPerSecond;
    if (pace !== undefined && !(pace > 0)) throw new RangeError(`pace must be a positive rate, got ${pace}`);
  }

  open(context: SourceContext): SourceReader<RawMessage> {
    const gen = this.generator;
    const pace = this.options.paceMessagesPerSecond;
    const clock = context.clock;
    let started = clock.now();
    let produced = 0;
    let exhausted = false;
    // Resuming after a crash: the generator is deterministic, so skipping the messages already produced puts it
    // exactly where the checkpoint was taken.
    const resumeAt = typeof context.resumeFrom === 'number' ? context.resumeFrom : 0;
    while (produced < resumeAt && !exhausted) {
      if (gen.next().done) exhausted = true;
      else produced++;
    }
    if (pace !== undefined) started -= (produced / pace) * 1000;
    return {
      async read(max: number, waitMs: number): Promise<ReadBatch<RawMessage>> {
        let budget = max;
        if (pace !== undefined) {
          const due = Math.floor(((clock.now() - started) / 1000) * pace) - produced;
          if (due <= 0) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, Math.ceil(1000 / pace))));
            return EMPTY_BATCH;
          }
          budget = Math.min(max, due);
        }
        const values: RawMessage[] = [];
        const timestamps: number[] = [];
        for (let i = 0; i < budget; i++) {
          const next = gen.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          const m = next.value;
          const publishTimeMs = pace !== undefined ? clock.now() : m.arrivalTime;
          values.push({ id: m.id, data: m.data, attributes: m.attributes, publishTimeMs });
          timestamps.push(publishTimeMs);
        }
        produced += values.length;
        return values.length ? { values, timestamps } : EMPTY_BATCH;
      },
      // Event time is estimated downstream; the source only says when it is finished.
      watermark: () => (exhausted ? WATERMARK_DONE : WATERMARK_START),
      checkpoint: () => produced,
      close() {},
    };
  }
}
