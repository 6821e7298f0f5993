/** The `tidemark` command's contract: file input, query formats, exit codes and messages for bad usage. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunSummary } from '../../pipelines/run_marketing_events';
import { lastJsonLine, query, tempDir, tidemark } from './cli_harness';

describe('tidemark command', function () {
  this.timeout(120_000);
  const dir = tempDir('cli');
  after(() => dir.cleanup());

  it('run --source file: each line a message; bad lines are dead letters, nothing lost', () => {
    const input = join(dir.path, 'events.jsonl');
    const good = (i: number) =>
      JSON.stringify({
        event_id: `f${i}`,
        user_id: `user-${i % 3}`,
        event_type: 'page_view',
        event_time: new Date(Date.UTC(2026, 0, 5, 10, i)).toISOString(),
        schema_version: 1,
      });
    const lines = [
      good(1),
      good(2),
      'not json at all',
      good(3),
      '{"event_id": 42}',
      '',
      good(2),
      `{"huge":"${'x'.repeat(2_000_000)}"}`,
    ];
    writeFileSync(input, lines.join('\n'));
    const warehouse = join(dir.path, 'file.duckdb');
    const r = tidemark(['run', '--source', 'file', '--input', input, '--warehouse', warehouse, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = lastJsonLine<RunSummary>(r);
    assert.equal(s.events_in, 7, 'the blank line is skipped, every other line is a message');
    assert.equal(s.events_written, 3);
    assert.equal(s.duplicates_dropped, 1);
    assert.equal(s.dead_letter, 3);
    const dead = query<{ id: string; reason: string }>(warehouse, 'SELECT id, reason FROM dead_letter ORDER BY id');
    assert.deepEqual(
      dead.map((d) => d.id.split(':').at(-1)),
      ['3', '5', '8'],
    );
    for (const d of dead) assert.ok(d.reason.length > 0);
  });

  it('query prints JSON, CSV and a table', () => {
    const warehouse = join(dir.path, 'q.duckdb');
    assert.equal(tidemark(['run', '--events', '2000', '--warehouse', warehouse, '--json']).code, 0);
    const json = tidemark(['query', '--warehouse', warehouse, '--format', 'json', "SELECT 1 AS a, 'x,y' AS b"]);
    assert.deepEqual(JSON.parse(json.stdout), [{ a: 1, b: 'x,y' }]);
    const csv = tidemark(['query', '--warehouse', warehouse, '--format', 'csv', "SELECT 1 AS a, 'x,y' AS b"]);
    // RFC 4180: CRLF line ends.
    assert.equal(csv.stdout.trim(), 'a,b\r\n1,"x,y"');
    const table = tidemark(['query', '--warehouse', warehouse, 'SELECT count(*) AS n FROM events']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /\(1 row\)/);
  });

  it('bad usage exits 2 with a message naming the problem', () => {
    const cases: [string[], RegExp][] = [
      [['run', '--events', '-5'], /--events/],
      [['run', '--events', 'many'], /whole number/],
      [['run', '--late-rate', '2', '--events', '10'], /share in \[0, 1\)/],
      [['run', '--source', 'kafka'], /kafka/],
      [['run', '--source', 'file'], /--input/],
      [['run', '--input', 'x.jsonl', '--events', '10'], /--source file/],
      [['frobnicate'], /unknown command/],
      [['query'], /missing required argument/],
    ];
    for (const [args, message] of cases) {
      const r = tidemark(args);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('a runtime failure exits 1 with one line saying why', () => {
    const missing = tidemark(['query', '--warehouse', join(dir.path, 'missing.duckdb'), 'SELECT 1']);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /^tidemark: cannot open warehouse .*missing\.duckdb.*does not exist/);
    const r = tidemark(['query', '--warehouse', join(dir.path, 'q.duckdb'), 'SELECT * FROM no_such_table']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^tidemark: .*no_such_table/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('--help exits 0', () => {
    const r = tidemark(['run', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--events/);
  });
});
