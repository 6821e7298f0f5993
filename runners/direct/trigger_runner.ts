import { type Instant } from '../../sdk/time';
import { type Trigger, subtriggers } from '../../sdk/triggers';
import {
  type TriggerContext,
  type TriggerState,
  mergeTriggerStates,
  newTriggerState,
  nextDeadline,
  normalizeTrigger,
  onElement,
  onFire,
  shouldFire,
} from './trigger_machine';

/** How a grouping drives the trigger of its windowing strategy, per window. */
export interface TriggerRunner {
  readonly usesProcessingTime: boolean;
  /** The trigger always fires when the watermark passes the end of the window (rooted in afterWatermark). */
  readonly firesAtEndOfWindow: boolean;
  /** The trigger fires as each element arrives, so no pane ever waits (and needs no watermark hold). */
  readonly firesOnEveryElement: boolean;
  newState(): TriggerState;
  onElement(s: TriggerState, ctx: TriggerContext): void;
  shouldFire(s: TriggerState, ctx: TriggerContext): boolean;
  onFire(s: TriggerState, ctx: TriggerContext): void;
  merge(states: readonly TriggerState[], ctx: TriggerContext): TriggerState;
  /** The state after the window grew past `ctx.windowMaxTimestamp`'s old value (a session was extended). */
  afterGrowth(s: TriggerState, ctx: TriggerContext, watermarkHadPassed: boolean): TriggerState;
  nextDeadline(s: TriggerState): Instant;
}

/** Interprets any trigger tree (trigger_machine.ts). */
class TreeTriggerRunner implements TriggerRunner {
  readonly usesProcessingTime: boolean;
  readonly firesAtEndOfWindow: boolean;
  readonly firesOnEveryElement = false;

  constructor(private readonly trigger: Trigger) {
    this.usesProcessingTime = usesProcessingTime(trigger);
    this.firesAtEndOfWindow =
      trigger.kind === 'afterWatermark' || (trigger.kind === 'repeatedly' && trigger.trigger.kind === 'afterWatermark');
  }

  newState(): TriggerState {
    return newTriggerState(this.trigger);
  }
  onElement(s: TriggerState, ctx: TriggerContext): void {
    onElement(this.trigger, s, ctx);
  }
  shouldFire(s: TriggerState, ctx: TriggerContext): boolean {
    return shouldFire(this.trigger, s, ctx);
  }
  onFire(s: TriggerState, ctx: TriggerContext): void {
    onFire(this.trigger, s, ctx);
  }
  merge(states: readonly TriggerState[], ctx: TriggerContext): TriggerState {
    return mergeTriggerStates(this.trigger, states, ctx);
  }
  afterGrowth(s: TriggerState, ctx: TriggerContext, watermarkHadPassed: boolean): TriggerState {
    // Only a window the watermark had passed can be in a late phase that the growth may undo.
    return watermarkHadPassed && hasLatePhase(s) ? mergeTriggerStates(this.trigger, [s], ctx) : s;
  }
  nextDeadline(s: TriggerState): Instant {
    return this.usesProcessingTime ? nextDeadline(this.trigger, s) : Number.POSITIVE_INFINITY;
  }
}

const STATELESS: TriggerState = Object.freeze({
  finished: false,
  count: 0,
  deadline: Number.POSITIVE_INFINITY,
  late: false,
  current: 0,
  children: Object.freeze([]) as unknown as TriggerState[],
});

/**
 * Beam's default trigger, Repeatedly(AfterWatermark.pastEndOfWindow()), needs no state: it fires
 * whenever the watermark is past the end of the window (on time, then at every late element) and
 * never finishes. Most groupings use it, and skipping a state tree per window matters when every
 * session is a window.
 */
class DefaultTriggerRunner implements TriggerRunner {
  readonly usesProcessingTime = false;
  readonly firesAtEndOfWindow = true;
  readonly firesOnEveryElement = false;
  newState(): TriggerState {
    return STATELESS;
  }
  onElement(): void {}
  shouldFire(_s: TriggerState, ctx: TriggerContext): boolean {
    return ctx.watermark > ctx.windowMaxTimestamp;
  }
  onFire(): void {}
  merge(): TriggerState {
    return STATELESS;
  }
  afterGrowth(s: TriggerState): TriggerState {
    return s;
  }
  nextDeadline(): Instant {
    return Number.POSITIVE_INFINITY;
  }
}

export function triggerRunnerFor(trigger: Trigger): TriggerRunner {
  const t = normalizeTrigger(trigger);
  const isDefault =
    t.kind === 'repeatedly' &&
    t.trigger.kind === 'afterWatermark' &&
    t.trigger.early === undefined &&
    t.trigger.late === undefined;
  return isDefault ? new DefaultTriggerRunner() : new TreeTriggerRunner(t);
}

function usesProcessingTime(t: Trigger): boolean {
  return t.kind === 'afterProcessingTime' || subtriggers(t).some(usesProcessingTime);
}

function hasLatePhase(s: TriggerState): boolean {
  return s.late || s.children.some(hasLatePhase);
}
