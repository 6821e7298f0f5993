/**
 * Rows BigQuery refuses are dead letters, never silently dropped: the Storage Write API's row errors (a REQUIRED
 * value missing, a timestamp outside BigQuery's range, rows the server is told to refuse), and rows too large for
 * one request. A value the sink cannot encode at all refuses the whole batch with the table, row and column named.
 */
import assert from 'node:assert/strict';
import { WarehouseWriteError } from '../../../io/warehouse/errors';
import { SINK_STEP } from '../../../io/bigquery/bigquery_warehouse';
import { type BigQueryEmulator } from '../../emulators/bigquery';
import { eventRow } from '../warehouse/fixtures';
import { PROJECT, openSink, withBigQueryEmulator } from './helpers';

describe('BigQuery sink: rows the service refuses become dead letters', () => {
  let emulator: BigQueryEmulator;
  withBigQueryEmulator((started) => (emulator = started));

  for (const mode of ['upsert', 'exactly-once'] as const) {
    it(`${mode}: partial row errors: the refused rows go to dead_letter with the service's message, the others are written once`, async () => {
      const { warehouse, dataset } = await openSink(emulator, { mode, maxRequestRows: 4, now: () => Date.UTC(2024, 4, 2) });
      const rows = Array.from({ length: 10 }, (_, i) => eventRow(i));
      const refused = new Set([rows[2].event_id, rows[7].event_id, rows[8].event_id]);
      emulator.faults.rowRejection = {
        reject: (table, row) =>
          table === 'events' && refused.has(row.event_id as string) ? 'injected: field value refused' : undefined,
      };
      const result = await warehouse.write({ rows: { events: rows } });
      const written = emulator.rowsOf(PROJECT, dataset, 'events').map((r) => r.event_id);
      assert.deepEqual(
        written.sort(),
        rows
          .map((r) => r.event_id)
          .filter((id) => !refused.has(id))
          .sort(),
      );
      const dead = emulator.rowsOf(PROJECT, dataset, 'dead_letter');
      assert.equal(dead.length, 3);
      for (const d of dead) {
        assert.equal(d.step, SINK_STEP);
        assert.match(d.reason as string, /^BigQuery refused the row for table events: injected: field value refused$/);
        assert.equal(d.payload_encoding, 'masked');
        assert.deepEqual(d.attributes, { table: 'events' });
        assert.equal(d.error_time, '2024-05-02T00:00:00.000Z');
        const payload = JSON.parse(d.payload as string) as { table: string; row: { event_id: string; event_time: string } };
        assert.ok(refused.has(payload.row.event_id));
        assert.equal(d.event_time, payload.row.event_time);
      }
      assert.deepEqual(result.tables.events, { upserted: 7, deleted: 0 });
      assert.deepEqual(result.tables.dead_letter, { upserted: 3, deleted: 0 });
      assert.equal(warehouse.stats.rejected, 3);
      await warehouse.close();
    });
  }

  it('a REQUIRED column left null is refused by the service (row error), not by the sink, and dead-lettered', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    const bad = { ...eventRow(1), event_type: null };
    await warehouse.write({ rows: { events: [eventRow(0), bad] } });
    assert.deepEqual(
      emulator.rowsOf(PROJECT, dataset, 'events').map((r) => r.event_id),
      [eventRow(0).event_id],
    );
    const [dead] = emulator.rowsOf(PROJECT, dataset, 'dead_letter');
    assert.match(dead.reason as string, /Field event_type is REQUIRED but missing/);
    await warehouse.close();
  });

  it('a timestamp before year 1 (valid RFC 3339, outside BigQuery’s range) is dead-lettered', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    await warehouse.write({ rows: { events: [{ ...eventRow(3), event_time: '0000-06-01T00:00:00Z' }] } });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 0);
    const [dead] = emulator.rowsOf(PROJECT, dataset, 'dead_letter');
    assert.match(dead.reason as string, /event_time: timestamp .* is outside 0001-01-01 \.\. 9999-12-31/);
    // The dead letter's event_time would be refused the same way, so the time is in its payload only.
    assert.equal(dead.event_time, null);
    assert.match(dead.payload as string, /"event_time":"0000-06-01T00:00:00Z"/);
    await warehouse.close();
  });

  it('a row larger than one request is dead-lettered with its size; the rest of the batch is written', async () => {
    const { warehouse, dataset } = await openSink(emulator, { maxRequestBytes: 4096 });
    const huge = { ...eventRow(5), note: 'x'.repeat(10_000) };
    await warehouse.write({ rows: { events: [eventRow(4), huge, eventRow(6)] } });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 2);
    const [dead] = emulator.rowsOf(PROJECT, dataset, 'dead_letter');
    assert.match(
      dead.reason as string,
      /row is \d+ bytes serialized, over the 4096-byte request limit \(payload cut to its first 1024 of \d+ characters\)/,
    );
    assert.equal((dead.payload as string).length, 1025);
    await warehouse.close();
  });

  it('requests are cut by bytes: no request over the limit, and they are well filled', async () => {
    const { warehouse, dataset } = await openSink(emulator, { maxRequestBytes: 8192 });
    await warehouse.write({ rows: { events: Array.from({ length: 300 }, (_, i) => eventRow(i)) } });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 300);
    assert.ok(warehouse.stats.requests > 1);
    assert.ok(warehouse.stats.bytes / warehouse.stats.requests <= 8192);
    assert.ok(warehouse.requestFill() > 0.8 && warehouse.requestFill() <= 1, `fill ${warehouse.requestFill()}`);
    await warehouse.close();
  });

  it('a value of the wrong type refuses the whole batch, naming table, row and column; nothing is written', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    const bad = { ...eventRow(9), schema_version: 'one' };
    await assert.rejects(warehouse.write({ rows: { events: [eventRow(8), bad] } }), (e: unknown) => {
      assert.ok(e instanceof WarehouseWriteError);
      assert.equal(e.table, 'events');
      assert.equal(e.column, 'schema_version');
      assert.equal(e.key, eventRow(9).event_id);
      assert.match(e.message, /must be an integer, got "one"/);
      return true;
    });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events').length, 0);
    await warehouse.close();
  });

  it('hostile text (NUL, emoji, quotes, 100 kB) round-trips intact', async () => {
    const { warehouse, dataset } = await openSink(emulator);
    const note = `a\u0000b "q" 'q' \u{1F600} \\ ${'z'.repeat(100_000)}`;
    await warehouse.write({ rows: { events: [{ ...eventRow(1), note }] } });
    assert.equal(emulator.rowsOf(PROJECT, dataset, 'events')[0].note, note);
    await warehouse.close();
  });

  it('a dead letter the service refuses too is an error, not a silent drop', async () => {
    const { warehouse } = await openSink(emulator);
    emulator.faults.rowRejection = { reject: () => 'injected: everything refused' };
    await assert.rejects(
      warehouse.write({ rows: { events: [eventRow(1)] } }),
      /table dead_letter: BigQuery refused a dead letter: .*everything refused/,
    );
    await warehouse.close();
  });
});
