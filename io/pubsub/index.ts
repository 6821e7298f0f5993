export { type PubSubReaderStats, PubSubSource, type PubSubSourceReader } from './pubsub_source';
export {
  PUBSUB_SOURCE_DEFAULTS,
  type PubSubReadSettings,
  type PubSubSourceOptions,
  type PubSubSubscriptionRead,
  type PubSubTopicRead,
  checkPubSubSourceOptions,
} from './options';
export { eventTimeOf, parseInstant } from './event_time';
export { type OutgoingMessage, type PublishOptions, type PublishSummary, publishMessages } from './publish';
export { generatedForPublishing } from './generated_messages';
