/**
 * `npm run bench -- [SECTION...]`: runs the named sections (all of them, in registry order, when none is named).
 *
 * Each section prints a readable table and ends with ONE JSON line on stdout, `{"section":"<name>", ...}`, so that
 * scripts can `grep '^{"section"'`. Progress goes to stderr, keeping stdout to tables, notes and JSON lines.
 * Every measurement runs in its own child process (see bench/harness.ts), side by side with the cases it is
 * compared with, because absolute times on shared machines drift.
 *
 * Environment: BENCH_SCALE (default 1) multiplies element counts (BENCH_SCALE=0.01 for a smoke run); BENCH_RUNS
 * (default 2) measured runs per case, best kept; BENCH_SEED (default 1).
 *
 * Exit codes: 0 ok; 1 a case failed or sides disagreed (everything else is still printed); 2 bad arguments.
 */
import type { Section } from './section';
import { SECTIONS } from './sections';
import { benchScale } from './scale';
import { benchRuns, benchSeed } from './harness';

function selectSections(args: string[]): Section[] {
  if (args.length === 0) return [...SECTIONS];
  const valid = SECTIONS.map((s) => s.name);
  const unknown = args.filter((a) => !valid.includes(a));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench section${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n` +
        `valid sections: ${valid.join(', ')}\n` +
        `usage: npm run bench -- [${valid.join('|')}]...\n`,
    );
    process.exit(2);
  }
  // Keep the order given, drop repeats.
  return [...new Set(args)].map((name) => SECTIONS.find((s) => s.name === name) as Section);
}

async function main(): Promise<void> {
  const sections = selectSections(process.argv.slice(2));
  let scale: number;
  let runs: number;
  let seed: number;
  try {
    scale = benchScale();
    runs = benchRuns();
    seed = benchSeed();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  for (const section of sections) {
    console.log(`\n== ${section.name}: ${section.description}`);
    console.log(`   scale ${scale}, seed ${seed}, best of ${runs} runs per case (each after an untimed warm-up run)`);
    const started = Date.now();
    const result = await section.run();
    process.stderr.write(`  section ${section.name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    console.log(JSON.stringify({ section: section.name, scale, ...result }));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
