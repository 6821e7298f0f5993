/**
 * Deterministic, seeded benchmark inputs.
 *
 * Every side of a comparison (plain loop, apache-beam, tidemark runner) must see exactly the same elements in
 * exactly the same order, so everything here is a pure function of (n, seed[, users]) built on a tiny PRNG of our
 * own (no dependency, no Math.random).
 *
 * Each input comes in three forms:
 * - `*Events(...)`: a lazy generator in arrival order with bounded memory (nothing is materialised). Generation
 *   cost is paid while iterating, so a case that times its loop over this form also times the generator.
 * - `prepare*(...)`: the same elements packed into typed arrays (7-8 bytes per element instead of a ~50-byte
 *   object), built BEFORE the clock starts; iterating it only allocates the element objects. This is what the
 *   bench cases use: processing is timed without generation, and at 5M session events the packed input is ~40 MB,
 *   so the peak RSS reflects the processor, not a 5M-object array (~300 MB).
 * - `fixedWindowInput` / `sessionInput`: plain arrays, for tests and small n.
 */
import { benchScale } from './scale';

/** 2026-01-01T00:00:00Z: the event-time origin of all generated data. */
export const EPOCH_START_MS = Date.UTC(2026, 0, 1);

/**
 * mulberry32: a 32-bit-state PRNG, fast and good enough for workload shaping (not for crypto). Returns floats in
 * [0, 1). Same seed, same sequence, on every platform (only 32-bit integer ops and one division).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Fixed-window input (section `runner`)
// ---------------------------------------------------------------------------------------------------------------

export interface FixedWindowElement {
  key: string;
  /** Integer in 1..10. */
  value: number;
  /** Event time, ms since the Unix epoch. */
  timestamp: number;
}

export const FIXED_WINDOW_KEY_COUNT = 1000;

/** `k0`..`k999`, built once so that every element of a key shares one string (as an interned source would). */
export const FIXED_WINDOW_KEYS: readonly string[] = Array.from({ length: FIXED_WINDOW_KEY_COUNT }, (_, i) => `k${i}`);

/**
 * Lazy fixed-window input: element i has event time EPOCH_START_MS + 2*i + jitter, jitter in {0, 1} ms, i.e.
 * ~1 element per 2 ms (1M elements span ~33 min, ~34 one-minute windows of ~30 elements per key).
 *
 * The timestamps are strictly increasing on purpose: the streaming sides use a watermark equal to the max seen
 * timestamp with no allowed lateness, and in-order input guarantees that nothing is late, so their output equals a
 * batch runner's (apache-beam) exactly and the checksums can be compared.
 */
export function* fixedWindowEvents(n: number, seed: number): Generator<FixedWindowElement, void, undefined> {
  const rand = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    const key = FIXED_WINDOW_KEYS[Math.floor(rand() * FIXED_WINDOW_KEY_COUNT)];
    const value = 1 + Math.floor(rand() * 10);
    const timestamp = EPOCH_START_MS + 2 * i + Math.floor(rand() * 2);
    yield { key, value, timestamp };
  }
}

/** The fixed-window input as an array (for tests and small n). */
export function fixedWindowInput(n: number, seed: number): FixedWindowElement[] {
  return Array.from(fixedWindowEvents(n, seed));
}

/** Packed fixed-window input: 7 bytes per element. Build before timing; iterate while timing. */
export class PreparedFixedWindowInput implements Iterable<FixedWindowElement> {
  readonly length: number;
  private readonly keyIndex: Uint16Array;
  private readonly value: Uint8Array;
  /** Offset from EPOCH_START_MS in ms (fits: 2 ms * 2^31 elements). */
  private readonly offset: Uint32Array;

  constructor(n: number, seed: number) {
    this.length = n;
    this.keyIndex = new Uint16Array(n);
    this.value = new Uint8Array(n);
    this.offset = new Uint32Array(n);
    // Same PRNG call order as fixedWindowEvents, so both forms are element-for-element identical.
    const rand = mulberry32(seed);
    for (let i = 0; i < n; i++) {
      this.keyIndex[i] = Math.floor(rand() * FIXED_WINDOW_KEY_COUNT);
      this.value[i] = 1 + Math.floor(rand() * 10);
      this.offset[i] = 2 * i + Math.floor(rand() * 2);
    }
  }

  /** Element i as a fresh object (the consumer may keep or mutate it). */
  at(i: number): FixedWindowElement {
    return {
      key: FIXED_WINDOW_KEYS[this.keyIndex[i]],
      value: this.value[i],
      timestamp: EPOCH_START_MS + this.offset[i],
    };
  }

  *[Symbol.iterator](): Generator<FixedWindowElement, void, undefined> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  toArray(): FixedWindowElement[] {
    const out = new Array<FixedWindowElement>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}

export function prepareFixedWindowInput(n: number, seed: number): PreparedFixedWindowInput {
  return new PreparedFixedWindowInput(n, seed);
}

// ---------------------------------------------------------------------------------------------------------------
// Session input (section `sessions`)
// ---------------------------------------------------------------------------------------------------------------

export interface SessionEvent {
  user: string;
  /** Event time, ms since the Unix epoch (integer). */
  timestamp: number;
}

/** Users in the full-size bench (scaled by BENCH_SCALE like the element counts, so events per user stay put). */
export const SESSION_BENCH_USERS = 100_000;
/**
 * Event-time span per million events: 12 hours. The event rate is constant, so a longer input is a longer stream
 * (5M events span 60 hours), not a denser one: the number of sessions open at any moment does not depend on n,
 * which is what "memory bounded by open windows, not by input size" is measured against.
 */
export const SESSION_SPAN_PER_MILLION_MS = 12 * 60 * 60 * 1000;
/** Maximum arrival delay: events arrive out of order by up to (strictly less than) 5 minutes of event time. */
export const SESSION_MAX_DELAY_MS = 5 * 60 * 1000;
/** Session gap used by every side. */
export const SESSION_GAP_MS = 30 * 60 * 1000;
/** Mean number of events in one burst of activity of one user. */
const SESSION_MEAN_BURST_EVENTS = 3;
/** Mean time between two events of one burst (exponential, so P(gap > 30 min) = e^-15: a burst is one session). */
const SESSION_MEAN_INTRA_BURST_GAP_MS = 2 * 60 * 1000;

/** The users count the bench cases use: 100k times BENCH_SCALE (at least 1). */
export function benchSessionUsers(): number {
  return Math.max(1, Math.round(SESSION_BENCH_USERS * benchScale()));
}

/** User names `u0`..`u<users-1>`, built once (a per-event string would measure the allocator, not the processor). */
export function sessionUserNames(users: number): string[] {
  return Array.from({ length: users }, (_, i) => `u${i}`);
}

/** A generated event before delivery: user index, integer event time, arrival key, and a tie-breaking sequence. */
interface PendingEvent {
  user: number;
  timestamp: number;
  arrival: number;
  seq: number;
}

/** Min-heap on (arrival, seq): seq makes the delivery order a total order, hence deterministic. */
class ArrivalHeap {
  private readonly items: PendingEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): PendingEvent | undefined {
    return this.items[0];
  }

  private static less(a: PendingEvent, b: PendingEvent): boolean {
    return a.arrival < b.arrival || (a.arrival === b.arrival && a.seq < b.seq);
  }

  push(item: PendingEvent): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!ArrivalHeap.less(item, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): PendingEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && ArrivalHeap.less(items[r], items[l]) ? r : l;
      if (!ArrivalHeap.less(items[child], last)) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * Session events as (user index, event time) in ARRIVAL order, lazily, with memory bounded by ~5 min of events.
 *
 * Workload model (why it looks like this):
 * - Event times form one global Poisson-like stream at a constant rate (SESSION_SPAN_PER_MILLION_MS per 1M events,
 *   exponential inter-arrival).
 * - Each event belongs to one of A concurrently open "bursts" (a user being active), picked uniformly; a burst
 *   holds 1..(2*3-1) events (mean 3) and is replaced, when used up, by a burst of a uniformly random user. A is set
 *   so that the mean gap inside a burst is ~2 min, so a burst is one session and users come back later for new
 *   ones: 100k users give ~3 bursts per user per 12 h of event time, whatever n is.
 * - Delivery order: each event gets a delay in [0, 5 min) and events are delivered sorted by (time + delay, seq).
 *   Because events are generated in event-time order and delay >= 0, an event can be released as soon as the
 *   generator's clock reaches its arrival key; the heap holds only the events of the last 5 minutes.
 *
 * Consequence for the streaming sides: with watermark = (max event time seen) - 5 min, no event is ever late and no
 * closed session can be reopened, so streaming output equals the batch answer exactly.
 */
export function* sessionEventIndices(
  n: number,
  users: number,
  seed: number,
): Generator<{ user: number; timestamp: number }, void, undefined> {
  if (n <= 0) return;
  if (users < 1) throw new RangeError(`users must be >= 1, got ${users}`);
  const rand = mulberry32(seed);
  // The rate scales with the number of users (BENCH_SCALE shrinks both), so each user behaves the same.
  const meanInterArrival = (SESSION_SPAN_PER_MILLION_MS / 1_000_000) * (SESSION_BENCH_USERS / users);
  const slots = Math.max(1, Math.round(SESSION_MEAN_INTRA_BURST_GAP_MS / meanInterArrival));
  const slotUser = new Int32Array(slots);
  const slotRemaining = new Int32Array(slots);
  const newBurst = (slot: number): void => {
    slotUser[slot] = Math.floor(rand() * users);
    slotRemaining[slot] = 1 + Math.floor(rand() * (2 * SESSION_MEAN_BURST_EVENTS - 1));
  };
  for (let s = 0; s < slots; s++) newBurst(s);

  const heap = new ArrivalHeap();
  let clock = 0; // float ms since EPOCH_START_MS
  for (let i = 0; i < n; i++) {
    // 1 - rand() is in (0, 1], so the log is finite.
    clock += -Math.log(1 - rand()) * meanInterArrival;
    const timestamp = EPOCH_START_MS + Math.floor(clock);
    const slot = Math.floor(rand() * slots);
    const user = slotUser[slot];
    if (--slotRemaining[slot] === 0) newBurst(slot);
    const arrival = timestamp + Math.floor(rand() * SESSION_MAX_DELAY_MS);
    heap.push({ user, timestamp, arrival, seq: i });
    // Everything not yet generated has event time >= timestamp, hence arrival >= timestamp: release what is due.
    for (let top = heap.peek(); top !== undefined && top.arrival <= timestamp; top = heap.peek()) {
      heap.pop();
      yield { user: top.user, timestamp: top.timestamp };
    }
  }
  for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
    yield { user: top.user, timestamp: top.timestamp };
  }
}

/** Lazy session input in arrival order (bounded memory; generation cost is paid while iterating). */
export function* sessionEvents(n: number, users: number, seed: number): Generator<SessionEvent, void, undefined> {
  const names = sessionUserNames(users);
  for (const e of sessionEventIndices(n, users, seed)) yield { user: names[e.user], timestamp: e.timestamp };
}

/** The session input as an array in arrival order (for tests and small n). */
export function sessionInput(n: number, users: number, seed: number): SessionEvent[] {
  return Array.from(sessionEvents(n, users, seed));
}

/** Packed session input in arrival order: 8 bytes per event. Build before timing; iterate while timing. */
export class PreparedSessionInput implements Iterable<SessionEvent> {
  readonly length: number;
  readonly users: number;
  private readonly names: string[];
  private readonly userIndex: Uint32Array;
  /** Offset from EPOCH_START_MS in ms (60 h for 5M events = 216M ms fits in 32 bits). */
  private readonly offset: Uint32Array;

  constructor(n: number, users: number, seed: number) {
    this.length = n;
    this.users = users;
    this.names = sessionUserNames(users);
    this.userIndex = new Uint32Array(n);
    this.offset = new Uint32Array(n);
    let i = 0;
    for (const e of sessionEventIndices(n, users, seed)) {
      this.userIndex[i] = e.user;
      this.offset[i] = e.timestamp - EPOCH_START_MS;
      i++;
    }
  }

  /** Event i (arrival order) as a fresh object. */
  at(i: number): SessionEvent {
    return { user: this.names[this.userIndex[i]], timestamp: EPOCH_START_MS + this.offset[i] };
  }

  *[Symbol.iterator](): Generator<SessionEvent, void, undefined> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  toArray(): SessionEvent[] {
    const out = new Array<SessionEvent>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}

export function prepareSessionInput(n: number, users: number, seed: number): PreparedSessionInput {
  return new PreparedSessionInput(n, users, seed);
}
