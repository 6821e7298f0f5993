/**
 * Rolling per-user features for a customer data platform: events in the last hour, the latest purchase, the
 * most frequent product category, revenue and sessions so far.
 *
 * Features describe a user across all time, so they live in the global window, one accumulator per user, and
 * are re-emitted `updateEveryMs` of processing time after new activity (and once more when the input ends).
 * Each part of the accumulator is associative and bounded: recent event times are pruned to the last hour,
 * categories are counted, and sessions older than twice the gap are folded into a count.
 */
import {
  type CombineFn,
  type Duration,
  type KV,
  type PCollection,
  type PTransform,
  type ProcessContext,
  afterProcessingTime,
  combinePerKey,
  filter,
  globalWindows,
  hours,
  keyBy,
  minutes,
  parDo,
  repeatedly,
  seconds,
  windowInto,
} from '../sdk';
import { type PipelineEvent } from './records';

export interface UserFeaturesOptions {
  /** Features are re-emitted this long after a user's first new event. Default 10 s. */
  readonly updateEveryMs?: Duration;
  /** Session gap used for sessions_count. Default 30 min. */
  readonly sessionGapMs?: Duration;
}

export interface UserFeatures {
  readonly userKey: string;
  /** Latest event time seen: the moment the features describe. */
  readonly asOf: number;
  readonly eventsLastHour: number;
  readonly lastPurchaseTime: number | null;
  readonly lastPurchaseValue: number | null;
  readonly topCategory: string | null;
  readonly totalRevenue: number;
  readonly sessionsCount: number;
}

export interface FeatureAccumulator {
  latest: number;
  /** Event times of the last hour before `latest` (unsorted). */
  recent: number[];
  lastPurchaseTime: number | null;
  lastPurchaseValue: number | null;
  categories: Map<string, number>;
  revenue: number;
  /** Sessions closed long ago, counted only. */
  closedSessions: number;
  /** Recent sessions as [first, last] event times, sorted and disjoint by more than the gap. */
  open: [number, number][];
}

const HOUR = hours(1);

export function featureCombineFn(gapMs: Duration): CombineFn<PipelineEvent, FeatureAccumulator, FeatureAccumulator> {
  const empty = (): FeatureAccumulator => ({
    latest: Number.NEGATIVE_INFINITY,
    recent: [],
    lastPurchaseTime: null,
    lastPurchaseValue: null,
    categories: new Map(),
    revenue: 0,
    closedSessions: 0,
    open: [],
  });
  const addSessionTime = (acc: FeatureAccumulator, first: number, last: number): void => {
    const merged: [number, number][] = [];
    let span: [number, number] = [first, last];
    for (const s of acc.open) {
      // Overlapping or closer than the gap: the same session (Beam semantics: exactly gap apart is two).
      if (s[0] - span[1] < gapMs && span[0] - s[1] < gapMs) span = [Math.min(s[0], span[0]), Math.max(s[1], span[1])];
      else merged.push(s);
    }
    merged.push(span);
    merged.sort((a, b) => a[0] - b[0]);
    acc.open = merged;
  };
  const prune = (acc: FeatureAccumulator): void => {
    const from = acc.latest - HOUR;
    if (acc.recent.length > 64) acc.recent = acc.recent.filter((t) => t > from);
    // Sessions that ended more than two gaps before the latest event can no longer grow in practice.
    while (acc.open.length > 1 && acc.open[0][1] < acc.latest - 2 * gapMs) {
      acc.open.shift();
      acc.closedSessions++;
    }
  };
  return {
    name: 'userFeatures',
    createAccumulator: empty,
    addInput(acc, e) {
      const t = e.eventTimeMs;
      if (t > acc.latest) acc.latest = t;
      acc.recent.push(t);
      const ev = e.event;
      if (ev.event_type === 'purchase' && typeof ev.value === 'number') {
        acc.revenue += ev.value;
        if (acc.lastPurchaseTime === null || t >= acc.lastPurchaseTime) {
          acc.lastPurchaseTime = t;
          acc.lastPurchaseValue = ev.value;
        }
      }
      const category = ev.product?.category;
      if (category) acc.categories.set(category, (acc.categories.get(category) ?? 0) + 1);
      addSessionTime(acc, t, t);
      prune(acc);
      return acc;
    },
    mergeAccumulators(accs) {
      const out = empty();
      for (const a of accs) {
        out.latest = Math.max(out.latest, a.latest);
        out.recent.push(...a.recent);
        if (a.lastPurchaseTime !== null && (out.lastPurchaseTime === null || a.lastPurchaseTime >= out.lastPurchaseTime)) {
          out.lastPurchaseTime = a.lastPurchaseTime;
          out.lastPurchaseValue = a.lastPurchaseValue;
        }
        for (const [c, n] of a.categories) out.categories.set(c, (out.categories.get(c) ?? 0) + n);
        out.revenue += a.revenue;
        out.closedSessions += a.closedSessions;
        for (const [first, last] of a.open) addSessionTime(out, first, last);
      }
      prune(out);
      return out;
    },
    extractOutput: (acc) => ({
      ...acc,
      recent: acc.recent.slice(),
      categories: new Map(acc.categories),
      open: acc.open.map((s): [number, number] => [s[0], s[1]]),
    }),
  };
}

function describe(userKey: string, acc: FeatureAccumulator): UserFeatures {
  let topCategory: string | null = null;
  let best = 0;
  for (const [c, n] of acc.categories) {
    if (n > best || (n === best && topCategory !== null && c < topCategory)) {
      best = n;
      topCategory = c;
    }
  }
  const from = acc.latest - HOUR;
  return {
    userKey,
    asOf: acc.latest,
    eventsLastHour: acc.recent.filter((t) => t > from).length,
    lastPurchaseTime: acc.lastPurchaseTime,
    lastPurchaseValue: acc.lastPurchaseValue,
    topCategory,
    totalRevenue: acc.revenue,
    sessionsCount: acc.closedSessions + acc.open.length,
  };
}

export function userFeatures(
  options: UserFeaturesOptions = {},
  name = 'UserFeatures',
): PTransform<PCollection<PipelineEvent>, PCollection<UserFeatures>> {
  const every = options.updateEveryMs ?? seconds(10);
  const gap = options.sessionGapMs ?? minutes(30);
  return {
    name,
    explicitName: true,
    expand: (events) =>
      events
        .apply(filter((e: PipelineEvent) => e.userKey !== null && e.restrictions.profiling, 'KeepProfiledUsers'))
        .apply(
          windowInto<PipelineEvent>(
            globalWindows(),
            { trigger: repeatedly(afterProcessingTime(every)), accumulationMode: 'accumulating' },
            'AllTimePerUser',
          ),
        )
        .apply(keyBy((e: PipelineEvent) => e.userKey as string, 'KeyByUser'))
        .apply(combinePerKey(featureCombineFn(gap), 'AccumulateFeatures'))
        .apply(
          parDo<KV<string, FeatureAccumulator>, UserFeatures>(
            {
              process(kv: KV<string, FeatureAccumulator>, ctx: ProcessContext<UserFeatures>) {
                ctx.output(describe(kv.key, kv.value));
              },
            },
            {},
            'DescribeFeatures',
          ),
        ),
  };
}
