/** `campaign_metrics`: one row per event-time window × campaign × pane. */
import { col } from '../column';
import { CAMPAIGN_NOT_SET, CLICK_EVENT_TYPES, CONVERSION_EVENT_TYPES, PANE_TIMINGS } from '../enums';
import { defineTable, type RowOf } from '../table';

export const CampaignMetricsTable = defineTable({
  name: 'campaign_metrics',
  description:
    'Per-campaign metrics in fixed event-time windows, one row per pane (early, on-time, late firings). Panes ' +
    'accumulate: each row holds the whole window as of that pane, so the latest pane (is_final, or the highest ' +
    'pane_index) is the answer.',
  version: 1,
  columns: {
    window_start: col.timestamp('Window start (inclusive, event time); partitioning column.'),
    window_end: col.timestamp('Window end (exclusive, event time).'),
    campaign: col.string(
      `Campaign key: utm_campaign, else campaign_id, else '${CAMPAIGN_NOT_SET}'. Never null (it is a key column).`,
    ),
    pane_index: col.int64('Pane index within the window (0 = first firing).', { minimum: 0 }),
    pane_timing: col.enumOf(PANE_TIMINGS, 'Timing of the pane relative to the watermark.'),
    is_final: col.bool("True on the last pane the window will ever emit (Beam's isLast)."),
    events: col.int64('Events in the window.', { minimum: 0 }),
    users: col.int64('Distinct user_key values in the window (exact).', { minimum: 0 }),
    clicks: col.int64(`Click events (${CLICK_EVENT_TYPES.join(', ')}) in the window.`, { minimum: 0 }),
    conversions: col.int64(`Conversion events (${CONVERSION_EVENT_TYPES.join(', ')}) in the window.`, {
      minimum: 0,
    }),
    revenue: col.float64('Sum of purchase values in the window.', { minimum: 0 }),
    emitted_at: col.timestamp('Processing time the pane fired.'),
  },
  key: ['window_start', 'campaign', 'pane_index'],
  partitionBy: 'window_start',
  clustering: ['campaign', 'is_final'],
});

export type CampaignMetricRow = RowOf<typeof CampaignMetricsTable>;
