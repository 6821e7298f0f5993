/**
 * Tables from schemas/: creation options (day partitioning on the event-time column, clustering, primary key,
 * partition expiration) and the schema-evolution rule (a NULLABLE column is added by a PATCH; anything else is
 * refused naming the column and the change, with nothing altered).
 */
import assert from 'node:assert/strict';
import { bigQueryClient } from '../../../io/bigquery/clients';
import { MissingTableError, SchemaEvolutionError, ensureTables, planSchemaEvolution } from '../../../io/bigquery/tables';
import { TABLE_LIST, bigQueryFields, col, defineTable, nullable } from '../../../schemas';
import { type BigQueryEmulator } from '../../emulators/bigquery';
import { PROJECT, connectionTo, freshDataset, withBigQueryEmulator } from './helpers';

const V1 = defineTable({
  name: 'evolving',
  description: 'A table that changes.',
  version: 1,
  columns: {
    id: col.string('Key.'),
    happened_at: col.timestamp('Event time.'),
    amount: nullable(col.float64('Amount.')),
  },
  key: ['id'],
  partitionBy: 'happened_at',
  clustering: ['id'],
});

function v2(columns: Record<string, ReturnType<typeof col.string> | ReturnType<typeof nullable>>) {
  return defineTable({ ...V1, version: 2, columns: { ...V1.columns, ...columns } });
}

describe('BigQuery tables from schemas/', () => {
  let emulator: BigQueryEmulator;
  withBigQueryEmulator((started) => (emulator = started));

  it('creates the dataset and every table: DAY partitions on the event-time column, clustering, primary key, expiration', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    const result = await ensureTables(bigQueryClient(connection), connection, {
      createTables: true,
      partitionExpirationDays: 400,
      requirePartitionFilter: true,
    });
    assert.deepEqual(
      result.created,
      TABLE_LIST.map((t) => t.name),
    );
    for (const table of TABLE_LIST) {
      const { resource } = emulator.store.table(PROJECT, dataset, table.name);
      assert.deepEqual(resource.timePartitioning, {
        type: 'DAY',
        field: table.partitionBy,
        expirationMs: String(400 * 86_400_000),
      });
      assert.deepEqual(resource.clustering, { fields: table.clustering });
      assert.deepEqual(resource.tableConstraints, { primaryKey: { columns: table.key } });
      assert.equal(resource.requirePartitionFilter, true);
      assert.deepEqual(resource.schema.fields, bigQueryFields(table));
      assert.equal(resource.description, table.description);
    }
  });

  it('a second run changes nothing (no table created, no column added)', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    await ensureTables(bigQueryClient(connection), connection, { createTables: true });
    const again = await ensureTables(bigQueryClient(connection), connection, { createTables: true });
    assert.deepEqual(again, { created: [], added: [] });
  });

  it('without createTables a missing dataset or table is an error naming it', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    await assert.rejects(ensureTables(bigQueryClient(connection), connection), (e: unknown) => {
      assert.ok(e instanceof MissingTableError);
      assert.match(e.message, new RegExp(`dataset ${PROJECT}\\.${dataset} does not exist`));
      return true;
    });
    await ensureTables(bigQueryClient(connection), connection, { createTables: true }, [V1]);
    await assert.rejects(
      ensureTables(bigQueryClient(connection), connection),
      /missing table\(s\) in .*: events, sessions, campaign_metrics/,
    );
  });

  it('a transient REST failure (503) on the way is retried by the client', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    emulator.faults.restUnavailable = 1;
    await ensureTables(bigQueryClient(connection), connection, { createTables: true }, [V1]);
    assert.equal(emulator.faults.seen.restUnavailableInjected >= 1, true);
    assert.ok(emulator.store.hasTable(PROJECT, dataset, 'evolving'));
  });

  it('adding a NULLABLE column is applied in place (PATCH), keeping the rows', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    const bigquery = bigQueryClient(connection);
    await ensureTables(bigquery, connection, { createTables: true }, [V1]);
    emulator.store.applyRows(PROJECT, dataset, 'evolving', [{ id: 'a', happened_at: 1n, amount: 2 }]);
    const result = await ensureTables(bigquery, connection, {}, [v2({ channel: nullable(col.string('Channel.')) })]);
    assert.deepEqual(result, { created: [], added: ['evolving.channel'] });
    const fields = emulator.store
      .table(PROJECT, dataset, 'evolving')
      .resource.schema.fields.map((f) => `${f.name}:${f.type}:${f.mode}`);
    assert.deepEqual(fields, [
      'id:STRING:REQUIRED',
      'happened_at:TIMESTAMP:REQUIRED',
      'amount:FLOAT:NULLABLE',
      'channel:STRING:NULLABLE',
    ]);
    assert.equal(emulator.store.rows(PROJECT, dataset, 'evolving').length, 1);
    assert.ok(emulator.rest.requests.some((r) => r.startsWith('PATCH ') && r.endsWith('/tables/evolving')));
  });

  it('adding a REQUIRED column is refused, naming it; the table is left as it was', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    const bigquery = bigQueryClient(connection);
    await ensureTables(bigquery, connection, { createTables: true }, [V1]);
    await assert.rejects(ensureTables(bigquery, connection, {}, [v2({ region: col.string('Region.') })]), (e: unknown) => {
      assert.ok(e instanceof SchemaEvolutionError);
      assert.match(e.message, /evolving\.region: adding a REQUIRED column is not supported; only NULLABLE columns can be added/);
      return true;
    });
    assert.equal(emulator.store.table(PROJECT, dataset, 'evolving').resource.schema.fields.length, 3);
  });

  it('changing a type is refused, naming the column, the old and the new type', async () => {
    const dataset = freshDataset();
    const connection = connectionTo(emulator, dataset);
    const bigquery = bigQueryClient(connection);
    await ensureTables(bigquery, connection, { createTables: true }, [V1]);
    const retyped = defineTable({
      name: V1.name,
      description: V1.description,
      key: ['id'],
      partitionBy: 'happened_at',
      clustering: ['id'],
      version: 2,
      columns: { id: V1.columns.id, happened_at: V1.columns.happened_at, amount: nullable(col.string('Amount as text.')) },
    });
    await assert.rejects(
      ensureTables(bigquery, connection, {}, [retyped]),
      /evolving\.amount: changing the type from FLOAT to STRING is not supported/,
    );
  });

  it('planSchemaEvolution: removal, rename, mode change, type aliases', () => {
    const existing = [
      { name: 'id', type: 'STRING', mode: 'REQUIRED' },
      { name: 'n', type: 'INT64', mode: 'NULLABLE' },
      { name: 'old_name', type: 'STRING' },
    ];
    const plan = planSchemaEvolution('t', existing, [
      { name: 'id', type: 'STRING', mode: 'NULLABLE', description: '' },
      { name: 'n', type: 'INTEGER', mode: 'NULLABLE', description: '' },
      { name: 'new_name', type: 'STRING', mode: 'NULLABLE', description: '' },
    ]);
    assert.deepEqual(plan.refused, [
      't.id: changing the mode from REQUIRED to NULLABLE is not supported',
      't.old_name: removing (or renaming) a column is not supported; the table has it and schemas/ does not',
    ]);
    assert.deepEqual(
      plan.add.map((f) => f.name),
      ['new_name'],
    );
  });

  it('planSchemaEvolution: identical schemas need nothing', () => {
    for (const table of TABLE_LIST) {
      assert.deepEqual(planSchemaEvolution(table.name, bigQueryFields(table), bigQueryFields(table)), { add: [], refused: [] });
    }
  });
});
