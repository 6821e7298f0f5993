/**
 * Every append lands exactly once under injected failures: the real managed writer against the local Storage
 * Write server, which drops connections with UNAVAILABLE before or after storing a request's rows.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { managedwriter } from '@google-cloud/bigquery-storage';
import { AppendError, appendRequest } from '../../../io/bigquery/append';
import { tablePath, writerClient } from '../../../io/bigquery/clients';
import { rowEncoder } from '../../../io/bigquery/row_encoding';
import { WarehouseWriteError } from '../../../io/warehouse/errors';
import { EventsTable } from '../../../schemas';
import { type BigQueryEmulator } from '../../emulators/bigquery';
import { eventRow, sessionRow } from '../warehouse/fixtures';
import { PROJECT, connectionTo, openSink, withBigQueryEmulator } from './helpers';

const events = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => eventRow(i, salt));

function eventIds(emulator: BigQueryEmulator, dataset: string): string[] {
  return emulator.rowsOf(PROJECT, dataset, 'events').map((r) => r.event_id as string);
}

describe('BigQuery sink: exactly once under injected failures', () => {
  let emulator: BigQueryEmulator;
  withBigQueryEmulator((started) => (emulator = started));

  it('exactly-once: acknowledgements lost after storing are retried at the same offset, answered ALREADY_EXISTS, stored once', async () => {
    const { warehouse, dataset } = await openSink(emulator, { mode: 'exactly-once', maxRequestRows: 10 });
    const before = { ...emulator.faults.seen };
    emulator.faults.unavailableAfterAppend = 3;
    await warehouse.write({ rows: { events: events(55) } });
    const ids = eventIds(emulator, dataset);
    assert.equal(ids.length, 55);
    assert.equal(new Set(ids).size, 55);
    assert.equal(emulator.faults.seen.alreadyExists - before.alreadyExists, 3);
    assert.equal(warehouse.stats.alreadyExisted, 3);
    assert.ok(warehouse.stats.retries >= 3);
    await warehouse.close();
  });

  it('exactly-once: requests refused before storing are retried and stored once', async () => {
    const { warehouse, dataset } = await openSink(emulator, { mode: 'exactly-once', maxRequestRows: 7 });
    emulator.faults.unavailableBeforeAppend = 4;
    await warehouse.write({ rows: { events: events(30) } });
    assert.deepEqual(
      eventIds(emulator, dataset).sort(),
      events(30)
        .map((r) => r.event_id)
        .sort(),
    );
    assert.equal(warehouse.stats.alreadyExisted, 0);
    await warehouse.close();
  });

  it('upsert: a request stored twice after a lost acknowledgement leaves one row per key (CDC upsert)', async () => {
    const { warehouse, dataset } = await openSink(emulator, { mode: 'upsert', maxRequestRows: 10 });
    emulator.faults.unavailableAfterAppend = 2;
    await warehouse.write({ rows: { events: events(25), sessions: [sessionRow('s-1', 0), sessionRow('s-2', 3)] } });
    const ids = eventIds(emulator, dataset);
    assert.equal(ids.length, 25);
    assert.equal(new Set(ids).size, 25);
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'sessions').length, 2);
    await warehouse.close();
  });

  it('upsert: an older session pane replayed after a newer one does not replace it (_CHANGE_SEQUENCE_NUMBER)', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    await warehouse.write({ rows: { sessions: [sessionRow('s-1', 5)] } });
    await warehouse.write({ rows: { sessions: [sessionRow('s-1', 2)] } });
    assert.deepEqual(
      emulator.rowsOf(PROJECT, dataset, 'sessions').map((r) => [r.session_id, r.pane_index]),
      [['s-1', 5]],
    );
    await warehouse.close();
  });

  it('upsert: a merged-away session is deleted; a key deleted and upserted in one batch ends up upserted', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    await warehouse.write({ rows: { sessions: [sessionRow('s-a', 0), sessionRow('s-b', 0)] } });
    const result = await warehouse.write({ rows: { sessions: [sessionRow('s-b', 1)] }, deletes: { sessions: ['s-a', 's-b'] } });
    assert.deepEqual(
      emulator.rowsOf(PROJECT, dataset, 'sessions').map((r) => [r.session_id, r.pane_index]),
      [['s-b', 1]],
    );
    assert.deepEqual(result.tables.sessions, { upserted: 1, deleted: 1 });
    await warehouse.close();
  });

  it('a slow service is waited for, not duplicated', async () => {
    const { warehouse, dataset } = await openSink(emulator, { mode: 'exactly-once', maxRequestRows: 5 });
    emulator.faults.appendDelayMs = 20;
    await warehouse.write({ rows: { events: events(12) } });
    assert.equal(eventIds(emulator, dataset).length, 12);
    await warehouse.close();
  });

  it('exactly-once: when retries run out the write fails and nothing of the table is committed', async () => {
    const { warehouse, dataset } = await openSink(emulator, {
      mode: 'exactly-once',
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
    });
    emulator.faults.unavailableBeforeAppend = 100;
    await assert.rejects(warehouse.write({ rows: { events: events(5) } }), (e: unknown) => {
      assert.ok(e instanceof WarehouseWriteError);
      assert.match(e.message, /table events: append failed after 2 retries: .*unavailable/);
      return true;
    });
    emulator.faults.reset();
    assert.equal(eventIds(emulator, dataset).length, 0);
    // The next write goes through: a failure does not poison the warehouse.
    await warehouse.write({ rows: { events: events(5) } });
    assert.equal(eventIds(emulator, dataset).length, 5);
    await warehouse.close();
  });

  it('an append at an offset beyond the end of the stream is OUT_OF_RANGE, an error, not retried', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    await warehouse.close();
    const client = writerClient(connectionTo(emulator, dataset));
    const encoder = rowEncoder(EventsTable, false);
    const connection = await client.createStreamConnection({
      streamType: managedwriter.PendingStream,
      destinationTable: tablePath(connectionTo(emulator, dataset), 'events'),
    });
    connection.onConnectionError(() => undefined);
    const writer = new managedwriter.Writer({ connection, protoDescriptor: encoder.descriptor });
    try {
      await assert.rejects(appendRequest(writer, [encoder.encode(eventRow(1))], 5), (e: unknown) => {
        assert.ok(e instanceof AppendError);
        assert.equal(e.code, 11);
        return true;
      });
      const first = await appendRequest(writer, [encoder.encode(eventRow(1)), encoder.encode(eventRow(2))], 0);
      assert.deepEqual([first.stored, first.alreadyExisted], [2, false]);
      // The same append again: already there, nothing added.
      const again = await appendRequest(writer, [encoder.encode(eventRow(1)), encoder.encode(eventRow(2))], 0);
      assert.deepEqual([again.stored, again.alreadyExisted], [2, true]);
      const finalized = await connection.finalize();
      assert.equal(Number(finalized?.rowCount), 2);
    } finally {
      writer.close();
      connection.close();
      client.close();
    }
  });

  it('property: any schedule of faults, any request size: every row lands exactly once, in both modes', async () => {
    let salt = 100;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('upsert' as const, 'exactly-once' as const),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        async (mode, rows, perRequest, before, after) => {
          const { warehouse, dataset } = await openSink(emulator, { mode, maxRequestRows: perRequest });
          try {
            emulator.faults.unavailableBeforeAppend = before;
            emulator.faults.unavailableAfterAppend = after;
            const batch = events(rows, salt++);
            await warehouse.write({ rows: { events: batch } });
            const ids = eventIds(emulator, dataset);
            assert.equal(ids.length, rows);
            assert.deepEqual(ids.sort(), batch.map((r) => r.event_id).sort());
          } finally {
            emulator.faults.reset();
            await warehouse.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
