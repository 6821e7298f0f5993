/** `late_events`: events that arrived after their window's allowed lateness, kept instead of silently dropped. */
import { col, nullable } from '../column';
import { defineTable, type RowOf } from '../table';

export const LateEventsTable = defineTable({
  name: 'late_events',
  description:
    'Events that arrived after the watermark had passed their window end plus the allowed lateness. They are ' +
    'kept here instead of `events`, so every message lands in exactly one of events, late_events, dead_letter ' +
    '(or is a counted duplicate).',
  version: 1,
  columns: {
    event_id: col.string('Event id; idempotency key.'),
    user_key: nullable(col.string('Pseudonymous user key (see events.user_key); null without profiling consent.')),
    event_time: col.timestamp("The event's time; partitioning column."),
    arrival_time: col.timestamp('Processing time the event reached the windowing step.'),
    watermark: col.timestamp('Input watermark of that step at arrival.'),
    window_end: col.timestamp('End of the window the event belonged to.'),
    reason: col.string("Which aggregate dropped it and why, e.g. 'sessions: beyond allowed lateness 1h'."),
    payload: nullable(col.string('The event as JSON, PII masked.')),
  },
  key: ['event_id'],
  partitionBy: 'event_time',
  clustering: ['reason'],
});

export type LateEventRow = RowOf<typeof LateEventsTable>;
