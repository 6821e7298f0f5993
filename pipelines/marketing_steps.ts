/**
 * The marketing pipeline's steps as named factories of JSON options, so that a Dataflow worker can build each of
 * them again from its spec (sdk/fn_spec.ts). `buildMarketingPipeline` applies the same transforms with the
 * pipeline's clock and connectors and attaches these specs; a worker calls the factory with the options, on the
 * system clock, building connectors (masker, warehouse) from their own specs.
 */
import { replaceWithInfoTypes } from '../io/dlp/inspector';
import {
  type FnSpec,
  type JsonValue,
  type PCollection,
  type PTransform,
  type ProcessContext,
  boundedOutOfOrderness,
  loadSpecExport,
  parDo,
  seconds,
  systemClock,
  withSpec,
  withTimestamps,
} from '../sdk';
import { type TableName } from '../schemas';
import { type Warehouse } from '../io/warehouse/warehouse';
import { type WarehouseRecord, writeToWarehouse } from '../io/warehouse/write_to_warehouse';
import { toCampaignMetricRow, toSessionRow, toUserFeaturesRow } from '../transforms/aggregate_rows';
import { campaignMetrics } from '../transforms/campaign_metrics';
import { applyConsent } from '../transforms/consent';
import { dedupe } from '../transforms/dedupe';
import { openBigQueryWarehouse } from '../io/bigquery/bigquery_warehouse';
import { createLocalMasker } from '../io/dlp/local_masker';
import { type PiiMasker, maskPii } from '../transforms/mask_pii';
import { parseAndValidate } from '../transforms/parse_and_validate';
import { type Failure, type PipelineEvent } from '../transforms/records';
import { toDeadLetterRow, toEventRow, toLateEventRow } from '../transforms/rows';
import { sessionize } from '../transforms/sessionize';
import { userFeatures } from '../transforms/user_features';

export const MARKETING_STEPS_MODULE = 'tidemark/pipelines/marketing_steps';

function spec(exportName: string, options: JsonValue): FnSpec {
  return { module: MARKETING_STEPS_MODULE, exportName, options };
}

/** Options without undefined members (JSON has no undefined). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

export interface ParseSpecOptions {
  readonly maxEventAgeMs?: number;
  readonly maxEventFutureMs?: number;
  readonly maxPayloadBytes?: number;
  readonly oversizePayloadKeepBytes?: number;
}
export const parseSpec = (o: ParseSpecOptions = {}): FnSpec =>
  spec(
    'parseEvents',
    defined({
      maxEventAgeMs: o.maxEventAgeMs,
      maxEventFutureMs: o.maxEventFutureMs,
      maxPayloadBytes: o.maxPayloadBytes,
      oversizePayloadKeepBytes: o.oversizePayloadKeepBytes,
    }),
  );
export function parseEvents(o: ParseSpecOptions, name = 'ParseEvents') {
  return withSpec(parseSpec(o), parseAndValidate({ ...o, clock: systemClock, maskText: replaceWithInfoTypes }, name));
}

export interface StampSpecOptions {
  readonly maxOutOfOrderMs: number;
  readonly idleTimeoutMs: number;
}
export const stampSpec = (o: StampSpecOptions): FnSpec => spec('stampEventTime', { ...o });
/** Event time from the payload; locally the watermark is max seen − maxOutOfOrderMs (Dataflow keeps its own). */
export function stampEventTime(
  o: StampSpecOptions,
  name = 'StampEventTime',
): PTransform<PCollection<PipelineEvent>, PCollection<PipelineEvent>> {
  return withSpec(
    stampSpec(o),
    withTimestamps(
      (e: PipelineEvent) => e.eventTimeMs,
      { watermark: boundedOutOfOrderness(o.maxOutOfOrderMs, { idleTimeoutMs: o.idleTimeoutMs }) },
      name,
    ),
  );
}

export interface ConsentSpecOptions {
  readonly missingConsent?: 'allow' | 'deny';
  readonly gdprCountries?: readonly string[];
}
export const consentSpec = (o: ConsentSpecOptions = {}): FnSpec =>
  spec('consentStep', defined({ missingConsent: o.missingConsent, gdprCountries: o.gdprCountries }));
export function consentStep(o: ConsentSpecOptions, name = 'ApplyConsent') {
  return withSpec(
    consentSpec(o),
    applyConsent(
      {
        ...(o.missingConsent && { missingConsent: o.missingConsent }),
        ...(o.gdprCountries && { gdprCountries: new Set(o.gdprCountries) }),
      },
      name,
    ),
  );
}

/**
 * A masker a worker builds from JSON: the local DLP-compatible engine with the project's masking configuration
 * and the key file named by an environment variable of the worker (a mounted secret: keys never travel in the job
 * graph). Nothing is read until the first use, so a pipeline can be translated (and dry-run) where the variable is
 * not set; then the engine is built once (its keys load asynchronously). `maskBatch` waits for it; `userKey` and
 * `protectPayload` are synchronous and fail clearly (the bundle is retried) if called before the engine is ready,
 * which on a worker can only happen in the first milliseconds.
 */
export function localMaskerFromEnv(options: { keyFileEnv: string; configPath?: string }): PiiMasker {
  let pending: Promise<PiiMasker> | undefined;
  let ready: PiiMasker | undefined;
  const start = (): Promise<PiiMasker> => {
    if (!pending) {
      const keyFile = process.env[options.keyFileEnv];
      if (!keyFile) throw new Error(`the masker's key file variable ${options.keyFileEnv} is not set on this worker`);
      pending = createLocalMasker({ keyFile, ...(options.configPath && { configPath: options.configPath }) }).then(
        ({ masker }): PiiMasker => (ready = masker),
      );
    }
    return pending;
  };
  const now = (): PiiMasker => {
    if (ready) return ready;
    void start();
    throw new Error('the masker is still loading its keys; the bundle will be retried');
  };
  return {
    description: `local DLP-compatible engine (key file from $${options.keyFileEnv})`,
    maskBatch: async (events) => (await start()).maskBatch(events),
    userKey: (id) => now().userKey(id),
    protectPayload: (text) => now().protectPayload(text),
  };
}

export function loadMasker(maskerSpec: FnSpec): PiiMasker {
  return (loadSpecExport(maskerSpec) as (o: JsonValue) => PiiMasker)(maskerSpec.options);
}

export function maskPiiSpec(masker: FnSpec): FnSpec {
  return spec('maskPiiStep', { masker: { ...masker } });
}
export function maskPiiStep(o: { masker: FnSpec }, name = 'MaskPii') {
  return withSpec(maskPiiSpec(o.masker), maskPii(loadMasker(o.masker), { clock: systemClock }, name));
}

export const dedupeSpec = (o: { horizonMs: number; granularityMs: number }): FnSpec => spec('dedupeStep', { ...o });
export function dedupeStep(o: { horizonMs: number; granularityMs: number }, name = 'DedupeEvents') {
  return withSpec(dedupeSpec(o), dedupe(o, name));
}

export const sessionizeSpec = (o: { gapMs: number; allowedLatenessMs: number }): FnSpec => spec('sessionizeStep', { ...o });
export function sessionizeStep(o: { gapMs: number; allowedLatenessMs: number }, name = 'Sessionize') {
  return withSpec(sessionizeSpec(o), sessionize(o, name));
}

export interface CampaignSpecOptions {
  readonly windowMs: number;
  readonly earlyEveryMs: number;
  readonly allowedLatenessMs: number;
}
export const campaignMetricsSpec = (o: CampaignSpecOptions): FnSpec => spec('campaignMetricsStep', { ...o });
export function campaignMetricsStep(o: CampaignSpecOptions, name = 'CampaignMetrics') {
  return withSpec(campaignMetricsSpec(o), campaignMetrics(o, name));
}

export interface FeatureSpecOptions {
  readonly updateEveryMs: number;
  readonly sessionGapMs?: number;
}
export const userFeaturesSpec = (o: FeatureSpecOptions): FnSpec =>
  spec('userFeaturesStep', defined({ updateEveryMs: o.updateEveryMs, sessionGapMs: o.sessionGapMs }));
export function userFeaturesStep(o: FeatureSpecOptions, name = 'UserFeatures') {
  return withSpec(userFeaturesSpec(o), userFeatures(o, name));
}

/** The tables whose rows a worker can build from JSON options (with the masker for dead letters). */
export type RowsSpecOptions =
  | { readonly table: 'events' | 'sessions' | 'campaign_metrics' | 'user_features' }
  /** Without a masker spec the dead-letter rows can only be built locally (with the pipeline's masker). */
  | { readonly table: 'dead_letter'; readonly masker?: FnSpec }
  | { readonly table: 'late_events'; readonly allowedLatenessMs: number };

export const rowsSpec = (o: RowsSpecOptions): FnSpec => spec('tableRows', { ...o } as JsonValue);

type RowFn = (x: never, nowMs: number) => WarehouseRecord;

function rowFn(o: RowsSpecOptions, masker: () => PiiMasker): RowFn {
  switch (o.table) {
    case 'events':
      return (e: PipelineEvent) => ({ table: 'events', row: toEventRow(e) });
    case 'sessions':
      return (s: Parameters<typeof toSessionRow>[0], now: number) => ({
        table: 'sessions',
        row: toSessionRow(s, now),
        deleteKeys: s.supersededSessionIds,
      });
    case 'campaign_metrics':
      return (m: Parameters<typeof toCampaignMetricRow>[0], now: number) => ({
        table: 'campaign_metrics',
        row: toCampaignMetricRow(m, now),
      });
    case 'user_features':
      return (f: Parameters<typeof toUserFeaturesRow>[0], now: number) => ({
        table: 'user_features',
        row: toUserFeaturesRow(f, now),
      });
    case 'dead_letter':
      // The original payload may hold raw PII: the masker seals it (envelope, AES-256-GCM), never raw.
      return (f: Failure) => ({
        table: 'dead_letter',
        row: toDeadLetterRow(f, (text) => masker().protectPayload(text)),
      });
    case 'late_events': {
      const lateness = o.allowedLatenessMs;
      return (l: Parameters<typeof toLateEventRow>[0], now: number) => ({
        table: 'late_events',
        row: toLateEventRow(l, { arrivalTimeMs: now, allowedLatenessMs: lateness }),
      });
    }
  }
}

/**
 * Rows of one table from the pipeline's records. `masker` (dead letters) and `clock` default to what a worker
 * uses: the masker built from the spec, the system clock.
 */
export function tableRows<T>(
  o: RowsSpecOptions,
  name?: string,
  local: { readonly masker?: PiiMasker; readonly clock?: { now(): number } } = {},
): PTransform<PCollection<T>, PCollection<WarehouseRecord>> {
  let masker = local.masker;
  const lazyMasker = (): PiiMasker => {
    if (masker) return masker;
    const maskerSpec = o.table === 'dead_letter' ? o.masker : undefined;
    if (!maskerSpec) throw new Error('dead-letter rows need a masker');
    return (masker = loadMasker(maskerSpec));
  };
  const clock = local.clock ?? systemClock;
  const toRecord = rowFn(o, lazyMasker) as unknown as (x: T, nowMs: number) => WarehouseRecord;
  const table: TableName = o.table;
  const transform = parDo<T, WarehouseRecord>(
    { process: (x: T, ctx: ProcessContext<WarehouseRecord>) => ctx.output(toRecord(x, clock.now())) },
    {},
    name ?? `Rows(${table})`,
  );
  return o.table === 'dead_letter' && !o.masker ? transform : withSpec(rowsSpec(o), transform);
}

/**
 * A warehouse a worker opens from JSON. 'bigquery' is the cloud warehouse; it is opened at the first write, so
 * translation and dry runs never touch it.
 */
export function lazyWarehouse(open: () => Warehouse): Warehouse {
  let opened: Warehouse | undefined;
  const get = (): Warehouse => (opened ??= open());
  return {
    write: (batch) => get().write(batch),
    query: (sql, params) => get().query(sql, params),
    close: () => (opened ? opened.close() : Promise.resolve()),
  };
}

export interface BigQueryWarehouseOptions {
  readonly project: string;
  readonly dataset: string;
}

/**
 * The BigQuery warehouse for Dataflow workers (io/bigquery, upsert mode on the Storage Write API's default stream),
 * opened at the first write. NOTE: Beam's TypeScript harness (2.49) does not await an asynchronous finishBundle,
 * and every warehouse write is asynchronous: the worker DoFn refuses such a flush loudly rather than lose rows
 * (runners/dataflow/worker_fns.ts, docs/dataflow.md "Known gaps").
 */
export function bigQueryWarehouse(options: BigQueryWarehouseOptions): Warehouse {
  let opened: Promise<Warehouse> | undefined;
  const get = (): Promise<Warehouse> =>
    (opened ??= openBigQueryWarehouse({ connection: { projectId: options.project, datasetId: options.dataset } }));
  return {
    write: async (batch) => (await get()).write(batch),
    query: async (sql, params) => (await get()).query(sql, params),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

export const writeSpec = (warehouse: FnSpec): FnSpec => spec('writeRows', { warehouse: { ...warehouse } });
export function writeRows(o: { warehouse: FnSpec }, name = 'WriteToWarehouse') {
  const warehouse = (loadSpecExport(o.warehouse) as (x: JsonValue) => Warehouse)(o.warehouse.options);
  return withSpec(writeSpec(o.warehouse), writeToWarehouse(warehouse, name));
}

export const DEFAULT_STAMP = { maxOutOfOrderMs: seconds(60), idleTimeoutMs: seconds(30) } as const;
