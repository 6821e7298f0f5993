import { type Window } from './window';

/** When a pane fired relative to the watermark (Beam's PaneInfo.Timing). */
export type PaneTiming = 'EARLY' | 'ON_TIME' | 'LATE' | 'UNKNOWN';

/**
 * Describes one firing of a window (Beam's PaneInfo). Elements that have not been through a
 * grouping carry NO_FIRING.
 */
export interface PaneInfo {
  readonly timing: PaneTiming;
  /** 0 for the first pane of a window, then 1, 2, ... */
  readonly index: number;
  /** Index among ON_TIME and LATE panes only; -1 for EARLY panes. */
  readonly nonSpeculativeIndex: number;
  readonly isFirst: boolean;
  /** No further pane will be emitted for this window (trigger finished or window expired). */
  readonly isLast: boolean;
  /**
   * Windows of the same key that were already emitted and have now been merged into this pane's
   * window (session merging, late data bridging sessions). A sink that keeps one row per window
   * deletes their rows when it writes this pane. Empty when nothing was merged away.
   */
  readonly supersedes: readonly Window[];
}

export const NO_FIRING: PaneInfo = Object.freeze({
  timing: 'UNKNOWN',
  index: 0,
  nonSpeculativeIndex: 0,
  isFirst: true,
  isLast: true,
  supersedes: Object.freeze([]) as readonly Window[],
});
