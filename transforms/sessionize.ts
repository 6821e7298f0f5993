/**
 * Sessions per user: Beam session windows on the pseudonymous user key (gap 30 min by default), aggregated
 * with an associative combine fn so that merging sessions merges their summaries.
 *
 * Panes accumulate (each pane describes the whole session so far) and the sink keeps one row per session:
 * session_id is derived from the user key and the session's start, a later pane replaces the row, and the
 * sessions a merge swallowed (pane.supersedes) are deleted in the same write. Events without profiling consent
 * (userKey null) take no part.
 */
import { createHash } from 'node:crypto';
import {
  type CombineFn,
  type Duration,
  type KV,
  type LateElement,
  type PCollection,
  type PTransform,
  type PaneInfo,
  type ProcessContext,
  type Window,
  combinePerKey,
  filter,
  keyBy,
  lateElementsOf,
  minutes,
  parDo,
  sessions,
  windowInto,
} from '../sdk';
import { CONVERSION_EVENT_TYPES, type DeviceType, campaignOf } from '../schemas';
import { type PipelineEvent } from './records';

export interface SessionizeOptions {
  /** Inactivity that ends a session. Default 30 min (the usual web-analytics definition). */
  readonly gapMs?: Duration;
  /** How long after a session's end late events may still change it. Default 10 min. */
  readonly allowedLatenessMs?: Duration;
}

/** What a session pane says, before it becomes a `sessions` row. */
export interface SessionSummary {
  readonly sessionId: string;
  readonly userKey: string;
  readonly start: number;
  readonly end: number;
  readonly eventCount: number;
  readonly pageViews: number;
  readonly landingPage: string | null;
  readonly exitPage: string | null;
  readonly firstTouchCampaign: string | null;
  readonly lastTouchCampaign: string | null;
  readonly conversions: number;
  readonly revenue: number;
  readonly currency: string | null;
  readonly deviceType: DeviceType | null;
  readonly country: string | null;
  readonly pane: PaneInfo;
  /** Ids of earlier sessions of this user that this one absorbed: delete their rows. */
  readonly supersededSessionIds: readonly string[];
}

/** Deterministic: the same user and start give the same id on every run and every runner. */
export function sessionId(userKey: string, start: number): string {
  return createHash('sha256').update(`${userKey}\u0000${start}`).digest('base64url').slice(0, 22);
}

/** A value with the event time it was seen at: the earliest or latest one wins on merge. */
interface Timed<T> {
  t: number;
  v: T;
}

export interface SessionAccumulator {
  count: number;
  pageViews: number;
  conversions: number;
  revenue: number;
  currency: string | null;
  first: number;
  last: number;
  landing: Timed<string> | null;
  exit: Timed<string> | null;
  firstCampaign: Timed<string> | null;
  lastCampaign: Timed<string> | null;
  device: Timed<DeviceType> | null;
  country: Timed<string> | null;
}

const CONVERSIONS = new Set<string>(CONVERSION_EVENT_TYPES);

function earlier<T>(a: Timed<T> | null, b: Timed<T> | null): Timed<T> | null {
  if (!a) return b;
  if (!b) return a;
  return b.t < a.t ? b : a;
}

function later<T>(a: Timed<T> | null, b: Timed<T> | null): Timed<T> | null {
  if (!a) return b;
  if (!b) return a;
  return b.t >= a.t ? b : a;
}

/** Folds events into a session summary; every part is associative, so merged sessions add up. */
export function sessionCombineFn(): CombineFn<PipelineEvent, SessionAccumulator, SessionAccumulator> {
  const empty = (): SessionAccumulator => ({
    count: 0,
    pageViews: 0,
    conversions: 0,
    revenue: 0,
    currency: null,
    first: Number.POSITIVE_INFINITY,
    last: Number.NEGATIVE_INFINITY,
    landing: null,
    exit: null,
    firstCampaign: null,
    lastCampaign: null,
    device: null,
    country: null,
  });
  const merge = (a: SessionAccumulator, b: SessionAccumulator): SessionAccumulator => {
    a.count += b.count;
    a.pageViews += b.pageViews;
    a.conversions += b.conversions;
    a.currency ??= b.currency;
    // Revenue in another currency than the session's first one is not added: amounts in two currencies do
    // not sum. Sessions with mixed currencies are rare; the events table keeps every amount.
    if (b.currency === null || b.currency === a.currency) a.revenue += b.revenue;
    a.first = Math.min(a.first, b.first);
    a.last = Math.max(a.last, b.last);
    a.landing = earlier(a.landing, b.landing);
    a.exit = later(a.exit, b.exit);
    a.firstCampaign = earlier(a.firstCampaign, b.firstCampaign);
    a.lastCampaign = later(a.lastCampaign, b.lastCampaign);
    a.device = earlier(a.device, b.device);
    a.country = earlier(a.country, b.country);
    return a;
  };
  return {
    name: 'sessionSummary',
    createAccumulator: empty,
    addInput(acc, e) {
      const t = e.eventTimeMs;
      const ev = e.event;
      acc.count++;
      if (ev.event_type === 'page_view') acc.pageViews++;
      if (CONVERSIONS.has(ev.event_type)) acc.conversions++;
      if (ev.event_type === 'purchase' && typeof ev.value === 'number') {
        acc.currency ??= ev.currency ?? null;
        if ((ev.currency ?? null) === acc.currency) acc.revenue += ev.value;
      }
      if (t < acc.first) acc.first = t;
      if (t > acc.last) acc.last = t;
      if (ev.page) {
        acc.landing = earlier(acc.landing, { t, v: ev.page });
        acc.exit = later(acc.exit, { t, v: ev.page });
      }
      const c = campaignOf(ev);
      const campaign = c.utm_campaign ?? c.campaign_id ?? null;
      if (campaign !== null) {
        acc.firstCampaign = earlier(acc.firstCampaign, { t, v: campaign });
        acc.lastCampaign = later(acc.lastCampaign, { t, v: campaign });
      }
      if (ev.device?.type) acc.device = earlier(acc.device, { t, v: ev.device.type });
      if (ev.country) acc.country = earlier(acc.country, { t, v: ev.country });
      return acc;
    },
    mergeAccumulators: (accs) => accs.reduce(merge, empty()),
    extractOutput: (acc) => ({ ...acc }),
  };
}

function summarize(userKey: string, acc: SessionAccumulator, window: Window, pane: PaneInfo): SessionSummary {
  const ownId = sessionId(userKey, window.start);
  return {
    sessionId: ownId,
    userKey,
    start: acc.first,
    end: acc.last,
    eventCount: acc.count,
    pageViews: acc.pageViews,
    landingPage: acc.landing?.v ?? null,
    exitPage: acc.exit?.v ?? null,
    firstTouchCampaign: acc.firstCampaign?.v ?? null,
    lastTouchCampaign: acc.lastCampaign?.v ?? null,
    conversions: acc.conversions,
    revenue: acc.revenue,
    currency: acc.revenue > 0 ? acc.currency : null,
    deviceType: acc.device?.v ?? null,
    country: acc.country?.v ?? null,
    pane,
    // A merged session that kept its start keeps its id: that row is replaced, not deleted.
    supersededSessionIds: pane.supersedes.map((w) => sessionId(userKey, w.start)).filter((id) => id !== ownId),
  };
}

export interface SessionizeOutputs {
  readonly sessions: PCollection<SessionSummary>;
  /** Events too late for their session (none when dedupe upstream decided lateness with a shorter window). */
  readonly late: PCollection<LateElement<KV<string, PipelineEvent>>>;
}

export function sessionize(
  options: SessionizeOptions = {},
  name = 'Sessionize',
): PTransform<PCollection<PipelineEvent>, SessionizeOutputs> {
  const gapMs = options.gapMs ?? minutes(30);
  const allowedLatenessMs = options.allowedLatenessMs ?? minutes(10);
  return {
    name,
    explicitName: true,
    expand: (events) => {
      const summaries = events
        .apply(filter((e: PipelineEvent) => e.userKey !== null && e.restrictions.profiling, 'KeepProfiledUsers'))
        .apply(
          windowInto<PipelineEvent>(sessions(gapMs), { allowedLatenessMs, accumulationMode: 'accumulating' }, 'SessionWindows'),
        )
        .apply(keyBy((e: PipelineEvent) => e.userKey as string, 'KeyByUser'))
        .apply(combinePerKey(sessionCombineFn(), 'SummarizeSession'));
      const described = summaries.apply(
        parDo<KV<string, SessionAccumulator>, SessionSummary>(
          {
            process(kv: KV<string, SessionAccumulator>, ctx: ProcessContext<SessionSummary>) {
              ctx.output(summarize(kv.key, kv.value, ctx.window, ctx.pane));
            },
          },
          {},
          'DescribeSession',
        ),
      );
      return { sessions: described, late: lateElementsOf(summaries) };
    },
  };
}
