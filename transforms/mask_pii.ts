/**
 * PII masking: the seam between the pipeline and a masking engine.
 *
 * A `PiiMasker` masks whole events in batches and computes the pseudonymous user key. `maskPii(masker)` is the
 * step: its DoFn buffers the elements of a bundle in `process` and masks them in `finishBundle`, emitting each
 * result with its element's timestamp and window, so an asynchronous, batched engine (one DLP request per bundle)
 * fits without changing the step. An element the engine cannot mask goes to the `dead_letter` output; an engine
 * that fails as a whole (network, quota) rejects the batch, which fails the bundle for the runner to retry.
 *
 * The masker the pipeline uses is io/dlp's `TablePiiMasker`: a batch becomes one DLP table, de-identified by the
 * local DLP-compatible engine (`--masker local`) or by Cloud DLP, with the one configuration in
 * config/deidentify.json (see docs/pii.md). Dead-letter payloads go through `protectPayload`, which encrypts them.
 */
import {
  type Clock,
  type DoFn,
  type FinishBundleContext,
  type Instant,
  type PCollection,
  type PTransform,
  type ProcessContext,
  type Window,
  parDoWithOutputs,
  systemClock,
} from '../sdk';
import { type MarketingEvent, type PayloadEncoding } from '../schemas';
import { type Failure, type PipelineEvent } from './records';

/** The result of masking one event. */
export type MaskOutcome =
  | {
      readonly ok: true;
      /** The masked event: PII replaced, user_id / anonymous_id pseudonymized. */
      readonly event: MarketingEvent;
      /** Pseudonymous user key; null when the event's restrictions forbid profiling or it has no user id left. */
      readonly userKey: string | null;
    }
  | { readonly ok: false; readonly reason: string };

/** A PII masking engine, as the pipeline sees it (implementation: io/dlp/table_masker.ts). */
export interface PiiMasker {
  /** For messages and logs, e.g. "local de-identification". */
  readonly description: string;
  /**
   * Masks a batch of events: one outcome per event, in the same order. An event that cannot be masked is an
   * `{ ok: false }` outcome (it goes to the dead letter); throwing or rejecting means the engine itself failed
   * and fails the bundle (to be retried), so a transient outage never sends good events to the dead letter.
   */
  maskBatch(events: readonly PipelineEvent[]): readonly MaskOutcome[] | Promise<readonly MaskOutcome[]>;
  /** The pseudonymous user key of a user id or anonymous id, as maskBatch computes it (for side data by user). */
  userKey(id: string): string;
  /** How a dead-letter payload, which may hold raw PII, is kept: encrypted, or masked, never raw. */
  protectPayload(text: string): { readonly payload: string | null; readonly encoding: PayloadEncoding };
}

// ---------------------------------------------------------------------------------------------------------------
// The step

export interface MaskPiiOptions {
  /** Processing time of failures (Failure.errorTimeMs). Default: the system clock. */
  readonly clock?: Clock;
}

export interface MaskPiiOutputs {
  /** Masked events, with userKey set and piiMasked true; same timestamps and windows as their input. */
  readonly main: PCollection<PipelineEvent>;
  /** Events the engine could not mask. */
  readonly dead_letter: PCollection<Failure>;
}

type DeadLetter = { dead_letter: Failure };

/**
 * Buffers a bundle and masks it in finishBundle. The buffer is three parallel arrays (no wrapper per element),
 * emptied at every bundle end: nothing is held across bundles, so a bundle's commit covers everything it read.
 */
class MaskPiiFn implements DoFn<PipelineEvent, PipelineEvent, DeadLetter> {
  private events: PipelineEvent[] = [];
  private timestamps: Instant[] = [];
  private windows: Window[] = [];

  constructor(
    private readonly masker: PiiMasker,
    private readonly step: string,
    private readonly clock: Clock,
  ) {}

  process(e: PipelineEvent, ctx: ProcessContext<PipelineEvent, DeadLetter>): void {
    this.events.push(e);
    this.timestamps.push(ctx.timestamp);
    this.windows.push(ctx.window);
  }

  async finishBundle(ctx: FinishBundleContext<PipelineEvent, DeadLetter>): Promise<void> {
    if (this.events.length === 0) return;
    const { events, timestamps, windows } = this;
    this.events = [];
    this.timestamps = [];
    this.windows = [];
    const pending = this.masker.maskBatch(events);
    const outcomes = pending instanceof Promise ? await pending : pending;
    if (outcomes.length !== events.length) {
      throw new Error(`${this.masker.description} returned ${outcomes.length} results for ${events.length} events`);
    }
    let errorTimeMs: number | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const outcome = outcomes[i];
      if (outcome.ok) {
        ctx.output({ ...e, event: outcome.event, userKey: outcome.userKey, piiMasked: true }, timestamps[i], windows[i]);
      } else {
        errorTimeMs ??= this.clock.now();
        const failure: Failure = {
          id: e.messageId,
          reason: outcome.reason,
          step: this.step,
          payload: JSON.stringify(e.event),
          attributes: e.attributes,
          errorTimeMs,
          eventTimeMs: e.eventTimeMs,
        };
        ctx.outputTo('dead_letter', failure, timestamps[i], windows[i]);
      }
    }
  }
}

/**
 * Masks PII in every event with `masker` and sets the pseudonymous user key (null without profiling consent):
 * PCollection<PipelineEvent> → { main, dead_letter }. Run it after applyConsent, before anything is written.
 */
export function maskPii(
  masker: PiiMasker,
  options: MaskPiiOptions = {},
  name = 'MaskPii',
): PTransform<PCollection<PipelineEvent>, MaskPiiOutputs> {
  return parDoWithOutputs<PipelineEvent, PipelineEvent, DeadLetter>(
    new MaskPiiFn(masker, name, options.clock ?? systemClock),
    ['dead_letter'],
    {},
    name,
  );
}
