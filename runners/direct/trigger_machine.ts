import { type Trigger, afterWatermark, repeatedly, subtriggers } from '../../sdk/triggers';
import { type Instant } from '../../sdk/time';

/**
 * Runtime state of one trigger node for one window. One shape for every kind of trigger (each kind
 * uses the fields it needs) keeps the tree cheap to create, merge and reset.
 *
 * | field     | used by                        | meaning                                          |
 * |-----------|--------------------------------|--------------------------------------------------|
 * | finished  | all                            | fired for the last time (until reset by a parent)|
 * | count     | afterCount                     | elements in the current pane                     |
 * | deadline  | afterProcessingTime            | processing time at which it fires; +Inf = unset  |
 * | late      | afterWatermark                 | the ON_TIME pane has fired: late phase           |
 * | current   | afterEach                      | index of the active sub-trigger                  |
 *
 * Lifetime: created with the window's state, merged when windows merge, dropped at garbage
 * collection.
 */
export interface TriggerState {
  finished: boolean;
  count: number;
  deadline: Instant;
  late: boolean;
  current: number;
  readonly children: TriggerState[];
}

/** What a trigger may look at when deciding. */
export interface TriggerContext {
  /** Processing time now. */
  readonly now: Instant;
  /** The grouping step's input watermark. */
  readonly watermark: Instant;
  /** The window's last instant: the watermark has passed the window when it is greater than this. */
  readonly windowMaxTimestamp: Instant;
  /** Elements arrived since the window last fired. */
  readonly paneHasData: boolean;
}

/** Beam's default trigger is Repeatedly(AfterWatermark): on time, then once per late element. */
export function normalizeTrigger(t: Trigger): Trigger {
  switch (t.kind) {
    case 'default':
      return repeatedly(afterWatermark());
    case 'afterWatermark':
      return {
        kind: 'afterWatermark',
        ...(t.early && { early: normalizeTrigger(t.early) }),
        ...(t.late && { late: normalizeTrigger(t.late) }),
      };
    case 'repeatedly':
      return repeatedly(normalizeTrigger(t.trigger));
    case 'afterFirst':
    case 'afterAll':
    case 'afterEach':
      return { kind: t.kind, triggers: t.triggers.map(normalizeTrigger) };
    default:
      return t;
  }
}

const EARLY = 0;
const LATE = 1;

const NO_CHILDREN: TriggerState[] = Object.freeze([]) as unknown as TriggerState[];
/** Stands in for an absent early or late slot of afterWatermark; frozen, so a stray write throws. */
const ABSENT: TriggerState = Object.freeze({
  finished: false,
  count: 0,
  deadline: Number.POSITIVE_INFINITY,
  late: false,
  current: 0,
  children: NO_CHILDREN,
});

/** A fresh state tree. Allocation matters: every new window (every new session) makes one. */
export function newTriggerState(t: Trigger): TriggerState {
  let children: TriggerState[];
  switch (t.kind) {
    case 'afterWatermark':
      children = [t.early ? newTriggerState(t.early) : ABSENT, t.late ? newTriggerState(t.late) : ABSENT];
      break;
    case 'repeatedly':
      children = [newTriggerState(t.trigger)];
      break;
    case 'afterFirst':
    case 'afterAll':
    case 'afterEach':
      children = t.triggers.map(newTriggerState);
      break;
    default:
      children = NO_CHILDREN;
  }
  return { finished: false, count: 0, deadline: Number.POSITIVE_INFINITY, late: false, current: 0, children };
}

function reset(s: TriggerState): void {
  if (s === ABSENT) return;
  s.finished = false;
  s.count = 0;
  s.deadline = Number.POSITIVE_INFINITY;
  s.late = false;
  s.current = 0;
  for (const c of s.children) reset(c);
}

export function onElement(t: Trigger, s: TriggerState, ctx: TriggerContext): void {
  if (s.finished) return;
  switch (t.kind) {
    case 'afterWatermark':
      if (!s.late) {
        if (t.early) onElement(t.early, s.children[EARLY], ctx);
      } else if (t.late) {
        onElement(t.late, s.children[LATE], ctx);
      }
      return;
    case 'afterProcessingTime':
      if (s.deadline === Number.POSITIVE_INFINITY) s.deadline = ctx.now + t.delayMs;
      return;
    case 'afterCount':
      s.count++;
      return;
    case 'repeatedly':
      onElement(t.trigger, s.children[0], ctx);
      return;
    case 'afterFirst':
    case 'afterAll':
      for (let i = 0; i < t.triggers.length; i++) onElement(t.triggers[i], s.children[i], ctx);
      return;
    case 'afterEach':
      onElement(t.triggers[s.current], s.children[s.current], ctx);
      return;
    default:
      return;
  }
}

export function shouldFire(t: Trigger, s: TriggerState, ctx: TriggerContext): boolean {
  if (s.finished) return false;
  switch (t.kind) {
    case 'afterWatermark':
      if (!s.late) {
        return ctx.watermark > ctx.windowMaxTimestamp || (t.early !== undefined && shouldFire(t.early, s.children[EARLY], ctx));
      }
      return t.late !== undefined && shouldFire(t.late, s.children[LATE], ctx);
    case 'afterProcessingTime':
      return ctx.now >= s.deadline;
    case 'afterCount':
      return s.count >= t.count;
    case 'repeatedly':
      return shouldFire(t.trigger, s.children[0], ctx);
    case 'afterFirst':
      return t.triggers.some((c, i) => shouldFire(c, s.children[i], ctx));
    case 'afterAll':
      return t.triggers.every((c, i) => s.children[i].finished || shouldFire(c, s.children[i], ctx));
    case 'afterEach':
      return shouldFire(t.triggers[s.current], s.children[s.current], ctx);
    case 'never':
    case 'default':
      return false;
  }
}

/** Updates the state after the window fired because `shouldFire` said so. */
export function onFire(t: Trigger, s: TriggerState, ctx: TriggerContext): void {
  switch (t.kind) {
    case 'afterWatermark':
      if (!s.late) {
        if (ctx.watermark > ctx.windowMaxTimestamp) {
          // The ON_TIME firing ends the early phase; without late firings the trigger is done.
          s.late = true;
          if (t.early) reset(s.children[EARLY]);
          if (!t.late) s.finished = true;
        } else if (t.early) {
          onFire(t.early, s.children[EARLY], ctx);
          if (s.children[EARLY].finished) reset(s.children[EARLY]);
        }
      } else if (t.late) {
        onFire(t.late, s.children[LATE], ctx);
        if (s.children[LATE].finished) reset(s.children[LATE]);
      }
      return;
    case 'afterProcessingTime':
    case 'afterCount':
      s.finished = true;
      return;
    case 'repeatedly':
      onFire(t.trigger, s.children[0], ctx);
      if (s.children[0].finished) reset(s.children[0]);
      return;
    case 'afterFirst':
    case 'afterAll':
      t.triggers.forEach((c, i) => {
        if (shouldFire(c, s.children[i], ctx)) onFire(c, s.children[i], ctx);
      });
      s.finished = true;
      return;
    case 'afterEach': {
      const i = s.current;
      onFire(t.triggers[i], s.children[i], ctx);
      if (s.children[i].finished) {
        s.current++;
        if (s.current >= t.triggers.length) s.finished = true;
      }
      return;
    }
    default:
      return;
  }
}

/** The earliest processing time at which this state could fire; +Infinity when none. */
export function nextDeadline(t: Trigger, s: TriggerState): Instant {
  if (s.finished) return Number.POSITIVE_INFINITY;
  switch (t.kind) {
    case 'afterProcessingTime':
      return s.deadline;
    case 'afterWatermark':
      if (!s.late) return t.early ? nextDeadline(t.early, s.children[EARLY]) : Number.POSITIVE_INFINITY;
      return t.late ? nextDeadline(t.late, s.children[LATE]) : Number.POSITIVE_INFINITY;
    case 'afterEach':
      return nextDeadline(t.triggers[s.current], s.children[s.current]);
    default: {
      // afterWatermark (fixed early/late slots) is handled above; the others' children are their sub-triggers.
      const kids = subtriggers(t);
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < kids.length; i++) min = Math.min(min, nextDeadline(kids[i], s.children[i]));
      return min;
    }
  }
}

/**
 * The state of a window made by merging windows (sessions). Counts add up, the earliest
 * processing-time deadline wins, and the merged window is in the late phase only if one of its
 * parts already fired ON_TIME and the watermark has also passed the merged window's end; otherwise
 * it waits for the watermark again (its next pane will still be LATE, since an ON_TIME pane was out).
 */
export function mergeTriggerStates(t: Trigger, states: readonly TriggerState[], ctx: TriggerContext): TriggerState {
  const merged = newTriggerState(t);
  mergeInto(t, merged, states, ctx);
  return merged;
}

function mergeInto(t: Trigger, out: TriggerState, states: readonly TriggerState[], ctx: TriggerContext): void {
  out.finished = states.some((s) => s.finished);
  out.count = states.reduce((n, s) => n + s.count, 0);
  out.deadline = states.reduce((d, s) => Math.min(d, s.deadline), Number.POSITIVE_INFINITY);
  out.current = states.reduce((c, s) => Math.max(c, s.current), 0);
  if (t.kind === 'afterWatermark') {
    out.late = states.some((s) => s.late) && ctx.watermark > ctx.windowMaxTimestamp;
    const slot = out.late ? LATE : EARLY;
    const child = out.late ? t.late : t.early;
    const from = states.filter((s) => s.late === out.late);
    if (child && from.length > 0) {
      mergeInto(
        child,
        out.children[slot],
        from.map((s) => s.children[slot]),
        ctx,
      );
    }
    return;
  }
  const kids = subtriggers(t);
  for (let i = 0; i < kids.length; i++) {
    mergeInto(
      kids[i],
      out.children[i],
      states.map((s) => s.children[i]),
      ctx,
    );
  }
}
