import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { protos } from '@google-cloud/dlp';
import {
  BatchPacker,
  DLP_LIMITS,
  type DlpLimits,
  FindingsBudget,
  RequestSizer,
  type RowBatch,
  rowBytes,
} from '../../../io/dlp/request_batches';
import type { DlpTable, DlpValue } from '../../../io/dlp/table';

const dlp = protos.google.privacy.dlp.v2;

const BASE = {
  parent: 'projects/p/locations/europe-west1',
  deidentifyConfig: {
    infoTypeTransformations: { transformations: [{ primitiveTransformation: { replaceWithInfoTypeConfig: {} } }] },
  },
  inspectConfig: { infoTypes: [{ name: 'EMAIL_ADDRESS' }], minLikelihood: 'POSSIBLE' as const },
};

function encodedRequestBytes(table: DlpTable): number {
  const request = dlp.DeidentifyContentRequest.fromObject({ ...BASE, item: { table } });
  return dlp.DeidentifyContentRequest.encode(request).finish().length;
}

const anyValue: fc.Arbitrary<DlpValue> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => ({ stringValue: s })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }).map((s) => ({ stringValue: s })) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ integerValue: n.toString() })) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }).map((x) => ({ floatValue: x })) },
  { weight: 1, arbitrary: fc.boolean().map((b) => ({ booleanValue: b })) },
  { weight: 1, arbitrary: fc.constant({}) },
);

function tableOf(width: number, rows: DlpValue[][]): DlpTable {
  return { headers: Array.from({ length: width }, (_, i) => ({ name: `c${i}` })), rows: rows.map((values) => ({ values })) };
}

const randomTable = fc
  .integer({ min: 0, max: 6 })
  .chain((width) =>
    fc.array(fc.array(anyValue, { minLength: width, maxLength: width }), { maxLength: 30 }).map((rows) => tableOf(width, rows)),
  );

/** Drains a packer, checking each batch against the limits; returns the batches. */
function drain(packer: BatchPacker, maxRows?: number): RowBatch[] {
  const batches: RowBatch[] = [];
  for (let b = packer.next(maxRows); b; b = packer.next(maxRows)) batches.push(b);
  return batches;
}

describe('io/dlp/request_batches', () => {
  describe('sizes', () => {
    it('computed request size equals the size the client protobuf types encode (any values, unicode, lone surrogates)', () => {
      fc.assert(
        fc.property(randomTable, (table) => {
          const sizer = new RequestSizer(BASE, table.headers);
          const rows = table.rows.reduce((sum, row) => sum + rowBytes(row.values), 0);
          assert.equal(sizer.requestBytes(rows), encodedRequestBytes(table));
        }),
        { numRuns: 300 },
      );
    });

    it('length prefixes that grow past one and two varint bytes are counted (rows of 127, 128, 16,384 bytes)', () => {
      for (const length of [0, 125, 126, 127, 128, 16_380, 16_384, 300_000]) {
        const table = tableOf(1, [[{ stringValue: 'x'.repeat(length) }]]);
        const sizer = new RequestSizer(BASE, table.headers);
        assert.equal(sizer.requestBytes(rowBytes(table.rows[0].values)), encodedRequestBytes(table), `length ${length}`);
      }
    });

    it('refuses a base request that already carries an item', () => {
      assert.throws(() => new RequestSizer({ ...BASE, item: { value: 'x' } }, []), /without its item/);
    });
  });

  describe('packing', () => {
    const smallLimits: DlpLimits = { requestBytes: 2_000, tableValues: 40, findings: 3_000 };

    it('never exceeds a limit, keeps every row exactly once in order, and closes a batch only when the next row does not fit', () => {
      const rowArb = fc.tuple(fc.nat({ max: 2_500 }), fc.nat({ max: 50 })).map(([len, width]) => ({ len, width }));
      fc.assert(
        fc.property(
          fc.array(rowArb, { maxLength: 60 }),
          fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
          (shapes, maxRows) => {
            const width = 3;
            // Rows of varying width are fine for the packer (the connector rejects them earlier); sizes vary widely.
            const table: DlpTable = {
              headers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }].slice(0, width),
              rows: shapes.map(({ len, width: w }) => ({
                values: Array.from({ length: w }, (_, i) => ({ stringValue: 'é'.repeat(Math.floor(len / (w + 1))) + i })),
              })),
            };
            const sizer = new RequestSizer(BASE, table.headers);
            const packer = new BatchPacker(table, sizer, smallLimits);
            const batches = drain(packer, maxRows);
            const seen = [...batches.flatMap((b) => b.rows), ...packer.unsendable.map((u) => u.row)].sort((x, y) => x - y);
            assert.deepEqual(
              seen,
              table.rows.map((_, i) => i),
              'every row exactly once',
            );
            const sent = batches.flatMap((b) => b.rows);
            assert.deepEqual(
              sent,
              [...sent].sort((x, y) => x - y),
              'batches keep the table order',
            );
            for (const [k, b] of batches.entries()) {
              assert.ok(b.requestBytes <= smallLimits.requestBytes, `batch ${k}: ${b.requestBytes} bytes`);
              assert.ok(b.values <= smallLimits.tableValues, `batch ${k}: ${b.values} values`);
              assert.ok(maxRows === undefined || b.rows.length <= maxRows);
              assert.equal(b.requestBytes, encodedRequestBytes(packer.tableOf(b)), 'declared size is the encoded size');
              const next = batches[k + 1];
              if (next && (maxRows === undefined || b.rows.length < maxRows)) {
                // Maximal: adding the next packed row would have broken a limit (unsendable rows in between are skipped).
                const withNext = sizer.requestBytes(b.rows.concat(next.rows[0]).reduce((s, i) => s + packer.rowBytes(i), 0));
                const valuesWithNext = b.values + table.rows[next.rows[0]].values.length;
                assert.ok(
                  withNext > smallLimits.requestBytes || valuesWithNext > smallLimits.tableValues,
                  `batch ${k} closed too early`,
                );
              }
            }
            for (const { row } of packer.unsendable) {
              const alone = sizer.requestBytes(packer.rowBytes(row));
              assert.ok(alone > smallLimits.requestBytes || table.rows[row].values.length > smallLimits.tableValues);
            }
          },
        ),
        { numRuns: 200 },
      );
    });

    it('fills at least 90% of the 524,000-byte limit on large inputs (every batch but the last)', () => {
      // Large inputs: 5–12 requests' worth of rows, cells of mixed scripts. Each row is at most a tenth of the limit
      // (6 cells × 2,000 characters × 4 bytes < 52,400), which is what greedy packing needs for 90%: a batch closes
      // only when the next row does not fit. Cells of 20+ characters make bytes, not the 50,000 values, the binding
      // limit (a table of one-byte cells is value-bound and cannot fill bytes; the value-limit test covers it).
      const rowArb = fc.array(fc.tuple(fc.integer({ min: 20, max: 2_000 }), fc.constantFrom('a', 'ü', '漢', '😀')), {
        minLength: 1,
        maxLength: 6,
      });
      fc.assert(
        fc.property(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 5, max: 12 }), (pattern, requests) => {
          const rows: DlpValue[][] = [];
          const headers = [{ name: 'h' }];
          let bytes = 0;
          for (let i = 0; bytes < requests * DLP_LIMITS.requestBytes; i++) {
            const cells = pattern[i % pattern.length].map(([n, ch]) => ({ stringValue: ch.repeat(n) }));
            rows.push(cells);
            bytes += rowBytes(cells);
          }
          const table = { headers, rows: rows.map((values) => ({ values })) };
          const packer = new BatchPacker(table, new RequestSizer(BASE, headers));
          const batches = drain(packer);
          assert.equal(packer.unsendable.length, 0);
          for (const b of batches.slice(0, -1)) {
            assert.ok(
              b.requestBytes / DLP_LIMITS.requestBytes >= 0.9,
              `fill ${(b.requestBytes / DLP_LIMITS.requestBytes).toFixed(3)}`,
            );
            assert.ok(b.requestBytes <= DLP_LIMITS.requestBytes);
          }
        }),
        { numRuns: 25 },
      );
    });

    it('the value limit closes batches of many small cells before the byte limit does', () => {
      const table = tableOf(
        10,
        Array.from({ length: 12_000 }, () => Array.from({ length: 10 }, () => ({ stringValue: 'a' }))),
      );
      const batches = drain(new BatchPacker(table, new RequestSizer(BASE, table.headers)));
      assert.deepEqual(
        batches.map((b) => b.values),
        [50_000, 50_000, 20_000],
      );
    });

    it('a row over the byte limit alone, or with more than 50,000 values, is unsendable on its own', () => {
      const table = tableOf(1, [[{ stringValue: 'ok' }], [{ stringValue: 'x'.repeat(600_000) }], [{ stringValue: 'ok too' }]]);
      const wide: DlpTable = {
        headers: [{ name: 'w' }],
        rows: [{ values: Array.from({ length: 50_001 }, () => ({ stringValue: '' })) }],
      };
      const packer = new BatchPacker(table, new RequestSizer(BASE, table.headers));
      assert.deepEqual(
        drain(packer).map((b) => b.rows),
        [[0, 2]],
      );
      assert.equal(packer.unsendable.length, 1);
      assert.equal(packer.unsendable[0].row, 1);
      assert.match(packer.unsendable[0].reason, /too large for one DLP request: \d+ bytes with the configuration, limit 524000/);
      const widePacker = new BatchPacker(wide, new RequestSizer(BASE, wide.headers));
      assert.equal(widePacker.next(), undefined);
      assert.match(widePacker.unsendable[0].reason, /50001 values, over DLP's limit of 50000/);
    });

    it('an empty table plans no request', () => {
      const packer = new BatchPacker(tableOf(2, []), new RequestSizer(BASE, []));
      assert.equal(packer.next(), undefined);
    });

    it('split gives two halves by row count, each re-measured', () => {
      const table = tableOf(1, [[{ stringValue: 'a' }], [{ stringValue: 'bb' }], [{ stringValue: 'ccc' }]]);
      const packer = new BatchPacker(table, new RequestSizer(BASE, table.headers));
      const batch = packer.next()!;
      const [first, second] = packer.split(batch);
      assert.deepEqual([first.rows, second.rows], [[0, 1], [2]]);
      assert.equal(first.requestBytes, encodedRequestBytes(packer.tableOf(first)));
      assert.equal(second.requestBytes, encodedRequestBytes(packer.tableOf(second)));
      assert.throws(() => packer.split(second), /cannot be split/);
    });

    it('maxRows below 1 is refused', () => {
      const packer = new BatchPacker(tableOf(1, [[{ stringValue: 'a' }]]), new RequestSizer(BASE, []));
      assert.throws(() => packer.next(0), /maxRows must be at least 1/);
    });
  });

  describe('FindingsBudget', () => {
    it('sets no cap until findings are seen', () => {
      const budget = new FindingsBudget(3_000);
      budget.observe(1_000, 0);
      assert.equal(budget.maxRows(), Infinity);
    });

    it('after a refusal of 2,000 rows, caps batches at 80% of the limit at 1.5 findings per row (1,600 rows)', () => {
      const budget = new FindingsBudget(3_000);
      budget.observeRefusal(2_000);
      assert.equal(budget.maxRows(), 1_600);
    });

    it('a spike tightens at once and relaxes slowly', () => {
      const budget = new FindingsBudget(3_000);
      budget.observe(100, 300); // 3 findings per row
      assert.equal(budget.maxRows(), 800);
      budget.observe(1_000, 0);
      assert.equal(budget.maxRows(), 888); // 3 × 0.9 = 2.7 per row
    });
  });
});
