/**
 * The bytes of a resting global-window state, as the spill store keeps them.
 *
 * A state at rest has no pending data, hold or processing-time timer, and its window is the global window, so what
 * is left to keep is the accumulator, the trigger's state and the pane bookkeeping. They are written with
 * `v8.serialize` as one array (no property names repeated per key), the trigger tree as nested arrays.
 *
 * `v8.serialize` keeps plain data only (objects lose their class, functions are refused), as checkpoints do; a state
 * that is not plain data is never spilled (see `isPlainData`).
 */
import { deserialize, serialize } from 'node:v8';
import { type Window } from '../../sdk/window';
import { type TriggerState } from './trigger_machine';

export interface RestingState {
  /** The key itself, when its encoded form is not the key (objects, arrays). */
  readonly key?: unknown;
  readonly acc: unknown;
  readonly trigger: TriggerState;
  readonly nextPaneIndex: number;
  readonly nextNonSpeculativeIndex: number;
  readonly emittedNonEarly: boolean;
  readonly emittedThisWindow: boolean;
  readonly superseded: readonly Window[];
  readonly closed: boolean;
}

type PackedTrigger = [
  finished: boolean,
  count: number,
  deadline: number,
  late: boolean,
  current: number,
  children: PackedTrigger[],
];

const EMITTED_NON_EARLY = 1;
const EMITTED_THIS_WINDOW = 2;
const CLOSED = 4;

export function encodeRestingState(s: RestingState, withKey: boolean): Buffer {
  const flags =
    (s.emittedNonEarly ? EMITTED_NON_EARLY : 0) | (s.emittedThisWindow ? EMITTED_THIS_WINDOW : 0) | (s.closed ? CLOSED : 0);
  const packed: unknown[] = [s.acc, packTrigger(s.trigger), s.nextPaneIndex, s.nextNonSpeculativeIndex, flags, s.superseded];
  if (withKey) packed.push(s.key);
  return serialize(packed);
}

export function decodeRestingState(bytes: Uint8Array): RestingState {
  const p = deserialize(bytes) as unknown[];
  const flags = p[4] as number;
  return {
    ...(p.length > 6 && { key: p[6] }),
    acc: p[0],
    trigger: unpackTrigger(p[1] as PackedTrigger),
    nextPaneIndex: p[2] as number,
    nextNonSpeculativeIndex: p[3] as number,
    emittedNonEarly: (flags & EMITTED_NON_EARLY) !== 0,
    emittedThisWindow: (flags & EMITTED_THIS_WINDOW) !== 0,
    superseded: p[5] as Window[],
    closed: (flags & CLOSED) !== 0,
  };
}

function packTrigger(s: TriggerState): PackedTrigger {
  return [s.finished, s.count, s.deadline, s.late, s.current, s.children.map(packTrigger)];
}

function unpackTrigger(p: PackedTrigger): TriggerState {
  return { finished: p[0], count: p[1], deadline: p[2], late: p[3], current: p[4], children: p[5].map(unpackTrigger) };
}

const PLAIN_PROTOTYPES: ReadonlySet<unknown> = new Set([
  Object.prototype,
  null,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
]);

/**
 * Whether `value` survives `v8.serialize` unchanged in meaning: primitives, and plain objects, arrays, Maps, Sets,
 * Dates, Buffers and typed arrays made of them. Instances of other classes would come back without their class,
 * functions and symbols not at all.
 */
export function isPlainData(value: unknown): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    const t = typeof v;
    if (t === 'function' || t === 'symbol') return false;
    if (v === null || t !== 'object') continue;
    const o = v as object;
    if (seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) continue;
    const proto: unknown = Object.getPrototypeOf(o);
    if (!PLAIN_PROTOTYPES.has(proto)) return false;
    if (Object.getOwnPropertySymbols(o).length > 0) return false;
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) stack.push(o[i]);
    } else if (o instanceof Map) {
      for (const [k, x] of o) stack.push(k, x);
    } else if (o instanceof Set) {
      for (const x of o) stack.push(x);
    } else if (proto !== Date.prototype) {
      for (const k in o) stack.push((o as Record<string, unknown>)[k]);
    }
  }
  return true;
}
