/**
 * The DLP-compatible local engine: de-identifies a `DlpTable` with a masking configuration in DLP's shape, in
 * process, with no network. It implements `TableDeidentifier`, like the Cloud DLP connector, so the pipeline cannot
 * tell them apart; `reidentify` reverses cryptoDeterministic surrogates for authorised use.
 *
 * What it does with a table, as DLP's deidentifyContent does:
 *   - recordTransformations: each fieldTransformation applies to its fields (columns missing from the table are
 *     skipped), on rows whose condition holds; a primitiveTransformation replaces the whole cell, an
 *     infoTypeTransformations inspects the cell's text and transforms each finding;
 *   - or infoTypeTransformations at the top: every cell's text is inspected and its findings transformed;
 *   - context fields (cryptoDeterministic, dateShift) are read from the original row;
 *   - a cell a transformation cannot handle fails the whole table (`throwError`, DLP's default) or is left as it
 *     is (`leaveUntransformed`). The failure reason names the column and the transformation, never the value.
 * Keys are resolved once, at creation, from a KeySource; nothing here logs.
 */
import { AesSiv } from './aes_siv';
import {
  type CryptoKey,
  type DeidentifyConfig,
  type FieldTransformation,
  type InfoTypeTransformations,
  type MaskingConfig,
  type PrimitiveTransformation,
  type RecordCondition,
  DeidentifyConfigError,
  checkDeidentifyConfig,
} from './deidentify_config';
import { type Inspector, compileInspector } from './inspector';
import { type KeySource } from './keys';
import {
  type CellContext,
  type ResolvedCrypto,
  type ValueTransform,
  TransformationError,
  compilePrimitive,
  textOf,
} from './primitive_transformations';
import { type DeidentifyOutcome, type DlpTable, type DlpValue, type TableDeidentifier } from './table';

type MaybePromise<T> = T | Promise<T>;
const isPromise = <T>(v: MaybePromise<T>): v is Promise<T> => typeof (v as { then?: unknown })?.then === 'function';

/** A compiled infoTypeTransformations: text → text, findings replaced. */
type TextTransform = (text: string, ctx: CellContext) => MaybePromise<string>;

interface FieldRule {
  readonly fields: readonly string[];
  readonly condition?: (row: readonly DlpValue[], columns: ReadonlyMap<string, number>) => boolean;
  readonly transform: ValueTransform;
  readonly label: string;
}

interface PlanStep {
  readonly col: number;
  readonly transform: ValueTransform;
  /** `column (transformation)`, for failure reasons. */
  readonly label: string;
  readonly condition?: FieldRule['condition'];
}

interface TablePlan {
  readonly columns: ReadonlyMap<string, number>;
  readonly steps: readonly PlanStep[];
}

/** A reversible transformation: a cryptoDeterministicConfig, by its surrogate infoType when it has one. */
interface Reversible {
  readonly surrogateType?: string;
  readonly contextField?: string;
  readonly siv: AesSiv;
}

export interface LocalEngineOptions {
  /** Entries of each transformation's value cache (user ids repeat; AES-SIV is the slow part). Default 100 000. */
  readonly cacheSize?: number;
}

/** Every crypto key of a configuration with its JSON path and the use that decides its size. */
function cryptoKeysOf(config: DeidentifyConfig): { path: string; key: CryptoKey; use: 'hmac' | 'siv' }[] {
  const out: { path: string; key: CryptoKey; use: 'hmac' | 'siv' }[] = [];
  const visitPrimitive = (pt: PrimitiveTransformation, path: string) => {
    if (pt.cryptoHashConfig)
      out.push({ path: `${path}.cryptoHashConfig.cryptoKey`, key: pt.cryptoHashConfig.cryptoKey, use: 'hmac' });
    if (pt.cryptoDeterministicConfig) {
      out.push({ path: `${path}.cryptoDeterministicConfig.cryptoKey`, key: pt.cryptoDeterministicConfig.cryptoKey, use: 'siv' });
    }
    if (pt.dateShiftConfig?.cryptoKey)
      out.push({ path: `${path}.dateShiftConfig.cryptoKey`, key: pt.dateShiftConfig.cryptoKey, use: 'hmac' });
  };
  const visitInfoTypes = (it: InfoTypeTransformations, path: string) =>
    it.transformations.forEach((t, i) =>
      visitPrimitive(t.primitiveTransformation, `${path}.transformations[${i}].primitiveTransformation`),
    );
  if (config.infoTypeTransformations) visitInfoTypes(config.infoTypeTransformations, 'deidentifyConfig.infoTypeTransformations');
  config.recordTransformations?.fieldTransformations.forEach((ft, i) => {
    const path = `deidentifyConfig.recordTransformations.fieldTransformations[${i}]`;
    if (ft.primitiveTransformation) visitPrimitive(ft.primitiveTransformation, `${path}.primitiveTransformation`);
    if (ft.infoTypeTransformations) visitInfoTypes(ft.infoTypeTransformations, `${path}.infoTypeTransformations`);
  });
  return out;
}

async function resolveKey(source: KeySource, key: CryptoKey, use: 'hmac' | 'siv'): Promise<Uint8Array> {
  if ('transient' in key) return source.key(key.transient.name, use === 'siv' ? 64 : 32);
  if ('unwrapped' in key) return new Uint8Array(Buffer.from(key.unwrapped.key, 'base64'));
  return source.unwrap(key.kmsWrapped.cryptoKeyName, Buffer.from(key.kmsWrapped.wrappedKey, 'base64'));
}

function compileCondition(condition: RecordCondition): FieldRule['condition'] {
  const checks = condition.expressions.conditions.conditions.map((c) => {
    const field = c.field.name;
    return (row: readonly DlpValue[], columns: ReadonlyMap<string, number>): boolean => {
      const i = columns.get(field);
      const cell = i === undefined ? undefined : row[i];
      const text = cell === undefined ? undefined : textOf(cell);
      if (c.operator === 'EXISTS') return text !== undefined;
      if (text === undefined || c.value === undefined) return false;
      const want = textOf(c.value) as string;
      const a = Number(text);
      const b = Number(want);
      const numeric = c.value.stringValue === undefined && !Number.isNaN(a) && !Number.isNaN(b);
      const cmp = numeric ? a - b : text < want ? -1 : text > want ? 1 : 0;
      switch (c.operator) {
        case 'EQUAL_TO':
          return cmp === 0;
        case 'NOT_EQUAL_TO':
          return cmp !== 0;
        case 'GREATER_THAN':
          return cmp > 0;
        case 'LESS_THAN':
          return cmp < 0;
        case 'GREATER_THAN_OR_EQUALS':
          return cmp >= 0;
        case 'LESS_THAN_OR_EQUALS':
          return cmp <= 0;
      }
      return false;
    };
  });
  return (row, columns) => checks.every((check) => check(row, columns));
}

export class LocalDlpEngine implements TableDeidentifier {
  readonly name = 'local';

  private constructor(
    private readonly rules: readonly FieldRule[],
    private readonly everyCell: TextTransform | undefined,
    private readonly leaveUntransformed: boolean,
    private readonly reversibles: readonly Reversible[],
    /** The inspection of the configuration, for free text outside tables. */
    readonly inspect: Inspector,
  ) {}

  /**
   * Checks the configuration (throws DeidentifyConfigError naming every unsupported part), resolves its keys from
   * `keys` (transient names, unwrapped bytes, KMS-wrapped keys) and compiles it.
   */
  static async create(config: MaskingConfig, keys: KeySource, options: LocalEngineOptions = {}): Promise<LocalDlpEngine> {
    const problems = checkDeidentifyConfig(config);
    if (problems.length > 0) throw new DeidentifyConfigError('masking configuration', problems);
    const dc = config.deidentifyConfig;
    const hmacKeys = new Map<string, Uint8Array>();
    const sivs = new Map<string, AesSiv>();
    for (const { path, key, use } of cryptoKeysOf(dc)) {
      const bytes = await resolveKey(keys, key, use);
      if (bytes.length !== 32 && bytes.length !== 64) {
        throw new DeidentifyConfigError('masking configuration', [
          `${path}: the key must have 32 or 64 bytes, has ${bytes.length}`,
        ]);
      }
      if (use === 'hmac') hmacKeys.set(path, bytes);
      else sivs.set(path, await AesSiv.create(bytes));
    }
    const crypto: ResolvedCrypto = {
      hmacKey: (path) => hmacKeys.get(path) as Uint8Array,
      siv: (path) => sivs.get(path) as AesSiv,
    };
    const cacheSize = options.cacheSize ?? 100_000;
    const inspect = compileInspector(config.inspectConfig);
    const reversibles: Reversible[] = [];

    const primitive = (pt: PrimitiveTransformation, path: string): ValueTransform => {
      if (pt.cryptoDeterministicConfig) {
        const c = pt.cryptoDeterministicConfig;
        reversibles.push({
          siv: crypto.siv(`${path}.cryptoDeterministicConfig.cryptoKey`),
          ...(c.surrogateInfoType && { surrogateType: c.surrogateInfoType.name }),
          ...(c.context && { contextField: c.context.name }),
        });
      }
      return compilePrimitive(pt, path, crypto, cacheSize);
    };
    const infoTypes = (it: InfoTypeTransformations, path: string): TextTransform => {
      const steps = it.transformations.map((t, i) => ({
        types: t.infoTypes && t.infoTypes.length > 0 ? new Set(t.infoTypes.map((x) => x.name)) : undefined,
        transform: primitive(t.primitiveTransformation, `${path}.transformations[${i}].primitiveTransformation`),
      }));
      return (text, ctx) => transformFindings(text, inspect(text), steps, ctx);
    };

    const rules: FieldRule[] = [];
    dc.recordTransformations?.fieldTransformations.forEach((ft: FieldTransformation, i) => {
      const path = `deidentifyConfig.recordTransformations.fieldTransformations[${i}]`;
      let transform: ValueTransform;
      let label: string;
      if (ft.primitiveTransformation) {
        transform = primitive(ft.primitiveTransformation, `${path}.primitiveTransformation`);
        label = Object.keys(ft.primitiveTransformation)[0];
      } else {
        const text = infoTypes(ft.infoTypeTransformations as InfoTypeTransformations, `${path}.infoTypeTransformations`);
        transform = (v, ctx) => {
          const s = textOf(v);
          if (s === undefined) return v;
          const out = text(s, ctx);
          return isPromise(out) ? out.then((stringValue) => ({ stringValue })) : out === s ? v : { stringValue: out };
        };
        label = 'infoTypeTransformations';
      }
      rules.push({
        fields: ft.fields.map((f) => f.name),
        transform,
        label,
        ...(ft.condition && { condition: compileCondition(ft.condition) }),
      });
    });
    const everyCell = dc.infoTypeTransformations
      ? infoTypes(dc.infoTypeTransformations, 'deidentifyConfig.infoTypeTransformations')
      : undefined;
    return new LocalDlpEngine(
      rules,
      everyCell,
      dc.transformationErrorHandling?.leaveUntransformed !== undefined,
      reversibles,
      inspect,
    );
  }

  async deidentify(table: DlpTable): Promise<DeidentifyOutcome> {
    try {
      return await this.deidentifyTable(table);
    } catch (error) {
      return failure(error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Synchronous unless an AES-SIV surrogate is not cached yet. */
  /** Column plans by header list: batches of one pipeline share their headers, so the plan is made once. */
  private plans = new Map<string, TablePlan>();

  private planFor(table: DlpTable): TablePlan {
    const signature = table.headers.map((h) => h.name).join('\u0000');
    let plan = this.plans.get(signature);
    if (plan === undefined) {
      const columns = new Map<string, number>();
      table.headers.forEach((h, i) => columns.set(h.name, i));
      const steps: PlanStep[] = [];
      if (this.everyCell) {
        const text = this.everyCell;
        const transform: ValueTransform = (v, c) => {
          const s = textOf(v) as string;
          const out = text(s, c);
          return isPromise(out) ? out.then((stringValue) => ({ stringValue })) : out === s ? v : { stringValue: out };
        };
        table.headers.forEach((h, col) => steps.push({ col, transform, label: `${h.name} (infoTypeTransformations)` }));
      }
      for (const rule of this.rules) {
        for (const f of rule.fields) {
          const col = columns.get(f);
          if (col !== undefined)
            steps.push({
              col,
              transform: rule.transform,
              label: `${f} (${rule.label})`,
              ...(rule.condition && { condition: rule.condition }),
            });
        }
      }
      plan = { columns, steps };
      if (this.plans.size > 100) this.plans.clear(); // headers are few in practice; never unbounded
      this.plans.set(signature, plan);
    }
    return plan;
  }

  /** Synchronous unless an AES-SIV surrogate is not cached yet. */
  private deidentifyTable(table: DlpTable): MaybePromise<DeidentifyOutcome> {
    const { columns, steps } = this.planFor(table);
    const width = table.headers.length;
    const pending: { row: DlpValue[]; col: number; value: Promise<DlpValue>; label: string }[] = [];
    const rows = new Array<{ values: DlpValue[] }>(table.rows.length);

    for (let r = 0; r < table.rows.length; r++) {
      const original = table.rows[r].values;
      if (original.length !== width) return { ok: false, reason: `row ${r} has ${original.length} values for ${width} headers` };
      const values = original.slice();
      const ctx: CellContext = { row: original, columns };
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        const cell = original[step.col];
        // An empty cell stays empty; a condition reads the original row.
        if (cell === undefined || cell === null || textOf(cell) === undefined) continue;
        if (step.condition !== undefined && !step.condition(original, columns)) continue;
        try {
          const out = step.transform(cell, ctx);
          if (isPromise(out)) pending.push({ row: values, col: step.col, value: out, label: step.label });
          else values[step.col] = out;
        } catch (error) {
          if (!this.leaveUntransformed) throw new TransformationError(`${step.label}: ${(error as Error).message}`);
        }
      }
      rows[r] = { values };
    }
    const result = (): DeidentifyOutcome => ({ ok: true, table: { headers: table.headers, rows } });
    if (pending.length === 0) return result();
    return Promise.all(
      pending.map((p) =>
        p.value.then(
          (v) => {
            p.row[p.col] = v;
          },
          (error: unknown) => {
            if (!this.leaveUntransformed) throw new TransformationError(`${p.label}: ${(error as Error).message}`);
          },
        ),
      ),
    ).then(result);
  }

  /**
   * Reverses cryptoDeterministic surrogates in `text`: a whole value (`TIDEMARK_USER(44):…`, or a bare surrogate
   * of a transformation without surrogate infoType), or annotated surrogates inside free text. `context` is the
   * context field's value when the transformation has one. Text that holds no surrogate comes back unchanged; a
   * surrogate that does not decrypt (wrong key, altered) throws.
   */
  async reidentify(text: string, context?: string): Promise<string> {
    const ad = context === undefined ? [] : [Buffer.from(context, 'utf8')];
    const named = new Map(
      this.reversibles.filter((r) => r.surrogateType !== undefined).map((r) => [r.surrogateType as string, r]),
    );
    const open = async (r: Reversible, surrogate: string): Promise<string> =>
      Buffer.from(await r.siv.open(Buffer.from(surrogate, 'base64'), r.contextField === undefined ? [] : ad)).toString('utf8');

    if (named.size > 0) {
      const re = /([A-Za-z0-9_]+)\((\d{1,6})\):/g;
      let out = '';
      let at = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const r = named.get(m[1]);
        if (r === undefined) continue;
        const start = m.index + m[0].length;
        const surrogate = text.slice(start, start + Number(m[2]));
        if (surrogate.length !== Number(m[2])) continue;
        out += text.slice(at, m.index) + (await open(r, surrogate));
        at = start + surrogate.length;
        re.lastIndex = at;
      }
      if (at > 0) return out + text.slice(at);
    }
    const bare = this.reversibles.filter((r) => r.surrogateType === undefined);
    if (bare.length > 0 && /^[A-Za-z0-9+/]{22,}={0,2}$/.test(text)) {
      for (const r of bare) {
        try {
          return await open(r, text);
        } catch {
          // not this transformation's key: try the next
        }
      }
    }
    return text;
  }

  /** Surrogate infoType names this configuration produces (for `tidemark reidentify`). */
  get surrogateTypes(): readonly string[] {
    return this.reversibles.flatMap((r) => (r.surrogateType === undefined ? [] : [r.surrogateType]));
  }
}

function failure(error: unknown): DeidentifyOutcome {
  if (error instanceof TransformationError) return { ok: false, reason: `de-identification failed: ${error.message}` };
  throw error; // a bug, not a data problem: the bundle fails and the runner reports it
}

/** Applies the first matching transformation to each finding (DLP: one transformation per finding). */
function transformFindings(
  text: string,
  findings: ReturnType<Inspector>,
  steps: readonly { types?: ReadonlySet<string>; transform: ValueTransform }[],
  ctx: CellContext,
): MaybePromise<string> {
  if (findings.length === 0) return text;
  const parts: MaybePromise<string>[] = [];
  let at = 0;
  let async = false;
  for (const f of findings) {
    const step = steps.find((s) => s.types === undefined || s.types.has(f.infoType));
    if (step === undefined) continue;
    parts.push(text.slice(at, f.start));
    const out = step.transform({ stringValue: text.slice(f.start, f.end) }, { ...ctx, infoType: f.infoType });
    if (isPromise(out)) {
      async = true;
      parts.push(out.then((v) => textOf(v) ?? ''));
    } else {
      parts.push(textOf(out) ?? '');
    }
    at = f.end;
  }
  parts.push(text.slice(at));
  if (!async) return (parts as string[]).join('');
  return Promise.all(parts).then((p) => p.join(''));
}
