/**
 * The `tidemark` command. Exit codes: 0 success, 2 bad usage (with a message naming the problem), 1 runtime
 * failure (one line saying why).
 */
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ANALYSES, analysisSql } from '../io/warehouse/analyses';
import { openDuckDbWarehouse } from '../io/warehouse/duckdb_warehouse';
import { formatRows } from '../io/warehouse/format';
import {
  type MarketingRunOptions,
  type RunSummary,
  type SourceSpec,
  runMarketingEvents,
} from '../pipelines/run_marketing_events';
import { reidentifyCommand } from '../io/dlp/reidentify';
import { registerLaunchCommand } from './launch_command';
import { registerEmulatorCommand } from './commands/emulator';
import { registerPublishCommand } from './commands/publish';
import { type PubSubRunFlags, addPubSubRunOptions, openPubSubInput } from './commands/pubsub_input';
import { nonNegativeInteger, positiveNumber, rate } from './options';
import {
  type BigQueryQueryFlags,
  type BigQueryRunFlags,
  addBigQueryQueryOptions,
  addBigQueryRunOptions,
  bigQuerySinkOptions,
} from './bigquery_options';
import { runBigQueryQuery } from './query_bigquery';
import { UsageError } from './usage_error';
import { terminalProgress } from './progress';

/** Where the warehouse lives without --warehouse: a data folder in the project. */
export const DEFAULT_WAREHOUSE = resolve(__dirname, '..', 'data', 'tidemark.duckdb');

export { UsageError };

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTty: boolean;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTty: process.stderr.isTTY === true,
};

interface RunFlags extends BigQueryRunFlags, PubSubRunFlags {
  source: 'generator' | 'file' | 'pubsub';
  input?: string;
  events?: number;
  seed: number;
  rate?: number;
  lateRate?: number;
  duplicateRate?: number;
  malformedRate?: number;
  outOfOrderMs?: number;
  duration?: number;
  warehouse: string;
  masker: 'local' | 'dlp';
  dlpParent?: string;
  dlpEndpoint?: string;
  wrappedKeys?: string;
  dlpRequestsPerMinute?: number;
  sink: 'duckdb' | 'bigquery';
  checkpointDir?: string;
  checkpointInterval?: number;
  maskingConfig?: string;
  keyFile?: string;
  json?: boolean;
}

function addRunOptions(cmd: Command, defaultEvents?: number): Command {
  addPubSubRunOptions(cmd)
    .addOption(
      new Option('--source <kind>', 'where messages come from').choices(['generator', 'file', 'pubsub']).default('generator'),
    )
    .option('--input <path>', 'JSON Lines file, one message per line (with --source file)')
    .addOption(
      new Option('--events <n>', 'generate this many messages, then stop (bounded run)')
        .argParser(nonNegativeInteger)
        .default(defaultEvents),
    )
    .addOption(new Option('--seed <n>', 'generator seed (same seed, same data)').argParser(nonNegativeInteger).default(1))
    .addOption(
      new Option('--rate <per-second>', 'pace the generator at this many messages per second of wall-clock time').argParser(
        positiveNumber,
      ),
    )
    .addOption(new Option('--late-rate <share>', 'share of events delivered beyond the allowed lateness').argParser(rate))
    .addOption(new Option('--duplicate-rate <share>', 'share of redelivered messages').argParser(rate))
    .addOption(new Option('--malformed-rate <share>', 'share of malformed messages').argParser(rate))
    .addOption(new Option('--out-of-order-ms <ms>', 'how far out of order on-time events arrive').argParser(nonNegativeInteger))
    .addOption(
      new Option('--duration <seconds>', 'stop after this long and drain (fire every open window)').argParser(positiveNumber),
    )
    .option('--warehouse <path>', 'DuckDB file of the warehouse', DEFAULT_WAREHOUSE)
    .addOption(new Option('--masker <kind>', 'PII masking engine').choices(['local', 'dlp']).default('local'))
    .option('--dlp-parent <name>', 'with --masker dlp: projects/P/locations/L where DLP processes requests')
    .addOption(
      new Option('--dlp-endpoint <host:port>', 'with --masker dlp: a local DLP-compatible server (no TLS; development keys)').env(
        'TIDEMARK_DLP_ENDPOINT',
      ),
    )
    .option(
      '--wrapped-keys <file>',
      'with --masker dlp on Cloud DLP: the KMS-wrapped keys ({"keys": {name: {cryptoKeyName, wrappedKey}}})',
    )
    .addOption(
      new Option('--dlp-requests-per-minute <n>', 'with --masker dlp: client-side rate limit (default 600)').argParser(
        positiveNumber,
      ),
    )
    .option('--masking-config <path>', 'masking configuration in DLP shape (default config/deidentify.json)')
    .option('--key-file <path>', 'development key file (default data/dev-keys.json, created when missing)')
    .addOption(new Option('--sink <kind>', 'where results go').choices(['duckdb', 'bigquery']).default('duckdb'))
    .option('--checkpoint-dir <dir>', 'survive crashes: checkpoint here, resume from here (emptied when the run finishes)')
    .addOption(
      new Option('--checkpoint-interval <ms>', 'processing time between checkpoints (default 1000)').argParser(
        nonNegativeInteger,
      ),
    )
    .option('--json', 'print a one-line JSON summary as the last line of stdout');
  return addBigQueryRunOptions(cmd);
}

function runOptionsOf(flags: RunFlags, io: Io, pubsub?: SourceSpec): MarketingRunOptions {
  let source: SourceSpec;
  if (pubsub) source = pubsub;
  else if (flags.source === 'file') {
    if (!flags.input) throw new UsageError('--source file needs --input PATH');
    source = { kind: 'file', path: resolve(flags.input) };
  } else {
    if (flags.input) throw new UsageError('--input goes with --source file');
    source = {
      kind: 'generator',
      options: {
        seed: flags.seed,
        ...(flags.events !== undefined && { events: flags.events }),
        ...(flags.rate !== undefined && { paceMessagesPerSecond: flags.rate }),
        ...(flags.lateRate !== undefined && { lateRate: flags.lateRate }),
        ...(flags.duplicateRate !== undefined && { duplicateRate: flags.duplicateRate }),
        ...(flags.malformedRate !== undefined && { malformedRate: flags.malformedRate }),
        ...(flags.outOfOrderMs !== undefined && { outOfOrderMs: flags.outOfOrderMs }),
      },
    };
    if (flags.events === undefined && flags.duration === undefined) {
      io.err('tidemark: unbounded generator: stop with Ctrl-C (drains), or give --events or --duration\n');
    }
  }
  if (flags.sink !== 'bigquery' && (flags.dataset !== undefined || flags.createTables)) {
    throw new UsageError('--dataset and --create-tables go with --sink bigquery');
  }
  const dlpFlags = [flags.dlpParent, flags.dlpEndpoint, flags.wrappedKeys, flags.dlpRequestsPerMinute];
  if (flags.masker !== 'dlp' && dlpFlags.some((f) => f !== undefined)) {
    throw new UsageError('--dlp-parent, --dlp-endpoint, --wrapped-keys and --dlp-requests-per-minute go with --masker dlp');
  }
  if (flags.masker === 'dlp' && (flags.dlpEndpoint === undefined) === (flags.wrappedKeys === undefined)) {
    throw new UsageError('--masker dlp needs --dlp-endpoint HOST:PORT (a local DLP server) or --wrapped-keys FILE (Cloud DLP)');
  }
  if (flags.masker === 'dlp' && flags.wrappedKeys !== undefined && flags.dlpParent === undefined) {
    throw new UsageError('--masker dlp on Cloud DLP needs --dlp-parent projects/P/locations/L');
  }
  return {
    source,
    warehousePath: resolve(flags.warehouse),
    ...(flags.masker === 'dlp' && {
      dlp: {
        parent: flags.dlpParent ?? 'projects/tidemark-local/locations/global',
        ...(flags.dlpEndpoint !== undefined && { endpoint: flags.dlpEndpoint }),
        ...(flags.wrappedKeys !== undefined && { wrappedKeysFile: resolve(flags.wrappedKeys) }),
        ...(flags.keyFile !== undefined && { keyFile: resolve(flags.keyFile) }),
        ...(flags.dlpRequestsPerMinute !== undefined && { requestsPerMinute: flags.dlpRequestsPerMinute }),
      },
    }),
    ...(flags.checkpointDir !== undefined && { checkpointDir: resolve(flags.checkpointDir) }),
    ...(flags.checkpointInterval !== undefined && { checkpointIntervalMs: flags.checkpointInterval }),
    ...(flags.sink === 'bigquery' && { bigquery: bigQuerySinkOptions(flags, (m) => new UsageError(m)) }),
    masking: {
      ...(flags.maskingConfig !== undefined && { configPath: resolve(flags.maskingConfig) }),
      ...(flags.keyFile !== undefined && { keyFile: resolve(flags.keyFile) }),
    },
    ...(flags.duration !== undefined && { durationMs: flags.duration * 1000 }),
  };
}

async function run(flags: RunFlags, io: Io): Promise<RunSummary> {
  const pubsub = flags.source === 'pubsub' ? await openPubSubInput(flags, io) : undefined;
  try {
    const options = runOptionsOf(flags, io, pubsub?.source);
    if (pubsub?.checkpointName !== undefined && options.checkpointDir === undefined) {
      // Pub/Sub is acknowledged only after a checkpoint: without one, state not yet written would be lost in a crash.
      const checkpointDir = resolve(dirname(resolve(flags.warehouse)), 'checkpoints', pubsub.checkpointName);
      io.err(`tidemark: checkpoints in ${checkpointDir} (--checkpoint-dir to choose)\n`);
      return await runWith({ ...options, checkpointDir }, flags, io);
    }
    return await runWith(options, flags, io);
  } finally {
    await pubsub?.close();
  }
}

async function runWith(options: MarketingRunOptions, flags: RunFlags, io: Io): Promise<RunSummary> {
  const progress = io.isTty && !flags.json ? terminalProgress(process.stderr) : undefined;
  // Ctrl-C drains: sources stop, every open window fires, results are written, then the command exits.
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const summary = await runMarketingEvents({
      ...options,
      signal: interrupt.signal,
      ...(progress && { onProgress: (p) => progress.update(p) }),
    });
    progress?.done();
    return summary;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function printSummary(summary: RunSummary, flags: { json?: boolean }, io: Io): void {
  if (flags.json) {
    io.out(`${JSON.stringify(summary)}\n`);
    return;
  }
  const fmt = new Intl.NumberFormat('en-US');
  io.out(
    [
      `read ${fmt.format(summary.events_in)} messages in ${summary.elapsed_s} s (${fmt.format(summary.events_per_s)}/s)`,
      `  events written       ${fmt.format(summary.events_written)}`,
      `  duplicates dropped   ${fmt.format(summary.duplicates_dropped)}`,
      `  late events          ${fmt.format(summary.late)}`,
      `  dead letters         ${fmt.format(summary.dead_letter)}`,
      `  sessions             ${fmt.format(summary.sessions)}`,
      `  warehouse            ${summary.warehouse}`,
      '',
    ].join('\n'),
  );
}

async function showExamples(warehousePath: string, io: Io): Promise<void> {
  const warehouse = await openDuckDbWarehouse(warehousePath);
  try {
    for (const a of ANALYSES) {
      const sql = analysisSql(a);
      io.out(`\n${a.title}\n  tidemark query "${sql.replace(/\s+/g, ' ')}"\n\n`);
      io.out(`${formatRows(await warehouse.query(sql), 'table')}\n`);
    }
  } finally {
    await warehouse.close();
  }
}

interface QueryFlags extends BigQueryQueryFlags {
  warehouse: string;
  format: 'table' | 'json' | 'csv';
  target: 'duckdb' | 'bigquery';
}

export function buildProgram(io: Io = defaultIo): Command {
  const program = new Command('tidemark')
    .description('Streaming ETL for marketing events with Beam semantics')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');

  addRunOptions(program.command('run').description('run the marketing pipeline on the local streaming runner')).action(
    async (flags: RunFlags) => printSummary(await run(flags, io), flags, io),
  );

  addRunOptions(
    program.command('demo').description('a bounded run (200,000 generated events), then example queries and their results'),
    200_000,
  ).action(async (flags: RunFlags) => {
    const summary = await run(flags, io);
    printSummary(summary, flags, io);
    if (!flags.json && flags.sink !== 'bigquery') await showExamples(resolve(flags.warehouse), io);
  });

  addBigQueryQueryOptions(program.command('query'))
    .description('run SQL against the warehouse')
    .argument('<sql>', 'the query')
    .option('--warehouse <path>', 'DuckDB file of the warehouse', DEFAULT_WAREHOUSE)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addOption(new Option('--target <target>', 'which warehouse').choices(['duckdb', 'bigquery']).default('duckdb'))
    .action(async (sql: string, flags: QueryFlags) => {
      if (flags.target === 'bigquery') return runBigQueryQuery(sql, flags, io, (m) => new UsageError(m));
      // Read-only: a query never creates or alters a warehouse (a mistyped path is an error, not an empty file).
      const warehouse = await openDuckDbWarehouse(resolve(flags.warehouse), { readOnly: true });
      try {
        io.out(`${formatRows(await warehouse.query(sql), flags.format)}\n`);
      } finally {
        await warehouse.close();
      }
    });
  program
    .command('reidentify')
    .description('turn pseudonym surrogates back into the originals (authorised use; needs the keys)')
    .argument('[values...]', 'surrogates, e.g. TIDEMARK_USER(28):…; without values, a JSON array on stdin')
    .option('--masking-config <path>', 'masking configuration in DLP shape (default config/deidentify.json)')
    .option('--key-file <path>', 'development key file (default data/dev-keys.json)')
    .action(async (values: string[], flags: { maskingConfig?: string; keyFile?: string }) => {
      const stdin = values.length > 0 || process.stdin.isTTY ? undefined : await readStdin();
      io.out(
        await reidentifyCommand(values, stdin, {
          ...(flags.maskingConfig !== undefined && { configPath: resolve(flags.maskingConfig) }),
          ...(flags.keyFile !== undefined && { keyFile: resolve(flags.keyFile) }),
        }),
      );
    });

  registerLaunchCommand(program, io);
  registerPublishCommand(program, io);
  registerEmulatorCommand(program, io);
  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; every other parse failure is bad usage.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.err(`tidemark: ${e.message}\n`);
      return 2;
    }
    // One line: engines such as DuckDB put hints on further lines.
    const reason = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' — ');
    io.err(`tidemark: ${reason}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
