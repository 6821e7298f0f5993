/**
 * Golden cases for DLP's primitive transformations, from the examples in DLP's reference documentation
 * (CharacterMaskConfig, FixedSizeBucketingConfig, CryptoHashConfig, CryptoDeterministicConfig's surrogate format),
 * run through the local engine on tables as DLP would receive them.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { type MaskingConfig, type PrimitiveTransformation } from '../../../io/dlp/deidentify_config';
import { LocalDlpEngine } from '../../../io/dlp/local_engine';
import { LocalKeyFile } from '../../../io/dlp/keys';
import { characterMask, cryptoHash, dateShiftDays, fixedSizeBucket, shiftDate } from '../../../io/dlp/primitive_transformations';
import { type DlpTable, type DlpValue } from '../../../io/dlp/table';
import { tempKeyFile } from './fixtures';

const KEY32 = Buffer.alloc(32, 0x2a).toString('base64');
const KEY64 = Buffer.alloc(64, 0x17).toString('base64');

/** One column `v`, one transformation, one value per row: the transformed values. */
async function transformColumn(pt: PrimitiveTransformation, values: DlpValue[]): Promise<DlpValue[]> {
  const config: MaskingConfig = {
    deidentifyConfig: {
      recordTransformations: { fieldTransformations: [{ fields: [{ name: 'v' }], primitiveTransformation: pt }] },
    },
  };
  const engine = await LocalDlpEngine.create(config, new LocalKeyFile(tempKeyFile()));
  const table: DlpTable = { headers: [{ name: 'v' }], rows: values.map((v) => ({ values: [v] })) };
  const out = await engine.deidentify(table);
  assert.ok(out.ok, out.ok ? '' : out.reason);
  return out.table.rows.map((r) => r.values[0]);
}
const s = (stringValue: string): DlpValue => ({ stringValue });

describe('primitive transformations (DLP documentation examples)', () => {
  describe('characterMaskConfig', () => {
    it('555-555-5555, skip "-", mask 5 with * → ***-**5-5555', () => {
      assert.equal(
        characterMask('555-555-5555', {
          maskingCharacter: '*',
          numberToMask: 5,
          charactersToIgnore: [{ charactersToSkip: '-' }],
        }),
        '***-**5-5555',
      );
    });
    it('1234-5678-9012-3456, mask 14 with 0, nothing skipped → 00000000000000-3456', () => {
      assert.equal(characterMask('1234-5678-9012-3456', { maskingCharacter: '0', numberToMask: 14 }), '00000000000000-3456');
    });
    it('12345, mask 3 with * in reverse order → 12***', () => {
      assert.equal(characterMask('12345', { maskingCharacter: '*', numberToMask: 3, reverseOrder: true }), '12***');
    });
    it('negative numberToMask masks all but that many: -4, skip "-" → ****-****-****-3456', () => {
      assert.equal(
        characterMask('1234-5678-9012-3456', {
          maskingCharacter: '*',
          numberToMask: -4,
          charactersToIgnore: [{ charactersToSkip: '-' }],
        }),
        '****-****-****-3456',
      );
    });
    it('unset numberToMask masks everything; default character * for strings, 0 for numbers', async () => {
      assert.equal(characterMask('abc', {}), '***');
      const [text, number] = await transformColumn({ characterMaskConfig: { numberToMask: 2 } }, [
        s('12345'),
        { integerValue: 12345 },
      ]);
      assert.deepEqual([text, number], [s('**345'), s('00345')]);
    });
    it('commonCharactersToIgnore: an email keeps its punctuation, a phone its separators', () => {
      assert.equal(
        characterMask('ann.lee@example.com', {
          maskingCharacter: '#',
          charactersToIgnore: [{ commonCharactersToIgnore: 'PUNCTUATION' }],
        }),
        '###.###@#######.###',
      );
      assert.equal(
        characterMask('+1 (415) 555-0123', { maskingCharacter: '#', charactersToIgnore: [{ charactersToSkip: '+-() ' }] }),
        '+# (###) ###-####',
      );
      assert.equal(
        characterMask('AbC-12', {
          charactersToIgnore: [{ commonCharactersToIgnore: 'ALPHA_UPPER_CASE' }, { commonCharactersToIgnore: 'NUMERIC' }],
        }),
        'A*C*12',
      );
    });
    it('counts code points: an emoji is one character', () => {
      assert.equal(characterMask('😀ab', { numberToMask: 1 }), '*ab');
    });
    it('numberToMask larger than the text masks all of it', () => {
      assert.equal(characterMask('ab', { numberToMask: 10 }), '**');
      assert.equal(characterMask('ab', { numberToMask: -10 }), 'ab');
    });
  });

  describe('cryptoHashConfig', () => {
    it('is HMAC-SHA256, base64 (RFC 4231 test case 2)', () => {
      const expected = Buffer.from('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hex').toString('base64');
      assert.equal(cryptoHash('what do ya want for nothing?', Buffer.from('Jefe')), expected);
    });
    it('gives a 44-character base64 value like DLP’s example, the same for the same input and key', async () => {
      const pt: PrimitiveTransformation = { cryptoHashConfig: { cryptoKey: { unwrapped: { key: KEY32 } } } };
      const [a, b, c, n] = await transformColumn(pt, [
        s('ann@example.com'),
        s('ann@example.com'),
        s('bob@example.com'),
        { integerValue: 42 },
      ]);
      assert.match(a.stringValue ?? '', /^[A-Za-z0-9+/]{43}=$/);
      assert.equal(a.stringValue, createHmac('sha256', Buffer.from(KEY32, 'base64')).update('ann@example.com').digest('base64'));
      assert.equal(a.stringValue, b.stringValue);
      assert.notEqual(a.stringValue, c.stringValue);
      assert.match(n.stringValue ?? '', /^[A-Za-z0-9+/]{43}=$/, 'integers can be hashed');
    });
    it('refuses other value types (a transformation error fails the table)', async () => {
      const config: MaskingConfig = {
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'v' }],
                primitiveTransformation: { cryptoHashConfig: { cryptoKey: { unwrapped: { key: KEY32 } } } },
              },
            ],
          },
        },
      };
      const engine = await LocalDlpEngine.create(config, new LocalKeyFile(tempKeyFile()));
      const out = await engine.deidentify({ headers: [{ name: 'v' }], rows: [{ values: [{ booleanValue: true }] }] });
      assert.deepEqual(out, {
        ok: false,
        reason: 'de-identification failed: v (cryptoHashConfig): cryptoHashConfig: only string and integer values can be hashed',
      });
    });
  });

  describe('cryptoDeterministicConfig', () => {
    it('writes NAME(length):surrogate, deterministic, reversible with the key', async () => {
      const config: MaskingConfig = {
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'v' }],
                primitiveTransformation: {
                  cryptoDeterministicConfig: {
                    cryptoKey: { unwrapped: { key: KEY64 } },
                    surrogateInfoType: { name: 'MY_TOKEN_TYPE' },
                  },
                },
              },
            ],
          },
        },
      };
      const engine = await LocalDlpEngine.create(config, new LocalKeyFile(tempKeyFile()));
      const out = await engine.deidentify({
        headers: [{ name: 'v' }],
        rows: [{ values: [s('u_42')] }, { values: [s('u_42')] }, { values: [s('u_7')] }],
      });
      assert.ok(out.ok);
      const [a, b, c] = out.table.rows.map((r) => r.values[0].stringValue ?? '');
      const m = /^MY_TOKEN_TYPE\((\d+)\):([A-Za-z0-9+/]+=*)$/.exec(a);
      assert.ok(m, a);
      assert.equal(Number(m[1]), m[2].length);
      assert.equal(Buffer.from(m[2], 'base64').length, 16 + 'u_42'.length, 'SIV tag + ciphertext');
      assert.equal(a, b);
      assert.notEqual(a, c);
      assert.equal(await engine.reidentify(a), 'u_42');
      assert.equal(await engine.reidentify(`user ${c} bought twice`), 'user u_7 bought twice', 'inside text too');
      assert.equal(await engine.reidentify('no surrogate here'), 'no surrogate here');
      await assert.rejects(engine.reidentify(a.replace(/.(=*)$/, (x, pad: string) => (x[0] === 'A' ? 'B' : 'A') + pad)));
    });
    it('a context field gives the same value another surrogate in another context', async () => {
      const config: MaskingConfig = {
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'v' }],
                primitiveTransformation: {
                  cryptoDeterministicConfig: { cryptoKey: { unwrapped: { key: KEY64 } }, context: { name: 'tenant' } },
                },
              },
            ],
          },
        },
      };
      const engine = await LocalDlpEngine.create(config, new LocalKeyFile(tempKeyFile()));
      const out = await engine.deidentify({
        headers: [{ name: 'v' }, { name: 'tenant' }],
        rows: [{ values: [s('u_42'), s('t1')] }, { values: [s('u_42'), s('t2')] }],
      });
      assert.ok(out.ok);
      const [a, b] = out.table.rows.map((r) => r.values[0].stringValue ?? '');
      assert.notEqual(a, b);
      assert.equal(await engine.reidentify(a, 't1'), 'u_42');
      // A bare surrogate (no surrogate infoType) that no key opens is indistinguishable from text: kept as it is.
      assert.equal(await engine.reidentify(a, 't2'), a);
    });
  });

  describe('fixedSizeBucketingConfig (lower 10, upper 89, size 10)', () => {
    const cases: [number, string][] = [
      [5, '-10'],
      [10, '10-20'],
      [15, '10-20'],
      [20, '20-30'],
      [85, '80-89'],
      [89, '80-89'],
      [95, '89+'],
    ];
    for (const [x, expected] of cases) it(`${x} → ${expected}`, () => assert.equal(fixedSizeBucket(x, 10, 89, 10), expected));
    it('through the engine, integers and numeric strings; a non-number fails the table', async () => {
      const pt: PrimitiveTransformation = {
        fixedSizeBucketingConfig: { lowerBound: { integerValue: 10 }, upperBound: { integerValue: 89 }, bucketSize: 10 },
      };
      assert.deepEqual(await transformColumn(pt, [{ integerValue: 42 }, s('7')]), [s('40-50'), s('-10')]);
    });
  });

  describe('bucketingConfig', () => {
    it('replaces by range (min inclusive, max exclusive), keeps a value in no bucket', async () => {
      const pt: PrimitiveTransformation = {
        bucketingConfig: {
          buckets: [
            { min: { integerValue: 0 }, max: { integerValue: 30 }, replacementValue: s('LOW') },
            { min: { integerValue: 30 }, max: { integerValue: 66 }, replacementValue: s('MEDIUM') },
            { min: { integerValue: 66 }, replacementValue: s('HIGH') },
          ],
        },
      };
      const out = await transformColumn(pt, [
        { integerValue: 29 },
        { integerValue: 30 },
        { floatValue: 65.9 },
        { integerValue: 100 },
        { integerValue: -1 },
      ]);
      assert.deepEqual(out, [s('LOW'), s('MEDIUM'), s('MEDIUM'), s('HIGH'), { integerValue: -1 }]);
    });
  });

  describe('dateShiftConfig', () => {
    it('shifts dates and timestamps by whole days, keeping the format', () => {
      assert.equal(shiftDate('2024-02-28', 2), '2024-03-01');
      assert.equal(shiftDate('2024-05-01T12:30:00Z', -3), '2024-04-28T12:30:00.000Z');
      assert.throws(() => shiftDate('yesterday', 1), /not a date/);
    });
    it('with a context field, the same context always moves by the same number of days, within the bounds', async () => {
      const key = Buffer.alloc(32, 3);
      for (const ctx of ['u_1', 'u_2', 'u_3', 'u_4']) {
        const d = dateShiftDays(ctx, key, -5, 10);
        assert.ok(d >= -5 && d <= 10, String(d));
        assert.equal(dateShiftDays(ctx, key, -5, 10), d);
      }
      const config: MaskingConfig = {
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'birthday' }, { name: 'signup' }],
                primitiveTransformation: {
                  dateShiftConfig: {
                    lowerBoundDays: -30,
                    upperBoundDays: 30,
                    context: { name: 'user' },
                    cryptoKey: { unwrapped: { key: KEY32 } },
                  },
                },
              },
            ],
          },
        },
      };
      const engine = await LocalDlpEngine.create(config, new LocalKeyFile(tempKeyFile()));
      const out = await engine.deidentify({
        headers: [{ name: 'user' }, { name: 'birthday' }, { name: 'signup' }],
        rows: [
          { values: [s('u_1'), s('1990-01-10'), s('2024-01-10')] },
          { values: [s('u_1'), s('2000-06-01'), s('2024-06-01')] },
        ],
      });
      assert.ok(out.ok);
      const shifts = out.table.rows.flatMap((r, i) =>
        [1, 2].map(
          (c) =>
            (Date.parse(r.values[c].stringValue ?? '') -
              Date.parse(['1990-01-10', '2024-01-10', '2000-06-01', '2024-06-01'][i * 2 + c - 1])) /
            86_400_000,
        ),
      );
      assert.equal(new Set(shifts).size, 1, `one user, one shift: ${shifts.join(', ')}`);
      assert.ok(Math.abs(shifts[0]) <= 30);
    });
  });
});
