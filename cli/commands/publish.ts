/**
 * `tidemark publish`: generated events (or the lines of a JSON Lines file) into a Pub/Sub topic at a target rate.
 * Honours PUBSUB_EMULATOR_HOST; otherwise Application Default Credentials and --project / GOOGLE_CLOUD_PROJECT.
 */
import { resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { type Command, Option } from 'commander';
import { LineReader } from '../../io/files/json_lines_source';
import { type OutgoingMessage, generatedForPublishing, publishMessages } from '../../io/pubsub';
import { nonNegativeInteger, positiveNumber, rate } from '../options';
import { UsageError } from '../usage_error';

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface PublishFlags {
  project?: string;
  topic: string;
  events?: number;
  seed: number;
  rate?: number;
  input?: string;
  createTopic?: boolean;
  lateRate?: number;
  duplicateRate?: number;
  malformedRate?: number;
  json?: boolean;
}

/** Largest line published from a file: Pub/Sub's 10 MB message limit, with room for attributes. */
const MAX_LINE_BYTES = 10 * 1024 * 1024 - 64 * 1024;

async function* fileMessages(path: string): AsyncIterable<OutgoingMessage> {
  const lines = new LineReader(path, MAX_LINE_BYTES, 1024 * 1024);
  await lines.open();
  try {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      const attributes: Record<string, string> = { source: 'file', line: String(line.number) };
      // A cut line is still published (the pipeline turns it into a dead letter), saying how long it was.
      if (line.fullBytes !== undefined) attributes.truncated_bytes = String(line.fullBytes);
      yield { data: line.bytes, attributes };
    }
  } finally {
    await lines.close();
  }
}

/** The project from the flag, the environment, or (for an emulator, which accepts any) a local default. */
export function projectOf(flag: string | undefined): string | undefined {
  return flag ?? process.env.GOOGLE_CLOUD_PROJECT ?? (process.env.PUBSUB_EMULATOR_HOST ? 'tidemark-local' : undefined);
}

export function registerPublishCommand(program: Command, io: Io): void {
  program
    .command('publish')
    .description('publish generated events (or a JSON Lines file) to a Pub/Sub topic; honours PUBSUB_EMULATOR_HOST')
    .option('--project <id>', 'Google Cloud project (default GOOGLE_CLOUD_PROJECT)')
    .requiredOption('--topic <name>', 'topic id or full name')
    .addOption(new Option('--events <n>', 'how many generated events (default 10,000)').argParser(nonNegativeInteger))
    .addOption(new Option('--seed <n>', 'generator seed').argParser(nonNegativeInteger).default(1))
    .addOption(new Option('--rate <per-second>', 'messages per second (default: as fast as possible)').argParser(positiveNumber))
    .option('--input <path>', 'publish the lines of this JSON Lines file instead of generated events')
    .option('--create-topic', 'create the topic when it does not exist')
    .addOption(new Option('--late-rate <share>', 'share of late events').argParser(rate))
    .addOption(new Option('--duplicate-rate <share>', 'share of duplicated messages').argParser(rate))
    .addOption(new Option('--malformed-rate <share>', 'share of malformed messages').argParser(rate))
    .option('--json', 'print a one-line JSON summary')
    .action(async (flags: PublishFlags) => {
      const projectId = projectOf(flags.project);
      if (projectId === undefined) throw new UsageError('give --project (or set GOOGLE_CLOUD_PROJECT or PUBSUB_EMULATOR_HOST)');
      if (flags.input !== undefined && flags.events !== undefined)
        throw new UsageError('--events and --input exclude each other');
      const client = new PubSub({ projectId });
      const interrupt = new AbortController();
      const onSigint = (): void => interrupt.abort();
      process.once('SIGINT', onSigint);
      try {
        const topic = client.topic(flags.topic);
        const [exists] = await topic.exists();
        if (!exists) {
          if (!flags.createTopic) throw new Error(`Pub/Sub topic ${topic.name} does not exist (add --create-topic to create it)`);
          await topic.create();
        }
        const messages =
          flags.input !== undefined
            ? fileMessages(resolve(flags.input))
            : generatedForPublishing({
                events: flags.events ?? 10_000,
                seed: flags.seed,
                ...(flags.rate !== undefined && { paceMessagesPerSecond: flags.rate }),
                ...(flags.lateRate !== undefined && { lateRate: flags.lateRate }),
                ...(flags.duplicateRate !== undefined && { duplicateRate: flags.duplicateRate }),
                ...(flags.malformedRate !== undefined && { malformedRate: flags.malformedRate }),
              });
        const summary = await publishMessages(messages, {
          client,
          topic: topic.name,
          ...(flags.rate !== undefined && { ratePerSecond: flags.rate }),
          signal: interrupt.signal,
        });
        const perSecond = summary.elapsedMs > 0 ? Math.round((summary.published / summary.elapsedMs) * 1000) : 0;
        io.out(
          flags.json
            ? `${JSON.stringify({ published: summary.published, topic: topic.name, elapsed_s: summary.elapsedMs / 1000, messages_per_s: perSecond })}\n`
            : `published ${summary.published} messages to ${topic.name} in ${(summary.elapsedMs / 1000).toFixed(1)} s (${perSecond}/s)\n`,
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
        await client.close();
      }
    });
}
