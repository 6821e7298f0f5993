import { type PCollection } from '../pcollection';
import { type PTransform } from '../ptransform';
import { type Instant } from '../time';
import { type WatermarkPolicy } from '../watermark_estimator';

export interface WithTimestampsOptions {
  /**
   * Estimate the watermark from the timestamps assigned here (bounded out-of-orderness, idle
   * handling) instead of passing the input's watermark through. Use it right after a source whose
   * event time is only known once the payload is parsed; at the end of a bounded input the
   * watermark still goes to +Infinity.
   */
  readonly watermark?: WatermarkPolicy;
}

/**
 * Sets each element's event timestamp from the element (Beam's WithTimestamps). A timestamp that is
 * NaN or out of range is an error in the step; validate such input before this step and route bad
 * elements to a dead-letter output.
 */
export function withTimestamps<T>(
  timestampFn: (element: T, current: Instant) => Instant,
  options: WithTimestampsOptions = {},
  name?: string,
): PTransform<PCollection<T>, PCollection<T>> {
  return {
    name: name ?? 'WithTimestamps',
    explicitName: name !== undefined,
    expand: (input) =>
      input.pipeline.addStep(
        {
          kind: 'withTimestamps',
          timestampFn: timestampFn as (element: unknown, current: Instant) => Instant,
          watermark: options.watermark,
        },
        [input],
        { main: { windowing: input.windowing, keyed: input.keyed } },
      ).main as PCollection<T>,
  };
}
