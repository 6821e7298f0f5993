import { type DoFn, type ProcessContext } from '../do_fn';
import { type PaneInfo } from '../pane';
import { type PCollection } from '../pcollection';
import { type Instant } from '../time';
import { parDo } from '../transforms/element_wise';
import { type Window } from '../window';

export interface CapturedElement<T> {
  readonly value: T;
  readonly timestamp: Instant;
  readonly window: Window;
  readonly pane: PaneInfo;
}

/** What `capture` collected, with Beam PAssert-like selectors. */
export class Captured<T> {
  readonly elements: CapturedElement<T>[] = [];

  values(): T[] {
    return this.elements.map((e) => e.value);
  }

  inWindow(w: Window): CapturedElement<T>[] {
    return this.elements.filter((e) => e.window.start === w.start && e.window.end === w.end);
  }

  inOnTimePane(w: Window): T[] {
    return this.inWindow(w)
      .filter((e) => e.pane.timing === 'ON_TIME')
      .map((e) => e.value);
  }

  inFinalPane(w: Window): T[] {
    return this.inWindow(w)
      .filter((e) => e.pane.isLast)
      .map((e) => e.value);
  }
}

class CaptureFn<T> implements DoFn<T, never> {
  constructor(private readonly into: Captured<T>) {}
  process(value: T, ctx: ProcessContext<never>): void {
    this.into.elements.push({ value, timestamp: ctx.timestamp, window: ctx.window, pane: ctx.pane });
  }
}

/**
 * Records every element of a collection with its timestamp, window and pane, for tests. Works with
 * runners that execute in this process (the direct runner).
 */
export function capture<T>(pc: PCollection<T>, name?: string): Captured<T> {
  const captured = new Captured<T>();
  pc.apply(parDo(new CaptureFn(captured), {}, name ?? `Capture(${pc.name.replace(/\//g, ':')})`));
  return captured;
}
