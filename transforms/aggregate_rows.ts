/**
 * Warehouse rows of the aggregates: `sessions`, `campaign_metrics`, `user_features`. Pure functions of a pane's
 * summary and the processing time it is written at.
 */
import { type CampaignMetricRow, type SessionRow, type UserFeaturesRow } from '../schemas';
import { type CampaignMetric } from './campaign_metrics';
import { rfc3339 } from './rows';
import { type SessionSummary } from './sessionize';
import { type UserFeatures } from './user_features';

function paneTiming(t: string): 'EARLY' | 'ON_TIME' | 'LATE' {
  // Grouped panes always have a timing; UNKNOWN would mean the row did not come from a grouping.
  if (t === 'EARLY' || t === 'ON_TIME' || t === 'LATE') return t;
  throw new Error(`pane timing ${t} does not come from a grouping`);
}

export function toSessionRow(s: SessionSummary, nowMs: number): SessionRow {
  return {
    session_id: s.sessionId,
    user_key: s.userKey,
    session_start: rfc3339(s.start),
    session_end: rfc3339(s.end),
    duration_s: (s.end - s.start) / 1000,
    event_count: s.eventCount,
    page_views: s.pageViews,
    landing_page: s.landingPage,
    exit_page: s.exitPage,
    first_touch_campaign: s.firstTouchCampaign,
    last_touch_campaign: s.lastTouchCampaign,
    conversions: s.conversions,
    revenue: s.revenue,
    currency: s.currency,
    device_type: s.deviceType,
    country: s.country,
    pane_index: s.pane.index,
    pane_timing: paneTiming(s.pane.timing),
    updated_at: rfc3339(nowMs),
  };
}

export function toCampaignMetricRow(m: CampaignMetric, nowMs: number): CampaignMetricRow {
  return {
    window_start: rfc3339(m.windowStart),
    window_end: rfc3339(m.windowEnd),
    campaign: m.campaign,
    pane_index: m.pane.index,
    pane_timing: paneTiming(m.pane.timing),
    is_final: m.pane.isLast,
    events: m.events,
    users: m.users,
    clicks: m.clicks,
    conversions: m.conversions,
    revenue: m.revenue,
    emitted_at: rfc3339(nowMs),
  };
}

export function toUserFeaturesRow(f: UserFeatures, nowMs: number): UserFeaturesRow {
  return {
    user_key: f.userKey,
    events_last_hour: f.eventsLastHour,
    last_purchase_time: f.lastPurchaseTime === null ? null : rfc3339(f.lastPurchaseTime),
    last_purchase_value: f.lastPurchaseValue,
    top_category: f.topCategory,
    total_revenue: f.totalRevenue,
    sessions_count: f.sessionsCount,
    updated_at: rfc3339(nowMs),
    as_of: rfc3339(f.asOf),
  };
}
