/**
 * Campaign metrics in fixed event-time windows (1 minute by default): events, distinct users, clicks,
 * conversions and revenue per window × campaign, one row per pane.
 *
 * Dashboards want numbers before a window closes, so early panes fire every `earlyEveryMs` of processing
 * time after the first element of a pane; the ON_TIME pane fires when the watermark passes the window; late
 * data within the allowed lateness fires LATE panes (again batched by processing time). Panes accumulate: each
 * row holds the whole window as of its pane, and the final pane (isLast) is the answer.
 */
import {
  type CombineFn,
  type Duration,
  type KV,
  type LateElement,
  type PCollection,
  type PTransform,
  type PaneInfo,
  type ProcessContext,
  afterProcessingTime,
  afterWatermark,
  combinePerKey,
  fixedWindows,
  keyBy,
  lateElementsOf,
  minutes,
  parDo,
  seconds,
  windowInto,
} from '../sdk';
import { CAMPAIGN_NOT_SET, CLICK_EVENT_TYPES, CONVERSION_EVENT_TYPES, campaignOf } from '../schemas';
import { type PipelineEvent } from './records';

export interface CampaignMetricsOptions {
  /** Window width. Default 1 min. */
  readonly windowMs?: Duration;
  /** Early (and late) panes fire this long after the first element of a pane. Default 10 s. */
  readonly earlyEveryMs?: Duration;
  /** Default 10 min. */
  readonly allowedLatenessMs?: Duration;
}

export interface CampaignMetric {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly campaign: string;
  readonly pane: PaneInfo;
  readonly events: number;
  readonly users: number;
  readonly clicks: number;
  readonly conversions: number;
  readonly revenue: number;
}

export interface CampaignAccumulator {
  events: number;
  clicks: number;
  conversions: number;
  revenue: number;
  /** Exact distinct users: bounded by the users active in one window and campaign. */
  users: Set<string>;
}

const CLICKS = new Set<string>(CLICK_EVENT_TYPES);
const CONVERSIONS = new Set<string>(CONVERSION_EVENT_TYPES);

export function campaignCombineFn(): CombineFn<PipelineEvent, CampaignAccumulator, CampaignAccumulator> {
  const empty = (): CampaignAccumulator => ({ events: 0, clicks: 0, conversions: 0, revenue: 0, users: new Set() });
  return {
    name: 'campaignMetrics',
    createAccumulator: empty,
    addInput(acc, e) {
      const type = e.event.event_type;
      acc.events++;
      if (CLICKS.has(type)) acc.clicks++;
      if (CONVERSIONS.has(type)) acc.conversions++;
      if (type === 'purchase' && typeof e.event.value === 'number') acc.revenue += e.event.value;
      if (e.userKey !== null) acc.users.add(e.userKey);
      return acc;
    },
    mergeAccumulators(accs) {
      const out = empty();
      for (const a of accs) {
        out.events += a.events;
        out.clicks += a.clicks;
        out.conversions += a.conversions;
        out.revenue += a.revenue;
        for (const u of a.users) out.users.add(u);
      }
      return out;
    },
    extractOutput: (acc) => ({ ...acc, users: new Set(acc.users) }),
  };
}

/** The campaign key of an event: utm_campaign, else campaign_id, else "(not set)". */
export function campaignKey(e: PipelineEvent): string {
  const c = campaignOf(e.event);
  return c.utm_campaign ?? c.campaign_id ?? CAMPAIGN_NOT_SET;
}

export interface CampaignMetricsOutputs {
  readonly metrics: PCollection<CampaignMetric>;
  readonly late: PCollection<LateElement<KV<string, PipelineEvent>>>;
}

export function campaignMetrics(
  options: CampaignMetricsOptions = {},
  name = 'CampaignMetrics',
): PTransform<PCollection<PipelineEvent>, CampaignMetricsOutputs> {
  const windowMs = options.windowMs ?? minutes(1);
  const every = options.earlyEveryMs ?? seconds(10);
  const allowedLatenessMs = options.allowedLatenessMs ?? minutes(10);
  return {
    name,
    explicitName: true,
    expand: (events) => {
      const combined = events
        .apply(
          windowInto<PipelineEvent>(
            fixedWindows(windowMs),
            {
              trigger: afterWatermark({ early: afterProcessingTime(every), late: afterProcessingTime(every) }),
              allowedLatenessMs,
              accumulationMode: 'accumulating',
            },
            'MinuteWindows',
          ),
        )
        .apply(keyBy(campaignKey, 'KeyByCampaign'))
        .apply(combinePerKey(campaignCombineFn(), 'AggregateCampaign'));
      const metrics = combined.apply(
        parDo<KV<string, CampaignAccumulator>, CampaignMetric>(
          {
            process(kv: KV<string, CampaignAccumulator>, ctx: ProcessContext<CampaignMetric>) {
              const a = kv.value;
              ctx.output({
                windowStart: ctx.window.start,
                windowEnd: ctx.window.end,
                campaign: kv.key,
                pane: ctx.pane,
                events: a.events,
                users: a.users.size,
                clicks: a.clicks,
                conversions: a.conversions,
                revenue: a.revenue,
              });
            },
          },
          {},
          'DescribeCampaignWindow',
        ),
      );
      return { metrics, late: lateElementsOf(combined) };
    },
  };
}
