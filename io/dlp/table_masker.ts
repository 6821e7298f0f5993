/**
 * The pipeline's PII masker on top of any `TableDeidentifier` (the local engine, or the Cloud DLP connector):
 * a batch of events becomes one DlpTable, is de-identified as a whole, and is mapped back.
 *
 *   - One column per field the configuration transforms (`email`, `note`, `campaign.name` for a nested field,
 *     …), plus `user_key`, filled with user_id (else anonymous_id): the configuration's cryptoHash of that column
 *     is the pseudonymous user key, so both engines give the same key for the same id and key.
 *   - A cell is the field's string; a missing or non-string field is an empty cell, which no transformation
 *     touches, and stays missing in the event.
 *   - `user_key`, `user_id` and `anonymous_id` must come back changed: an engine that returns one as it was
 *     sent (a configuration that forgot it) fails the batch rather than write an id in clear.
 *   - A table the engine refuses for good (`{ok: false}`) is split in halves and retried, down to single
 *     events, so one bad event does not take its batch to the dead letter; what still fails is an `{ok: false}`
 *     outcome, which the step sends to the dead letter, where `protectPayload` encrypts it. An engine that
 *     rejects (quota, network, after its own retries) rejects the batch: the runner retries the bundle.
 */
import { type PayloadEncoding } from '../../schemas';
import { type MaskOutcome, type PiiMasker } from '../../transforms/mask_pii';
import { type PipelineEvent } from '../../transforms/records';
import { type MarketingEvent } from '../../schemas';
import { type DeidentifyOutcome, type DlpTable, type DlpValue, type TableDeidentifier } from './table';
import { type MaskingConfig } from './deidentify_config';

/** The column the pseudonymous user key is computed in. */
export const USER_KEY_COLUMN = 'user_key';
/** Columns that must never come back as they were sent. */
const MUST_CHANGE: readonly string[] = [USER_KEY_COLUMN, 'user_id', 'anonymous_id'];

export interface TablePiiMaskerOptions {
  readonly deidentifier: TableDeidentifier;
  /** Event field paths, one column each (`user_key` is added first). See `columnsOf`. */
  readonly columns: readonly string[];
  /** The pseudonym of an id, computed locally with the same key (for side data keyed by user, e.g. profiles). */
  readonly userKey: (id: string) => string;
  /** How a dead-letter payload is kept: encrypted (io/dlp/envelope.ts). */
  readonly protectPayload: (text: string) => { readonly payload: string | null; readonly encoding: PayloadEncoding };
}

/** Every field a configuration's record transformations name, in order, `user_key` first. */
export function columnsOf(config: MaskingConfig): string[] {
  const names = new Set<string>([USER_KEY_COLUMN]);
  for (const ft of config.deidentifyConfig.recordTransformations?.fieldTransformations ?? []) {
    for (const f of ft.fields) names.add(f.name);
    const pt = ft.primitiveTransformation;
    const context = pt?.cryptoDeterministicConfig?.context ?? pt?.dateShiftConfig?.context;
    if (context) names.add(context.name);
    for (const c of ft.condition?.expressions.conditions.conditions ?? []) names.add(c.field.name);
  }
  return [...names];
}

type Path = readonly [string] | readonly [string, string];

/** Most events lack most optional fields: one shared empty cell instead of an object per absent field. */
const EMPTY_CELL: DlpValue = Object.freeze({});

function read(event: Record<string, unknown>, path: Path): unknown {
  const top = event[path[0]];
  if (path.length === 1) return top;
  return top !== null && typeof top === 'object' ? (top as Record<string, unknown>)[path[1]] : undefined;
}

export class TablePiiMasker implements PiiMasker {
  readonly description: string;
  private readonly columns: readonly string[];
  private readonly paths: readonly Path[];
  private readonly headers: DlpTable['headers'];
  private readonly mustChange: readonly number[];

  constructor(private readonly options: TablePiiMaskerOptions) {
    this.description = `${options.deidentifier.name} de-identification`;
    this.columns = [USER_KEY_COLUMN, ...options.columns.filter((c) => c !== USER_KEY_COLUMN)];
    for (const c of this.columns) {
      if (c.split('.').length > 2 || c.split('.').some((part) => part === '')) {
        throw new Error(`column ${JSON.stringify(c)}: a field is a top-level name or parent.child`);
      }
    }
    this.paths = this.columns.map((c) => c.split('.') as unknown as Path);
    this.headers = this.columns.map((name) => ({ name }));
    this.mustChange = MUST_CHANGE.map((c) => this.columns.indexOf(c)).filter((i) => i >= 0);
  }

  userKey(id: string): string {
    return this.options.userKey(id);
  }

  protectPayload(text: string): { readonly payload: string | null; readonly encoding: PayloadEncoding } {
    return this.options.protectPayload(text);
  }

  async maskBatch(events: readonly PipelineEvent[]): Promise<readonly MaskOutcome[]> {
    const out = new Array<MaskOutcome>(events.length);
    await this.maskRange(events, 0, events.length, out);
    return out;
  }

  toTable(events: readonly PipelineEvent[], from = 0, to = events.length): DlpTable {
    const rows = new Array<{ values: DlpValue[] }>(to - from);
    for (let i = from; i < to; i++) {
      const ev = events[i].event as unknown as Record<string, unknown>;
      const values = new Array<DlpValue>(this.paths.length);
      for (let c = 0; c < this.paths.length; c++) {
        const v = c === 0 ? (ev.user_id ?? ev.anonymous_id) : read(ev, this.paths[c]);
        values[c] = typeof v === 'string' ? { stringValue: v } : EMPTY_CELL;
      }
      rows[i - from] = { values };
    }
    return { headers: this.headers, rows };
  }

  private async maskRange(events: readonly PipelineEvent[], from: number, to: number, out: MaskOutcome[]): Promise<void> {
    const table = this.toTable(events, from, to);
    const outcome = await this.options.deidentifier.deidentify(table);
    const problem = outcome.ok ? this.check(table, outcome) : outcome.reason;
    if (problem === undefined && outcome.ok) {
      for (let i = from; i < to; i++) out[i] = this.fromRow(events[i], outcome.table.rows[i - from].values);
      return;
    }
    if (to - from > 1) {
      const mid = from + Math.floor((to - from) / 2);
      await this.maskRange(events, from, mid, out);
      await this.maskRange(events, mid, to, out);
      return;
    }
    out[from] = { ok: false, reason: problem ?? 'de-identification failed' };
  }

  /** The result must be the same shape, and the id columns must have changed. */
  private check(sent: DlpTable, outcome: Extract<DeidentifyOutcome, { ok: true }>): string | undefined {
    const got = outcome.table;
    if (got.rows.length !== sent.rows.length)
      return `${this.description} returned ${got.rows.length} rows for ${sent.rows.length}`;
    const names = got.headers.map((h) => h.name).join(',');
    if (names !== this.columns.join(',')) return `${this.description} returned other columns (${names})`;
    for (let r = 0; r < sent.rows.length; r++) {
      const before = sent.rows[r].values;
      const after = got.rows[r].values;
      if (after.length !== before.length) return `${this.description} returned a row of ${after.length} values`;
      for (const c of this.mustChange) {
        const raw = before[c].stringValue;
        if (raw !== undefined && raw !== '' && after[c].stringValue === raw) {
          return `${this.columns[c]} came back unchanged: the masking configuration must transform it`;
        }
      }
    }
    return undefined;
  }

  private fromRow(e: PipelineEvent, values: readonly DlpValue[]): MaskOutcome {
    const src = e.event as unknown as Record<string, unknown>;
    const ev: Record<string, unknown> = { ...src };
    for (let c = 1; c < this.paths.length; c++) {
      const path = this.paths[c];
      if (typeof read(src, path) !== 'string') continue; // an empty cell: nothing was there
      const cell = values[c];
      const text =
        cell.stringValue ??
        (cell.integerValue !== undefined
          ? String(cell.integerValue)
          : cell.floatValue !== undefined
            ? String(cell.floatValue)
            : '');
      if (path.length === 1) ev[path[0]] = text;
      else ev[path[0]] = { ...(ev[path[0]] as Record<string, unknown>), [path[1]]: text };
    }
    const key = values[0].stringValue;
    const userKey = e.restrictions.profiling && key !== undefined && key !== '' ? key : null;
    return { ok: true, event: ev as unknown as MarketingEvent, userKey };
  }
}
