/** `sessions`: one row per user session (Beam session windows per user_key), replaced by each later pane. */
import { col, nullable } from '../column';
import { CONVERSION_EVENT_TYPES, DEVICE_TYPES, PANE_TIMINGS } from '../enums';
import { defineTable, type RowOf } from '../table';

export const SessionsTable = defineTable({
  name: 'sessions',
  description:
    "One row per session: a user's events with no gap longer than the session gap. A later pane of the same " +
    'session replaces the row (upsert on session_id); a session merged into another by late data is deleted.',
  version: 1,
  columns: {
    session_id: col.string('Deterministic session id (from user_key and the session start); primary key.'),
    user_key: col.string('Pseudonymous user key (see events.user_key).'),
    session_start: col.timestamp("Event time of the session's first event; partitioning column."),
    session_end: col.timestamp("Event time of the session's last event (the window end minus the gap)."),
    duration_s: col.float64('session_end - session_start, in seconds.', { minimum: 0 }),
    event_count: col.int64('Events in the session.', { minimum: 0 }),
    page_views: col.int64('page_view events in the session.', { minimum: 0 }),
    landing_page: nullable(col.string('Page of the first event that has one.')),
    exit_page: nullable(col.string('Page of the last event that has one.')),
    first_touch_campaign: nullable(col.string('Campaign (utm_campaign, else campaign_id) of the first event with one.')),
    last_touch_campaign: nullable(col.string('Campaign (utm_campaign, else campaign_id) of the last event with one.')),
    conversions: col.int64(`Conversion events (${CONVERSION_EVENT_TYPES.join(', ')}) in the session.`, {
      minimum: 0,
    }),
    revenue: col.float64('Sum of purchase values, in `currency`; 0 when none.', { minimum: 0 }),
    currency: nullable(col.string('ISO 4217 code of revenue; null when the session has no revenue.')),
    device_type: nullable(col.enumOf(DEVICE_TYPES, 'Device class of the first event that has one.')),
    country: nullable(col.string('Country of the first event that has one.')),
    pane_index: col.int64('Index of the pane that wrote this row (0 = first firing); the highest one wins.', {
      minimum: 0,
    }),
    pane_timing: col.enumOf(PANE_TIMINGS, 'Timing of that pane relative to the watermark.'),
    updated_at: col.timestamp('Processing time the row was written.'),
  },
  key: ['session_id'],
  partitionBy: 'session_start',
  clustering: ['user_key', 'first_touch_campaign', 'country'],
});

export type SessionRow = RowOf<typeof SessionsTable>;
