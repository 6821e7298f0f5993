/**
 * The local engine on tables: inspection (likelihood thresholds, exclusion rules, custom infoTypes, SSN and
 * IBAN), conditions, error handling, malformed tables; and the invariant the pipeline relies on (fast-check):
 * PII placed anywhere in random events never reaches a table row, a log line or a dead-letter payload in clear.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type MaskingConfig } from '../../../io/dlp/deidentify_config';
import { L, detectBuiltIns, ibanValid, ssnValid } from '../../../io/dlp/detectors';
import { compileInspector, replaceWithInfoTypes } from '../../../io/dlp/inspector';
import { LocalKeyFile } from '../../../io/dlp/keys';
import { LocalDlpEngine } from '../../../io/dlp/local_engine';
import { createLocalMasker } from '../../../io/dlp/local_masker';
import { type DlpValue } from '../../../io/dlp/table';
import { validateEvent } from '../../../schemas';
import { NO_RESTRICTIONS } from '../../../transforms/consent';
import { toDeadLetterRow, toEventRow } from '../../../transforms/rows';
import { type PipelineEvent } from '../../../transforms/records';
import { eventObject } from '../../transforms/privacy_fixtures';
import { tempKeyFile } from './fixtures';

const s = (stringValue: string): DlpValue => ({ stringValue });

function textEngine(inspectConfig: MaskingConfig['inspectConfig'], extra: Partial<MaskingConfig['deidentifyConfig']> = {}) {
  return LocalDlpEngine.create(
    {
      inspectConfig,
      deidentifyConfig: {
        recordTransformations: {
          fieldTransformations: [
            {
              fields: [{ name: 'text' }],
              infoTypeTransformations: { transformations: [{ primitiveTransformation: { replaceWithInfoTypeConfig: {} } }] },
            },
          ],
        },
        ...extra,
      },
    },
    new LocalKeyFile(tempKeyFile()),
  );
}

async function maskTextWith(engine: LocalDlpEngine, ...texts: string[]): Promise<string[]> {
  const out = await engine.deidentify({ headers: [{ name: 'text' }], rows: texts.map((t) => ({ values: [s(t)] })) });
  assert.ok(out.ok, out.ok ? '' : out.reason);
  return out.table.rows.map((r) => r.values[0].stringValue ?? '');
}

describe('LocalDlpEngine', () => {
  describe('detectors: SSN, IBAN, likelihood', () => {
    it('US SSNs with valid area, group and serial; invalid ones are not SSNs', () => {
      assert.equal(replaceWithInfoTypes('ssn 123-45-6789.'), 'ssn [US_SOCIAL_SECURITY_NUMBER].');
      assert.equal(replaceWithInfoTypes('ssn 123 45 6789'), 'ssn [US_SOCIAL_SECURITY_NUMBER]');
      for (const invalid of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000']) {
        assert.ok(!replaceWithInfoTypes(invalid).includes('US_SOCIAL_SECURITY_NUMBER'), invalid);
      }
      assert.ok(ssnValid('123', '45', '6789') && !ssnValid('900', '45', '6789'));
    });

    it('IBANs pass mod 97 (with or without spaces, followed by words); a wrong check digit is no IBAN', () => {
      assert.ok(ibanValid('GB82WEST12345698765432') && ibanValid('DE89 3704 0044 0532 0130 00'));
      assert.ok(!ibanValid('GB82WEST12345698765433') && !ibanValid('GB82'));
      assert.equal(replaceWithInfoTypes('pay to GB82 WEST 1234 5698 7654 32 BIC WESTGB2L'), 'pay to [IBAN_CODE] BIC WESTGB2L');
      assert.equal(replaceWithInfoTypes('iban DE89370400440532013000, thanks'), 'iban [IBAN_CODE], thanks');
      assert.equal(replaceWithInfoTypes('ref GB82WEST12345698765433'), 'ref GB82WEST12345698765433');
    });

    it('likelihoods: + or parentheses make a phone LIKELY, a bare 7-digit run UNLIKELY', () => {
      const like = (text: string) => detectBuiltIns(text, ['PHONE_NUMBER']).map((f) => f.likelihood);
      assert.deepEqual(like('+14155550123'), [L.LIKELY]);
      assert.deepEqual(like('(415) 555-0123'), [L.LIKELY]);
      assert.deepEqual(like('415 555 0123'), [L.POSSIBLE]);
      assert.deepEqual(like('order 1234567'), [L.UNLIKELY]);
      assert.equal(replaceWithInfoTypes('order 1234567'), 'order 1234567', 'below POSSIBLE, the default threshold');
    });

    it('hostile inputs: megabyte strings of separators, digits and escapes stay linear', function () {
      this.timeout(30_000);
      const mb = 1 << 20;
      for (const text of [
        'GB82'.repeat(mb / 4),
        'GB82 '.repeat(mb / 5),
        '123-45-'.repeat(mb / 7),
        '%4'.repeat(mb / 2),
        '+'.repeat(mb),
      ]) {
        const started = performance.now();
        replaceWithInfoTypes(text);
        assert.ok(performance.now() - started < 2000, `${text.slice(0, 10)}…`);
      }
    });
  });

  describe('inspection rules', () => {
    it('minLikelihood: LIKELY drops POSSIBLE findings', async () => {
      const engine = await textEngine({ infoTypes: [{ name: 'PHONE_NUMBER' }], minLikelihood: 'LIKELY' });
      assert.deepEqual(await maskTextWith(engine, 'call 415 555 0123', 'call +1 415 555 0123'), [
        'call 415 555 0123',
        'call [PHONE_NUMBER]',
      ]);
    });

    it('exclusion by regex (full, partial, inverse match)', async () => {
      const rule = (matchingType: string) =>
        textEngine({
          infoTypes: [{ name: 'EMAIL_ADDRESS' }],
          ruleSet: [
            {
              infoTypes: [{ name: 'EMAIL_ADDRESS' }],
              rules: [
                {
                  exclusionRule: {
                    regex: { pattern: 'noreply@shop\\.example' },
                    matchingType: matchingType as 'MATCHING_TYPE_FULL_MATCH',
                  },
                },
              ],
            },
          ],
        });
      const texts = ['from noreply@shop.example', 'from x.noreply@shop.example', 'from ann@shop.example'];
      assert.deepEqual(await maskTextWith(await rule('MATCHING_TYPE_FULL_MATCH'), ...texts), [
        texts[0],
        'from [EMAIL_ADDRESS]',
        'from [EMAIL_ADDRESS]',
      ]);
      assert.deepEqual(await maskTextWith(await rule('MATCHING_TYPE_PARTIAL_MATCH'), ...texts), [
        texts[0],
        texts[1],
        'from [EMAIL_ADDRESS]',
      ]);
      assert.deepEqual(await maskTextWith(await rule('MATCHING_TYPE_INVERSE_MATCH'), ...texts), [
        'from [EMAIL_ADDRESS]',
        'from [EMAIL_ADDRESS]',
        texts[2],
      ]);
    });

    it('exclusion by dictionary (case-insensitive) and by another infoType', async () => {
      const engine = await textEngine({
        infoTypes: [{ name: 'EMAIL_ADDRESS' }, { name: 'PHONE_NUMBER' }],
        customInfoTypes: [{ infoType: { name: 'ORDER_REF' }, regex: { pattern: 'ORD-\\d{8}' }, likelihood: 'LIKELY' }],
        ruleSet: [
          {
            infoTypes: [{ name: 'EMAIL_ADDRESS' }],
            rules: [
              {
                exclusionRule: {
                  dictionary: { wordList: { words: ['Help@Shop.Example'] } },
                  matchingType: 'MATCHING_TYPE_FULL_MATCH',
                },
              },
            ],
          },
          {
            infoTypes: [{ name: 'PHONE_NUMBER' }],
            rules: [
              {
                exclusionRule: {
                  excludeInfoTypes: { infoTypes: [{ name: 'ORDER_REF' }] },
                  matchingType: 'MATCHING_TYPE_PARTIAL_MATCH',
                },
              },
            ],
          },
        ],
      });
      assert.deepEqual(
        await maskTextWith(engine, 'write help@shop.example or ann@x.io', 'order ORD-41555501 call 415 555 0199'),
        ['write help@shop.example or [EMAIL_ADDRESS]', 'order [ORDER_REF] call [PHONE_NUMBER]'],
      );
    });

    it('custom infoTypes: dictionary of whole words, regex with a group; per-infoType transformations', async () => {
      const engine = await LocalDlpEngine.create(
        {
          inspectConfig: {
            infoTypes: [{ name: 'EMAIL_ADDRESS' }],
            customInfoTypes: [
              { infoType: { name: 'VIP' }, dictionary: { wordList: { words: ['Ada Lovelace'] } } },
              { infoType: { name: 'MEMBER_ID' }, regex: { pattern: 'member #(\\d{6})', groupIndexes: [1] } },
            ],
          },
          deidentifyConfig: {
            infoTypeTransformations: {
              transformations: [
                { infoTypes: [{ name: 'MEMBER_ID' }], primitiveTransformation: { characterMaskConfig: { numberToMask: -2 } } },
                { primitiveTransformation: { replaceWithInfoTypeConfig: {} } },
              ],
            },
          },
        },
        new LocalKeyFile(tempKeyFile()),
      );
      const out = await engine.deidentify({
        headers: [{ name: 'a' }, { name: 'b' }],
        rows: [{ values: [s('ada lovelace, member #123456'), s('adalovelace ann@x.io')] }],
      });
      assert.ok(out.ok);
      assert.deepEqual(out.table.rows[0].values, [s('[VIP], member #****56'), s('adalovelace [EMAIL_ADDRESS]')]);
    });

    it('compileInspector returns sorted findings without overlaps', () => {
      const inspect = compileInspector({
        infoTypes: [{ name: 'EMAIL_ADDRESS' }, { name: 'IP_ADDRESS' }, { name: 'PHONE_NUMBER' }],
      });
      const findings = inspect('a 10.0.0.1 b ann@x.io c +1 415 555 0123 /users/bob@x.io');
      assert.deepEqual(
        findings.map((f) => f.infoType),
        ['IP_ADDRESS', 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'EMAIL_ADDRESS'],
      );
      for (let i = 1; i < findings.length; i++) assert.ok(findings[i].start >= findings[i - 1].end);
    });
  });

  describe('tables', () => {
    it('conditions: a transformation applies only to rows where every condition holds', async () => {
      const engine = await LocalDlpEngine.create(
        {
          deidentifyConfig: {
            recordTransformations: {
              fieldTransformations: [
                {
                  fields: [{ name: 'value' }],
                  condition: {
                    expressions: {
                      conditions: {
                        conditions: [
                          { field: { name: 'country' }, operator: 'EQUAL_TO', value: { stringValue: 'DE' } },
                          { field: { name: 'age' }, operator: 'GREATER_THAN_OR_EQUALS', value: { integerValue: 18 } },
                        ],
                      },
                    },
                  },
                  primitiveTransformation: { replaceConfig: { newValue: { stringValue: 'hidden' } } },
                },
              ],
            },
          },
        },
        new LocalKeyFile(tempKeyFile()),
      );
      const out = await engine.deidentify({
        headers: [{ name: 'country' }, { name: 'age' }, { name: 'value' }],
        rows: [
          { values: [s('DE'), { integerValue: 30 }, s('a')] },
          { values: [s('DE'), { integerValue: 9 }, s('b')] },
          { values: [s('FR'), { integerValue: 30 }, s('c')] },
          { values: [s('DE'), {}, s('d')] },
        ],
      });
      assert.ok(out.ok);
      assert.deepEqual(
        out.table.rows.map((r) => r.values[2].stringValue),
        ['hidden', 'b', 'c', 'd'],
      );
    });

    it('columns the configuration does not name pass through; empty cells stay empty; missing columns are skipped', async () => {
      const { engine } = await createLocalMasker({ keyFile: tempKeyFile() });
      const out = await engine.deidentify({
        headers: [{ name: 'email' }, { name: 'untouched' }],
        rows: [{ values: [s('ann@x.io'), s('ann@x.io')] }, { values: [{}, s('')] }],
      });
      assert.ok(out.ok);
      assert.deepEqual(out.table.rows, [{ values: [s('[EMAIL_ADDRESS]'), s('ann@x.io')] }, { values: [{}, s('')] }]);
    });

    it('a row with the wrong number of values fails the table, naming the row', async () => {
      const { engine } = await createLocalMasker({ keyFile: tempKeyFile() });
      const out = await engine.deidentify({ headers: [{ name: 'email' }], rows: [{ values: [s('a@b.co'), s('x')] }] });
      assert.deepEqual(out, { ok: false, reason: 'row 0 has 2 values for 1 headers' });
    });

    it('leaveUntransformed keeps a cell a transformation cannot handle; throwError (default) fails the table', async () => {
      const config = (handling: 'leaveUntransformed' | 'throwError'): MaskingConfig => ({
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'd' }],
                primitiveTransformation: { dateShiftConfig: { lowerBoundDays: -1, upperBoundDays: 1 } },
              },
            ],
          },
          transformationErrorHandling: { [handling]: {} },
        },
      });
      const table = { headers: [{ name: 'd' }], rows: [{ values: [s('Ann birthday')] }] };
      const lenient = await LocalDlpEngine.create(config('leaveUntransformed'), new LocalKeyFile(tempKeyFile()));
      assert.deepEqual(await lenient.deidentify(table), { ok: true, table });
      const strict = await LocalDlpEngine.create(config('throwError'), new LocalKeyFile(tempKeyFile()));
      const out = await strict.deidentify(table);
      assert.ok(
        !out.ok && /^de-identification failed: d \(dateShiftConfig\)/.test(out.reason) && !out.reason.includes('Ann birthday'),
      );
    });
  });

  describe('property: no PII in clear in rows, logs or dead letters', () => {
    const piiArb = fc.oneof(
      fc.emailAddress().filter((e) => !/[/?#&=+%]/.test(e) && e.length >= 6),
      fc.ipV4(),
      fc.ipV6().filter((ip) => /[0-9a-f]/i.test(ip) && ip.length >= 6),
      fc.stringMatching(/^\+[1-9]\d{9,12}$/),
      fc.constantFrom('4111 1111 1111 1111', '5555555555554444', '123-45-6789', 'GB82 WEST 1234 5698 7654 32'),
    );
    /** Fields that hold free text in the events table (campaign fields are grouping keys: emails only). */
    const anyField = fc.constantFrom(
      'note',
      'page',
      'referrer',
      'name',
      'email',
      'phone',
      'ip',
      'user_id',
      'anonymous_id',
      'region',
      'device.os',
      'product.sku',
    );
    const prose = fc.string({ maxLength: 20, unit: fc.constantFrom('a', ' ', '.', ',', ':', 'é', '😀', '\n') });

    it('any PII in any free-text field, and any malformed payload holding it', async () => {
      const { masker } = await createLocalMasker({ keyFile: tempKeyFile() });
      const logged: string[] = [];
      const originals = { log: console.log, warn: console.warn, error: console.error, write: process.stderr.write };
      const capture = (...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      };
      console.log = console.warn = console.error = capture;
      process.stderr.write = ((chunk: unknown) => (capture(chunk), true)) as typeof process.stderr.write;
      try {
        await fc.assert(
          fc.asyncProperty(piiArb, anyField, prose, prose, async (pii, field, before, after) => {
            const text = `${before} ${pii} ${after}`;
            const [top, child] = field.split('.');
            const fields: Record<string, unknown> =
              child === undefined
                ? { [top]: text }
                : top === 'device'
                  ? { device: { type: 'mobile', [child]: text } }
                  : { product: { [child]: text, category: 'c', price: 1 } };
            const checked = validateEvent(eventObject(fields));
            if (!checked.ok) return; // a field the schema refuses never reaches a table as an event
            const e: PipelineEvent = {
              messageId: 'm',
              event: checked.event,
              eventTimeMs: checked.eventTimeMs,
              ingestTimeMs: checked.eventTimeMs,
              attributes: {},
              userKey: null,
              restrictions: NO_RESTRICTIONS,
            };
            const [outcome] = await masker.maskBatch([e]);
            assert.ok(outcome.ok);
            const row = JSON.stringify(toEventRow({ ...e, event: outcome.event, userKey: outcome.userKey, piiMasked: true }));
            assert.ok(!row.includes(JSON.stringify(pii).slice(1, -1)), `${pii} in ${field} reached the row: ${row}`);
            const dead = toDeadLetterRow(
              {
                id: 'm',
                reason: 'bad',
                step: 'ParseEvents',
                payload: `{"broken": ${JSON.stringify(text)}`,
                attributes: null,
                errorTimeMs: 0,
                eventTimeMs: null,
              },
              (t) => masker.protectPayload(t),
            );
            assert.ok(!(dead.payload ?? '').includes(pii), 'dead-letter payload in clear');
          }),
          { numRuns: 400 },
        );
      } finally {
        Object.assign(console, { log: originals.log, warn: originals.warn, error: originals.error });
        process.stderr.write = originals.write;
      }
      assert.deepEqual(logged, [], 'the engine logs nothing');
    });
  });
});
