/**
 * What flows between the marketing transforms. Raw messages come from a source (generator, file, Pub/Sub);
 * parsing turns them into events or failures; failures end in the dead_letter table, never dropped.
 */
import { type MarketingEvent } from '../schemas';

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
