import { PipelineConstructionError } from './errors';
import { type Duration } from './time';

/**
 * Triggers decide when a window's pane is emitted. They are plain data (a tree); the runner
 * interprets them with per-window trigger state, and the Dataflow translator turns them into
 * Runner API trigger protos. Names and meaning follow Beam (programming guide, section 9).
 */
export type Trigger =
  | DefaultTrigger
  | AfterWatermark
  | AfterProcessingTime
  | AfterCount
  | Repeatedly
  | AfterFirst
  | AfterAll
  | AfterEach
  | NeverTrigger;

/** Beam's default: fire when the watermark passes the end of the window, then at every late element. */
export interface DefaultTrigger {
  readonly kind: 'default';
}
/**
 * Fires the ON_TIME pane when the watermark passes the end of the window. `early` fires speculative
 * panes before that and `late` fires for late data after it; both repeat (they are reset after
 * each firing), as in Beam. Without `late`, the trigger finishes after the ON_TIME pane and later
 * data for the window is dropped as arriving at a closed window.
 */
export interface AfterWatermark {
  readonly kind: 'afterWatermark';
  readonly early?: Trigger;
  readonly late?: Trigger;
}
/** Fires once processing time reaches the arrival of the first element in the pane plus `delayMs`. */
export interface AfterProcessingTime {
  readonly kind: 'afterProcessingTime';
  readonly delayMs: Duration;
}
/** Fires once the pane holds at least `count` elements. */
export interface AfterCount {
  readonly kind: 'afterCount';
  readonly count: number;
}
/** Fires whenever its sub-trigger fires, resetting it each time; never finishes. */
export interface Repeatedly {
  readonly kind: 'repeatedly';
  readonly trigger: Trigger;
}
/** Fires (once) when any sub-trigger fires. */
export interface AfterFirst {
  readonly kind: 'afterFirst';
  readonly triggers: readonly Trigger[];
}
/** Fires (once) when every sub-trigger has fired. */
export interface AfterAll {
  readonly kind: 'afterAll';
  readonly triggers: readonly Trigger[];
}
/** Fires its sub-triggers one after another: each fires until it finishes, then the next takes over. */
export interface AfterEach {
  readonly kind: 'afterEach';
  readonly triggers: readonly Trigger[];
}
/** Never fires; the window emits only when it is garbage-collected (if it holds data). */
export interface NeverTrigger {
  readonly kind: 'never';
}

export function defaultTrigger(): DefaultTrigger {
  return { kind: 'default' };
}

export interface AfterWatermarkOptions {
  readonly early?: Trigger;
  readonly late?: Trigger;
}

/** AfterWatermark.pastEndOfWindow(), optionally withEarlyFirings / withLateFirings. */
export function afterWatermark(options: AfterWatermarkOptions = {}): AfterWatermark {
  for (const [phase, t] of [
    ['early', options.early],
    ['late', options.late],
  ] as const) {
    if (t && containsWatermarkTrigger(t)) {
      throw new PipelineConstructionError(`the ${phase} firings of afterWatermark cannot themselves wait for the watermark`);
    }
  }
  return { kind: 'afterWatermark', ...(options.early && { early: options.early }), ...(options.late && { late: options.late }) };
}

/** AfterProcessingTime.pastFirstElementInPane().plusDelayOf(delay). */
export function afterProcessingTime(delayMs: Duration): AfterProcessingTime {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new PipelineConstructionError(`afterProcessingTime delay must be a non-negative number of ms, got ${delayMs}`);
  }
  return { kind: 'afterProcessingTime', delayMs };
}

/** AfterPane.elementCountAtLeast(count). */
export function afterCount(count: number): AfterCount {
  if (!Number.isInteger(count) || count < 1) {
    throw new PipelineConstructionError(`afterCount needs a whole number of at least 1, got ${count}`);
  }
  return { kind: 'afterCount', count };
}

export function repeatedly(trigger: Trigger): Repeatedly {
  return { kind: 'repeatedly', trigger };
}

function requireSubtriggers(name: string, triggers: readonly Trigger[]): void {
  if (triggers.length === 0) throw new PipelineConstructionError(`${name} needs at least one sub-trigger`);
}

export function afterFirst(...triggers: Trigger[]): AfterFirst {
  requireSubtriggers('afterFirst', triggers);
  return { kind: 'afterFirst', triggers };
}

export function afterAll(...triggers: Trigger[]): AfterAll {
  requireSubtriggers('afterAll', triggers);
  return { kind: 'afterAll', triggers };
}

export function afterEach(...triggers: Trigger[]): AfterEach {
  requireSubtriggers('afterEach', triggers);
  return { kind: 'afterEach', triggers };
}

export function never(): NeverTrigger {
  return { kind: 'never' };
}

export function subtriggers(t: Trigger): readonly Trigger[] {
  switch (t.kind) {
    case 'afterWatermark':
      return [t.early, t.late].filter((x): x is Trigger => x !== undefined);
    case 'repeatedly':
      return [t.trigger];
    case 'afterFirst':
    case 'afterAll':
    case 'afterEach':
      return t.triggers;
    default:
      return [];
  }
}

export function containsWatermarkTrigger(t: Trigger): boolean {
  return t.kind === 'afterWatermark' || t.kind === 'default' || subtriggers(t).some(containsWatermarkTrigger);
}

export function describeTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'default':
      return 'Default';
    case 'afterWatermark': {
      const parts = ['AfterWatermark.pastEndOfWindow()'];
      if (t.early) parts.push(`.withEarlyFirings(${describeTrigger(t.early)})`);
      if (t.late) parts.push(`.withLateFirings(${describeTrigger(t.late)})`);
      return parts.join('');
    }
    case 'afterProcessingTime':
      return `AfterProcessingTime(+${t.delayMs} ms)`;
    case 'afterCount':
      return `AfterCount(${t.count})`;
    case 'repeatedly':
      return `Repeatedly(${describeTrigger(t.trigger)})`;
    case 'afterFirst':
    case 'afterAll':
    case 'afterEach':
      return `${t.kind.charAt(0).toUpperCase()}${t.kind.slice(1)}(${t.triggers.map(describeTrigger).join(', ')})`;
    case 'never':
      return 'Never';
  }
}
