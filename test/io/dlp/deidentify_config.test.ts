/**
 * The masking configuration: the project's file loads; anything unsupported or malformed is refused at start-up
 * with every problem named by its JSON path, never ignored.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import {
  DeidentifyConfigError,
  checkDeidentifyConfig,
  loadDeidentifyConfig,
  parseDeidentifyConfig,
} from '../../../io/dlp/deidentify_config';
import { DEFAULT_MASKING_CONFIG, readMaskingConfig } from '../../../io/dlp/local_masker';
import { tempKeyFile } from './fixtures';

const FT = 'deidentifyConfig.recordTransformations.fieldTransformations';
const withField = (ft: unknown, inspectConfig: unknown = { infoTypes: [{ name: 'EMAIL_ADDRESS' }] }) => ({
  inspectConfig,
  deidentifyConfig: { recordTransformations: { fieldTransformations: [ft] } },
});

describe('masking configuration (DLP shape)', () => {
  it('config/deidentify.json is accepted as it is', () => {
    assert.deepEqual(checkDeidentifyConfig(readMaskingConfig(DEFAULT_MASKING_CONFIG)), []);
  });

  it('a deidentify template name is a template, for Cloud DLP only', () => {
    assert.deepEqual(loadDeidentifyConfig('projects/p/locations/global/deidentifyTemplates/t'), {
      kind: 'template',
      name: 'projects/p/locations/global/deidentifyTemplates/t',
    });
    assert.throws(() => readMaskingConfig('projects/p/deidentifyTemplates/t'), /read by Cloud DLP only/);
  });

  const refused: [string, unknown, string[]][] = [
    [
      'an unsupported transformation (format-preserving encryption)',
      withField({
        fields: [{ name: 'card' }],
        primitiveTransformation: { cryptoReplaceFfxFpeConfig: { commonAlphabet: 'NUMERIC' } },
      }),
      [`${FT}[0].primitiveTransformation.cryptoReplaceFfxFpeConfig: not supported`],
    ],
    [
      'record suppressions and image transformations',
      {
        deidentifyConfig: {
          recordTransformations: { fieldTransformations: [], recordSuppressions: [] },
          imageTransformations: {},
        },
      },
      [
        'deidentifyConfig.imageTransformations: not supported',
        'deidentifyConfig.recordTransformations.recordSuppressions: not supported',
        'deidentifyConfig.recordTransformations.fieldTransformations: must not be empty',
      ],
    ],
    [
      'an infoType without a local detector, and a hotword rule',
      {
        inspectConfig: {
          infoTypes: [{ name: 'PERSON_NAME' }, { name: 'EMAIL_ADDRESS' }],
          ruleSet: [{ infoTypes: [{ name: 'EMAIL_ADDRESS' }], rules: [{ hotwordRule: {} }] }],
        },
        deidentifyConfig: {
          infoTypeTransformations: { transformations: [{ primitiveTransformation: { replaceWithInfoTypeConfig: {} } }] },
        },
      },
      [
        'inspectConfig.infoTypes[0]: PERSON_NAME has no local detector',
        'inspectConfig.ruleSet[0].rules[0].hotwordRule: not supported',
      ],
    ],
    [
      'a complex condition (OR, nested expressions)',
      withField({
        fields: [{ name: 'v' }],
        condition: {
          expressions: { logicalOperator: 'OR', conditions: { conditions: [{ field: { name: 'x' }, operator: 'LIKE' }] } },
        },
        primitiveTransformation: { replaceConfig: { newValue: { stringValue: 'x' } } },
      }),
      [
        `${FT}[0].condition.expressions.logicalOperator: expected one of AND`,
        `${FT}[0].condition.expressions.conditions.conditions[0].operator: expected one of EQUAL_TO`,
      ],
    ],
    [
      'bad values: a two-character mask, a short key, bounds the wrong way, a broken regex',
      {
        inspectConfig: {
          infoTypes: [{ name: 'EMAIL_ADDRESS' }],
          ruleSet: [
            {
              infoTypes: [{ name: 'EMAIL_ADDRESS' }],
              rules: [{ exclusionRule: { regex: { pattern: '(' }, matchingType: 'MATCHING_TYPE_FULL_MATCH' } }],
            },
          ],
        },
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              { fields: [{ name: 'a' }], primitiveTransformation: { characterMaskConfig: { maskingCharacter: '##' } } },
              {
                fields: [{ name: 'b' }],
                primitiveTransformation: { cryptoHashConfig: { cryptoKey: { unwrapped: { key: 'c2hvcnQ=' } } } },
              },
              {
                fields: [{ name: 'c' }],
                primitiveTransformation: {
                  fixedSizeBucketingConfig: { lowerBound: { integerValue: 90 }, upperBound: { integerValue: 10 }, bucketSize: 0 },
                },
              },
            ],
          },
        },
      },
      [
        'inspectConfig.ruleSet[0].rules[0].exclusionRule.regex.pattern: not a valid regular expression',
        `${FT}[0].primitiveTransformation.characterMaskConfig.maskingCharacter: must be one character`,
        `${FT}[1].primitiveTransformation.cryptoHashConfig.cryptoKey.unwrapped.key: must be 32 or 64 bytes (base64), got 5`,
        `${FT}[2].primitiveTransformation.fixedSizeBucketingConfig.bucketSize: must be > 0`,
        `${FT}[2].primitiveTransformation.fixedSizeBucketingConfig: lowerBound must be below upperBound`,
      ],
    ],
    [
      'a field transformed twice, two transformations in one, replaceWithInfoType on a whole field',
      {
        deidentifyConfig: {
          recordTransformations: {
            fieldTransformations: [
              {
                fields: [{ name: 'email' }],
                primitiveTransformation: { redactConfig: {}, replaceConfig: { newValue: { stringValue: 'x' } } },
              },
              { fields: [{ name: 'email' }], primitiveTransformation: { replaceWithInfoTypeConfig: {} } },
            ],
          },
        },
      },
      [
        `${FT}[0].primitiveTransformation: expected exactly one transformation, got 2`,
        `${FT}[0].primitiveTransformation.redactConfig: only valid inside infoTypeTransformations`,
        `${FT}[1].fields[0]: field email is already transformed by ${FT}[0]`,
        `${FT}[1].primitiveTransformation.replaceWithInfoTypeConfig: only valid inside infoTypeTransformations`,
      ],
    ],
    ['not an object at all', [1, 2], ['$: expected an object, got an array']],
    ['no deidentifyConfig', { inspectConfig: {} }, ['$.deidentifyConfig: required']],
  ];
  for (const [what, config, expected] of refused) {
    it(`refuses ${what}, naming each part by its JSON path`, () => {
      const problems = checkDeidentifyConfig(config);
      for (const e of expected)
        assert.ok(
          problems.some((p) => p.startsWith(e)),
          `missing "${e}" in:\n${problems.join('\n')}`,
        );
    });
  }

  it('a file that is not JSON, or missing, is one clear error naming the file', () => {
    const path = tempKeyFile();
    writeFileSync(path, '{"deidentifyConfig": ');
    assert.throws(
      () => loadDeidentifyConfig(path),
      (e: unknown) => e instanceof DeidentifyConfigError && e.message.startsWith(`${path}: `) && /not JSON/.test(e.message),
    );
    assert.throws(() => loadDeidentifyConfig(`${path}.missing`), /cannot read the file/);
  });

  it('throws every problem at once, one per line', () => {
    try {
      parseDeidentifyConfig(
        JSON.stringify(withField({ fields: [], primitiveTransformation: { timePartConfig: {} }, extra: 1 })),
        'test.json',
      );
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof DeidentifyConfigError);
      assert.equal(e.problems.length, 3, e.message);
      assert.match(e.message, /^test\.json: the masking configuration is not usable:\n {2}- /);
    }
  });
});
