import { END_OF_GLOBAL_WINDOW, MIN_TIMESTAMP, type Instant, formatInstant } from './time';

/**
 * A window: the half-open event-time interval [start, end). Every element lives in one or more
 * windows; grouping and combining happen per key and window.
 *
 * The largest timestamp inside the window is `end - 1` (Beam's maxTimestamp): the watermark has
 * "passed the end of the window" once it is greater than that.
 */
export interface Window {
  readonly start: Instant;
  readonly end: Instant;
}

/** The single window of the global window function: all of time. */
export const GLOBAL_WINDOW: Window = Object.freeze({ start: MIN_TIMESTAMP, end: END_OF_GLOBAL_WINDOW + 1 });

export function maxTimestamp(w: Window): Instant {
  return w.end - 1;
}

export function isGlobalWindow(w: Window): boolean {
  return w.start === GLOBAL_WINDOW.start && w.end === GLOBAL_WINDOW.end;
}

/**
 * Two intervals intersect when they share at least one instant. Touching windows, where one ends
 * exactly where the other starts, are disjoint: as in Beam's IntervalWindow, two session events
 * exactly one gap apart stay in separate sessions.
 */
export function intersects(a: Window, b: Window): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The smallest window covering both. */
export function span(a: Window, b: Window): Window {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function sameWindow(a: Window, b: Window): boolean {
  return a.start === b.start && a.end === b.end;
}

export function windowContains(w: Window, t: Instant): boolean {
  return t >= w.start && t < w.end;
}

/** A stable string for a window, for map keys, sink keys and messages. */
export function windowId(w: Window): string {
  return isGlobalWindow(w) ? 'global' : `${w.start}-${w.end}`;
}

export function formatWindow(w: Window): string {
  return isGlobalWindow(w) ? '[global]' : `[${formatInstant(w.start)}, ${formatInstant(w.end)})`;
}
