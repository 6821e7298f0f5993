import { type Clock } from '../../sdk/clock';
import { type PaneInfo } from '../../sdk/pane';
import { MAX_TIMESTAMP, MIN_TIMESTAMP, type Instant, WATERMARK_DONE } from '../../sdk/time';
import { WatermarkEstimator, type WatermarkEstimatorState, type WatermarkPolicy } from '../../sdk/watermark_estimator';
import { type Window } from '../../sdk/window';
import { type Emitter, Executor, StepFailedError } from './executor';

/**
 * Re-stamps elements. With a watermark policy it also becomes the watermark's origin for everything
 * downstream: the estimate from the timestamps it saw, or +Infinity once its input has ended.
 */
export class WithTimestampsExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');
  private readonly estimator: WatermarkEstimator | undefined;

  constructor(
    stepName: string,
    private readonly timestampFn: (element: unknown, current: Instant) => Instant,
    policy: WatermarkPolicy | undefined,
    private readonly clock: Clock,
  ) {
    super(stepName);
    this.estimator = policy ? new WatermarkEstimator(policy) : undefined;
  }

  process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void {
    this.elementsIn++;
    let t: Instant;
    try {
      t = this.timestampFn(value, timestamp);
    } catch (e) {
      throw new StepFailedError(this.stepName, e);
    }
    if (!(t >= MIN_TIMESTAMP && t <= MAX_TIMESTAMP)) {
      throw new StepFailedError(
        this.stepName,
        new RangeError(`timestamp ${t} is not a valid instant; validate elements before this step`),
      );
    }
    this.estimator?.observe(t, this.clock.now());
    this.out.process(value, t, window, pane);
  }

  protected override snapshotState(): WatermarkEstimatorState | undefined {
    return this.estimator?.snapshot();
  }

  protected override restoreState(state: unknown, now: Instant): void {
    if (state !== undefined) this.estimator?.restore(state as WatermarkEstimatorState, now);
  }

  protected override computeOutputWatermark(): Instant {
    if (!this.estimator || this.inputWatermark === WATERMARK_DONE) return this.inputWatermark;
    return this.estimator.estimate(this.clock.now());
  }
}
