/**
 * Saved analyses over the warehouse tables, written in SQL that DuckDB and BigQuery both accept (standard
 * aggregates, CASE, COUNT(DISTINCT), no dialect-specific functions), so the same text runs locally and in the
 * cloud. `{dataset}` is replaced by the table prefix: empty for DuckDB, `project.dataset.` for BigQuery.
 */
export interface Analysis {
  readonly name: string;
  readonly title: string;
  readonly sql: string;
}

export const ANALYSES: readonly Analysis[] = [
  {
    name: 'sessions_per_campaign',
    title: 'Sessions, conversions and revenue by first-touch campaign',
    sql: `SELECT COALESCE(first_touch_campaign, '(none)') AS campaign,
       COUNT(*) AS sessions,
       SUM(conversions) AS conversions,
       ROUND(SUM(revenue), 2) AS revenue
FROM {dataset}sessions
GROUP BY 1
ORDER BY sessions DESC, campaign
LIMIT 5`,
  },
  {
    name: 'funnel_conversion',
    title: 'Funnel: users reaching each step',
    sql: `SELECT COUNT(DISTINCT CASE WHEN event_type = 'page_view' THEN user_key END) AS viewed,
       COUNT(DISTINCT CASE WHEN event_type = 'add_to_cart' THEN user_key END) AS added_to_cart,
       COUNT(DISTINCT CASE WHEN event_type = 'purchase' THEN user_key END) AS purchased
FROM {dataset}events
WHERE user_key <> '(unlinked)'`,
  },
  {
    name: 'revenue_by_channel',
    title: 'Revenue by channel',
    sql: `SELECT COALESCE(channel, '(none)') AS channel,
       COUNT(*) AS purchases,
       ROUND(SUM(value), 2) AS revenue
FROM {dataset}events
WHERE event_type = 'purchase'
GROUP BY 1
ORDER BY revenue DESC, channel`,
  },
  {
    name: 'late_data_share',
    title: 'Late data: events refused as too late, against events written',
    sql: `SELECT (SELECT COUNT(*) FROM {dataset}events) AS on_time_events,
       (SELECT COUNT(*) FROM {dataset}late_events) AS late_events,
       (SELECT COUNT(*) FROM {dataset}dead_letter) AS dead_letters`,
  },
];

export function analysisSql(a: Analysis, tablePrefix = ''): string {
  return a.sql.replaceAll('{dataset}', tablePrefix);
}
