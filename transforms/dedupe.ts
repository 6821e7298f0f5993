/**
 * De-duplication by event_id within a bounded horizon.
 *
 * Pub/Sub delivers at least once, and producers retry: the same event_id arrives more than once. Dedupe keys
 * events by event_id in fixed event-time windows of `granularityMs` and keeps each id's state until the
 * watermark passes the window's end plus `horizonMs` (the grouping's allowed lateness). The trigger fires for
 * every element (repeatedly(afterCount(1)), discarding), so the first copy leaves at once as pane 0 and every
 * later copy arrives as a later pane: a duplicate. State is bounded by the events of one horizon.
 *
 * Lateness is decided here, once for the whole pipeline: an event whose window has expired goes to `late`
 * (the late_events table), never further. Downstream aggregations use windows no shorter than `granularityMs`
 * and the same allowed lateness, so what passes here is never late for them.
 */
import {
  type Duration,
  type LateElement,
  type PCollection,
  type PTransform,
  type ProcessContext,
  type KV,
  afterCount,
  fixedWindows,
  groupByKey,
  keyBy,
  lateElementsOf,
  minutes,
  parDoWithOutputs,
  repeatedly,
  windowInto,
  withTimestamps,
} from '../sdk';
import { PipelineConstructionError } from '../sdk/errors';
import { type PipelineEvent } from './records';

export interface DedupeOptions {
  /** How long after its window an event id is remembered (the grouping's allowed lateness). Default 10 min. */
  readonly horizonMs?: Duration;
  /** Width of the event-time windows ids are kept in; the smallest window of the aggregations. Default 1 min. */
  readonly granularityMs?: Duration;
}

export interface DedupeOutputs {
  /** The first copy of every event id, with its original event timestamp. */
  readonly main: PCollection<PipelineEvent>;
  /** Every later copy. */
  readonly duplicates: PCollection<PipelineEvent>;
  /** Events whose window had expired when they arrived: too late for every aggregate. */
  readonly late: PCollection<LateElement<KV<string, PipelineEvent>>>;
}

type Split = { duplicates: PipelineEvent };

export function dedupe(
  options: DedupeOptions = {},
  name = 'DedupeEvents',
): PTransform<PCollection<PipelineEvent>, DedupeOutputs> {
  const horizonMs = options.horizonMs ?? minutes(10);
  const granularityMs = options.granularityMs ?? minutes(1);
  if (!(horizonMs >= 0)) throw new PipelineConstructionError(`dedupe horizon must be ≥ 0 ms, got ${horizonMs}`);
  return {
    name,
    explicitName: true,
    expand: (events) => {
      const grouped = events
        .apply(
          windowInto<PipelineEvent>(
            fixedWindows(granularityMs),
            {
              trigger: repeatedly(afterCount(1)),
              allowedLatenessMs: horizonMs,
              accumulationMode: 'discarding',
              // Nothing to say when a window closes: every copy was already emitted when it arrived.
              onTimeBehavior: 'FIRE_IF_NON_EMPTY',
            },
            'WindowForDedupe',
          ),
        )
        .apply(keyBy((e: PipelineEvent) => e.event.event_id, 'KeyByEventId'))
        .apply(groupByKey<string, PipelineEvent>('GroupByEventId'));
      const split = grouped.apply(
        parDoWithOutputs<KV<string, PipelineEvent[]>, PipelineEvent, Split>(
          {
            process(kv: KV<string, PipelineEvent[]>, ctx: ProcessContext<PipelineEvent, Split>) {
              const copies = kv.value;
              let first = 0;
              if (ctx.pane.index === 0) {
                ctx.output(copies[0]);
                first = 1;
              }
              for (let i = first; i < copies.length; i++) ctx.outputTo('duplicates', copies[i]);
            },
          },
          ['duplicates'],
          {},
          'SplitFirstFromDuplicates',
        ),
      );
      // The grouping stamped each pane with the end of its window; give events their own time back.
      const main = split.main.apply(withTimestamps((e: PipelineEvent) => e.eventTimeMs, {}, 'RestoreEventTime'));
      return { main, duplicates: split.duplicates, late: lateElementsOf(grouped) };
    },
  };
}
