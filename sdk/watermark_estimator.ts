import { PipelineConstructionError } from './errors';
import { type Duration, type Instant, WATERMARK_START } from './time';

/**
 * How a step that assigns event timestamps estimates the watermark from what it has seen.
 *
 * Bounded out-of-orderness: after seeing event time t, nothing older than t - maxDelay is expected.
 * Idle input: a stream that has gone quiet must not hold every window open forever, so after
 * `idleTimeoutMs` of processing time without an element the estimate moves on as if event time
 * kept flowing at the pace of processing time since the last element.
 */
export interface WatermarkPolicy {
  readonly kind: 'boundedOutOfOrderness';
  readonly maxDelayMs: Duration;
  /** Processing time without input after which the source counts as idle; Infinity to never. */
  readonly idleTimeoutMs: Duration;
}

export function boundedOutOfOrderness(maxDelayMs: Duration, options: { idleTimeoutMs?: Duration } = {}): WatermarkPolicy {
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new PipelineConstructionError(`maximum out-of-orderness must be a non-negative number of ms, got ${maxDelayMs}`);
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? Number.POSITIVE_INFINITY;
  if (!(idleTimeoutMs > 0)) {
    throw new PipelineConstructionError(`idle timeout must be positive (or Infinity), got ${idleTimeoutMs}`);
  }
  return { kind: 'boundedOutOfOrderness', maxDelayMs, idleTimeoutMs };
}

/** The runtime state of a WatermarkPolicy: feed it timestamps and processing time, read the estimate. */
export class WatermarkEstimator {
  private maxSeen: Instant = WATERMARK_START;
  private lastArrival: Instant = WATERMARK_START;
  private current: Instant = WATERMARK_START;

  constructor(private readonly policy: WatermarkPolicy) {}

  observe(eventTime: Instant, processingTime: Instant): void {
    if (eventTime > this.maxSeen) this.maxSeen = eventTime;
    this.lastArrival = processingTime;
  }

  /**
   * The source could not receive until `processingTime` (it was held back by flow control, or restarting): the
   * quiet time before it says nothing about the stream, so idleness counts from here, as after an arrival.
   */
  markReceptive(processingTime: Instant): void {
    if (processingTime > this.lastArrival) this.lastArrival = processingTime;
  }

  /** What a checkpoint keeps of the estimator. */
  snapshot(): WatermarkEstimatorState {
    return { maxSeen: this.maxSeen, current: this.current };
  }

  /**
   * Resumes from a snapshot at processing time `now`. The restart counts as an arrival: the time the process was
   * down must not look like an idle source, or the watermark would jump by the downtime and make events late
   * that an uninterrupted run would have taken.
   */
  restore(state: WatermarkEstimatorState, now: Instant): void {
    this.maxSeen = state.maxSeen;
    this.current = state.current;
    this.lastArrival = now;
  }

  /** The estimate at processing time `now`; never lower than an earlier answer. */
  estimate(now: Instant): Instant {
    let next = this.maxSeen - this.policy.maxDelayMs;
    if (this.maxSeen !== WATERMARK_START && now - this.lastArrival >= this.policy.idleTimeoutMs) {
      next = this.maxSeen + (now - this.lastArrival) - this.policy.maxDelayMs;
    }
    if (next > this.current) this.current = next;
    return this.current;
  }
}

export interface WatermarkEstimatorState {
  readonly maxSeen: Instant;
  readonly current: Instant;
}
