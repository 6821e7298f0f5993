import { type PaneInfo } from '../../sdk/pane';
import { type Instant } from '../../sdk/time';
import { GLOBAL_WINDOW, type Window } from '../../sdk/window';
import { type WindowFn, assignWindows, fixedWindowStart } from '../../sdk/window_fns';
import { type Emitter, Executor } from './executor';

/** Assigns each element to the windows of its timestamp (sliding: several; sessions: its proto-session). */
export class WindowIntoExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');
  // Consecutive elements usually fall in the same fixed window: reuse its object instead of
  // allocating one per element.
  private lastFixed: Window = { start: 0, end: 0 };

  constructor(
    stepName: string,
    private readonly windowFn: WindowFn,
  ) {
    super(stepName);
  }

  process(value: unknown, timestamp: Instant, _window: Window, pane: PaneInfo): void {
    this.elementsIn++;
    const fn = this.windowFn;
    if (fn.kind === 'fixed') {
      let w = this.lastFixed;
      if (timestamp < w.start || timestamp >= w.end) {
        const start = fixedWindowStart(fn, timestamp);
        w = this.lastFixed = { start, end: start + fn.sizeMs };
      }
      this.out.process(value, timestamp, w, pane);
    } else if (fn.kind === 'global') {
      this.out.process(value, timestamp, GLOBAL_WINDOW, pane);
    } else if (fn.kind === 'sessions') {
      this.out.process(value, timestamp, { start: timestamp, end: timestamp + fn.gapMs }, pane);
    } else {
      const windows = assignWindows(fn, timestamp);
      for (let i = 0; i < windows.length; i++) this.out.process(value, timestamp, windows[i], pane);
    }
  }
}
