/** Keys within a batch: what a bundle's records mean when one write carries them all. */
import assert from 'node:assert/strict';
import { TABLES } from '../../../schemas';
import { BatchBuilder, normalizeBatch } from '../../../io/warehouse/batch_builder';
import { WarehouseWriteError } from '../../../io/warehouse/errors';
import { keyParts, rowKey } from '../../../io/warehouse/row_identity';
import { canonicalTimestamp, formatMicros, parseRfc3339 } from '../../../io/warehouse/timestamps';
import { eventRow, metricRow, sessionRow } from './fixtures';

const panesOf = (builder: BatchBuilder) => {
  const [w] = builder.take();
  return { rows: w.rows.map((r) => `${String(r.session_id)}@${String(r.pane_index)}`), deletes: w.deletes };
};

describe('BatchBuilder: keys within a batch', () => {
  it('keeps the last row of a key, in first-seen position', () => {
    const b = new BatchBuilder();
    b.add('events', { ...eventRow(1), page: '/first' });
    b.add('events', eventRow(2));
    b.add('events', { ...eventRow(1), page: '/last' });
    assert.equal(b.size, 2);
    const [w] = b.take();
    assert.deepEqual(
      w.rows.map((r) => r.page),
      ['/last', eventRow(2).page],
    );
    assert.deepEqual(w.keys, [eventRow(1).event_id, eventRow(2).event_id]);
    assert.equal(b.size, 0);
  });

  it('sessions: the highest pane wins, ties go to the later row', () => {
    const b = new BatchBuilder();
    b.add('sessions', sessionRow('s', 2));
    b.add('sessions', sessionRow('s', 1));
    b.add('sessions', sessionRow('s', 2, { exit_page: '/tie' }));
    const [w] = b.take();
    assert.deepEqual(
      w.rows.map((r) => [r.pane_index, r.exit_page]),
      [[2, '/tie']],
    );
  });

  it('a delete removes an earlier upsert of its key and is kept for the stored row', () => {
    const b = new BatchBuilder();
    b.add('sessions', sessionRow('a', 0));
    b.add('sessions', sessionRow('b', 3), ['a']);
    assert.deepEqual(panesOf(b), { rows: ['b@3'], deletes: ['a'] });
  });

  it('an upsert after a delete of its key is kept (the delete runs first)', () => {
    const b = new BatchBuilder();
    b.add('sessions', sessionRow('x', 1), ['a']);
    b.add('sessions', sessionRow('a', 0));
    assert.deepEqual(panesOf(b), { rows: ['x@1', 'a@0'], deletes: ['a'] });
  });

  it("a record's own deletes come before its row (a merged session keeping one of the merged ids)", () => {
    const b = new BatchBuilder();
    b.add('sessions', sessionRow('a', 0));
    b.add('sessions', sessionRow('a', 1), ['a', 'b']);
    assert.deepEqual(panesOf(b), { rows: ['a@1'], deletes: ['a', 'b'] });
  });

  it('a delete after the highest pane clears it: a later lower pane is then kept', () => {
    const b = new BatchBuilder();
    b.add('sessions', sessionRow('a', 5));
    b.add('sessions', sessionRow('m', 6), ['a']);
    b.add('sessions', sessionRow('a', 0));
    assert.deepEqual(panesOf(b), { rows: ['m@6', 'a@0'], deletes: ['a'] });
  });

  it('matches delete keys and row keys of composite keys whatever the timestamp spelling', () => {
    const b = new BatchBuilder();
    b.add('campaign_metrics', metricRow('2024-05-01T14:00:00+02:00', 'c', 0));
    b.add('campaign_metrics', metricRow('2024-05-01T12:01:00Z', 'c', 0), ['["2024-05-01T12:00:00.000000Z","c","00"]']);
    const [w] = b.take();
    assert.deepEqual(w.keys, ['["2024-05-01T12:01:00.000Z","c","0"]']);
    assert.deepEqual(w.deletes, ['["2024-05-01T12:00:00.000Z","c","0"]']);
  });

  it('a whole batch keeps its meaning: all deletes, then all rows', () => {
    const writes = normalizeBatch({ rows: { sessions: [sessionRow('a', 0)] }, deletes: { sessions: ['a', 'a'] } });
    assert.deepEqual(
      writes.map((w) => ({ table: w.name, rows: w.rows.length, deletes: w.deletes })),
      [{ table: 'sessions', rows: 1, deletes: ['a'] }],
    );
    assert.deepEqual(normalizeBatch({ rows: { events: [] } }), []);
  });

  it('refuses an unknown table and a row without a usable key', () => {
    assert.throws(() => new BatchBuilder().add('nope' as never, eventRow(1)), /table nope: unknown table/);
    assert.throws(
      () => new BatchBuilder().add('events', { ...eventRow(1), event_id: null }),
      (e: unknown) => e instanceof WarehouseWriteError && e.table === 'events' && e.column === 'event_id',
    );
  });
});

describe('row keys', () => {
  it('are the value of a single key column, and a JSON array of canonical values for composite keys', () => {
    assert.equal(rowKey(TABLES.events, eventRow(1)), eventRow(1).event_id);
    assert.equal(rowKey(TABLES.sessions, sessionRow('s-1', 0)), 's-1');
    assert.equal(
      rowKey(TABLES.campaign_metrics, metricRow('2024-05-01T14:00:00.5+02:00', 'c,"x"', 3)),
      '["2024-05-01T12:00:00.500Z","c,\\"x\\"","3"]',
    );
    assert.deepEqual(keyParts(TABLES.campaign_metrics, '["2024-05-01T12:00:00.500Z","c","3"]'), [
      '2024-05-01T12:00:00.500Z',
      'c',
      '3',
    ]);
    assert.throws(() => keyParts(TABLES.campaign_metrics, '["a"]'), /JSON array of 3 strings/);
  });
});

describe('timestamps', () => {
  it('parse RFC 3339 with any offset and up to nanoseconds, truncating to microseconds as DuckDB does', () => {
    assert.equal(canonicalTimestamp('2024-05-01T14:00:00+02:00'), '2024-05-01T12:00:00.000Z');
    assert.equal(canonicalTimestamp('2024-05-01t12:00:00.123456789z'), '2024-05-01T12:00:00.123456Z');
    assert.equal(canonicalTimestamp('2024-02-29T23:59:59.9999999-00:30'), '2024-03-01T00:29:59.999999Z');
    assert.equal(canonicalTimestamp('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z');
  });

  it('refuse what names no instant', () => {
    for (const text of [
      '2023-02-29T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2016-12-31T23:59:60Z',
      '2024-05-01T12:00:00',
      '2024-05-01 12:00:00Z',
    ]) {
      assert.equal(parseRfc3339(text), null, text);
    }
  });

  it('format DuckDB microseconds, before the epoch and at infinity too', () => {
    assert.equal(formatMicros(1714564800123456n), '2024-05-01T12:00:00.123456Z');
    assert.equal(formatMicros(-1n), '1969-12-31T23:59:59.999999Z');
    assert.equal(formatMicros(9223372036854775807n), 'infinity');
    assert.equal(formatMicros(-9223372036854775807n), '-infinity');
  });
});
