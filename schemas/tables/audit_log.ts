/** `audit_log`: who did what to whose data (erasure, consent changes, re-identification). Append-only. */
import { col, nullable } from '../column';
import { AUDIT_ACTIONS } from '../enums';
import { defineTable, type RowOf } from '../table';

export const AuditLogTable = defineTable({
  name: 'audit_log',
  description: 'Audit trail of privacy operations: GDPR erasure, consent changes, re-identification of masked data.',
  version: 1,
  columns: {
    audit_id: col.string('Unique id of the audit entry (a UUID); idempotency key.'),
    action: col.enumOf(AUDIT_ACTIONS, 'What was done.'),
    subject: col.string('Data subject as a pseudonymous user key (see events.user_key); never a raw id.'),
    actor: col.string("Who did it: a person's or service account's identity, or pipeline:<name>."),
    details: nullable(col.json('Action-specific details (tables and row counts erased, old/new consent, purpose).')),
    // NOTE: not `at`: AT is reserved in BigQuery and in DuckDB, and would need quoting in every query.
    occurred_at: col.timestamp('When the action took place; partitioning column.'),
  },
  key: ['audit_id'],
  partitionBy: 'occurred_at',
  clustering: ['action', 'subject'],
});

export type AuditLogRow = RowOf<typeof AuditLogTable>;
