/** `tidemark emulator pubsub [--port P] [--host H]`: the local Pub/Sub emulator, until interrupted. */
import { type Command, Option } from 'commander';
import { startPubSubEmulator } from '../../io/pubsub/emulator';
import { nonNegativeInteger } from '../options';

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Resolves on SIGINT or SIGTERM (or when `stop` aborts), whichever comes first. */
function untilInterrupted(stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.removeListener('SIGINT', done);
      process.removeListener('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    stop?.addEventListener('abort', done, { once: true });
  });
}

export function registerEmulatorCommand(program: Command, io: Io, stop?: AbortSignal): void {
  const emulator = program.command('emulator').description('run a local emulator of a Google Cloud service');
  emulator
    .command('pubsub')
    .description('the Pub/Sub emulator (gRPC, no authentication) until Ctrl-C; point clients at it with PUBSUB_EMULATOR_HOST')
    .addOption(new Option('--port <port>', 'TCP port (0 = any free port)').argParser(nonNegativeInteger).default(8085))
    .option('--host <host>', 'address to listen on (loopback by default: the emulator has no authentication)', '127.0.0.1')
    .action(async (flags: { port: number; host: string }) => {
      const server = await startPubSubEmulator({ host: flags.host, port: flags.port });
      io.out(`Pub/Sub emulator listening on ${server.address}\nexport PUBSUB_EMULATOR_HOST=${server.address}\n`);
      await untilInterrupted(stop);
      await server.close();
      io.err('Pub/Sub emulator stopped\n');
    });
}
