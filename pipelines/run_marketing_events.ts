/**
 * Runs the marketing pipeline on the direct runner with everything it needs: a source, the PII masker, a
 * DuckDB warehouse. The `tidemark run` command, `npm start`, the end-to-end tests and the benchmark all come
 * through here.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DirectRunner, FileCheckpointStore, type RunProgress, type SpillOptions } from '../runners/direct';
import { type Clock, type Instant, type Source, systemClock } from '../sdk';
import { rawMessagesFromFile } from '../io/files/json_lines_source';
import { GeneratorSource, type GeneratorSourceOptions } from '../io/generator/generator_source';
import { PubSubSource, type PubSubSourceOptions } from '../io/pubsub';
import { openDuckDbWarehouse } from '../io/warehouse/duckdb_warehouse';
import { type Warehouse, type WarehouseBatch } from '../io/warehouse/warehouse';
import { type BigQueryWarehouseOptions, openBigQueryWarehouse } from '../io/bigquery/bigquery_warehouse';
import type * as DlpMaskerModule from '../io/dlp/dlp_masker';
import { type DlpMaskerOptions } from '../io/dlp/dlp_masker';
import { createLocalMasker } from '../io/dlp/local_masker';
import { type PiiMasker } from '../transforms/mask_pii';
import { type RawMessage } from '../transforms/records';
import { type MarketingPipelineConfig, STEPS, buildMarketingPipeline } from './marketing_events';

export type SourceSpec =
  | { readonly kind: 'generator'; readonly options: GeneratorSourceOptions }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'pubsub'; readonly options: PubSubSourceOptions };

export interface MarketingRunOptions {
  readonly source: SourceSpec;
  /** DuckDB file (created with its folder when missing). */
  readonly warehousePath: string;
  /** Write to BigQuery instead of the DuckDB file (`--sink bigquery`). */
  readonly bigquery?: BigQueryWarehouseOptions;
  /** Stop reading after this long and drain: every open window fires, then the run ends. */
  readonly durationMs?: number;
  /** Aborting drains the run the same way (Ctrl-C). */
  readonly signal?: AbortSignal;
  /**
   * `--masker local` (the default): the local DLP-compatible engine with this masking configuration (default
   * config/deidentify.json) and development key file (default data/dev-keys.json, created on first use).
   */
  readonly masking?: { readonly configPath?: string; readonly keyFile?: string };
  /** `--masker dlp`: Cloud DLP (or a local DLP-compatible server) with the same masking configuration. */
  readonly dlp?: DlpMaskerOptions;
  /** Another masker instead (e.g. Cloud DLP behind io/dlp's TablePiiMasker); `masking` is then unused. */
  readonly masker?: PiiMasker;
  readonly clock?: Clock;
  /** Pipeline settings (lateness, gaps, windows, ...). */
  readonly pipeline?: Partial<Omit<MarketingPipelineConfig, 'source' | 'warehouse' | 'masker' | 'clock'>>;
  /** Called after every bundle with live numbers, for progress displays. */
  readonly onProgress?: (p: LiveProgress) => void;
  /**
   * Measure event→warehouse latency: for every events row, the time from its publish (ingest_time) to the
   * moment its write was durable. Meaningful when publish times are wall-clock readings (a paced generator).
   */
  readonly measureLatency?: boolean;
  /**
   * Folder for checkpoints. With it the run survives a crash: it resumes from the last checkpoint, and sources
   * acknowledge only what a checkpoint covers (docs/checkpointing.md). The folder is emptied when the run ends
   * normally.
   */
  readonly checkpointDir?: string;
  /** Processing time between checkpoints (default 1000 ms). */
  readonly checkpointIntervalMs?: number;
  /** Where per-user state at rest is spilled (docs/state.md); the runner's defaults (on, OS temp dir) when absent. */
  readonly spill?: SpillOptions | false;
}

export interface LiveProgress {
  readonly eventsIn: number;
  readonly elapsedMs: number;
  /** The event-time watermark of the pipeline (after StampEventTime). */
  readonly watermark: Instant;
  readonly deadLetters: number;
  readonly sessionPanes: number;
}

/** The run summary; `tidemark run --json` prints it as its last line. */
export interface RunSummary {
  readonly events_in: number;
  readonly events_written: number;
  readonly dead_letter: number;
  readonly late: number;
  readonly duplicates_dropped: number;
  /** Sessions in the warehouse's sessions table after the run. */
  readonly sessions: number;
  readonly campaign_metric_rows: number;
  readonly user_feature_rows: number;
  readonly elapsed_s: number;
  readonly events_per_s: number;
  readonly warehouse: string;
  /** This run resumed from a checkpoint left by a run that did not finish. */
  readonly resumed: boolean;
  /** Checkpoints taken (0 without a checkpoint folder). */
  readonly checkpoints: number;
  /** With measureLatency: percentiles of publish → durable in the warehouse, in ms. */
  readonly latency_ms?: { readonly p50: number; readonly p99: number; readonly max: number; readonly samples: number };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function sourceOf(spec: SourceSpec): Source<RawMessage> {
  if (spec.kind === 'pubsub') return new PubSubSource(spec.options);
  return spec.kind === 'generator' ? new GeneratorSource(spec.options) : rawMessagesFromFile(spec.path);
}

export async function runMarketingEvents(options: MarketingRunOptions): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const bigquery = options.bigquery;
  if (bigquery === undefined && options.warehousePath !== ':memory:')
    mkdirSync(dirname(options.warehousePath), { recursive: true });
  // The masker first: a bad masking configuration or key file is refused before anything is opened.
  const { masker, close: closeMasker } = await maskerFor(options);
  let warehouse: Warehouse;
  try {
    warehouse = bigquery ? await openBigQueryWarehouse(bigquery) : await openDuckDbWarehouse(options.warehousePath);
  } catch (e) {
    await closeMasker();
    throw e;
  }
  try {
    const latencies: number[] = [];
    const onDurable = options.measureLatency
      ? (batch: WarehouseBatch) => {
          const now = Date.now();
          for (const row of batch.rows.events ?? []) latencies.push(now - Date.parse(row.ingest_time as string));
        }
      : undefined;
    // A file is a replay: its events may be of any age, so only the future bound applies (relative to now).
    const parse =
      options.source.kind === 'file'
        ? { maxEventAgeMs: Number.MAX_SAFE_INTEGER, ...options.pipeline?.parse }
        : options.pipeline?.parse;
    const pipeline = buildMarketingPipeline({
      ...options.pipeline,
      ...(parse && { parse }),
      ...(onDurable && { onDurable }),
      source: sourceOf(options.source),
      warehouse,
      masker,
      clock,
    });
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const timer = options.durationMs === undefined ? undefined : setTimeout(() => stop.abort(), options.durationMs);
    const started = Date.now();
    const onBundle = options.onProgress
      ? (p: RunProgress) =>
          options.onProgress?.({
            eventsIn: p.elementsRead,
            elapsedMs: Date.now() - started,
            watermark: p.step(STEPS.stamp)?.outputWatermark ?? Number.NEGATIVE_INFINITY,
            deadLetters: p.step(STEPS.deadLetterRows)?.elementsIn ?? 0,
            sessionPanes: p.step(STEPS.sessionRows)?.elementsIn ?? 0,
          })
      : undefined;
    let result;
    try {
      const checkpoint = options.checkpointDir
        ? {
            store: new FileCheckpointStore(options.checkpointDir),
            ...(options.checkpointIntervalMs !== undefined && { intervalMs: options.checkpointIntervalMs }),
          }
        : undefined;
      result = await new DirectRunner({
        clock,
        signal: stop.signal,
        ...(onBundle && { onBundle }),
        ...(checkpoint && { checkpoint }),
        ...(options.spill !== undefined && { spill: options.spill }),
      }).run(pipeline);
    } finally {
      if (timer) clearTimeout(timer);
    }
    const steps = result.steps;
    const count = (step: string, tag = 'main'): number => steps[step]?.outputs[tag] ?? 0;
    const [{ n }] = (await warehouse.query('SELECT count(*) AS n FROM sessions')) as [{ n: number }];
    const elapsed = result.elapsedMs / 1000;
    const eventsIn = steps[STEPS.read].elementsIn;
    return {
      events_in: eventsIn,
      events_written: count(STEPS.eventRows),
      dead_letter: count(STEPS.deadLetterRows),
      late: count(STEPS.lateRows),
      duplicates_dropped: count(STEPS.dedupeSplit, 'duplicates'),
      sessions: Number(n),
      campaign_metric_rows: count(STEPS.metricRows),
      user_feature_rows: count(STEPS.featureRows),
      elapsed_s: Math.round(elapsed * 1000) / 1000,
      events_per_s: elapsed > 0 ? Math.round(eventsIn / elapsed) : 0,
      warehouse: bigquery ? `bigquery:${bigquery.connection.projectId}.${bigquery.connection.datasetId}` : options.warehousePath,
      resumed: result.resumed,
      checkpoints: result.checkpoints,
      ...(options.measureLatency &&
        latencies.length > 0 && {
          latency_ms: (() => {
            latencies.sort((a, b) => a - b);
            return {
              p50: percentile(latencies, 0.5),
              p99: percentile(latencies, 0.99),
              max: latencies[latencies.length - 1],
              samples: latencies.length,
            };
          })(),
        }),
    };
  } finally {
    await warehouse.close();
    await closeMasker();
  }
}

/** The run's masker, and how to release what it holds (the DLP client's channel). */
async function maskerFor(options: MarketingRunOptions): Promise<{ masker: PiiMasker; close(): Promise<void> }> {
  if (options.masker) return { masker: options.masker, close: async () => undefined };
  if (options.dlp) {
    // Loaded only here: the DLP client library is heavy, and the local masker does not need it.
    // (A require, not import(): under tsx's CommonJS hook a dynamic import does not resolve TypeScript files.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDlpMasker } = require('../io/dlp/dlp_masker') as typeof DlpMaskerModule;
    return createDlpMasker({ ...options.dlp, ...(options.masking?.configPath && { configPath: options.masking.configPath }) });
  }
  return { masker: (await createLocalMasker(options.masking)).masker, close: async () => undefined };
}
