/**
 * Child-process entry point: runs ONE case once and prints its result, with the process's peak RSS, as one marked
 * JSON line on stdout. Started by bench/harness.ts as
 *
 *   node --require tsx/cjs bench/worker.ts <case> <n> <seed> [--warmup <m>]
 *
 * and usable by hand the same way (or `npx tsx bench/worker.ts ...`) to look at one case.
 *
 * --warmup m first runs the case on m elements (untimed, result discarded) so that the timed run measures
 * optimised code; peak RSS covers both runs, and the warm-up's is the smaller.
 */
import { createRequire } from 'node:module';
import { RESULT_MARKER, type CaseModule, type WorkerOutput } from './case_result';
import { caseExists, caseFile } from './harness';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: worker.ts <case> <n> <seed> [--warmup <m>]\n`);
  process.exit(2);
}

function parseCount(raw: string | undefined, what: string): number {
  const x = Number(raw);
  if (raw === undefined || !Number.isInteger(x) || x < 0) usage(`${what} must be a non-negative integer, got ${raw}`);
  return x;
}

function isCaseModule(mod: unknown): mod is CaseModule {
  return typeof mod === 'object' && mod !== null && typeof (mod as { run?: unknown }).run === 'function';
}

async function main(argv: string[]): Promise<void> {
  const [name, rawN, rawSeed, ...rest] = argv;
  if (name === undefined) usage('missing case name');
  const n = parseCount(rawN, 'n');
  const seed = Number(rawSeed);
  if (!Number.isInteger(seed)) usage(`seed must be an integer, got ${rawSeed}`);
  let warmup = 0;
  if (rest.length > 0) {
    if (rest[0] !== '--warmup' || rest.length !== 2) usage(`unexpected arguments: ${rest.join(' ')}`);
    warmup = parseCount(rest[1], '--warmup');
  }
  if (!caseExists(name)) usage(`no such case: ${caseFile(name)}`);

  // require, not import(): the worker runs under `--require tsx/cjs` (CommonJS hook only), because `--import tsx`
  // adds an ESM loader thread that costs ~50 MB of RSS in every case and would blur the per-case memory figures.
  const mod: unknown = createRequire(__filename)(caseFile(name));
  if (!isCaseModule(mod)) throw new Error(`${caseFile(name)} does not export run(n, seed)`);

  if (warmup > 0) await mod.run(warmup, seed + 1); // another seed: the timed run must not reuse warm caches of data
  const result = await mod.run(n, seed);
  const output: WorkerOutput = {
    case: name,
    n,
    seed,
    elements: result.elements,
    outputs: result.outputs,
    checksum: result.checksum,
    elapsedMs: result.elapsedMs,
    // maxRSS is in kilobytes on Linux and macOS.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(output)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
