/** `dead_letter`: messages a step could not process, with why and (masked or encrypted) what. */
import { col, nullable } from '../column';
import { PAYLOAD_ENCODINGS } from '../enums';
import { defineTable, type RowOf } from '../table';

export const DeadLetterTable = defineTable({
  name: 'dead_letter',
  description:
    'Messages that failed a step (not JSON, invalid, failed masking, ...). Data errors never stop the pipeline; ' +
    'they land here, one row per message.',
  version: 1,
  columns: {
    id: col.string(
      'Source message id (Pub/Sub message id), or SHA-256 hex of the raw payload where the source has no id; ' +
        'idempotency key, so a redelivery does not add a row.',
    ),
    reason: col.string("Readable error, e.g. the validation issues as 'path: message; ...'."),
    step: col.string('Stable name of the step that failed, e.g. ValidateEvents.'),
    payload: nullable(col.string('The original payload, masked or encrypted as payload_encoding says.')),
    payload_encoding: col.enumOf(PAYLOAD_ENCODINGS, 'How payload holds the original message.'),
    attributes: nullable(col.json('Source attributes (Pub/Sub message attributes; file and line for files).')),
    error_time: col.timestamp('Processing time of the failure; partitioning column.'),
    event_time: nullable(col.timestamp("The event's time when it could be read from the payload.")),
  },
  key: ['id'],
  partitionBy: 'error_time',
  clustering: ['step'],
});

export type DeadLetterRow = RowOf<typeof DeadLetterTable>;
