/**
 * What flows between the marketing transforms. Raw messages come from a source (generator, file, Pub/Sub);
 * parsing turns them into events or failures; failures end in the dead_letter table, never dropped.
 */
import { type Channel, type MarketingEvent } from '../schemas';

/** A message as a source delivers it: Pub/Sub's shape, which files and the generator imitate. */
export interface RawMessage {
  /** Source message id (Pub/Sub message id; file:line for files); the dead-letter idempotency key. */
  readonly id: string;
  readonly data: string | Uint8Array;
  readonly attributes: Readonly<Record<string, string>>;
  /** When the source received it (Pub/Sub publish time, or read time), ms since the epoch. */
  readonly publishTimeMs: number;
}

/** A valid event and what the pipeline learned about it on the way. */
export interface PipelineEvent {
  readonly messageId: string;
  /**
   * The event as validated, then rewritten by the privacy steps: applyConsent removes fields (without profiling
   * consent both user_id and anonymous_id are gone, although the type promises one of them), maskPii masks PII
   * and replaces user_id / anonymous_id by their pseudonyms.
   */
  readonly event: MarketingEvent;
  /** event.event_time parsed, ms since the epoch: the element's event timestamp. */
  readonly eventTimeMs: number;
  readonly ingestTimeMs: number;
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Pseudonymous user key (keyed hash of user_id, else of anonymous_id), set by maskPii; null when
   * consent rules removed the user's identity, in which case the event joins only anonymous aggregates.
   */
  readonly userKey: string | null;
  /** Consent rules in force for this event (set by applyConsent). */
  readonly restrictions: ConsentRestrictions;
  /** True once maskPii has masked the event; the row builders refuse an unmasked event. */
  readonly piiMasked?: boolean;
  /** Metadata of the event's campaign (set by enrich; null when the campaign is unknown or absent). */
  readonly campaignMeta?: CampaignMeta | null;
  /** Profile attributes of the user (set by enrich; null when unknown or when consent forbids profiling). */
  readonly profile?: ProfileAttributes | null;
}

/** One campaign of the campaign metadata side data (data-samples/campaigns.jsonl); null where not given. */
export interface CampaignMeta {
  /** Ad platform campaign id: matches the event's campaign_id (or campaign.id). */
  readonly campaign_id: string;
  /** The utm_campaign value links of this campaign carry: matches events that have no campaign_id. */
  readonly utm_campaign: string | null;
  /** Display name. */
  readonly name: string;
  readonly channel: Channel | null;
  /** e.g. awareness, consideration, conversion, retention. */
  readonly objective: string | null;
  /** First and last day, YYYY-MM-DD. */
  readonly start_date: string | null;
  readonly end_date: string | null;
  readonly daily_budget: number | null;
  /** ISO 4217 code of daily_budget. */
  readonly currency: string | null;
}

/** What the profile side data (data-samples/profiles.jsonl) says about one user; null where not given. */
export interface ProfileAttributes {
  /** CRM segment, e.g. new, active, loyal, at_risk. */
  readonly segment: string | null;
  readonly loyalty_tier: string | null;
  readonly lifetime_value: number | null;
  /** ISO 4217 code of lifetime_value. */
  readonly currency: string | null;
  /** YYYY-MM-DD. */
  readonly signup_date: string | null;
  readonly email_opt_in: boolean | null;
}

/** What consent allows for one event (see transforms/consent.ts for the policy). */
export interface ConsentRestrictions {
  /** The event may be linked to a user (sessions, user features). */
  readonly profiling: boolean;
  /** The event may feed advertising features (CCPA "do not sell or share"). */
  readonly advertising: boolean;
}

/** A message or element a step could not process: becomes one dead_letter row. */
export interface Failure {
  /** Source message id, or SHA-256 hex of the payload when there is none. */
  readonly id: string;
  readonly reason: string;
  /** Stable name of the step that failed. */
  readonly step: string;
  /** The original payload as text, not yet protected: the dead-letter writer masks or encrypts it. */
  readonly payload: string | null;
  readonly attributes: Readonly<Record<string, string>> | null;
  readonly errorTimeMs: number;
  readonly eventTimeMs: number | null;
}
