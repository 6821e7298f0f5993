/**
 * Rows the warehouse must refuse, or store exactly, without crashing: wrong types, a string where a TIMESTAMP is
 * expected, huge strings, the packing's own delimiter characters. A refused batch writes nothing, names the table,
 * the row's key and the column, and leaves the warehouse usable.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { WarehouseWriteError } from '../../../io/warehouse/errors';
import { type WarehouseBatch } from '../../../io/warehouse/warehouse';
import { eventRow, sessionRow } from './fixtures';

const MB = 1024 * 1024;

describe('DuckDB warehouse: hostile rows', () => {
  let warehouse: DuckDbWarehouse;
  beforeEach(async () => {
    warehouse = await openDuckDbWarehouse(':memory:');
  });
  afterEach(async () => {
    await warehouse.close();
  });

  /** Expects `batch` to be refused naming table, key and column, with nothing written and a short message. */
  async function refused(batch: WarehouseBatch, expected: { key?: string; column?: string; message: RegExp }): Promise<void> {
    await assert.rejects(warehouse.write(batch), (e: unknown) => {
      assert.ok(e instanceof WarehouseWriteError, String(e));
      if (expected.key !== undefined) assert.equal(e.key, expected.key);
      if (expected.column !== undefined) assert.equal(e.column, expected.column);
      assert.match(e.message, expected.message);
      assert.ok(e.message.length < 600, `message of ${e.message.length} characters`);
      return true;
    });
    assert.deepEqual(await warehouse.query('SELECT count(*) AS n FROM events'), [{ n: 0 }]);
    // Still usable afterwards.
    await warehouse.write({ rows: { events: [eventRow(999)] } });
    await warehouse.write({ rows: {}, deletes: { events: [eventRow(999).event_id] } });
  }

  const good = eventRow(1);
  const key = eventRow(2).event_id;

  it('a number where a STRING is expected', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), page: 42 }] } },
      { key, column: 'page', message: /^table events, row ".*", column page: must be a string, got 42$/ },
    );
  });

  it('a string, a fraction or an unsafe number where an INT64 is expected', async () => {
    for (const value of ['7', 1.5, 2 ** 60, Number.NaN]) {
      await refused(
        { rows: { events: [good, { ...eventRow(2), schema_version: value }] } },
        { key, column: 'schema_version', message: /must be an integer/ },
      );
    }
  });

  it('NaN or Infinity where a FLOAT64 is expected', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '12.5']) {
      await refused(
        { rows: { events: [good, { ...eventRow(2), value }] } },
        { key, column: 'value', message: /must be a finite number/ },
      );
    }
  });

  it('a string that is not a timestamp where a TIMESTAMP is expected', async () => {
    for (const value of ['yesterday', '2024-05-01 12:00:00', '2024-05-01T12:00:00', 1714564800000]) {
      await refused(
        { rows: { events: [good, { ...eventRow(2), event_time: value }] } },
        { key, column: 'event_time', message: /must be an RFC 3339 timestamp with an offset/ },
      );
    }
  });

  it('a timestamp of the right shape that names no instant (found by DuckDB, located by the warehouse)', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), ingest_time: '2024-02-30T00:00:00Z' }] } },
      { key, column: 'ingest_time', message: /cannot store "2024-02-30T00:00:00Z" as TIMESTAMP: Conversion Error/ },
    );
  });

  it('a 1 MB string where a TIMESTAMP is expected: refused, and the message stays short', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), event_time: `2024-05-01T12:00:00Z${'x'.repeat(MB)}` }] } },
      { key, column: 'event_time', message: /… \(1048596 characters\)/ },
    );
  });

  it('a 1 MB string in a STRING column is stored exactly', async () => {
    const note = 'é'.repeat(MB / 2) + '\u001e\u001f' + '中'.repeat(1000);
    await warehouse.write({ rows: { events: [{ ...eventRow(1), note }] } });
    const [row] = await warehouse.query('SELECT note, strlen(note) AS bytes FROM events');
    assert.equal(row.note, note);
    assert.equal(row.bytes, Buffer.byteLength(note));
  });

  it('a string over the size limit', async () => {
    const small = await openDuckDbWarehouse(':memory:', { maxStringBytes: 1000 });
    try {
      await assert.rejects(
        small.write({ rows: { events: [{ ...eventRow(1), note: 'x'.repeat(1001) }] } }),
        /column note: is 1001 bytes, more than the limit of 1000/,
      );
      await small.write({ rows: { events: [{ ...eventRow(1), note: 'x'.repeat(1000) }] } });
    } finally {
      await small.close();
    }
  });

  it('a missing or null REQUIRED column; a missing NULLABLE one is NULL', async () => {
    const { user_key: _dropped, ...withoutUserKey } = eventRow(2);
    await refused({ rows: { events: [good, withoutUserKey] } }, { key, column: 'user_key', message: /is REQUIRED but missing/ });
    await refused(
      { rows: { events: [good, { ...eventRow(2), user_key: null }] } },
      { key, column: 'user_key', message: /is REQUIRED but null/ },
    );
    const { note: _note, ...withoutNote } = eventRow(3);
    await warehouse.write({ rows: { events: [withoutNote] } });
    assert.deepEqual(await warehouse.query('SELECT note FROM events WHERE event_id = $1', [eventRow(3).event_id]), [
      { note: null },
    ]);
  });

  it('a property that is not a column (a misspelt column would be lost silently)', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), utm_campain: 'x' }] } },
      { key, message: /has a property "utm_campain" that is not a column/ },
    );
  });

  it('a bad key, an unknown table, a row that is not an object', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), event_id: 17 }] } },
      { column: 'event_id', message: /key must be a string, got 17/ },
    );
    await refused({ rows: { events: [good], nope: [good] } as WarehouseBatch['rows'] }, { message: /table nope: unknown table/ });
    await refused({ rows: { events: [good, 'row' as never] } }, { message: /a row must be an object, got "row"/ });
    await refused(
      { rows: { events: [good] }, deletes: { campaign_metrics: ['not json'] } },
      { message: /JSON array of 3 strings/ },
    );
  });

  it('a value JSON cannot hold in a JSON column', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const row = {
      id: 'd1',
      reason: 'r',
      step: 's',
      payload: null,
      payload_encoding: 'masked',
      error_time: '2024-05-01T00:00:00Z',
      event_time: null,
    };
    for (const attributes of [cyclic, { n: 1n }, () => 1]) {
      await assert.rejects(
        warehouse.write({ rows: { dead_letter: [{ ...row, attributes }] } }),
        /column attributes: cannot be serialized as JSON/,
      );
    }
  });

  it('an unpaired surrogate (UTF-8 cannot encode it; DuckDB would store U+FFFD instead)', async () => {
    await refused(
      { rows: { events: [good, { ...eventRow(2), note: 'ok \ud800 broken' }] } },
      { key, column: 'note', message: /unpaired UTF-16 surrogate/ },
    );
  });

  it('a session row with a non-integer pane_index', async () => {
    await assert.rejects(
      warehouse.write({ rows: { sessions: [{ ...sessionRow('s', 0), pane_index: 'late' }] } }),
      /table sessions, row "s", column pane_index: must be an integer/,
    );
  });

  it('stores any valid string exactly, delimiters and NUL included (property)', async function () {
    this.timeout(60_000);
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\u0000', '\u001e', '\u001f', '\u001f1', '\u001f2', '1', '2', '\n', ',', '"', 'é', '😀'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, fc.option(text)), { minLength: 1, maxLength: 20 }), async (cells) => {
        const rows = cells.map(([note, page], i) => ({ ...eventRow(i), note, page }));
        await warehouse.write({ rows: { events: rows } });
        const back = await warehouse.query('SELECT event_id, note, page FROM events');
        const byId = new Map(back.map((r) => [r.event_id, r]));
        for (const row of rows) {
          assert.deepEqual(byId.get(row.event_id), { event_id: row.event_id, note: row.note, page: row.page });
        }
        await warehouse.query('DELETE FROM events');
      }),
      { numRuns: 60 },
    );
  });
});
