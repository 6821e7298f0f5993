/**
 * `tidemark run --source pubsub`: the options, and the input they describe.
 *
 * Two modes:
 *   - a Pub/Sub service is named (PUBSUB_EMULATOR_HOST, --project or GOOGLE_CLOUD_PROJECT): read --subscription
 *     (created on --topic when missing), or a subscription of the run's own on --topic;
 *   - nothing is named (a fresh clone: `npm start -- --source pubsub`): start the local emulator in this process,
 *     publish the run's generated events (--events, --seed and the generator knobs) to a topic on it, and read
 *     them back through a subscription, draining once idle.
 */
import { PubSub } from '@google-cloud/pubsub';
import { type Command, Option } from 'commander';
import { type PubSubSourceOptions, generatedForPublishing, publishMessages } from '../../io/pubsub';
import { startPubSubEmulator } from '../../io/pubsub/emulator';
import { type SourceSpec } from '../../pipelines/run_marketing_events';
import { nonNegativeInteger, positiveNumber } from '../options';
import { projectOf } from './publish';
import { UsageError } from '../usage_error';

export interface PubSubRunFlags {
  project?: string;
  subscription?: string;
  topic?: string;
  drainAfterIdle?: number;
  idAttribute?: string;
  timestampAttribute?: string;
  maxOutstanding?: number;
  maxAckDeadline?: number;
  events?: number;
  seed: number;
  lateRate?: number;
  duplicateRate?: number;
  malformedRate?: number;
  outOfOrderMs?: number;
}

export function addPubSubRunOptions(cmd: Command): Command {
  return cmd
    .option('--project <id>', 'Google Cloud project of the Pub/Sub source (default GOOGLE_CLOUD_PROJECT)')
    .option('--subscription <name>', 'Pub/Sub subscription to read (with --source pubsub)')
    .option(
      '--topic <name>',
      'Pub/Sub topic: creates --subscription on it when missing, or alone reads it through a subscription of its own',
    )
    .addOption(
      new Option(
        '--drain-after-idle <seconds>',
        'stop once the subscription has been idle this long, firing every open window',
      ).argParser(positiveNumber),
    )
    .option('--id-attribute <name>', 'attribute with a unique message id, for de-duplication')
    .option('--timestamp-attribute <name>', 'attribute with the event time (RFC 3339 or epoch ms)')
    .addOption(
      new Option('--max-outstanding <n>', 'flow control: most Pub/Sub messages held unacknowledged').argParser(
        nonNegativeInteger,
      ),
    )
    .addOption(
      new Option(
        '--max-ack-deadline <seconds>',
        'longest lease the client asks for (10-600): bounds how soon messages held by a crashed run are redelivered',
      ).argParser(positiveNumber),
    );
}

export interface PubSubInput {
  readonly source: SourceSpec;
  /**
   * For a subscription of a running service (GCP or an emulator outside this process): a name for the run's
   * checkpoint folder. Acknowledging only what a checkpoint covers is what makes a crash lose nothing
   * (docs/checkpointing.md). Undefined for the in-process emulator, which a crash takes down with the run.
   */
  readonly checkpointName?: string;
  /** Closes what the input started (the local emulator, its client). */
  close(): Promise<void>;
}

/** Seconds of idleness after which a local run (everything published before it starts) ends. */
const LOCAL_DRAIN_AFTER_IDLE_S = 2;
const LOCAL_TOPIC = 'marketing-events';
const LOCAL_SUBSCRIPTION = 'tidemark-run';

function readSettings(flags: PubSubRunFlags): Omit<PubSubSourceOptions, 'topic' | 'subscription'> {
  return {
    ...(flags.idAttribute !== undefined && { idAttribute: flags.idAttribute }),
    ...(flags.timestampAttribute !== undefined && { timestampAttribute: flags.timestampAttribute }),
    ...(flags.maxOutstanding !== undefined && { maxOutstandingMessages: Math.max(1, flags.maxOutstanding) }),
    ...(flags.maxAckDeadline !== undefined && { maxAckDeadlineMs: flags.maxAckDeadline * 1000 }),
  };
}

export async function openPubSubInput(flags: PubSubRunFlags, io: { err(text: string): void }): Promise<PubSubInput> {
  if (flags.maxAckDeadline !== undefined && !(flags.maxAckDeadline >= 10 && flags.maxAckDeadline <= 600)) {
    throw new UsageError(`--max-ack-deadline must be between 10 and 600 seconds, got ${flags.maxAckDeadline}`);
  }
  const projectId = projectOf(flags.project);
  const drain = flags.drainAfterIdle !== undefined ? { drainAfterIdleMs: flags.drainAfterIdle * 1000 } : {};
  if (projectId !== undefined) {
    if (flags.subscription === undefined && flags.topic === undefined) {
      throw new UsageError('--source pubsub needs --subscription (or --topic)');
    }
    const client = new PubSub({ projectId });
    const options: PubSubSourceOptions =
      flags.subscription !== undefined
        ? {
            subscription: flags.subscription,
            ...(flags.topic !== undefined && { createOnTopic: flags.topic }),
            client,
            ...readSettings(flags),
            ...drain,
          }
        : { topic: flags.topic as string, client, ...readSettings(flags), ...drain };
    const named = flags.subscription ?? `topic-${flags.topic as string}`;
    return {
      source: { kind: 'pubsub', options },
      checkpointName: `pubsub-${projectId}-${named.replace(/^.*\//, '')}`.replace(/[^A-Za-z0-9._-]/g, '_'),
      close: () => client.close(),
    };
  }

  if (flags.events === undefined) {
    throw new UsageError(
      '--source pubsub with no Pub/Sub project starts a local emulator and publishes generated events to it: give --events N ' +
        '(or name a service with --project, GOOGLE_CLOUD_PROJECT or PUBSUB_EMULATOR_HOST)',
    );
  }
  const emulator = await startPubSubEmulator();
  const client = new PubSub({
    projectId: 'tidemark-local',
    apiEndpoint: emulator.address,
    emulatorMode: true,
  });
  try {
    const [topic] = await client.createTopic(flags.topic ?? LOCAL_TOPIC);
    const subscription = flags.subscription ?? LOCAL_SUBSCRIPTION;
    await topic.createSubscription(subscription);
    io.err(
      `tidemark: local Pub/Sub emulator on ${emulator.address}: publishing ${flags.events} generated events to ${topic.name}\n`,
    );
    const published = await publishMessages(
      generatedForPublishing({
        events: flags.events,
        seed: flags.seed,
        ...(flags.lateRate !== undefined && { lateRate: flags.lateRate }),
        ...(flags.duplicateRate !== undefined && { duplicateRate: flags.duplicateRate }),
        ...(flags.malformedRate !== undefined && { malformedRate: flags.malformedRate }),
        ...(flags.outOfOrderMs !== undefined && { outOfOrderMs: flags.outOfOrderMs }),
      }),
      { client, topic: topic.name },
    );
    io.err(`tidemark: published ${published.published} in ${(published.elapsedMs / 1000).toFixed(1)} s; reading them back\n`);
    const options: PubSubSourceOptions = {
      subscription,
      client,
      ...readSettings(flags),
      drainAfterIdleMs: (flags.drainAfterIdle ?? LOCAL_DRAIN_AFTER_IDLE_S) * 1000,
    };
    return {
      source: { kind: 'pubsub', options },
      close: async () => {
        await client.close();
        await emulator.close();
      },
    };
  } catch (e) {
    await client.close().catch(() => undefined);
    await emulator.close();
    throw e;
  }
}
