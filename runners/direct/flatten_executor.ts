import { type PaneInfo } from '../../sdk/pane';
import { type Instant } from '../../sdk/time';
import { type Window } from '../../sdk/window';
import { Emitter, Executor } from './executor';

/** Forwards every input; its input watermark is the minimum over its inputs (computed by the runner). */
export class FlattenExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');

  process(value: unknown, timestamp: Instant, window: Window, pane: PaneInfo): void {
    this.elementsIn++;
    this.out.process(value, timestamp, window, pane);
  }
}
