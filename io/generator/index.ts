/**
 * io/generator — a seeded, deterministic marketing clickstream generator that knows the ground truth it produced.
 * No dependency on the SDK: it produces plain messages. See README.md in this folder.
 */
export { ClickstreamGenerator, generateMessages, generateWithTruth } from './generator';
export { type GeneratorOptions, type ResolvedGeneratorOptions, resolveOptions, DEFAULT_START_TIME } from './options';
export type { GeneratedMessage, MessageKind } from './message';
export {
  type GroundTruth,
  type MessageCounts,
  type TruthDuplicate,
  type TruthEvent,
  type TruthMalformed,
  type TruthSession,
  type SessionInput,
  computeSessions,
} from './truth';
export { MALFORMED_KINDS, MALFORMED_RULES, DEFAULT_MALFORMED_WEIGHTS, type MalformedKind } from './malformed';
export {
  eventViolations,
  parseRfc3339,
  RULE_IDS,
  type RuleId,
  type RuleOptions,
  type Violation,
  MAX_PAYLOAD_BYTES,
  MAX_STRING_LENGTH,
  MAX_DEPTH,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_FUTURE_MS,
} from './rules';
export {
  CHANNELS,
  DEVICE_TYPES,
  EVENT_TYPES,
  SCHEMA_VERSION,
  userKeyOf,
  type Channel,
  type Consent,
  type Device,
  type DeviceType,
  type EventType,
  type MarketingEvent,
  type Product,
} from './event';
export { FUNNEL } from './funnel';
export { Prng, type Seed } from './prng';
export { pace, type PaceOptions } from './pace';
