/**
 * Shared harness for grouping semantics tests: a keyed stream of values goes through windowInto and
 * a combine per key; every pane comes back as a compact row with times in seconds from T0 (UTC).
 */
import { ManualClock } from '../../../sdk/clock';
import { type CombineFn } from '../../../sdk/combine_fns';
import { type LateElement } from '../../../sdk/graph';
import { type KV, kv } from '../../../sdk/kv';
import { type PaneTiming } from '../../../sdk/pane';
import { Pipeline } from '../../../sdk/pipeline';
import { type TestStream, type TimestampedValue, capture, testStream, tv } from '../../../sdk/testing';
import { create } from '../../../sdk/transforms/read';
import { mapToKV } from '../../../sdk/transforms/element_wise';
import { combinePerKey, lateElementsOf } from '../../../sdk/transforms/group';
import { windowInto } from '../../../sdk/transforms/window_into';
import { type WindowFn } from '../../../sdk/window_fns';
import { type WindowingOptions } from '../../../sdk/windowing_strategy';
import { type DirectRunnerOptions, type PipelineResult, runPipeline } from '../../../runners/direct';

export const T0 = Date.parse('2026-03-01T09:00:00Z');
/** T0 plus seconds. */
export const sec = (s: number) => T0 + s * 1000;
/** Seconds from T0. */
export const rel = (t: number) => (t - T0) / 1000;

export type Input<V> = KV<string, V>;
export const el = <V>(key: string, value: V, seconds: number): TimestampedValue<Input<V>> => tv(kv(key, value), sec(seconds));

export interface Row<O> {
  readonly key: string;
  readonly value: O;
  /** Window start and end, seconds from T0. */
  readonly start: number;
  readonly end: number;
  readonly timing: PaneTiming;
  readonly index: number;
  readonly nonSpeculativeIndex: number;
  readonly isFirst: boolean;
  readonly isLast: boolean;
  /** Output timestamp, seconds from T0. */
  readonly ts: number;
  /** Windows this pane replaces (session merges), seconds from T0. */
  readonly supersedes: readonly { readonly start: number; readonly end: number }[];
}

export interface GroupingRun<V, O> {
  readonly rows: Row<O>[];
  readonly late: LateElement<Input<V>>[];
  readonly result: PipelineResult;
}

export type Source<V> = TestStream<Input<V>> | { readonly values: TimestampedValue<Input<V>>[] };

export async function runGrouping<V, A, O>(
  source: Source<V>,
  windowFn: WindowFn,
  options: WindowingOptions,
  fn: CombineFn<V, A, O>,
  runnerOptions: Pick<DirectRunnerOptions, 'maxBundleSize' | 'spill'> = {},
): Promise<GroupingRun<V, O>> {
  const p = new Pipeline();
  const input =
    'values' in source
      ? p.apply(
          create(
            source.values.map((e) => e.value),
            { timestamps: source.values.map((e) => e.timestamp) },
          ),
        )
      : p.apply(testStream(source));
  const grouped = input
    .apply(windowInto(windowFn, options))
    .apply(mapToKV((x: Input<V>) => x, 'Keyed'))
    .apply(combinePerKey<string, V, A, O>(fn, 'Combine'));
  const out = capture(grouped);
  const late = capture(lateElementsOf(grouped));
  const result = await runPipeline(p, { clock: new ManualClock(0), ...runnerOptions });
  const rows = out.elements.map((e) => ({
    key: e.value.key,
    value: e.value.value,
    start: rel(e.window.start),
    end: rel(e.window.end),
    timing: e.pane.timing,
    index: e.pane.index,
    nonSpeculativeIndex: e.pane.nonSpeculativeIndex,
    isFirst: e.pane.isFirst,
    isLast: e.pane.isLast,
    ts: rel(e.timestamp),
    supersedes: e.pane.supersedes.map((w) => ({ start: rel(w.start), end: rel(w.end) })),
  }));
  return { rows, late: late.values(), result };
}

/** [key, value, start, end, timing, index, nonSpeculativeIndex, isFirst, isLast]: a whole pane at a glance. */
export const paneOf = <O>(r: Row<O>) =>
  [r.key, r.value, r.start, r.end, r.timing, r.index, r.nonSpeculativeIndex, r.isFirst, r.isLast] as const;
