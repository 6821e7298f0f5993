/**
 * The masking configuration in Cloud DLP's own REST/JSON shape (`{inspectConfig, deidentifyConfig}`), typed for
 * the subset tidemark's local engine implements, and checked at start-up.
 *
 * The same file feeds the local engine, the Cloud DLP connector and Terraform's deidentify template, so it is
 * DLP's shape exactly; tidemark adds one convention: a crypto key written as `{"transient": {"name": "k"}}` names
 * a key that the key source (io/dlp/keys.ts) resolves at start-up. (Real DLP transient keys are random per
 * request, which would make pseudonyms unstable; the cloud path sends such keys as `kmsWrapped` instead.)
 *
 * Anything outside the subset is refused, never ignored: `checkDeidentifyConfig` returns one problem per
 * unsupported or malformed part, each naming its JSON path (`deidentifyConfig.recordTransformations.
 * fieldTransformations[2].primitiveTransformation.cryptoReplaceFfxFpeConfig`), and `loadDeidentifyConfig` throws
 * them all at once.
 */
import { readFileSync } from 'node:fs';
import { type DlpValue } from './table';

export const LIKELIHOODS = ['VERY_UNLIKELY', 'UNLIKELY', 'POSSIBLE', 'LIKELY', 'VERY_LIKELY'] as const;
export type Likelihood = (typeof LIKELIHOODS)[number];

export interface InfoTypeRef {
  readonly name: string;
}
export interface FieldId {
  readonly name: string;
}

/** DLP CryptoKey. `transient.name` is a tidemark key name (see above); `unwrapped.key` is base64 key bytes. */
export type CryptoKey =
  | { readonly transient: { readonly name: string } }
  | { readonly unwrapped: { readonly key: string } }
  | { readonly kmsWrapped: { readonly wrappedKey: string; readonly cryptoKeyName: string } };

export const COMMON_CHARACTERS = ['NUMERIC', 'ALPHA_UPPER_CASE', 'ALPHA_LOWER_CASE', 'PUNCTUATION', 'WHITESPACE'] as const;
export type CommonCharacters = (typeof COMMON_CHARACTERS)[number];

export type CharsToIgnore = { readonly charactersToSkip: string } | { readonly commonCharactersToIgnore: CommonCharacters };

export interface CharacterMaskConfig {
  readonly maskingCharacter?: string;
  readonly numberToMask?: number;
  readonly reverseOrder?: boolean;
  readonly charactersToIgnore?: readonly CharsToIgnore[];
}

export interface Bucket {
  readonly min?: DlpValue;
  readonly max?: DlpValue;
  readonly replacementValue: DlpValue;
}

export interface PrimitiveTransformation {
  readonly replaceConfig?: { readonly newValue: DlpValue };
  readonly replaceWithInfoTypeConfig?: Record<string, never>;
  readonly redactConfig?: Record<string, never>;
  readonly characterMaskConfig?: CharacterMaskConfig;
  readonly cryptoHashConfig?: { readonly cryptoKey: CryptoKey };
  readonly cryptoDeterministicConfig?: {
    readonly cryptoKey: CryptoKey;
    readonly surrogateInfoType?: InfoTypeRef;
    readonly context?: FieldId;
  };
  readonly dateShiftConfig?: {
    readonly upperBoundDays: number;
    readonly lowerBoundDays: number;
    readonly context?: FieldId;
    readonly cryptoKey?: CryptoKey;
  };
  readonly fixedSizeBucketingConfig?: {
    readonly lowerBound: DlpValue;
    readonly upperBound: DlpValue;
    readonly bucketSize: number;
  };
  readonly bucketingConfig?: { readonly buckets: readonly Bucket[] };
}

export interface InfoTypeTransformations {
  readonly transformations: readonly {
    readonly infoTypes?: readonly InfoTypeRef[];
    readonly primitiveTransformation: PrimitiveTransformation;
  }[];
}

export const RELATIONAL_OPERATORS = [
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'GREATER_THAN',
  'LESS_THAN',
  'GREATER_THAN_OR_EQUALS',
  'LESS_THAN_OR_EQUALS',
  'EXISTS',
] as const;
export type RelationalOperator = (typeof RELATIONAL_OPERATORS)[number];

export interface Condition {
  readonly field: FieldId;
  readonly operator: RelationalOperator;
  readonly value?: DlpValue;
}

/** RecordCondition: only AND of simple conditions (DLP's default operator). */
export interface RecordCondition {
  readonly expressions: {
    readonly logicalOperator?: 'AND';
    readonly conditions: { readonly conditions: readonly Condition[] };
  };
}

export interface FieldTransformation {
  readonly fields: readonly FieldId[];
  readonly condition?: RecordCondition;
  readonly primitiveTransformation?: PrimitiveTransformation;
  readonly infoTypeTransformations?: InfoTypeTransformations;
}

export interface DeidentifyConfig {
  readonly recordTransformations?: { readonly fieldTransformations: readonly FieldTransformation[] };
  readonly infoTypeTransformations?: InfoTypeTransformations;
  readonly transformationErrorHandling?: {
    readonly throwError?: Record<string, never>;
    readonly leaveUntransformed?: Record<string, never>;
  };
}

export const MATCHING_TYPES = ['MATCHING_TYPE_FULL_MATCH', 'MATCHING_TYPE_PARTIAL_MATCH', 'MATCHING_TYPE_INVERSE_MATCH'] as const;
export type MatchingType = (typeof MATCHING_TYPES)[number];

export interface ExclusionRule {
  readonly regex?: { readonly pattern: string };
  readonly dictionary?: { readonly wordList: { readonly words: readonly string[] } };
  readonly excludeInfoTypes?: { readonly infoTypes: readonly InfoTypeRef[] };
  readonly matchingType: MatchingType;
}

export interface CustomInfoType {
  readonly infoType: InfoTypeRef;
  readonly likelihood?: Likelihood;
  readonly regex?: { readonly pattern: string; readonly groupIndexes?: readonly number[] };
  readonly dictionary?: { readonly wordList: { readonly words: readonly string[] } };
}

export interface InspectConfig {
  readonly infoTypes?: readonly InfoTypeRef[];
  readonly minLikelihood?: Likelihood;
  readonly customInfoTypes?: readonly CustomInfoType[];
  readonly ruleSet?: readonly {
    readonly infoTypes: readonly InfoTypeRef[];
    readonly rules: readonly { readonly exclusionRule: ExclusionRule }[];
  }[];
}

/** The file's shape. */
export interface MaskingConfig {
  readonly inspectConfig?: InspectConfig;
  readonly deidentifyConfig: DeidentifyConfig;
}

/** Where a configuration comes from: a JSON file, or a deidentify template that only Cloud DLP can read. */
export type DeidentifySource =
  | { readonly kind: 'file'; readonly path: string; readonly config: MaskingConfig }
  | { readonly kind: 'template'; readonly name: string };

/** Built-in detectors of the local engine (io/dlp/detectors.ts). */
export const BUILT_IN_INFO_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD_NUMBER',
  'IP_ADDRESS',
  'US_SOCIAL_SECURITY_NUMBER',
  'IBAN_CODE',
] as const;
export type BuiltInInfoType = (typeof BUILT_IN_INFO_TYPES)[number];

export class DeidentifyConfigError extends Error {
  override readonly name = 'DeidentifyConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: the masking configuration is not usable:\n  - ${problems.join('\n  - ')}`);
  }
}

const TEMPLATE_NAME = /^(projects|organizations)\/[^/]+\/(locations\/[^/]+\/)?deidentifyTemplates\/[^/]+$/;

/**
 * Reads a masking configuration: a path to a JSON file (checked here; throws DeidentifyConfigError listing every
 * problem), or a deidentify template name (`projects/P/locations/L/deidentifyTemplates/T`), which only Cloud DLP
 * can read and the local engine refuses.
 */
export function loadDeidentifyConfig(pathOrTemplate: string): DeidentifySource {
  if (TEMPLATE_NAME.test(pathOrTemplate)) return { kind: 'template', name: pathOrTemplate };
  let text: string;
  try {
    text = readFileSync(pathOrTemplate, 'utf8');
  } catch (error) {
    throw new DeidentifyConfigError(pathOrTemplate, [`cannot read the file: ${(error as Error).message}`]);
  }
  return { kind: 'file', path: pathOrTemplate, config: parseDeidentifyConfig(text, pathOrTemplate) };
}

/** Parses and checks the JSON text of a masking configuration. */
export function parseDeidentifyConfig(text: string, source = 'masking configuration'): MaskingConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeidentifyConfigError(source, [`not JSON: ${(error as Error).message}`]);
  }
  const problems = checkDeidentifyConfig(json);
  if (problems.length > 0) throw new DeidentifyConfigError(source, problems);
  return json as MaskingConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// The checker: one function per message type, each given the JSON path of what it checks.

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  /** An object with only `allowed` keys; an unknown key is refused as unsupported (it may be real DLP). */
  object(value: unknown, path: string, allowed: readonly string[], required: readonly string[] = []): Obj | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(path, `expected an object, got ${describe(value)}`);
      return undefined;
    }
    const obj = value as Obj;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.problem(`${path}.${key}`, 'not supported by tidemark (refused rather than ignored)');
    }
    for (const key of required) if (obj[key] === undefined) this.problem(`${path}.${key}`, 'required');
    return obj;
  }

  array(value: unknown, path: string, nonEmpty = false): readonly unknown[] {
    if (!Array.isArray(value)) {
      this.problem(path, `expected an array, got ${describe(value)}`);
      return [];
    }
    if (nonEmpty && value.length === 0) this.problem(path, 'must not be empty');
    return value;
  }

  string(value: unknown, path: string, nonEmpty = true): string | undefined {
    if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
      this.problem(path, `expected a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  number(value: unknown, path: string): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problem(path, `expected a finite number, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T | undefined {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.problem(path, `expected one of ${choices.join(', ')}, got ${describe(value)}`);
      return undefined;
    }
    return value as T;
  }

  regex(value: unknown, path: string): void {
    const pattern = this.string(value, path);
    if (pattern === undefined) return;
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      this.problem(path, `not a valid regular expression: ${(error as Error).message}`);
    }
  }

  infoType(value: unknown, path: string): string | undefined {
    const obj = this.object(value, path, ['name'], ['name']);
    return obj && this.string(obj.name, `${path}.name`);
  }

  field(value: unknown, path: string): string | undefined {
    const obj = this.object(value, path, ['name'], ['name']);
    return obj && this.string(obj.name, `${path}.name`);
  }

  value(value: unknown, path: string): void {
    const obj = this.object(value, path, ['stringValue', 'integerValue', 'floatValue', 'booleanValue']);
    if (!obj) return;
    const kinds = Object.keys(obj);
    if (kinds.length !== 1) this.problem(path, `expected exactly one of stringValue, integerValue, floatValue, booleanValue`);
    if (obj.integerValue !== undefined && !/^-?\d+$/.test(String(obj.integerValue))) {
      this.problem(`${path}.integerValue`, `expected an integer, got ${describe(obj.integerValue)}`);
    }
    if (obj.floatValue !== undefined) this.number(obj.floatValue, `${path}.floatValue`);
    if (obj.stringValue !== undefined && typeof obj.stringValue !== 'string')
      this.problem(`${path}.stringValue`, 'expected a string');
    if (obj.booleanValue !== undefined && typeof obj.booleanValue !== 'boolean')
      this.problem(`${path}.booleanValue`, 'expected a boolean');
  }

  cryptoKey(value: unknown, path: string): void {
    const obj = this.object(value, path, ['transient', 'unwrapped', 'kmsWrapped']);
    if (!obj) return;
    if (Object.keys(obj).length !== 1) this.problem(path, 'expected exactly one of transient, unwrapped, kmsWrapped');
    if (obj.transient !== undefined) {
      const t = this.object(obj.transient, `${path}.transient`, ['name'], ['name']);
      if (t) this.string(t.name, `${path}.transient.name`);
    }
    if (obj.unwrapped !== undefined) {
      const u = this.object(obj.unwrapped, `${path}.unwrapped`, ['key'], ['key']);
      const key = u && this.string(u.key, `${path}.unwrapped.key`);
      if (key !== undefined) {
        const bytes = Buffer.from(key, 'base64').length;
        if (bytes !== 32 && bytes !== 64) this.problem(`${path}.unwrapped.key`, `must be 32 or 64 bytes (base64), got ${bytes}`);
      }
    }
    if (obj.kmsWrapped !== undefined) {
      const k = this.object(
        obj.kmsWrapped,
        `${path}.kmsWrapped`,
        ['wrappedKey', 'cryptoKeyName'],
        ['wrappedKey', 'cryptoKeyName'],
      );
      if (k) {
        this.string(k.wrappedKey, `${path}.kmsWrapped.wrappedKey`);
        this.string(k.cryptoKeyName, `${path}.kmsWrapped.cryptoKeyName`);
      }
    }
  }

  primitive(value: unknown, path: string, where: 'record' | 'infoType'): void {
    const kinds = [
      'replaceConfig',
      'replaceWithInfoTypeConfig',
      'redactConfig',
      'characterMaskConfig',
      'cryptoHashConfig',
      'cryptoDeterministicConfig',
      'dateShiftConfig',
      'fixedSizeBucketingConfig',
      'bucketingConfig',
    ];
    const obj = this.object(value, path, kinds);
    if (!obj) return;
    const present = Object.keys(obj).filter((k) => kinds.includes(k));
    if (Object.keys(obj).length !== 1) {
      this.problem(path, `expected exactly one transformation, got ${Object.keys(obj).length}`);
    }
    for (const kind of present) {
      const p = `${path}.${kind}`;
      const c = obj[kind];
      switch (kind) {
        case 'replaceConfig': {
          const r = this.object(c, p, ['newValue'], ['newValue']);
          if (r?.newValue !== undefined) this.value(r.newValue, `${p}.newValue`);
          break;
        }
        case 'replaceWithInfoTypeConfig':
        case 'redactConfig':
          this.object(c, p, []);
          // As in DLP: both act on findings, so they need infoTypeTransformations.
          if (where === 'record') this.problem(p, 'only valid inside infoTypeTransformations (as in Cloud DLP)');
          break;
        case 'characterMaskConfig': {
          const m = this.object(c, p, ['maskingCharacter', 'numberToMask', 'reverseOrder', 'charactersToIgnore']);
          if (!m) break;
          if (m.maskingCharacter !== undefined) {
            const ch = this.string(m.maskingCharacter, `${p}.maskingCharacter`);
            if (ch !== undefined && [...ch].length !== 1) this.problem(`${p}.maskingCharacter`, 'must be one character');
          }
          if (m.numberToMask !== undefined) {
            const n = this.number(m.numberToMask, `${p}.numberToMask`);
            if (n !== undefined && !Number.isInteger(n)) this.problem(`${p}.numberToMask`, 'must be an integer');
          }
          if (m.reverseOrder !== undefined && typeof m.reverseOrder !== 'boolean')
            this.problem(`${p}.reverseOrder`, 'expected a boolean');
          if (m.charactersToIgnore !== undefined) {
            this.array(m.charactersToIgnore, `${p}.charactersToIgnore`).forEach((ci, i) => {
              const q = `${p}.charactersToIgnore[${i}]`;
              const o = this.object(ci, q, ['charactersToSkip', 'commonCharactersToIgnore']);
              if (!o) return;
              if (Object.keys(o).length !== 1)
                this.problem(q, 'expected exactly one of charactersToSkip, commonCharactersToIgnore');
              if (o.charactersToSkip !== undefined) this.string(o.charactersToSkip, `${q}.charactersToSkip`);
              if (o.commonCharactersToIgnore !== undefined) {
                this.oneOf(o.commonCharactersToIgnore, `${q}.commonCharactersToIgnore`, COMMON_CHARACTERS);
              }
            });
          }
          break;
        }
        case 'cryptoHashConfig': {
          const h = this.object(c, p, ['cryptoKey'], ['cryptoKey']);
          if (h?.cryptoKey !== undefined) this.cryptoKey(h.cryptoKey, `${p}.cryptoKey`);
          break;
        }
        case 'cryptoDeterministicConfig': {
          const d = this.object(c, p, ['cryptoKey', 'surrogateInfoType', 'context'], ['cryptoKey']);
          if (!d) break;
          if (d.cryptoKey !== undefined) this.cryptoKey(d.cryptoKey, `${p}.cryptoKey`);
          if (d.surrogateInfoType !== undefined) {
            const name = this.infoType(d.surrogateInfoType, `${p}.surrogateInfoType`);
            if (name !== undefined && !/^[A-Za-z0-9_]+$/.test(name)) {
              this.problem(`${p}.surrogateInfoType.name`, 'letters, digits and underscores only (as DLP requires)');
            }
          }
          if (d.context !== undefined) this.field(d.context, `${p}.context`);
          break;
        }
        case 'dateShiftConfig': {
          const d = this.object(
            c,
            p,
            ['upperBoundDays', 'lowerBoundDays', 'context', 'cryptoKey'],
            ['upperBoundDays', 'lowerBoundDays'],
          );
          if (!d) break;
          const up = this.number(d.upperBoundDays, `${p}.upperBoundDays`);
          const low = this.number(d.lowerBoundDays, `${p}.lowerBoundDays`);
          if (up !== undefined && (!Number.isInteger(up) || Math.abs(up) > 365_250)) {
            this.problem(`${p}.upperBoundDays`, 'must be an integer within ±365250 days');
          }
          if (low !== undefined && (!Number.isInteger(low) || Math.abs(low) > 365_250)) {
            this.problem(`${p}.lowerBoundDays`, 'must be an integer within ±365250 days');
          }
          if (up !== undefined && low !== undefined && low > up)
            this.problem(p, `lowerBoundDays (${low}) > upperBoundDays (${up})`);
          if (d.context !== undefined) this.field(d.context, `${p}.context`);
          if (d.cryptoKey !== undefined) this.cryptoKey(d.cryptoKey, `${p}.cryptoKey`);
          if ((d.context === undefined) !== (d.cryptoKey === undefined)) {
            this.problem(p, 'context and cryptoKey go together (as in DLP)');
          }
          break;
        }
        case 'fixedSizeBucketingConfig': {
          const b = this.object(c, p, ['lowerBound', 'upperBound', 'bucketSize'], ['lowerBound', 'upperBound', 'bucketSize']);
          if (!b) break;
          if (b.lowerBound !== undefined) this.value(b.lowerBound, `${p}.lowerBound`);
          if (b.upperBound !== undefined) this.value(b.upperBound, `${p}.upperBound`);
          const size = b.bucketSize === undefined ? undefined : this.number(b.bucketSize, `${p}.bucketSize`);
          if (size !== undefined && size <= 0) this.problem(`${p}.bucketSize`, 'must be > 0');
          const lo = numericOf(b.lowerBound as DlpValue | undefined);
          const hi = numericOf(b.upperBound as DlpValue | undefined);
          if (lo === undefined && b.lowerBound !== undefined)
            this.problem(`${p}.lowerBound`, 'must be an integerValue or floatValue');
          if (hi === undefined && b.upperBound !== undefined)
            this.problem(`${p}.upperBound`, 'must be an integerValue or floatValue');
          if (lo !== undefined && hi !== undefined && lo >= hi) this.problem(p, 'lowerBound must be below upperBound');
          break;
        }
        case 'bucketingConfig': {
          const b = this.object(c, p, ['buckets'], ['buckets']);
          if (!b) break;
          this.array(b.buckets, `${p}.buckets`, true).forEach((bucket, i) => {
            const q = `${p}.buckets[${i}]`;
            const o = this.object(bucket, q, ['min', 'max', 'replacementValue'], ['replacementValue']);
            if (!o) return;
            if (o.min !== undefined) this.value(o.min, `${q}.min`);
            if (o.max !== undefined) this.value(o.max, `${q}.max`);
            if (o.replacementValue !== undefined) this.value(o.replacementValue, `${q}.replacementValue`);
            if (o.min === undefined && o.max === undefined) this.problem(q, 'needs min or max');
          });
          break;
        }
      }
    }
  }

  infoTypeTransformations(value: unknown, path: string, known: ReadonlySet<string>): void {
    const obj = this.object(value, path, ['transformations'], ['transformations']);
    if (!obj) return;
    this.array(obj.transformations, `${path}.transformations`, true).forEach((t, i) => {
      const q = `${path}.transformations[${i}]`;
      const o = this.object(t, q, ['infoTypes', 'primitiveTransformation'], ['primitiveTransformation']);
      if (!o) return;
      if (o.infoTypes !== undefined) {
        this.array(o.infoTypes, `${q}.infoTypes`).forEach((it, j) => {
          const name = this.infoType(it, `${q}.infoTypes[${j}]`);
          if (name !== undefined && !known.has(name))
            this.problem(`${q}.infoTypes[${j}]`, `${name} is not inspected (not in inspectConfig)`);
        });
      }
      if (o.primitiveTransformation !== undefined)
        this.primitive(o.primitiveTransformation, `${q}.primitiveTransformation`, 'infoType');
    });
  }

  condition(value: unknown, path: string): void {
    const obj = this.object(value, path, ['expressions'], ['expressions']);
    if (!obj) return;
    const e = this.object(obj.expressions, `${path}.expressions`, ['logicalOperator', 'conditions'], ['conditions']);
    if (!e) return;
    if (e.logicalOperator !== undefined) this.oneOf(e.logicalOperator, `${path}.expressions.logicalOperator`, ['AND'] as const);
    const cs = this.object(e.conditions, `${path}.expressions.conditions`, ['conditions'], ['conditions']);
    if (!cs) return;
    this.array(cs.conditions, `${path}.expressions.conditions.conditions`, true).forEach((c, i) => {
      const q = `${path}.expressions.conditions.conditions[${i}]`;
      const o = this.object(c, q, ['field', 'operator', 'value'], ['field', 'operator']);
      if (!o) return;
      if (o.field !== undefined) this.field(o.field, `${q}.field`);
      const op = o.operator === undefined ? undefined : this.oneOf(o.operator, `${q}.operator`, RELATIONAL_OPERATORS);
      if (op !== undefined && op !== 'EXISTS' && o.value === undefined) this.problem(`${q}.value`, `required with ${op}`);
      if (o.value !== undefined) this.value(o.value, `${q}.value`);
    });
  }
}

function numericOf(v: DlpValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v.integerValue !== undefined) return Number(v.integerValue);
  if (v.floatValue !== undefined) return v.floatValue;
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Every problem of a parsed masking configuration, each with its JSON path; empty when usable. */
export function checkDeidentifyConfig(json: unknown): string[] {
  const c = new Checker();
  const root = c.object(json, '$', ['inspectConfig', 'deidentifyConfig'], ['deidentifyConfig']);
  if (!root) return c.problems;

  const known = new Set<string>();
  if (root.inspectConfig !== undefined) {
    const p = 'inspectConfig';
    const ic = c.object(root.inspectConfig, p, ['infoTypes', 'minLikelihood', 'customInfoTypes', 'ruleSet']);
    if (ic) {
      if (ic.customInfoTypes !== undefined) {
        c.array(ic.customInfoTypes, `${p}.customInfoTypes`).forEach((ct, i) => {
          const q = `${p}.customInfoTypes[${i}]`;
          const o = c.object(ct, q, ['infoType', 'likelihood', 'regex', 'dictionary'], ['infoType']);
          if (!o) return;
          const name = c.infoType(o.infoType, `${q}.infoType`);
          if (name !== undefined) known.add(name);
          if (o.likelihood !== undefined) c.oneOf(o.likelihood, `${q}.likelihood`, LIKELIHOODS);
          if ((o.regex === undefined) === (o.dictionary === undefined)) c.problem(q, 'expected exactly one of regex, dictionary');
          if (o.regex !== undefined) {
            const r = c.object(o.regex, `${q}.regex`, ['pattern', 'groupIndexes'], ['pattern']);
            if (r) {
              c.regex(r.pattern, `${q}.regex.pattern`);
              if (r.groupIndexes !== undefined) {
                c.array(r.groupIndexes, `${q}.regex.groupIndexes`).forEach((g, j) => {
                  if (!Number.isInteger(g) || (g as number) < 0)
                    c.problem(`${q}.regex.groupIndexes[${j}]`, 'expected a group number ≥ 0');
                });
              }
            }
          }
          if (o.dictionary !== undefined) checkWordList(c, o.dictionary, `${q}.dictionary`);
        });
      }
      if (ic.infoTypes !== undefined) {
        c.array(ic.infoTypes, `${p}.infoTypes`).forEach((it, i) => {
          const name = c.infoType(it, `${p}.infoTypes[${i}]`);
          if (name === undefined) return;
          if (!(BUILT_IN_INFO_TYPES as readonly string[]).includes(name)) {
            c.problem(`${p}.infoTypes[${i}]`, `${name} has no local detector (built in: ${BUILT_IN_INFO_TYPES.join(', ')})`);
          }
          known.add(name);
        });
      }
      if (ic.minLikelihood !== undefined) c.oneOf(ic.minLikelihood, `${p}.minLikelihood`, LIKELIHOODS);
      if (ic.ruleSet !== undefined) {
        c.array(ic.ruleSet, `${p}.ruleSet`).forEach((rs, i) => {
          const q = `${p}.ruleSet[${i}]`;
          const o = c.object(rs, q, ['infoTypes', 'rules'], ['infoTypes', 'rules']);
          if (!o) return;
          c.array(o.infoTypes, `${q}.infoTypes`, true).forEach((it, j) => {
            const name = c.infoType(it, `${q}.infoTypes[${j}]`);
            if (name !== undefined && !known.has(name)) c.problem(`${q}.infoTypes[${j}]`, `${name} is not inspected`);
          });
          c.array(o.rules, `${q}.rules`, true).forEach((rule, j) => {
            const r = c.object(rule, `${q}.rules[${j}]`, ['exclusionRule'], ['exclusionRule']);
            if (!r || r.exclusionRule === undefined) return;
            const e = `${q}.rules[${j}].exclusionRule`;
            const ex = c.object(
              r.exclusionRule,
              e,
              ['regex', 'dictionary', 'excludeInfoTypes', 'matchingType'],
              ['matchingType'],
            );
            if (!ex) return;
            const kinds = ['regex', 'dictionary', 'excludeInfoTypes'].filter((k) => ex[k] !== undefined);
            if (kinds.length !== 1) c.problem(e, 'expected exactly one of regex, dictionary, excludeInfoTypes');
            c.oneOf(ex.matchingType, `${e}.matchingType`, MATCHING_TYPES);
            if (ex.regex !== undefined) {
              const rx = c.object(ex.regex, `${e}.regex`, ['pattern'], ['pattern']);
              if (rx) c.regex(rx.pattern, `${e}.regex.pattern`);
            }
            if (ex.dictionary !== undefined) checkWordList(c, ex.dictionary, `${e}.dictionary`);
            if (ex.excludeInfoTypes !== undefined) {
              const x = c.object(ex.excludeInfoTypes, `${e}.excludeInfoTypes`, ['infoTypes'], ['infoTypes']);
              if (x) {
                c.array(x.infoTypes, `${e}.excludeInfoTypes.infoTypes`, true).forEach((it, k) => {
                  const name = c.infoType(it, `${e}.excludeInfoTypes.infoTypes[${k}]`);
                  if (name !== undefined && !known.has(name))
                    c.problem(`${e}.excludeInfoTypes.infoTypes[${k}]`, `${name} is not inspected`);
                });
              }
            }
          });
        });
      }
    }
  }

  const p = 'deidentifyConfig';
  const dc = c.object(root.deidentifyConfig, p, [
    'recordTransformations',
    'infoTypeTransformations',
    'transformationErrorHandling',
  ]);
  if (!dc) return c.problems;
  if ((dc.recordTransformations === undefined) === (dc.infoTypeTransformations === undefined)) {
    c.problem(p, 'expected exactly one of recordTransformations, infoTypeTransformations (as in DLP)');
  }
  if (dc.transformationErrorHandling !== undefined) {
    const h = c.object(dc.transformationErrorHandling, `${p}.transformationErrorHandling`, ['throwError', 'leaveUntransformed']);
    if (h && Object.keys(h).length !== 1)
      c.problem(`${p}.transformationErrorHandling`, 'expected exactly one of throwError, leaveUntransformed');
  }
  if (dc.infoTypeTransformations !== undefined)
    c.infoTypeTransformations(dc.infoTypeTransformations, `${p}.infoTypeTransformations`, known);
  if (dc.recordTransformations !== undefined) {
    const q = `${p}.recordTransformations`;
    const rt = c.object(dc.recordTransformations, q, ['fieldTransformations'], ['fieldTransformations']);
    if (rt) {
      const seen = new Map<string, string>();
      c.array(rt.fieldTransformations, `${q}.fieldTransformations`, true).forEach((ft, i) => {
        const r = `${q}.fieldTransformations[${i}]`;
        const o = c.object(ft, r, ['fields', 'condition', 'primitiveTransformation', 'infoTypeTransformations'], ['fields']);
        if (!o) return;
        c.array(o.fields, `${r}.fields`, true).forEach((f, j) => {
          const name = c.field(f, `${r}.fields[${j}]`);
          if (name === undefined) return;
          const earlier = seen.get(name);
          if (earlier !== undefined) c.problem(`${r}.fields[${j}]`, `field ${name} is already transformed by ${earlier}`);
          else seen.set(name, r);
        });
        if ((o.primitiveTransformation === undefined) === (o.infoTypeTransformations === undefined)) {
          c.problem(r, 'expected exactly one of primitiveTransformation, infoTypeTransformations');
        }
        if (o.condition !== undefined) c.condition(o.condition, `${r}.condition`);
        if (o.primitiveTransformation !== undefined)
          c.primitive(o.primitiveTransformation, `${r}.primitiveTransformation`, 'record');
        if (o.infoTypeTransformations !== undefined) {
          if (known.size === 0) c.problem(`${r}.infoTypeTransformations`, 'needs inspectConfig.infoTypes to say what to find');
          c.infoTypeTransformations(o.infoTypeTransformations, `${r}.infoTypeTransformations`, known);
        }
      });
    }
  }
  if (dc.infoTypeTransformations !== undefined && known.size === 0) {
    c.problem(`${p}.infoTypeTransformations`, 'needs inspectConfig.infoTypes to say what to find');
  }
  return c.problems;
}

function checkWordList(c: Checker, value: unknown, path: string): void {
  const d = c.object(value, path, ['wordList'], ['wordList']);
  if (!d || d.wordList === undefined) return;
  const w = c.object(d.wordList, `${path}.wordList`, ['words'], ['words']);
  if (!w) return;
  c.array(w.words, `${path}.wordList.words`, true).forEach((word, i) => c.string(word, `${path}.wordList.words[${i}]`));
}
