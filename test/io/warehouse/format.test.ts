/** `tidemark query` output: golden strings for table, JSON and CSV. */
import assert from 'node:assert/strict';
import { formatRows } from '../../../io/warehouse/format';

const ROWS = [
  { campaign: 'spring_sale', sessions: 12, revenue: 1234.5, note: null, first: true },
  { campaign: '中文キャンペーン', sessions: 3, revenue: 0, note: 'say "hi", then\nleave', first: false },
  { campaign: 'x'.repeat(60), sessions: 9007199254740993n, revenue: -1.25, note: '', first: null },
];

const NESTED = [{ j: { a: [1, 2], b: 'x,y' }, d: new Date('2024-05-01T12:00:00Z'), big: 12n, emoji: '😀ok', ctl: 'a\tb\u0001' }];

describe('formatRows', () => {
  describe('table', () => {
    it('aligns columns (numbers right, wide characters counted twice), shows NULL, cuts long cells, counts rows', () => {
      assert.equal(
        formatRows(ROWS, 'table'),
        [
          'campaign                                 | sessions         | revenue | note                  | first',
          '-----------------------------------------+------------------+---------+-----------------------+------',
          'spring_sale                              |               12 |  1234.5 | NULL                  | true',
          '中文キャンペーン                         |                3 |       0 | say "hi", then\\nleave | false',
          `${'x'.repeat(39)}… | 9007199254740993 |   -1.25 |                       | NULL`,
          '(3 rows)',
        ].join('\n'),
      );
    });

    it('writes nested values as JSON, dates as ISO, control characters escaped', () => {
      assert.equal(
        formatRows(NESTED, 'table'),
        [
          'j                     | d                        | big | emoji | ctl',
          '----------------------+--------------------------+-----+-------+---------',
          '{"a":[1,2],"b":"x,y"} | 2024-05-01T12:00:00.000Z |  12 | 😀ok  | a\\tb\\x01',
          '(1 row)',
        ].join('\n'),
      );
    });

    it('honours a narrower cell width and an explicit column order', () => {
      assert.equal(
        formatRows([{ a: 'abcdefghij', b: 1 }], 'table', { columns: ['b', 'a'], maxCellWidth: 5 }),
        ['b | a', '--+------', '1 | abcd…', '(1 row)'].join('\n'),
      );
    });

    it('says (0 rows) for an empty result', () => {
      assert.equal(formatRows([], 'table'), '(0 rows)');
      assert.equal(formatRows([], 'table', { columns: ['a'] }), 'a\n-\n(0 rows)');
    });
  });

  describe('json', () => {
    it('is exactly one JSON array of row objects, one per line', () => {
      const text = formatRows(ROWS, 'json');
      assert.equal(
        text,
        [
          '[',
          '{"campaign":"spring_sale","sessions":12,"revenue":1234.5,"note":null,"first":true},',
          '{"campaign":"中文キャンペーン","sessions":3,"revenue":0,"note":"say \\"hi\\", then\\nleave","first":false},',
          `{"campaign":"${'x'.repeat(60)}","sessions":"9007199254740993","revenue":-1.25,"note":"","first":null}`,
          ']',
        ].join('\n'),
      );
      assert.deepEqual(JSON.parse(text), [ROWS[0], ROWS[1], { ...ROWS[2], sessions: '9007199254740993' }]);
    });

    it('keeps nested values as JSON, small bigints as numbers, dates as ISO strings; [] when empty', () => {
      assert.equal(
        formatRows(NESTED, 'json'),
        '[\n{"j":{"a":[1,2],"b":"x,y"},"d":"2024-05-01T12:00:00.000Z","big":12,"emoji":"😀ok","ctl":"a\\tb\\u0001"}\n]',
      );
      assert.equal(formatRows([], 'json'), '[]');
      assert.deepEqual(JSON.parse(formatRows([{ a: undefined, b: Number.NaN }], 'json')), [{ a: null, b: null }]);
    });
  });

  describe('csv', () => {
    it('follows RFC 4180: header, CRLF, quotes doubled, quoted fields with commas, quotes or line breaks', () => {
      assert.equal(
        formatRows(ROWS, 'csv'),
        [
          'campaign,sessions,revenue,note,first',
          'spring_sale,12,1234.5,,true',
          '中文キャンペーン,3,0,"say ""hi"", then\nleave",false',
          `${'x'.repeat(60)},9007199254740993,-1.25,"",`,
        ].join('\r\n'),
      );
    });

    it('writes nested values as JSON text; NULL is empty, the empty string is ""', () => {
      assert.equal(
        formatRows(NESTED, 'csv'),
        'j,d,big,emoji,ctl\r\n"{""a"":[1,2],""b"":""x,y""}",2024-05-01T12:00:00.000Z,12,😀ok,a\tb\u0001',
      );
      assert.equal(formatRows([{ a: null, b: '' }], 'csv'), 'a,b\r\n,""');
      assert.equal(formatRows([], 'csv', { columns: ['a', 'b'] }), 'a,b');
    });

    it('quotes a header that needs it, and a field with a carriage return', () => {
      assert.equal(formatRows([{ 'a,b': 'x\ry' }], 'csv'), '"a,b"\r\n"x\ry"');
    });
  });
});
