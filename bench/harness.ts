/**
 * Shared machinery for sections: run a case in a child process, repeat it, compare outputs, print tables and
 * compute ratios.
 *
 * Why a child process per measurement: peak RSS (process.resourceUsage().maxRSS) is a per-process high-water mark,
 * so it is only per-case if every case gets a fresh process; it also keeps one side's garbage, JIT state and heap
 * growth from leaking into the next side's timing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { RESULT_MARKER, type WorkerOutput } from './case_result';

/** bench/ and the project root (the child's cwd, so that `--require tsx/cjs` resolves from the project). */
export const BENCH_DIR = __dirname;
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The seed every side of every section uses (BENCH_SEED overrides, for checking that results do not hinge on it). */
export function benchSeed(): number {
  const raw = process.env.BENCH_SEED;
  if (raw === undefined || raw.trim() === '') return 1;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new RangeError(`BENCH_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return seed;
}

/** Measured runs per case (best time is kept); BENCH_RUNS overrides the default of 2. */
export function benchRuns(): number {
  const raw = process.env.BENCH_RUNS;
  if (raw === undefined || raw.trim() === '') return 2;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`BENCH_RUNS must be a positive integer, got ${raw}`);
  return runs;
}

/** Case names are file names under bench/cases; restricting the alphabet keeps them from escaping that folder. */
const CASE_NAME = /^[a-z0-9_]+$/;

export function caseFile(name: string): string {
  if (!CASE_NAME.test(name)) throw new Error(`invalid case name ${JSON.stringify(name)}`);
  return path.join(BENCH_DIR, 'cases', `${name}.ts`);
}

/** Whether bench/cases/<name>.ts exists (tidemark cases are written by the SDK side and may not exist yet). */
export function caseExists(name: string): boolean {
  return existsSync(caseFile(name));
}

/** Relative path for messages. */
export function caseDisplayPath(name: string): string {
  return path.relative(PROJECT_ROOT, caseFile(name));
}

/**
 * Runs one case once in a fresh child process and returns what the worker printed. `warmup` elements are run
 * first in the same child (JIT warm-up), untimed; 0 skips it.
 */
export function runCaseInChild(name: string, n: number, seed: number, warmup: number): Promise<WorkerOutput> {
  // `--require tsx/cjs` rather than `--import tsx`: the project is CommonJS, and the ESM hooks of `--import tsx` run
  // in a loader thread that adds ~50 MB to every process's RSS (46 MB vs 94 MB for an empty script here).
  const args = ['--require', 'tsx/cjs', path.join(BENCH_DIR, 'worker.ts'), name, String(n), String(seed)];
  if (warmup > 0) args.push('--warmup', String(warmup));
  return new Promise((resolve, reject) => {
    // stdout is captured (the result line, plus whatever the case prints, e.g. apache-beam's console.debug);
    // stderr is passed through so that errors and notes reach the user as they happen.
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        const tail = stdout.trim().split('\n').slice(-5).join('\n');
        reject(
          new Error(
            `case ${name} (n=${n}) failed: exit ${code ?? 'null'}${signal ? ` signal ${signal}` : ''} (its stderr is above)` +
              (tail ? `\n  last stdout lines:\n  ${tail.replace(/\n/g, '\n  ')}` : ''),
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerOutput);
    });
  });
}

/** The summary of several runs of one case at one size. */
export interface Measurement {
  case: string;
  /** A label for tables (e.g. "tidemark runner"). */
  label: string;
  elements: number;
  outputs: number;
  checksum: number;
  /** Best (minimum) processing time over the runs, seconds. */
  seconds: number;
  /** elements / seconds for the best run. */
  eventsPerS: number;
  /** Highest peak RSS over the runs, MB (the conservative figure for a memory claim). */
  peakRssMb: number;
  runs: number;
}

export interface CaseSpec {
  case: string;
  label: string;
  n: number;
}

/** A measurement, or why there is none (missing module, or the child failed). */
export type Outcome = { ok: true; m: Measurement } | { ok: false; spec: CaseSpec; reason: string };

/**
 * Measures several cases side by side: the runs are interleaved (A B C, A B C, ...) rather than grouped, so that
 * drift in a shared machine's speed spreads over all sides instead of biasing one. A missing case module is
 * reported, not fatal; a failing child is reported and marks the process as failed (exit code 1) but the other
 * numbers are still printed.
 */
export async function measureSideBySide(specs: CaseSpec[], seed: number): Promise<Outcome[]> {
  const runs = benchRuns();
  const results: WorkerOutput[][] = specs.map(() => []);
  const failures: (string | undefined)[] = specs.map((s) =>
    caseExists(s.case) ? undefined : `${caseDisplayPath(s.case)} does not exist yet`,
  );
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < specs.length; i++) {
      if (failures[i] !== undefined) continue;
      const spec = specs[i];
      // Warm-up at 10% of the size (at least 50k elements, at most the size itself, so that smoke runs warm up
      // too): cheap for every case here (apache-beam 1M: ~0.6 s) and enough to get the hot paths optimised before
      // the timed run. It runs in the same child, so it may raise peak RSS a little, never above what the
      // full-size run needs.
      const warmup = Math.max(Math.floor(spec.n / 10), Math.min(spec.n, 50_000));
      process.stderr.write(`  ${spec.case} n=${spec.n} run ${round + 1}/${runs}...\n`);
      try {
        results[i].push(await runCaseInChild(spec.case, spec.n, seed, warmup));
      } catch (err) {
        failures[i] = err instanceof Error ? err.message : String(err);
        process.exitCode = 1;
      }
    }
  }
  return specs.map((spec, i): Outcome => {
    const failure = failures[i];
    if (failure !== undefined) return { ok: false, spec, reason: failure };
    const rs = results[i];
    const best = rs.reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a));
    const seconds = best.elapsedMs / 1000;
    return {
      ok: true,
      m: {
        case: spec.case,
        label: spec.label,
        elements: best.elements,
        outputs: best.outputs,
        checksum: best.checksum,
        seconds,
        eventsPerS: seconds > 0 ? best.elements / seconds : Infinity,
        peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
        runs: rs.length,
      },
    };
  });
}

export function measurementOf(outcome: Outcome): Measurement | undefined {
  return outcome.ok ? outcome.m : undefined;
}

/** a / b rounded to 4 significant digits, or null when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Number((a / b).toPrecision(4));
}

/** A rate or size for the JSON line: rounded, or null when missing. */
export function num(x: number | undefined, digits = 0): number | null {
  if (x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Checks that every present measurement in a group produced the same outputs and checksum (they ran the same
 * computation on the same input). Prints a MISMATCH line and fails the process otherwise. Returns null when fewer
 * than two sides are present (nothing to compare).
 */
export function outputsMatch(group: (Measurement | undefined)[]): boolean | null {
  const present = group.filter((m): m is Measurement => m !== undefined);
  if (present.length < 2) return null;
  const [first, ...rest] = present;
  let ok = true;
  for (const m of rest) {
    // Checksums are sums of integers well below 2^53, so exact comparison is right.
    if (m.outputs !== first.outputs || m.checksum !== first.checksum || m.elements !== first.elements) {
      ok = false;
      console.log(
        `MISMATCH: ${m.label} (elements ${m.elements}, outputs ${m.outputs}, checksum ${m.checksum}) vs ` +
          `${first.label} (elements ${first.elements}, outputs ${first.outputs}, checksum ${first.checksum})`,
      );
    }
  }
  if (!ok) process.exitCode = 1;
  return ok;
}

function fmtInt(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** Prints a fixed-width table of outcomes (missing ones as a row of dashes plus the reason below the table). */
export function printTable(title: string, outcomes: Outcome[]): void {
  const header = ['case', 'elements', 'seconds', 'elements/s', 'peak RSS MB', 'outputs', 'checksum'];
  const rows: string[][] = outcomes.map((o) =>
    o.ok
      ? [
          o.m.label,
          fmtInt(o.m.elements),
          o.m.seconds.toFixed(3),
          fmtInt(o.m.eventsPerS),
          o.m.peakRssMb.toFixed(0),
          fmtInt(o.m.outputs),
          String(o.m.checksum),
        ]
      : [o.spec.label, fmtInt(o.spec.n), '-', '-', '-', '-', '-'],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  for (const o of outcomes) {
    if (!o.ok) console.log(`  note: ${o.spec.label} not measured (its numbers and ratios are null): ${o.reason}`);
  }
}
