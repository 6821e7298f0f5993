/**
 * The main job: marketing events from a source to the warehouse, with Beam semantics end to end.
 *
 * Steps:
 *  1. ReadMessages         raw messages (generator, JSON Lines file, Pub/Sub)
 *  2. ParseEvents          JSON + schema validation; bad messages → dead letter
 *  3. StampEventTime       event time from the payload; watermark = max seen − allowed out-of-orderness,
 *                          moving on with processing time when the input goes idle
 *  4. ApplyConsent         GDPR/CCPA rules minimise what the event may carry and be used for
 *  5. MaskPii              PII fields and free text masked, user ids pseudonymized; failures → dead letter
 *  6. DedupeEvents         first copy of each event_id kept, duplicates counted; too-late events → late_events
 *  7. Sessionize           session windows per user (gap 30 min)
 *  8. CampaignMetrics      1-minute windows per campaign, early/on-time/late panes
 *  9. UserFeatures         rolling per-user features
 * 10. To*Rows, WriteToWarehouse
 *                          every table written by one idempotent sink, one transaction per bundle
 *
 * Nothing is dropped silently: every message ends in exactly one of events, late_events, dead_letter, or is a
 * counted duplicate of an event in events.
 */
import {
  type Clock,
  type Duration,
  type PCollection,
  Pipeline,
  type ProcessContext,
  type Source,
  boundedOutOfOrderness,
  flattenAll,
  globalWindows,
  minutes,
  parDo,
  read,
  seconds,
  systemClock,
  windowInto,
  withTimestamps,
} from '../sdk';
import { type TableName } from '../schemas';
import { type Warehouse, type WarehouseBatch } from '../io/warehouse/warehouse';
import { type WarehouseRecord, writeToWarehouse } from '../io/warehouse/write_to_warehouse';
import { toCampaignMetricRow, toSessionRow, toUserFeaturesRow } from '../transforms/aggregate_rows';
import { campaignMetrics } from '../transforms/campaign_metrics';
import { type ConsentOptions, applyConsent } from '../transforms/consent';
import { dedupe } from '../transforms/dedupe';
import { type PiiMasker, maskPii } from '../transforms/mask_pii';
import { type ParseAndValidateOptions, parseAndValidate } from '../transforms/parse_and_validate';
import { type Failure, type PipelineEvent, type RawMessage } from '../transforms/records';
import { toDeadLetterRow, toEventRow, toLateEventRow } from '../transforms/rows';
import { sessionize } from '../transforms/sessionize';
import { userFeatures } from '../transforms/user_features';

export interface MarketingPipelineConfig {
  readonly source: Source<RawMessage>;
  readonly warehouse: Warehouse;
  readonly masker: PiiMasker;
  /** Processing time for rows' updated_at / error_time and for idle detection. Default: the system clock. */
  readonly clock?: Clock;
  /** How far out of order events may arrive and still be on time. Default 60 s. */
  readonly maxOutOfOrderMs?: Duration;
  /** Processing time without messages after which the watermark advances on its own. Default 30 s. */
  readonly idleTimeoutMs?: Duration;
  /** How long after its window an event still counts (and how long event ids are remembered). Default 10 min. */
  readonly allowedLatenessMs?: Duration;
  /** Session gap. Default 30 min. */
  readonly sessionGapMs?: Duration;
  /** Campaign metric window. Default 1 min. */
  readonly campaignWindowMs?: Duration;
  /** Early and late panes of campaign metrics, and user-feature updates, this long after new data. Default 10 s. */
  readonly refreshEveryMs?: Duration;
  readonly parse?: ParseAndValidateOptions;
  readonly consent?: ConsentOptions;
  /** Called once each warehouse write is durable (latency measurement). */
  readonly onDurable?: (batch: WarehouseBatch) => void;
}

/** Names of the steps whose counters make the run summary. */
export const STEPS = {
  read: 'ReadMessages',
  parse: 'ParseEvents',
  stamp: 'StampEventTime',
  mask: 'MaskPii',
  dedupeSplit: 'DedupeEvents/SplitFirstFromDuplicates',
  eventRows: 'ToEventRows',
  sessionRows: 'ToSessionRows',
  metricRows: 'ToCampaignMetricRows',
  featureRows: 'ToUserFeatureRows',
  deadLetterRows: 'ToDeadLetterRows',
  lateRows: 'ToLateEventRows',
  write: 'WriteToWarehouse',
} as const;

/** A DoFn from a pure row function, reading processing time from the pipeline's clock. */
function toRecords<T>(table: TableName, toRow: (x: T, nowMs: number) => WarehouseRecord['row'], clock: Clock, name: string) {
  return parDo<T, WarehouseRecord>(
    {
      process(x: T, ctx: ProcessContext<WarehouseRecord>) {
        ctx.output({ table, row: toRow(x, clock.now()) });
      },
    },
    {},
    name,
  );
}

/** Re-windows into the global window, so branches with different windows can be flattened into the sink. */
function unwindowed<T>(pc: PCollection<T>, name: string): PCollection<T> {
  return pc.apply(windowInto<T>(globalWindows(), {}, name));
}

export function buildMarketingPipeline(config: MarketingPipelineConfig): Pipeline {
  const clock = config.clock ?? systemClock;
  const lateness = config.allowedLatenessMs ?? minutes(10);
  const refresh = config.refreshEveryMs ?? seconds(10);
  const campaignWindowMs = config.campaignWindowMs ?? minutes(1);
  const p = new Pipeline();

  const messages = p.apply(read(config.source, STEPS.read));
  const parsed = messages.apply(parseAndValidate({ clock, ...config.parse }, STEPS.parse));
  const stamped = parsed.main.apply(
    withTimestamps(
      (e: PipelineEvent) => e.eventTimeMs,
      {
        watermark: boundedOutOfOrderness(config.maxOutOfOrderMs ?? seconds(60), {
          idleTimeoutMs: config.idleTimeoutMs ?? seconds(30),
        }),
      },
      STEPS.stamp,
    ),
  );
  const consented = stamped.apply(applyConsent(config.consent, 'ApplyConsent'));
  const masked = consented.apply(maskPii(config.masker, { clock }, STEPS.mask));
  const unique = masked.main.apply(dedupe({ horizonMs: lateness, granularityMs: campaignWindowMs }, 'DedupeEvents'));

  const sessionOut = unique.main.apply(
    sessionize({ gapMs: config.sessionGapMs ?? minutes(30), allowedLatenessMs: lateness }, 'Sessionize'),
  );
  const campaignOut = unique.main.apply(
    campaignMetrics({ windowMs: campaignWindowMs, earlyEveryMs: refresh, allowedLatenessMs: lateness }, 'CampaignMetrics'),
  );
  const features = unique.main.apply(userFeatures({ updateEveryMs: refresh, sessionGapMs: config.sessionGapMs }, 'UserFeatures'));

  const eventRows = unwindowed(unique.main, 'EventsToGlobalWindow').apply(
    toRecords<PipelineEvent>('events', (e) => toEventRow(e), clock, STEPS.eventRows),
  );
  const sessionRows = unwindowed(sessionOut.sessions, 'SessionsToGlobalWindow').apply(
    parDo(
      {
        process(s, ctx: ProcessContext<WarehouseRecord>) {
          ctx.output({ table: 'sessions', row: toSessionRow(s, clock.now()), deleteKeys: s.supersededSessionIds });
        },
      },
      {},
      STEPS.sessionRows,
    ),
  );
  const metricRows = unwindowed(campaignOut.metrics, 'MetricsToGlobalWindow').apply(
    toRecords('campaign_metrics', toCampaignMetricRow, clock, STEPS.metricRows),
  );
  const featureRows = features.apply(toRecords('user_features', toUserFeaturesRow, clock, STEPS.featureRows));

  const failures = flattenAll<Failure>(
    [parsed.dead_letter, unwindowed(masked.dead_letter, 'MaskFailuresToGlobalWindow')],
    'AllFailures',
  );
  const deadLetterRows = failures.apply(
    toRecords<Failure>(
      'dead_letter',
      // The original payload may hold raw PII: the masker encrypts it (envelope, AES-256-GCM), never raw.
      (f) => toDeadLetterRow(f, (text) => config.masker.protectPayload(text)),
      clock,
      STEPS.deadLetterRows,
    ),
  );
  const late = flattenAll([unique.late, sessionOut.late, campaignOut.late], 'AllLateEvents');
  const lateRows = late.apply(
    toRecords(
      'late_events',
      (l, nowMs) => toLateEventRow(l, { arrivalTimeMs: nowMs, allowedLatenessMs: lateness }),
      clock,
      STEPS.lateRows,
    ),
  );

  flattenAll([eventRows, sessionRows, metricRows, featureRows, deadLetterRows, lateRows], 'AllRows').apply(
    writeToWarehouse(config.warehouse, STEPS.write, config.onDurable ? { onDurable: config.onDurable } : {}),
  );
  return p;
}
