/**
 * Exactly-once in the tables: whatever the redelivery pattern, the tables end as if every batch had been written
 * once, in order.
 *
 * Batches of upserts and deletes over small key spaces (so keys collide within and across batches) for `events`
 * (last writer wins), `sessions` (the highest pane wins; deletes of merged sessions) and `campaign_metrics`
 * (composite key with a TIMESTAMP, written in several spellings). They are applied:
 * - once, in order;
 * - each batch twice in a row (a write retried after a lost acknowledgement);
 * - the whole sequence twice;
 * - up to batch k, then again from batch j ≤ k (a restart replaying what was not acknowledged).
 * Every variant must leave exactly the tables that a plain JS model of "apply once, in order" computes.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TABLES, type TableName } from '../../../schemas';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../../io/warehouse/duckdb_warehouse';
import { rowKey } from '../../../io/warehouse/row_identity';
import { canonicalTimestamp } from '../../../io/warehouse/timestamps';
import { type WarehouseBatch, type WarehouseRow } from '../../../io/warehouse/warehouse';
import { eventRow, metricRow, sessionRow } from './fixtures';

const MODEL_TABLES = ['events', 'sessions', 'campaign_metrics'] as const satisfies readonly TableName[];
type ModelTable = (typeof MODEL_TABLES)[number];

/** One instant, several spellings: the warehouse must treat them as one key. */
const WINDOW_STARTS = ['2024-05-01T12:00:00Z', '2024-05-01T14:00:00+02:00', '2024-05-01T12:00:00.000z', '2024-05-01T12:01:00Z'];

const eventArb = fc
  .record({ i: fc.integer({ min: 0, max: 4 }), page: fc.constantFrom('/a', '/b', '/c') })
  .map(({ i, page }): WarehouseRow => ({ ...eventRow(i), page }));
const sessionArb = fc
  .record({ id: fc.constantFrom('s0', 's1', 's2'), pane: fc.integer({ min: 0, max: 3 }), exit: fc.constantFrom('/x', '/y') })
  .map(({ id, pane, exit }): WarehouseRow => sessionRow(id, pane, { exit_page: exit }));
const metricArb = fc
  .record({
    start: fc.constantFrom(...WINDOW_STARTS),
    campaign: fc.constantFrom('c0', 'c1'),
    pane: fc.integer({ min: 0, max: 1 }),
    n: fc.nat(9),
  })
  .map(({ start, campaign, pane, n }): WarehouseRow => metricRow(start, campaign, pane, n));
const metricKeyArb = fc
  .record({
    start: fc.constantFrom(...WINDOW_STARTS),
    campaign: fc.constantFrom('c0', 'c1'),
    pane: fc.integer({ min: 0, max: 1 }),
  })
  .map(({ start, campaign, pane }) => JSON.stringify([start, campaign, String(pane)]));

const batchArb: fc.Arbitrary<WarehouseBatch> = fc
  .record({
    events: fc.array(eventArb, { maxLength: 4 }),
    sessions: fc.array(sessionArb, { maxLength: 4 }),
    campaign_metrics: fc.array(metricArb, { maxLength: 3 }),
    deleteSessions: fc.array(fc.constantFrom('s0', 's1', 's2'), { maxLength: 2 }),
    deleteEvents: fc.array(
      fc.integer({ min: 0, max: 4 }).map((i) => eventRow(i).event_id),
      { maxLength: 1 },
    ),
    deleteMetrics: fc.array(metricKeyArb, { maxLength: 1 }),
  })
  .map((b) => ({
    rows: { events: b.events, sessions: b.sessions, campaign_metrics: b.campaign_metrics },
    deletes: { sessions: b.deleteSessions, events: b.deleteEvents, campaign_metrics: b.deleteMetrics },
  }));

type Model = Record<ModelTable, Map<string, WarehouseRow>>;

/** What applying `batches` once, in order, leaves: deletes first, then rows; sessions never go back in pane. */
function model(batches: readonly WarehouseBatch[]): Model {
  const state: Model = { events: new Map(), sessions: new Map(), campaign_metrics: new Map() };
  const canonicalKey = (table: ModelTable, key: string): string => {
    if (table !== 'campaign_metrics') return key;
    const [start, campaign, pane] = JSON.parse(key) as [string, string, string];
    return JSON.stringify([canonicalTimestamp(start), campaign, pane]);
  };
  for (const batch of batches) {
    for (const table of MODEL_TABLES) {
      for (const key of batch.deletes?.[table] ?? []) state[table].delete(canonicalKey(table, key));
    }
    for (const table of MODEL_TABLES) {
      for (const row of batch.rows[table] ?? []) {
        const key = rowKey(TABLES[table], row);
        const current = state[table].get(key);
        if (table === 'sessions' && current !== undefined && Number(row.pane_index) < Number(current.pane_index)) continue;
        state[table].set(key, row);
      }
    }
  }
  return state;
}

/** Rows as a query returns them (timestamps canonical), sorted by key. */
function expected(state: Model): Record<ModelTable, Record<string, unknown>[]> {
  const out = {} as Record<ModelTable, Record<string, unknown>[]>;
  for (const table of MODEL_TABLES) {
    const columns = TABLES[table].columns as Record<string, { type: string }>;
    out[table] = [...state[table].entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) =>
        Object.fromEntries(
          Object.keys(columns).map((name) => {
            const value = row[name];
            return [name, columns[name].type === 'TIMESTAMP' && typeof value === 'string' ? canonicalTimestamp(value) : value];
          }),
        ),
      );
  }
  return out;
}

async function actual(warehouse: DuckDbWarehouse): Promise<Record<ModelTable, Record<string, unknown>[]>> {
  const out = {} as Record<ModelTable, Record<string, unknown>[]>;
  for (const table of MODEL_TABLES) {
    const rows = await warehouse.query(`SELECT * FROM ${table}`);
    out[table] = rows
      .map((row) => ({ key: rowKey(TABLES[table], row), row }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => r.row);
  }
  return out;
}

type Delivery =
  | { readonly kind: 'once' }
  | { readonly kind: 'each twice' }
  | { readonly kind: 'sequence twice' }
  | { readonly kind: 'restart'; readonly upTo: number; readonly from: number };

function deliveries(batches: readonly WarehouseBatch[], delivery: Delivery): WarehouseBatch[] {
  switch (delivery.kind) {
    case 'once':
      return [...batches];
    case 'each twice':
      return batches.flatMap((b) => [b, b]);
    case 'sequence twice':
      return [...batches, ...batches];
    case 'restart': {
      const k = delivery.upTo % (batches.length + 1);
      const j = delivery.from % (k + 1);
      return [...batches.slice(0, k), ...batches.slice(j)];
    }
  }
}

const deliveryArb: fc.Arbitrary<Delivery> = fc.oneof(
  fc.constant<Delivery>({ kind: 'once' }),
  fc.constant<Delivery>({ kind: 'each twice' }),
  fc.constant<Delivery>({ kind: 'sequence twice' }),
  fc.record({ kind: fc.constant('restart' as const), upTo: fc.nat(20), from: fc.nat(20) }),
);

describe('DuckDB warehouse: idempotence under redelivery (property)', () => {
  let warehouse: DuckDbWarehouse;
  before(async () => {
    warehouse = await openDuckDbWarehouse(':memory:');
  });
  after(async () => {
    await warehouse.close();
  });

  it('any sequence of batches, delivered once, twice, or replayed after a restart, leaves the tables of "once, in order"', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 6 }), deliveryArb, async (batches, delivery) => {
        for (const table of MODEL_TABLES) await warehouse.query(`DELETE FROM ${table}`);
        // Sometimes as separate awaited writes, sometimes all submitted at once: the order of calls is what counts.
        const writes = deliveries(batches, delivery);
        if (writes.length % 2 === 0) for (const batch of writes) await warehouse.write(batch);
        else await Promise.all(writes.map((batch) => warehouse.write(batch)));
        assert.deepEqual(await actual(warehouse), expected(model(batches)));
      }),
      { numRuns: 100 },
    );
  });
});
