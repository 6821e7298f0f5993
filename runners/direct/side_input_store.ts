import { type PaneInfo } from '../../sdk/pane';
import { type PCollectionView } from '../../sdk/side_inputs';
import { type Instant } from '../../sdk/time';
import { type Window, windowId } from '../../sdk/window';
import { sideInputWindow } from '../../sdk/window_fns';
import { type Receiver } from './executor';

interface SideWindow {
  readonly window: Window;
  /** A pane of a grouping arrived: a triggered side input is readable before its window completes. */
  hasPane: boolean;
  readonly elements: unknown[];
  /** Materialized view values by view, rebuilt only after new elements arrive. */
  readonly cache: Map<PCollectionView<unknown>, unknown>;
}

export type SideInputSnapshot = readonly {
  readonly window: Window;
  readonly hasPane: boolean;
  readonly elements: readonly unknown[];
}[];

/**
 * The contents of one side-input collection, per window, as they arrive. The producer's output
 * watermark (read through `watermark`) says when a side window is complete.
 */
export class SideInputStore implements Receiver {
  private readonly windows = new Map<string, SideWindow>();

  constructor(private readonly watermark: () => Instant) {}

  process(value: unknown, _timestamp: Instant, window: Window, pane: PaneInfo): void {
    const id = windowId(window);
    let w = this.windows.get(id);
    if (!w) {
      w = { window, hasPane: false, elements: [], cache: new Map() };
      this.windows.set(id, w);
    }
    if (pane.timing !== 'UNKNOWN') w.hasPane = true;
    w.elements.push(value);
    w.cache.clear();
  }

  /**
   * A side window is ready once its producer's watermark has passed it (it is complete), or a pane
   * of a triggered grouping has arrived for it. Plain elements alone do not make it ready: more of
   * the same window may still come.
   */
  isReady(view: PCollectionView<unknown>, mainWindow: Window): boolean {
    const sw = sideInputWindow(view.pcollection.windowing.windowFn, mainWindow);
    return this.watermark() > sw.end - 1 || this.windows.get(windowId(sw))?.hasPane === true;
  }

  valueFor<V>(view: PCollectionView<V>, mainWindow: Window): V {
    const sw = sideInputWindow(view.pcollection.windowing.windowFn, mainWindow);
    const w = this.windows.get(windowId(sw));
    if (!w) return view.materialize([]);
    const key = view as PCollectionView<unknown>;
    if (w.cache.has(key)) return w.cache.get(key) as V;
    const v = view.materialize(w.elements);
    w.cache.set(key, v);
    return v;
  }

  /** The side windows received so far, without their caches (views are rebuilt on first use). */
  snapshot(): SideInputSnapshot {
    return [...this.windows.values()].map((w) => ({ window: w.window, hasPane: w.hasPane, elements: w.elements }));
  }

  restore(snapshot: SideInputSnapshot): void {
    for (const w of snapshot) this.windows.set(windowId(w.window), { ...w, elements: [...w.elements], cache: new Map() });
  }

  /** Drops side windows that no main-input element can read any more. */
  collectGarbage(mainWatermark: Instant, mainAllowedLateness: number): void {
    for (const [id, w] of this.windows) {
      if (w.window.end - 1 + mainAllowedLateness < mainWatermark && this.watermark() > w.window.end - 1) {
        this.windows.delete(id);
      }
    }
  }
}
