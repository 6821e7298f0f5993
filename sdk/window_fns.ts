import { PipelineConstructionError } from './errors';
import { type Duration, type Instant } from './time';
import { GLOBAL_WINDOW, type Window, isGlobalWindow } from './window';

/**
 * Window functions are plain data, so that runners can interpret them and translators can turn them
 * into Runner API protos; assignment below is the one place their meaning is written down.
 */
export type WindowFn = GlobalWindows | FixedWindows | SlidingWindows | SessionWindows;

export interface GlobalWindows {
  readonly kind: 'global';
}
export interface FixedWindows {
  readonly kind: 'fixed';
  readonly sizeMs: Duration;
  readonly offsetMs: Duration;
}
export interface SlidingWindows {
  readonly kind: 'sliding';
  readonly sizeMs: Duration;
  readonly periodMs: Duration;
  readonly offsetMs: Duration;
}
export interface SessionWindows {
  readonly kind: 'sessions';
  readonly gapMs: Duration;
}

function requirePositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new PipelineConstructionError(`${what} must be a positive whole number of milliseconds, got ${value}`);
  }
}

/** Everything in one window; fires only when the watermark reaches the end of time, or by trigger. */
export function globalWindows(): GlobalWindows {
  return { kind: 'global' };
}

/** Tumbling windows [offset + k·size, offset + (k+1)·size). */
export function fixedWindows(sizeMs: Duration, offsetMs: Duration = 0): FixedWindows {
  requirePositiveInteger('fixed window size', sizeMs);
  if (!Number.isInteger(offsetMs) || offsetMs < 0 || offsetMs >= sizeMs) {
    throw new PipelineConstructionError(`fixed window offset must be in [0, size), got ${offsetMs} for size ${sizeMs}`);
  }
  return { kind: 'fixed', sizeMs, offsetMs };
}

/** Overlapping windows of `size`, one starting every `period`; an element lands in size/period windows. */
export function slidingWindows(sizeMs: Duration, periodMs: Duration, offsetMs: Duration = 0): SlidingWindows {
  requirePositiveInteger('sliding window size', sizeMs);
  requirePositiveInteger('sliding window period', periodMs);
  if (periodMs > sizeMs) {
    throw new PipelineConstructionError(
      `sliding window period (${periodMs} ms) must not exceed its size (${sizeMs} ms): elements would fall between windows`,
    );
  }
  if (!Number.isInteger(offsetMs) || offsetMs < 0 || offsetMs >= periodMs) {
    throw new PipelineConstructionError(`sliding window offset must be in [0, period), got ${offsetMs}`);
  }
  return { kind: 'sliding', sizeMs, periodMs, offsetMs };
}

/** Per-key activity sessions: an element opens [t, t + gap), and windows of a key that overlap merge. */
export function sessions(gapMs: Duration): SessionWindows {
  if (!Number.isInteger(gapMs) || gapMs <= 0) {
    throw new PipelineConstructionError(`session window gap must be a positive whole number of milliseconds, got ${gapMs}`);
  }
  return { kind: 'sessions', gapMs };
}

export function isMerging(fn: WindowFn): fn is SessionWindows {
  return fn.kind === 'sessions';
}

function floorMod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

/** Start of the fixed window holding `t`. */
export function fixedWindowStart(fn: FixedWindows, t: Instant): Instant {
  return t - floorMod(t - fn.offsetMs, fn.sizeMs);
}

/**
 * The windows an element with timestamp `t` belongs to, most recent first for sliding windows.
 * Session windows are the element's own proto-session; merging happens per key in the runner.
 */
export function assignWindows(fn: WindowFn, t: Instant): Window[] {
  switch (fn.kind) {
    case 'global':
      return [GLOBAL_WINDOW];
    case 'fixed': {
      const start = fixedWindowStart(fn, t);
      return [{ start, end: start + fn.sizeMs }];
    }
    case 'sliding': {
      const out: Window[] = [];
      const lastStart = t - floorMod(t - fn.offsetMs, fn.periodMs);
      for (let start = lastStart; start > t - fn.sizeMs; start -= fn.periodMs) {
        out.push({ start, end: start + fn.sizeMs });
      }
      return out;
    }
    case 'sessions':
      return [{ start: t, end: t + fn.gapMs }];
  }
}

/**
 * Which window of a side input a main-input window reads: the side window holding the main window's
 * last instant (Beam's default window mapping; for sliding windows the earliest such window).
 * Merging side inputs cannot be mapped, nor can a global main window read a windowed side input.
 */
export function sideInputWindow(sideFn: WindowFn, mainWindow: Window): Window {
  if (sideFn.kind !== 'global' && isGlobalWindow(mainWindow)) {
    throw new PipelineConstructionError(
      `a globally windowed main input cannot read a side input windowed ${describeWindowFn(sideFn)}: window the main input alike`,
    );
  }
  switch (sideFn.kind) {
    case 'global':
      return GLOBAL_WINDOW;
    case 'fixed':
      return assignWindows(sideFn, mainWindow.end - 1)[0];
    case 'sliding': {
      // Beam: the earliest side window that contains the main window's last instant.
      const windows = assignWindows(sideFn, mainWindow.end - 1);
      return windows[windows.length - 1];
    }
    case 'sessions':
      throw new PipelineConstructionError('a side input cannot be windowed into sessions: its windows cannot be mapped');
  }
}

export function describeWindowFn(fn: WindowFn): string {
  switch (fn.kind) {
    case 'global':
      return 'global';
    case 'fixed':
      return `fixed(${fn.sizeMs} ms${fn.offsetMs ? `, offset ${fn.offsetMs} ms` : ''})`;
    case 'sliding':
      return `sliding(${fn.sizeMs} ms every ${fn.periodMs} ms)`;
    case 'sessions':
      return `sessions(gap ${fn.gapMs} ms)`;
  }
}
