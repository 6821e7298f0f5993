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
import { replaceWithInfoTypes } from '../io/dlp/inspector';
import {
  type Clock,
  type Duration,
  type FnSpec,
  type KV,
  type LateElement,
  type PCollection,
  Pipeline,
  type Source,
  flattenAll,
  globalWindows,
  minutes,
  read,
  seconds,
  systemClock,
  windowInto,
  withSpec,
} from '../sdk';
import { type Warehouse, type WarehouseBatch } from '../io/warehouse/warehouse';
import { writeToWarehouse } from '../io/warehouse/write_to_warehouse';
import { type CampaignMetric } from '../transforms/campaign_metrics';
import { type ConsentOptions, applyConsent } from '../transforms/consent';
import { type PiiMasker, maskPii } from '../transforms/mask_pii';
import { type ParseAndValidateOptions, parseAndValidate } from '../transforms/parse_and_validate';
import { type Failure, type PipelineEvent, type RawMessage } from '../transforms/records';
import { type SessionSummary } from '../transforms/sessionize';
import { type UserFeatures } from '../transforms/user_features';
import {
  type ConsentSpecOptions,
  campaignMetricsStep,
  consentSpec,
  dedupeStep,
  maskPiiSpec,
  parseSpec,
  sessionizeStep,
  stampEventTime,
  tableRows,
  userFeaturesStep,
  writeSpec,
} from './marketing_steps';

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
  /**
   * How a Dataflow worker builds the masker and the warehouse (sdk/fn_spec.ts). Without them, MaskPii,
   * ToDeadLetterRows and WriteToWarehouse run only locally and the Dataflow translator refuses them by name.
   */
  readonly maskerSpec?: FnSpec;
  readonly warehouseSpec?: FnSpec;
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

/** ConsentOptions as JSON (the country set as a list). */
function consentSpecOptions(o: ConsentOptions | undefined): ConsentSpecOptions {
  return {
    ...(o?.missingConsent && { missingConsent: o.missingConsent }),
    ...(o?.gdprCountries && { gdprCountries: [...o.gdprCountries].sort() }),
  };
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
  // Each step carries its spec (pipelines/marketing_steps.ts): how a Dataflow worker builds it again.
  const parsed = messages.apply(
    withSpec(parseSpec(config.parse), parseAndValidate({ clock, ...config.parse, maskText: replaceWithInfoTypes }, STEPS.parse)),
  );
  const stamped = parsed.main.apply(
    stampEventTime(
      { maxOutOfOrderMs: config.maxOutOfOrderMs ?? seconds(60), idleTimeoutMs: config.idleTimeoutMs ?? seconds(30) },
      STEPS.stamp,
    ),
  );
  const consented = stamped.apply(
    withSpec(consentSpec(consentSpecOptions(config.consent)), applyConsent(config.consent, 'ApplyConsent')),
  );
  const maskStep = maskPii(config.masker, { clock }, STEPS.mask);
  const masked = consented.apply(config.maskerSpec ? withSpec(maskPiiSpec(config.maskerSpec), maskStep) : maskStep);
  const unique = masked.main.apply(dedupeStep({ horizonMs: lateness, granularityMs: campaignWindowMs }, 'DedupeEvents'));

  const sessionOut = unique.main.apply(
    sessionizeStep({ gapMs: config.sessionGapMs ?? minutes(30), allowedLatenessMs: lateness }, 'Sessionize'),
  );
  const campaignOut = unique.main.apply(
    campaignMetricsStep({ windowMs: campaignWindowMs, earlyEveryMs: refresh, allowedLatenessMs: lateness }, 'CampaignMetrics'),
  );
  const features = unique.main.apply(
    userFeaturesStep({ updateEveryMs: refresh, sessionGapMs: config.sessionGapMs }, 'UserFeatures'),
  );

  const local = { masker: config.masker, clock };
  const eventRows = unwindowed(unique.main, 'EventsToGlobalWindow').apply(
    tableRows<PipelineEvent>({ table: 'events' }, STEPS.eventRows, local),
  );
  const sessionRows = unwindowed(sessionOut.sessions, 'SessionsToGlobalWindow').apply(
    tableRows<SessionSummary>({ table: 'sessions' }, STEPS.sessionRows, local),
  );
  const metricRows = unwindowed(campaignOut.metrics, 'MetricsToGlobalWindow').apply(
    tableRows<CampaignMetric>({ table: 'campaign_metrics' }, STEPS.metricRows, local),
  );
  const featureRows = features.apply(tableRows<UserFeatures>({ table: 'user_features' }, STEPS.featureRows, local));

  const failures = flattenAll<Failure>(
    [parsed.dead_letter, unwindowed(masked.dead_letter, 'MaskFailuresToGlobalWindow')],
    'AllFailures',
  );
  const deadLetterRows = failures.apply(
    tableRows<Failure>(
      { table: 'dead_letter', ...(config.maskerSpec && { masker: config.maskerSpec }) },
      STEPS.deadLetterRows,
      local,
    ),
  );
  const late = flattenAll([unique.late, sessionOut.late, campaignOut.late], 'AllLateEvents');
  const lateRows = late.apply(
    tableRows<LateElement<KV<string, PipelineEvent>>>(
      { table: 'late_events', allowedLatenessMs: lateness },
      STEPS.lateRows,
      local,
    ),
  );

  const write = writeToWarehouse(config.warehouse, STEPS.write, config.onDurable ? { onDurable: config.onDurable } : {});
  flattenAll([eventRows, sessionRows, metricRows, featureRows, deadLetterRows, lateRows], 'AllRows').apply(
    config.warehouseSpec ? withSpec(writeSpec(config.warehouseSpec), write) : write,
  );
  return p;
}
