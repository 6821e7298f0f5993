import { strict as assert } from 'node:assert';
import {
  BIGQUERY_RESERVED_WORDS,
  SessionsTable,
  TABLES,
  TABLE_LIST,
  col,
  columnNames,
  defineTable,
  nullable,
  validateRow,
  formatIssues,
  type CampaignMetricRow,
  type EventRow,
  type SessionRow,
} from '../../schemas';
import { sampleRow } from './arbitraries';

describe('table definitions', () => {
  it('registers every table under its own name', () => {
    assert.deepEqual(Object.keys(TABLES), [
      'events',
      'sessions',
      'campaign_metrics',
      'user_features',
      'dead_letter',
      'late_events',
      'audit_log',
    ]);
    for (const [name, table] of Object.entries(TABLES)) assert.equal(table.name, name);
  });

  for (const table of TABLE_LIST) {
    describe(table.name, () => {
      const columns = new Set(columnNames(table));

      it('has key, partition and clustering columns that exist in its column list', () => {
        assert.ok(table.key.length > 0);
        for (const name of table.key) assert.ok(columns.has(name), `key ${name}`);
        assert.ok(columns.has(table.partitionBy), `partition ${table.partitionBy}`);
        assert.ok(table.clustering.length <= 4);
        for (const name of table.clustering) assert.ok(columns.has(name), `clustering ${name}`);
      });

      it('has REQUIRED key columns and a TIMESTAMP/DATE partition column', () => {
        for (const name of table.key) assert.equal(table.columns[name].mode, 'REQUIRED', name);
        assert.match(table.columns[table.partitionBy].type, /^(TIMESTAMP|DATE)$/);
      });

      it('describes itself and every column, with names usable unquoted in BigQuery', () => {
        assert.ok(table.description.length > 0);
        for (const [name, column] of Object.entries(table.columns)) {
          assert.ok(column.description.length > 0, name);
          assert.match(name, /^[a-z][a-z0-9_]*$/);
          assert.ok(!BIGQUERY_RESERVED_WORDS.has(name), name);
        }
      });

      it('accepts a sample row with values and one with nulls; rejects a missing, extra or null REQUIRED column', () => {
        for (const nulls of [false, true]) {
          const result = validateRow(table, sampleRow(table, nulls));
          assert.ok(result.ok, result.ok ? '' : formatIssues(result.errors));
        }
        const row = sampleRow(table, false);
        const [firstKey] = table.key;
        const { [firstKey]: _, ...missing } = row;
        assert.equal(validateRow(table, missing).ok, false);
        assert.equal(validateRow(table, { ...row, not_a_column: 1 }).ok, false);
        const nulled = validateRow(table, { ...row, [firstKey]: null });
        assert.ok(!nulled.ok && nulled.errors.some((e) => e.path === `/${firstKey}`));
      });
    });
  }

  it('uses the key, partition and clustering columns the design fixes', () => {
    const expected: Record<string, { key: string[]; partition: string }> = {
      events: { key: ['event_id'], partition: 'event_time' },
      sessions: { key: ['session_id'], partition: 'session_start' },
      campaign_metrics: { key: ['window_start', 'campaign', 'pane_index'], partition: 'window_start' },
      user_features: { key: ['user_key'], partition: 'updated_at' },
      dead_letter: { key: ['id'], partition: 'error_time' },
      late_events: { key: ['event_id'], partition: 'event_time' },
      audit_log: { key: ['audit_id'], partition: 'occurred_at' },
    };
    for (const table of TABLE_LIST) {
      assert.deepEqual([...table.key], expected[table.name].key, table.name);
      assert.equal(table.partitionBy, expected[table.name].partition, table.name);
    }
    assert.deepEqual([...TABLES.events.clustering], ['event_type', 'utm_campaign', 'country']);
  });

  describe('defineTable refuses', () => {
    const columns = {
      id: col.string('Id.'),
      at_time: col.timestamp('Time.'),
      note: nullable(col.string('Note.')),
      score: col.float64('Score.'),
    };
    const base = {
      name: 't',
      description: 'A table.',
      version: 1,
      columns,
      key: ['id'],
      partitionBy: 'at_time',
      clustering: ['id'],
    } as const;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a key column that does not exist', { key: ['nope'] }, /key column nope is not a column/],
      ['a NULLABLE key column', { key: ['note'] }, /key column note must be REQUIRED/],
      ['an empty key', { key: [] }, /key is empty/],
      ['a partition column that is not a time', { partitionBy: 'id' }, /partition column id has type STRING/],
      ['a missing partition column', { partitionBy: 'nope' }, /partition column nope is not a column/],
      ['more than 4 clustering columns', { clustering: ['id', 'note', 'at_time', 'id', 'note'] }, /more than 4 clustering/],
      ['a FLOAT64 clustering column', { clustering: ['score'] }, /clustering column score has type FLOAT64/],
      ['a reserved column name', { columns: { ...columns, at: col.string('At.') } }, /"at" is a BigQuery reserved word/],
      ['a column name that needs quoting', { columns: { ...columns, 'Bad-Name': col.string('X.') } }, /not lower snake_case/],
      ['a version below 1', { version: 0 }, /version must be an integer >= 1/],
    ];
    for (const [what, patch, message] of cases) {
      it(what, () => {
        // The spec is assembled at run time on purpose: these are the mistakes the types cannot catch.
        assert.throws(() => defineTable({ ...base, ...patch } as typeof base), message);
      });
    }
  });

  it('types rows from the definitions (checked by tsc)', () => {
    const session = sampleRow(SessionsTable, true) as SessionRow;
    const timing: 'EARLY' | 'ON_TIME' | 'LATE' = session.pane_timing;
    const landing: string | null = session.landing_page;
    // @ts-expect-error a NULLABLE column may be null, so it is not a plain string
    const exit: string = session.exit_page;
    const metric = { pane_index: 0 } as Pick<CampaignMetricRow, 'pane_index'>;
    const index: number = metric.pane_index;
    // @ts-expect-error rows carry every column: a partial row is not an EventRow
    const partial: EventRow = { event_id: 'e' };
    assert.ok([timing, landing, exit, index, partial].length === 5);
  });
});
