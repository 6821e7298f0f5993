/** The registry of warehouse tables: generators and tests iterate over `TABLES`. */
import type { TableDef } from '../table';
import { AuditLogTable } from './audit_log';
import { CampaignMetricsTable } from './campaign_metrics';
import { DeadLetterTable } from './dead_letter';
import { EventsTable } from './events';
import { LateEventsTable } from './late_events';
import { SessionsTable } from './sessions';
import { UserFeaturesTable } from './user_features';

export { AuditLogTable, type AuditLogRow } from './audit_log';
export { CampaignMetricsTable, type CampaignMetricRow } from './campaign_metrics';
export { DeadLetterTable, type DeadLetterRow } from './dead_letter';
export { EventsTable, type EventRow } from './events';
export { LateEventsTable, type LateEventRow } from './late_events';
export { SessionsTable, type SessionRow } from './sessions';
export { UserFeaturesTable, type UserFeaturesRow } from './user_features';

/** Every table by name; the order is the order of generated files and DDL. */
export const TABLES = {
  events: EventsTable,
  sessions: SessionsTable,
  campaign_metrics: CampaignMetricsTable,
  user_features: UserFeaturesTable,
  dead_letter: DeadLetterTable,
  late_events: LateEventsTable,
  audit_log: AuditLogTable,
} as const;

export type TableName = keyof typeof TABLES;
/** Every table with its column names widened to string: what code iterating over all tables wants. */
export const TABLE_LIST: readonly TableDef[] = Object.values(TABLES);
