/**
 * The "physical limit" for section `runner`: the fixed-window sum written as a straightforward hand-written loop,
 * with the same streaming structure a runner needs (watermark, flush of complete windows) but none of its
 * generality. Everything a runner adds on top of this is overhead we want to see.
 *
 * Semantics (identical on every side): map value -> value * 2; fixed 60 s event-time windows aligned to the epoch
 * ([start, start + 60 s)); sum per (key, window). Watermark = max event time seen (the input is in order, see
 * bench/data.ts), advanced every 1000 elements; a window is emitted once its end <= watermark (Beam's on-time
 * firing: the watermark has passed the window's max timestamp end - 1). End of input flushes everything.
 */
import type { FixedWindowElement } from '../data';

export const FIXED_WINDOW_SIZE_MS = 60_000;
/** How often (in elements) the watermark is advanced and complete windows are flushed. */
export const WATERMARK_EVERY = 1000;

export interface FixedWindowSumOutput {
  key: string;
  /** Window start, ms since the epoch. */
  windowStart: number;
  sum: number;
}

export interface FixedWindowSumSummary {
  elements: number;
  outputs: number;
  /** Sum of all the emitted sums. */
  checksum: number;
}

/**
 * Runs the loop over `input`, calling `emit` for every (key, window) result (if given), and returns the summary.
 * Open state is one Map<key, sum> per open window; with in-order input that is one or two windows.
 */
export function plainFixedWindowSum(
  input: Iterable<FixedWindowElement>,
  emit?: (output: FixedWindowSumOutput) => void,
): FixedWindowSumSummary {
  const windows = new Map<number, Map<string, number>>();
  let elements = 0;
  let outputs = 0;
  let checksum = 0;
  let maxSeen = -Infinity;

  const flush = (watermark: number): void => {
    for (const [windowStart, sums] of windows) {
      if (windowStart + FIXED_WINDOW_SIZE_MS > watermark) continue;
      for (const [key, sum] of sums) {
        outputs++;
        checksum += sum;
        if (emit !== undefined) emit({ key, windowStart, sum });
      }
      windows.delete(windowStart);
    }
  };

  for (const element of input) {
    const value = element.value * 2;
    const ts = element.timestamp;
    // Floor modulo so that pre-epoch timestamps would land in the right window too.
    const windowStart = ts - (((ts % FIXED_WINDOW_SIZE_MS) + FIXED_WINDOW_SIZE_MS) % FIXED_WINDOW_SIZE_MS);
    let sums = windows.get(windowStart);
    if (sums === undefined) {
      sums = new Map<string, number>();
      windows.set(windowStart, sums);
    }
    sums.set(element.key, (sums.get(element.key) ?? 0) + value);
    if (ts > maxSeen) maxSeen = ts;
    if (++elements % WATERMARK_EVERY === 0) flush(maxSeen);
  }
  flush(Infinity);
  return { elements, outputs, checksum };
}
