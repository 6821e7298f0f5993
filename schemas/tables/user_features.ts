/** `user_features`: the latest feature vector per user, for activation and models. */
import { col, nullable } from '../column';
import { defineTable, type RowOf } from '../table';

export const UserFeaturesTable = defineTable({
  name: 'user_features',
  description: 'Latest features per user; one row per user_key, overwritten on each update.',
  version: 1,
  columns: {
    user_key: col.string('Pseudonymous user key (see events.user_key); primary key.'),
    events_last_hour: col.int64('Events in the hour of event time before as_of.', { minimum: 0 }),
    last_purchase_time: nullable(col.timestamp('Event time of the latest purchase; null if none.')),
    last_purchase_value: nullable(col.float64('Value of the latest purchase; null if none.', { minimum: 0 })),
    top_category: nullable(col.string('Most frequent product category; null if no product events.')),
    total_revenue: col.float64('Sum of purchase values so far.', { minimum: 0 }),
    sessions_count: col.int64('Sessions so far.', { minimum: 0 }),
    updated_at: col.timestamp('Processing time the row was written; partitioning column.'),
    as_of: col.timestamp('Event time the features describe (the watermark or window end that triggered them).'),
  },
  key: ['user_key'],
  partitionBy: 'updated_at',
  clustering: ['user_key'],
});

export type UserFeaturesRow = RowOf<typeof UserFeaturesTable>;
