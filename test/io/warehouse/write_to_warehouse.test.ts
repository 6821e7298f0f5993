/**
 * The sink through the direct runner: one write per bundle, flushed in finishBundle and awaited by the runner,
 * arrival-order meaning within a bundle, counters, and failures that fail the run.
 */
import assert from 'node:assert/strict';
import { Pipeline } from '../../../sdk/pipeline';
import { create } from '../../../sdk/transforms/read';
import { runPipeline, StepFailedError } from '../../../runners/direct';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { type Warehouse, type WarehouseBatch, type WriteResult } from '../../../io/warehouse/warehouse';
import { writeToWarehouse, type WarehouseRecord } from '../../../io/warehouse/write_to_warehouse';
import { eventRow, sessionRow } from './fixtures';

/** Delegates to a real warehouse, slowly, and records every batch and when each write settled. */
class SpyWarehouse implements Warehouse {
  readonly batches: WarehouseBatch[] = [];
  pending = 0;
  maxPending = 0;
  failWith: Error | undefined;

  constructor(
    private readonly inner: Warehouse,
    private readonly delayMs = 5,
  ) {}

  async write(batch: WarehouseBatch): Promise<WriteResult> {
    this.batches.push(batch);
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failWith) throw this.failWith;
      return await this.inner.write(batch);
    } finally {
      this.pending--;
    }
  }

  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return this.inner.query(sql, params);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const recordsIn = (batch: WarehouseBatch): number =>
  Object.values(batch.rows).reduce((n, rows) => n + (rows?.length ?? 0), 0) +
  Object.values(batch.deletes ?? {}).reduce((n, keys) => n + (keys?.length ?? 0), 0);

describe('writeToWarehouse through the direct runner', () => {
  let warehouse: DuckDbWarehouse;
  let spy: SpyWarehouse;
  beforeEach(async () => {
    warehouse = await openDuckDbWarehouse(':memory:');
    spy = new SpyWarehouse(warehouse);
  });
  afterEach(async () => {
    await warehouse.close();
  });

  it('writes every record, one batch per bundle, each awaited before the run goes on', async () => {
    const records: WarehouseRecord[] = Array.from({ length: 10 }, (_, i) => ({ table: 'events', row: eventRow(i) }));
    const p = new Pipeline();
    const sink = writeToWarehouse(spy);
    p.apply(create(records)).apply(sink);
    await runPipeline(p, { maxBundleSize: 3 });

    assert.deepEqual(spy.batches.map(recordsIn), [3, 3, 3, 1]);
    // finishBundle awaited each write before the next bundle started, and the run ended after the last one.
    assert.equal(spy.maxPending, 1);
    assert.equal(spy.pending, 0);
    assert.deepEqual(await warehouse.query('SELECT count(*) AS n FROM events'), [{ n: 10 }]);
    assert.equal(sink.counters.records, 10);
    assert.equal(sink.counters.batches, 4);
    assert.equal(sink.counters.upserted.events, 10);
    assert.equal(sink.counters.upserted.sessions, 0);
  });

  it('gives records of one bundle their arrival-order meaning', async () => {
    const records: WarehouseRecord[] = [
      // bundle 1: a stale pane after a newer one; an upsert then its delete; a delete then an upsert
      { table: 'sessions', row: sessionRow('s1', 2) },
      { table: 'sessions', row: sessionRow('s1', 1) },
      { table: 'sessions', row: sessionRow('gone', 0) },
      { table: 'sessions', row: sessionRow('merged', 1), deleteKeys: ['gone'] },
      { table: 'sessions', row: sessionRow('x', 0), deleteKeys: ['back'] },
      { table: 'sessions', row: sessionRow('back', 0) },
      // bundle 2: a stale replay of s1 against the stored pane 2
      { table: 'sessions', row: sessionRow('s1', 0) },
    ];
    const p = new Pipeline();
    const sink = writeToWarehouse(spy, 'Sink');
    p.apply(create(records)).apply(sink);
    await runPipeline(p, { maxBundleSize: 6 });

    const rows = await warehouse.query('SELECT session_id, pane_index FROM sessions ORDER BY session_id');
    assert.deepEqual(
      rows.map((r) => `${String(r.session_id)}@${String(r.pane_index)}`),
      ['back@0', 'merged@1', 's1@2', 'x@0'],
    );
    assert.equal(spy.batches.length, 2);
    assert.deepEqual(spy.batches[0].deletes, { sessions: ['gone', 'back'] });
    assert.equal(sink.counters.upserted.sessions, 4);
  });

  it('writes a huge bundle in parts, all awaited by finishBundle', async () => {
    const records: WarehouseRecord[] = Array.from({ length: 25 }, (_, i) => ({ table: 'events', row: eventRow(i) }));
    const p = new Pipeline();
    const sink = writeToWarehouse(spy, 'Sink', { flushEveryRecords: 10 });
    p.apply(create(records)).apply(sink);
    await runPipeline(p, { maxBundleSize: 1000 });
    assert.deepEqual(spy.batches.map(recordsIn), [10, 10, 5]);
    assert.equal(spy.pending, 0);
    assert.deepEqual(await warehouse.query('SELECT count(*) AS n FROM events'), [{ n: 25 }]);
    assert.equal(sink.counters.batches, 3);
  });

  it('fails the run when a write fails, with the warehouse error as the cause', async () => {
    spy.failWith = new Error('disk full');
    const p = new Pipeline();
    p.apply(create<WarehouseRecord>([{ table: 'events', row: eventRow(1) }])).apply(writeToWarehouse(spy, 'Sink'));
    await assert.rejects(runPipeline(p), (e: unknown) => {
      assert.ok(e instanceof StepFailedError, String(e));
      assert.match(String(e.message), /Sink/);
      assert.match(String((e as Error & { cause?: unknown }).cause), /disk full/);
      return true;
    });
  });

  it('fails the run on a row the warehouse refuses, naming table, row and column', async () => {
    const p = new Pipeline();
    p.apply(create<WarehouseRecord>([{ table: 'events', row: { ...eventRow(1), event_time: 'soon' } }])).apply(
      writeToWarehouse(warehouse, 'Sink'),
    );
    await assert.rejects(runPipeline(p), (e: unknown) => {
      const cause = (e as Error & { cause?: unknown }).cause;
      assert.match(String(cause), /table events, row ".*", column event_time: must be an RFC 3339 timestamp/);
      return true;
    });
    assert.deepEqual(await warehouse.query('SELECT count(*) AS n FROM events'), [{ n: 0 }]);
  });

  it('names the step WriteToWarehouse unless told otherwise', () => {
    const p = new Pipeline();
    p.apply(create<WarehouseRecord>([])).apply(writeToWarehouse(warehouse));
    assert.ok(p.steps.some((s) => s.name === 'WriteToWarehouse'));
    assert.equal(writeToWarehouse(warehouse).explicitName, false);
    assert.equal(writeToWarehouse(warehouse, 'Mine').explicitName, true);
  });
});
