import { type Clock } from '../../sdk/clock';
import { type CombineFn } from '../../sdk/combine_fns';
import { type LateElement, type LateReason } from '../../sdk/graph';
import { type KV, encodeKey } from '../../sdk/kv';
import { NO_FIRING, type PaneInfo, type PaneTiming } from '../../sdk/pane';
import { type Instant } from '../../sdk/time';
import { GLOBAL_WINDOW, type Window, sameWindow, span } from '../../sdk/window';
import { isMerging } from '../../sdk/window_fns';
import { type WindowingStrategy } from '../../sdk/windowing_strategy';
import { PipelineConstructionError } from '../../sdk/errors';
import { type Emitter, Executor, StepFailedError } from './executor';
import { decodeRestingState, encodeRestingState, isPlainData } from './resting_state_codec';
import { RestingQueue } from './resting_queue';
import { type SpillKey, SpillStore, forEachRecord } from './spill_store';
import { type StateBackend, type StateTable } from './state';
import { TimerQueue } from './timer_queue';
import { type TriggerContext, type TriggerState } from './trigger_machine';
import { type TriggerRunner, triggerRunnerFor } from './trigger_runner';

/**
 * Per key and window state of a grouping (after Beam's ReduceFnRunner):
 *
 * | field                 | style                | merging (sessions)       | lifetime                       |
 * |-----------------------|----------------------|--------------------------|--------------------------------|
 * | acc                   | values or accumulator| concatenated / merged    | cleared per pane if discarding |
 * | hasNewData            | flag                 | any                      | cleared per pane               |
 * | trigger               | trigger tree         | mergeTriggerStates       | window                         |
 * | nextPaneIndex, ...    | pane bookkeeping     | max / any                | window                         |
 * | holdTs, lastTs        | output timestamps    | min / max                | cleared per pane               |
 * | superseded            | emitted windows merged into this one | union    | cleared when a pane reports it |
 * | closed                | trigger finished: later data is refused | -     | until garbage collection       |
 * | restSeq               | registration in the resting queue (0: none) | - | while at rest in memory        |
 *
 * The window is garbage collected once the input watermark passes its end plus allowed lateness.
 *
 * A global window's state is "at rest" when it has no new data (so no hold) and no processing-time timer: nothing
 * happens to it until its key gets an element or the input ends. With a spill policy, states at rest beyond a number
 * leave memory for a spill file (oldest at rest first) and come back when their key gets an element, or at the end.
 */
interface WindowState {
  window: Window;
  readonly keyState: KeyState;
  acc: unknown;
  hasNewData: boolean;
  trigger: TriggerState;
  nextPaneIndex: number;
  nextNonSpeculativeIndex: number;
  emittedNonEarly: boolean;
  /** A pane was emitted for `window` as it is now (a merge or extension makes a new window). */
  emittedThisWindow: boolean;
  holdTs: Instant;
  lastTs: Instant;
  superseded: readonly Window[];
  closed: boolean;
  live: boolean;
  /** Time of the pending event-time timer (NaN when none), to recognise stale queue entries. */
  eventTimer: Instant;
  procTimer: Instant;
  restSeq: number;
}

interface KeyState {
  readonly key: unknown;
  readonly encodedKey: unknown;
  /** Non-merging windows by start (fixed and sliding windows of one strategy differ in start). */
  readonly byStart: Map<Instant, WindowState> | undefined;
  /** Merging windows: disjoint, sorted by start. */
  readonly sessions: WindowState[] | undefined;
}

interface GroupSnapshot {
  /** Key states in memory. */
  readonly keys: readonly KeyState[];
  /** Spilled keys' records (SpillStore.exportRecords), when there are any. */
  readonly spilled?: Uint8Array;
}

/** How a grouping in the global window keeps keys at rest on disk (docs/state.md). */
export interface SpillPolicy {
  /** Folder in which the spill file gets a fresh subfolder, removed when the run ends. */
  readonly dir: string;
  /** States at rest kept in memory; beyond that many, the one at rest longest is spilled. */
  readonly afterRestingKeys: number;
  /** Garbage in the spill file that starts a compaction (when it also exceeds the live bytes). */
  readonly compactAfterGarbageBytes: number;
}

const NO_WINDOWS: readonly Window[] = Object.freeze([]) as readonly Window[];

/** A window state with nothing in it yet but its accumulator and trigger: no data, no panes, no timers. */
function freshWindowState(keyState: KeyState, window: Window, acc: unknown, trigger: TriggerState): WindowState {
  return {
    window,
    keyState,
    acc,
    hasNewData: false,
    trigger,
    nextPaneIndex: 0,
    nextNonSpeculativeIndex: 0,
    emittedNonEarly: false,
    emittedThisWindow: false,
    holdTs: Number.POSITIVE_INFINITY,
    lastTs: Number.NEGATIVE_INFINITY,
    superseded: NO_WINDOWS,
    closed: false,
    live: true,
    eventTimer: Number.NaN,
    procTimer: Number.POSITIVE_INFINITY,
    restSeq: 0,
  };
}
const GLOBAL_MAX_TIMESTAMP: Instant = GLOBAL_WINDOW.end - 1;

/**
 * GroupByKey and CombinePerKey: assigns each element to its key's window state (merging session
 * windows), decides lateness, runs triggers on elements, watermark and processing time, emits panes
 * and collects expired windows. Per element: find window, late check, add, trigger; on timers:
 * decide which windows fire, emit, clean up.
 */
export class GroupExecutor extends Executor {
  private readonly out: Emitter = this.emitter('main');
  private readonly lateOut: Emitter = this.emitter('late');
  private readonly table: StateTable<KeyState>;
  private readonly trigger: TriggerRunner;
  private readonly merging: boolean;
  private readonly lateness: number;
  private readonly discarding: boolean;
  private readonly tracksHolds: boolean;
  private readonly eventTimers = new TimerQueue<WindowState>();
  private readonly processingTimers = new TimerQueue<WindowState>();
  private readonly holds = new TimerQueue<WindowState>();
  private readonly ctx = { now: 0, watermark: 0, windowMaxTimestamp: 0, paneHasData: false };
  /**
   * Every window is the global window. Its states get no event-time timer each (one would pin every key in memory
   * until the input ends): one grouping-wide pass stands for all of them when the watermark passes the window's end.
   */
  private readonly global: boolean;
  /** The end-of-window pass of the global window has run: every state was collected. */
  private globalDone = false;
  /**
   * Holds of global windows at END_OF_WINDOW are all the window's end. They are not queued (an entry per pane would
   * pin every key in memory until the input ends): such a hold could only bind once the input watermark passes the
   * window's end, and then the end-of-window pass emits every pending pane before the output watermark is computed.
   */
  private readonly globalEndHolds: boolean;
  /** A global-window grouping given a spill policy: it reports spill metrics. */
  readonly spillable: boolean;
  /** Set for a global-window grouping with a spill policy, until a state turns out not to be plain data. */
  private spill: SpillPolicy | undefined;
  private spillStore: SpillStore | undefined;
  private readonly resting = new RestingQueue<WindowState>();
  /** States written to the spill file so far. */
  spills = 0;
  /** Processing time of the current bundle or timer firing (one clock read per bundle, not per element). */
  private now: Instant;
  lateDropped = 0;
  panesEmitted = 0;
  private openWindowCount = 0;

  constructor(
    stepName: string,
    private readonly strategy: WindowingStrategy,
    private readonly combineFn: CombineFn<unknown, unknown, unknown> | undefined,
    state: StateBackend,
    private readonly clock: Clock,
    spill?: SpillPolicy,
  ) {
    super(stepName);
    this.table = state.table<KeyState>(stepName);
    this.trigger = triggerRunnerFor(strategy.trigger);
    this.merging = isMerging(strategy.windowFn);
    this.lateness = strategy.allowedLatenessMs;
    this.discarding = strategy.accumulationMode === 'discarding';
    // Output timestamps before the window's end (EARLIEST, LATEST), and panes that may fire after the
    // watermark has passed the window (triggers not rooted in the watermark, such as never() or
    // afterCount), must hold the output watermark, or the pane would be late downstream (Beam's
    // WatermarkHold). Watermark-rooted triggers fire before the output watermark moves: no hold.
    this.tracksHolds =
      strategy.timestampCombiner !== 'END_OF_WINDOW' || !(this.trigger.firesAtEndOfWindow || this.trigger.firesOnEveryElement);
    this.global = strategy.windowFn.kind === 'global';
    if (this.global && this.lateness !== 0) {
      // windowingStrategy() refuses this; a hand-built strategy must too, since the end-of-window pass expires all.
      throw new PipelineConstructionError(`step '${stepName}': allowed lateness must be 0 in the global window`);
    }
    this.globalEndHolds = this.global && this.tracksHolds && strategy.timestampCombiner === 'END_OF_WINDOW';
    this.spill = this.global ? spill : undefined;
    this.spillable = this.spill !== undefined;
    this.now = clock.now();
  }

  override startBundle(now: Instant): void {
    this.now = now;
  }

  /** (key, window) states currently open, in memory or spilled: the grouping's state follows this, not the input size. */
  get openWindows(): number {
    return this.openWindowCount;
  }

  /** Keys whose state is in the spill file now. */
  get spilledKeys(): number {
    return this.spillStore?.size ?? 0;
  }

  /** States at rest still in memory: at most the policy's `afterRestingKeys` between elements. */
  get restingKeys(): number {
    return this.resting.size;
  }

  override teardown(): void {
    this.spillStore?.close();
  }

  /**
   * The open (key, window) states, as they are. Window states point back to their key state; structured cloning
   * keeps such cycles, so the snapshot is the live objects themselves. Timers are not kept: every live window
   * state records its pending timers, and `restoreState` queues them again.
   */
  protected override snapshotState(): GroupSnapshot {
    const keys = [...this.table.entries()].map(([, ks]) => ks);
    const store = this.spillStore;
    return store !== undefined && store.size > 0 ? { keys, spilled: store.exportRecords() } : { keys };
  }

  protected override restoreState(state: unknown, now: Instant): void {
    this.now = now;
    const snapshot = state as GroupSnapshot;
    for (const ks of snapshot.keys) {
      this.table.set(ks.encodedKey, ks);
      for (const ws of ks.byStart ? ks.byStart.values() : (ks.sessions as WindowState[])) {
        this.openWindowCount++;
        // Registrations belong to the queue of the run that took the snapshot.
        ws.restSeq = 0;
        if (this.global) ws.eventTimer = Number.NaN;
        else if (!Number.isNaN(ws.eventTimer)) this.eventTimers.add(ws.eventTimer, ws);
        if (ws.procTimer !== Number.POSITIVE_INFINITY) this.processingTimers.add(ws.procTimer, ws);
        if (this.tracksHolds && !this.globalEndHolds && ws.hasNewData && Number.isFinite(ws.holdTs)) {
          this.holds.add(ws.holdTs, ws);
        }
        this.noteIfResting(ws);
      }
    }
    if (snapshot.spilled !== undefined && snapshot.spilled.length > 0) {
      if (this.spill) {
        const store = this.store();
        const before = store.size;
        store.importRecords(snapshot.spilled);
        this.openWindowCount += store.size - before;
      } else {
        // Taken by a run that spilled, resumed by one that does not: everything comes back into memory.
        forEachRecord(snapshot.spilled, (key, value) => {
          this.restoreSpilled(key, value);
          this.openWindowCount++;
        });
      }
    }
    this.globalDone = this.inputWatermark > GLOBAL_MAX_TIMESTAMP;
    if (this.spill) this.spillExcess();
  }

  process(value: unknown, timestamp: Instant, window: Window, _pane: PaneInfo): void {
    this.elementsIn++;
    const watermark = this.inputWatermark;
    if (watermark > window.end - 1 + this.lateness) {
      this.refuse(value, timestamp, window, 'expired');
      return;
    }
    const key = (value as KV<unknown, unknown>).key;
    const encoded = typeof key === 'string' ? key : encodeKey(key);
    let ks = this.table.get(encoded);
    if (ks === undefined && this.spillStore !== undefined && this.spillStore.has(encoded)) {
      ks = this.unspill(encoded).keyState;
    }
    if (ks === undefined) {
      ks = {
        key,
        encodedKey: encoded,
        byStart: this.merging ? undefined : new Map(),
        sessions: this.merging ? [] : undefined,
      };
      this.table.set(encoded, ks);
    }
    const ws = this.merging ? this.sessionFor(ks, window) : this.fixedFor(ks, window);
    if (ws === undefined || ws.closed) {
      this.refuse(value, timestamp, window, 'closed_window');
      if (this.spill) this.spillExcess();
      return;
    }
    this.resting.remove(ws);
    this.addValue(ws, (value as KV<unknown, unknown>).value, timestamp);
    const ctx = this.context(ws);
    this.trigger.onElement(ws.trigger, ctx);
    this.scheduleProcessingTimer(ws);
    if (this.trigger.shouldFire(ws.trigger, ctx)) this.fireByTrigger(ws, ctx, false);
    if (this.spill) {
      this.noteIfResting(ws);
      this.spillExcess();
    }
  }

  override onProcessingTime(now: Instant): void {
    this.now = now;
    const q = this.processingTimers;
    while (q.peekTime() <= now) {
      const time = q.peekTime();
      const ws = q.pop();
      if (!ws.live || ws.procTimer !== time) continue;
      ws.procTimer = Number.POSITIVE_INFINITY;
      const ctx = this.context(ws);
      if (this.trigger.shouldFire(ws.trigger, ctx)) this.fireByTrigger(ws, ctx, false);
      this.scheduleProcessingTimer(ws);
      this.noteIfResting(ws);
    }
    if (this.spill) this.spillExcess();
  }

  override nextProcessingTime(): Instant {
    return this.processingTimers.peekTime();
  }

  protected override onWatermark(): void {
    const watermark = this.inputWatermark;
    if (this.global) {
      if (watermark > GLOBAL_MAX_TIMESTAMP && !this.globalDone) this.fireGlobalWindows();
      return;
    }
    const q = this.eventTimers;
    while (watermark > q.peekTime()) {
      const time = q.peekTime();
      const ws = q.pop();
      if (!ws.live || ws.eventTimer !== time) continue;
      ws.eventTimer = Number.NaN;
      this.onEventTimer(ws);
    }
  }

  protected override computeOutputWatermark(): Instant {
    let w = this.inputWatermark;
    if (this.tracksHolds) {
      // Output timestamps earlier than the end of the window (EARLIEST, LATEST) must not be late
      // downstream: pending panes hold the output watermark at their earliest timestamp.
      const holds = this.holds;
      while (holds.peekTime() < w) {
        const t = holds.peekTime();
        const ws = holds.pop();
        if (ws.live && ws.hasNewData && ws.holdTs === t) {
          holds.add(t, ws);
          w = t;
          break;
        }
      }
    }
    return Math.max(w, this.outputWatermark);
  }

  /**
   * The input watermark passed the global window's end (the input ended or was drained): what every state's
   * event-time timer would do — final pane, then garbage collection, as lateness is 0 — for the states in memory,
   * then for spilled ones, read back one at a time in file order.
   */
  private fireGlobalWindows(): void {
    this.globalDone = true;
    const inMemory: WindowState[] = [];
    for (const [, ks] of this.table.entries()) {
      for (const ws of (ks.byStart as Map<Instant, WindowState>).values()) inMemory.push(ws);
    }
    for (const ws of inMemory) if (ws.live) this.onEventTimer(ws);
    this.spillStore?.drain((key, bytes) => this.onEventTimer(this.restoreSpilled(key, bytes)));
    this.resting.clear();
  }

  private onEventTimer(ws: WindowState): void {
    const watermark = this.inputWatermark;
    const maxTs = ws.window.end - 1;
    if (watermark <= maxTs) {
      // The window grew (a session was extended) after this timer was set.
      this.scheduleEventTimer(ws);
      return;
    }
    const expired = watermark > maxTs + this.lateness;
    if (!ws.closed) {
      const ctx = this.context(ws);
      if (this.trigger.shouldFire(ws.trigger, ctx)) this.fireByTrigger(ws, ctx, expired);
      else if (expired) this.emitPane(ws, true);
    }
    if (expired) this.collect(ws);
    else this.scheduleEventTimer(ws);
  }

  private fireByTrigger(ws: WindowState, ctx: TriggerContext, expired: boolean): void {
    this.trigger.onFire(ws.trigger, ctx);
    const finished = ws.trigger.finished;
    this.emitPane(ws, finished || expired);
    if (finished) {
      ws.closed = true;
      ws.acc = undefined;
    }
  }

  private emitPane(ws: WindowState, isLast: boolean): void {
    const s = this.strategy;
    const maxTs = ws.window.end - 1;
    let timing: PaneTiming;
    if (ws.emittedNonEarly || this.outputWatermark > maxTs) timing = 'LATE';
    else if (this.inputWatermark > maxTs) timing = 'ON_TIME';
    else timing = 'EARLY';
    const emit =
      ws.hasNewData ||
      (isLast && s.closingBehavior === 'FIRE_ALWAYS') ||
      (timing === 'ON_TIME' && s.onTimeBehavior === 'FIRE_ALWAYS');
    if (emit) {
      const index = ws.nextPaneIndex++;
      const pane: PaneInfo = {
        timing,
        index,
        nonSpeculativeIndex: timing === 'EARLY' ? -1 : ws.nextNonSpeculativeIndex++,
        isFirst: index === 0,
        isLast,
        supersedes: ws.superseded,
      };
      const timestamp =
        !ws.hasNewData || s.timestampCombiner === 'END_OF_WINDOW'
          ? maxTs
          : s.timestampCombiner === 'EARLIEST'
            ? ws.holdTs
            : ws.lastTs;
      this.out.process({ key: ws.keyState.key, value: this.extract(ws) }, timestamp, ws.window, pane);
      this.panesEmitted++;
      if (timing !== 'EARLY') ws.emittedNonEarly = true;
      ws.emittedThisWindow = true;
      ws.superseded = NO_WINDOWS;
    }
    if (this.discarding) ws.acc = this.newAccumulator();
    ws.hasNewData = false;
    ws.holdTs = Number.POSITIVE_INFINITY;
    ws.lastTs = Number.NEGATIVE_INFINITY;
  }

  private extract(ws: WindowState): unknown {
    if (this.combineFn) {
      try {
        return this.combineFn.extractOutput(ws.acc);
      } catch (e) {
        throw new StepFailedError(this.stepName, e);
      }
    }
    // In accumulating mode the buffer keeps growing after this pane: hand out a copy.
    return this.discarding ? ws.acc : (ws.acc as unknown[]).slice();
  }

  private newAccumulator(): unknown {
    return this.combineFn ? this.combineFn.createAccumulator() : [];
  }

  private addValue(ws: WindowState, v: unknown, timestamp: Instant): void {
    if (this.combineFn) {
      try {
        ws.acc = this.combineFn.addInput(ws.acc, v);
      } catch (e) {
        throw new StepFailedError(this.stepName, e);
      }
    } else {
      (ws.acc as unknown[]).push(v);
    }
    ws.hasNewData = true;
    if (this.tracksHolds) {
      let hold: Instant;
      if (this.strategy.timestampCombiner === 'END_OF_WINDOW') {
        // The pane will carry the window's last instant; a late element (window already behind the
        // output watermark) cannot be held for.
        const maxTs = ws.window.end - 1;
        hold = maxTs >= this.outputWatermark ? maxTs : Number.NaN;
      } else {
        hold = Math.max(timestamp, this.outputWatermark);
      }
      if (hold < ws.holdTs) {
        ws.holdTs = hold;
        if (!this.globalEndHolds) this.holds.add(hold, ws);
      }
      if (timestamp > ws.lastTs) ws.lastTs = timestamp;
    }
  }

  private refuse(value: unknown, timestamp: Instant, window: Window, reason: LateReason): void {
    this.lateDropped++;
    const late: LateElement<unknown> = {
      value,
      timestamp,
      windowStart: window.start,
      windowEnd: window.end,
      watermark: this.inputWatermark,
      reason,
      step: this.stepName,
    };
    // The late output is globally windowed: the element's own window has expired.
    this.lateOut.process(late, timestamp, GLOBAL_WINDOW, NO_FIRING);
  }

  private newWindowState(ks: KeyState, window: Window): WindowState {
    const ws = freshWindowState(ks, window, this.newAccumulator(), this.trigger.newState());
    this.openWindowCount++;
    if (!this.global) this.scheduleEventTimer(ws);
    return ws;
  }

  private fixedFor(ks: KeyState, window: Window): WindowState {
    const map = ks.byStart as Map<Instant, WindowState>;
    let ws = map.get(window.start);
    if (ws === undefined) {
      ws = this.newWindowState(ks, window);
      map.set(window.start, ws);
    }
    return ws;
  }

  /**
   * The session an element's proto-window [t, t + gap) belongs to, merging every session of the key
   * it overlaps. Undefined when it would merge into a closed session.
   */
  private sessionFor(ks: KeyState, proto: Window): WindowState | undefined {
    const list = ks.sessions as WindowState[];
    if (list.length === 0) {
      const ws = this.newWindowState(ks, proto);
      list.push(ws);
      return ws;
    }
    let i = 0;
    while (i < list.length && list[i].window.end <= proto.start) i++;
    let j = i;
    while (j < list.length && list[j].window.start < proto.end) j++;
    if (i === j) {
      const ws = this.newWindowState(ks, proto);
      list.splice(i, 0, ws);
      return ws;
    }
    for (let k = i; k < j; k++) if (list[k].closed) return undefined;
    if (j - i === 1) {
      const ws = list[i];
      if (proto.start >= ws.window.start && proto.end <= ws.window.end) return ws;
      this.extendWindow(ws, span(ws.window, proto));
      return ws;
    }
    const parts = list.slice(i, j);
    let window = proto;
    for (const p of parts) window = span(window, p.window);
    const merged = this.mergeStates(ks, parts, window);
    list.splice(i, j - i, merged);
    return merged;
  }

  private extendWindow(ws: WindowState, window: Window): void {
    if (ws.emittedThisWindow) ws.superseded = [...ws.superseded, ws.window];
    // Only a window the watermark has already passed can be in a trigger's late phase.
    const wasPassed = this.inputWatermark > ws.window.end - 1;
    ws.window = window;
    ws.emittedThisWindow = false;
    ws.trigger = this.trigger.afterGrowth(ws.trigger, this.context(ws), wasPassed);
    if (this.tracksHolds && ws.hasNewData && this.strategy.timestampCombiner === 'END_OF_WINDOW' && window.end - 1 > ws.holdTs) {
      ws.holdTs = window.end - 1;
      this.holds.add(ws.holdTs, ws);
    }
  }

  private mergeStates(ks: KeyState, parts: readonly WindowState[], window: Window): WindowState {
    const merged = this.newWindowState(ks, window);
    const ctx = this.context(merged);
    if (this.combineFn) {
      try {
        merged.acc = this.combineFn.mergeAccumulators(parts.map((p) => p.acc));
      } catch (e) {
        throw new StepFailedError(this.stepName, e);
      }
    } else {
      merged.acc = ([] as unknown[]).concat(...parts.map((p) => p.acc as unknown[]));
    }
    merged.trigger = this.trigger.merge(
      parts.map((p) => p.trigger),
      ctx,
    );
    const superseded: Window[] = [];
    for (const p of parts) {
      p.live = false;
      this.openWindowCount--;
      merged.hasNewData ||= p.hasNewData;
      merged.nextPaneIndex = Math.max(merged.nextPaneIndex, p.nextPaneIndex);
      merged.nextNonSpeculativeIndex = Math.max(merged.nextNonSpeculativeIndex, p.nextNonSpeculativeIndex);
      merged.emittedNonEarly ||= p.emittedNonEarly;
      merged.holdTs = Math.min(merged.holdTs, p.holdTs);
      merged.lastTs = Math.max(merged.lastTs, p.lastTs);
      superseded.push(...p.superseded);
      if (p.emittedThisWindow) superseded.push(p.window);
    }
    merged.superseded = superseded.filter((w) => !sameWindow(w, window));
    if (this.tracksHolds && merged.hasNewData) this.holds.add(merged.holdTs, merged);
    this.scheduleProcessingTimer(merged);
    return merged;
  }

  private collect(ws: WindowState): void {
    ws.live = false;
    this.resting.remove(ws);
    this.openWindowCount--;
    ws.acc = undefined;
    const ks = ws.keyState;
    if (ks.byStart) {
      ks.byStart.delete(ws.window.start);
      if (ks.byStart.size === 0) this.table.delete(ks.encodedKey);
    } else {
      const list = ks.sessions as WindowState[];
      const i = list.indexOf(ws);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.table.delete(ks.encodedKey);
    }
  }

  private scheduleEventTimer(ws: WindowState): void {
    const maxTs = ws.window.end - 1;
    const time = this.inputWatermark <= maxTs ? maxTs : maxTs + this.lateness;
    ws.eventTimer = time;
    this.eventTimers.add(time, ws);
  }

  private scheduleProcessingTimer(ws: WindowState): void {
    if (!this.trigger.usesProcessingTime) return;
    let d = this.trigger.nextDeadline(ws.trigger);
    // A deadline already reached whose trigger still does not fire (afterAll waiting for a sibling)
    // needs no timer: the sibling's own event (an element, the watermark) re-evaluates the trigger.
    if (d <= this.now) d = Number.POSITIVE_INFINITY;
    if (d < ws.procTimer) {
      ws.procTimer = d;
      this.processingTimers.add(d, ws);
    } else if (d === Number.POSITIVE_INFINITY) {
      ws.procTimer = d;
    }
  }

  private atRest(ws: WindowState): boolean {
    return ws.live && !ws.hasNewData && ws.procTimer === Number.POSITIVE_INFINITY;
  }

  /** Registers a global window's state that has come to rest (spilling only). */
  private noteIfResting(ws: WindowState): void {
    if (this.spill && ws.restSeq === 0 && this.atRest(ws)) this.resting.add(ws);
  }

  /** Spills the states that have rested longest until no more than the policy allows rest in memory. */
  private spillExcess(): void {
    const policy = this.spill as SpillPolicy;
    while (this.resting.size > policy.afterRestingKeys) {
      const ws = this.resting.takeOldest();
      if (ws === undefined) return;
      if (this.atRest(ws) && !this.spillOut(ws)) {
        // Not plain data: it would come back changed (docs/state.md). This grouping keeps its state in memory.
        this.spill = undefined;
        this.resting.clear();
        return;
      }
    }
  }

  /** Writes a resting state to the spill file and drops it from memory; false when it is not plain data. */
  private spillOut(ws: WindowState): boolean {
    const ks = ws.keyState;
    const withKey = ks.key !== ks.encodedKey;
    if (!isPlainData(ws.acc) || (withKey && !isPlainData(ks.key))) return false;
    let bytes: Buffer;
    try {
      bytes = encodeRestingState({ ...ws, key: ks.key }, withKey);
    } catch {
      // What the plain-data check lets through but v8 still refuses (memory shared between threads).
      return false;
    }
    this.store().put(ks.encodedKey as SpillKey, bytes);
    this.table.delete(ks.encodedKey);
    // Stale timer and hold entries may still point at this object: not live, they are skipped.
    ws.live = false;
    ws.acc = undefined;
    this.spills++;
    return true;
  }

  /** Brings a spilled key back into memory, at rest. */
  private unspill(encoded: SpillKey): WindowState {
    return this.restoreSpilled(encoded, (this.spillStore as SpillStore).take(encoded) as Buffer);
  }

  private restoreSpilled(encoded: SpillKey, bytes: Uint8Array): WindowState {
    const s = decodeRestingState(bytes);
    const ks: KeyState = {
      key: 'key' in s ? s.key : encoded,
      encodedKey: encoded,
      byStart: new Map(),
      sessions: undefined,
    };
    const ws = freshWindowState(ks, GLOBAL_WINDOW, s.acc, s.trigger);
    ws.nextPaneIndex = s.nextPaneIndex;
    ws.nextNonSpeculativeIndex = s.nextNonSpeculativeIndex;
    ws.emittedNonEarly = s.emittedNonEarly;
    ws.emittedThisWindow = s.emittedThisWindow;
    if (s.superseded.length > 0) ws.superseded = s.superseded;
    ws.closed = s.closed;
    (ks.byStart as Map<Instant, WindowState>).set(GLOBAL_WINDOW.start, ws);
    this.table.set(encoded, ks);
    if (this.spill) this.resting.add(ws);
    return ws;
  }

  private store(): SpillStore {
    if (this.spillStore === undefined) {
      const policy = this.spill as SpillPolicy;
      this.spillStore = new SpillStore({ dir: policy.dir, compactAfterGarbageBytes: policy.compactAfterGarbageBytes });
    }
    return this.spillStore;
  }

  /** One context object, refreshed per use: triggers read it synchronously and never keep it. */
  private context(ws: WindowState): TriggerContext {
    const ctx = this.ctx;
    ctx.now = this.now;
    ctx.watermark = this.inputWatermark;
    ctx.windowMaxTimestamp = ws.window.end - 1;
    ctx.paneHasData = ws.hasNewData;
    return ctx;
  }
}
