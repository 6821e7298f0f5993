/**
 * The local BigQuery servers in their own process, for the `bigquery` bench section: the sink under measurement
 * then has its process (and its core) to itself. Prints one JSON line with the endpoints, serves until stdin closes.
 */
import { startBigQueryEmulator } from '../test/emulators/bigquery';

async function serve(): Promise<void> {
  const emulator = await startBigQueryEmulator();
  process.stdout.write(`${JSON.stringify(emulator.endpoints)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void emulator.stop().then(() => process.exit(0));
  });
}

void serve();
