/**
 * Wall-clock pacing for unbounded demos: re-emits any iterable (typically generateMessages()) at a steady real
 * rate, e.g. to publish to a Pub/Sub emulator or to watch a pipeline live.
 *
 * Scheduling is against the start time (message i is due at start + i / rate), not "sleep 1/rate after each",
 * so timer granularity and slow consumers do not make the rate drift: after a stall it catches up in a burst.
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';

export interface PaceOptions {
  /** Messages per second of wall-clock time (> 0). */
  ratePerSecond: number;
  /** Stops the stream (ends it, no error) when aborted. */
  signal?: AbortSignal;
  /** Milliseconds clock, injectable for tests; default performance.now. */
  now?: () => number;
}

/** Sleeping for less than this is pointless (timers fire in ~1 ms steps); such messages go out immediately. */
const MIN_SLEEP_MS = 2;
/** When the source cannot keep up, still give the event loop a turn this often. */
const MAX_BURST = 1000;

export async function* pace<T>(source: Iterable<T>, options: PaceOptions): AsyncGenerator<T, void, undefined> {
  const { ratePerSecond, signal } = options;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
    throw new RangeError(`ratePerSecond must be a positive number, got ${ratePerSecond}`);
  }
  const now = options.now ?? (() => performance.now());
  const intervalMs = 1000 / ratePerSecond;
  // A function, not an inline test: TypeScript would narrow `aborted` to false after the first check.
  const aborted = (): boolean => signal?.aborted === true;
  const start = now();
  let i = 0;
  let sinceLastTurn = 0;
  for (const item of source) {
    if (aborted()) return;
    const wait = start + i * intervalMs - now();
    if (wait >= MIN_SLEEP_MS) {
      try {
        await sleep(wait, undefined, signal === undefined ? undefined : { signal });
      } catch {
        return; // aborted while sleeping
      }
      sinceLastTurn = 0;
    } else if (++sinceLastTurn >= MAX_BURST) {
      await yieldToLoop();
      sinceLastTurn = 0;
    }
    if (aborted()) return;
    i++;
    yield item;
  }
}
