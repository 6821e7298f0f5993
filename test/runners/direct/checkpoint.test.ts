/**
 * Checkpoints: a run that dies after any bundle and resumes from its last checkpoint ends with the same sink
 * contents as a run that never died, sources acknowledge only what a checkpoint covers, and a restart alone never
 * makes an event late.
 *
 * A "crash" here is a source that throws on its n-th read: the run rejects without finishing, like a killed
 * process, and whatever the sink had written stays written. The sink is idempotent the way the project's sinks
 * are: a row per key and window, replaced by a later pane, removed when a merge supersedes its window.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { ManualClock, systemClock, type Clock } from '../../../sdk/clock';
import { count } from '../../../sdk/combine_fns';
import { type DoFn, type ProcessContext } from '../../../sdk/do_fn';
import { type LateElement } from '../../../sdk/graph';
import { type KV } from '../../../sdk/kv';
import { Pipeline } from '../../../sdk/pipeline';
import { EMPTY_BATCH, type ReadBatch, type Source, type SourceContext, type SourceReader } from '../../../sdk/source';
import { type Instant, WATERMARK_DONE, WATERMARK_START, minutes } from '../../../sdk/time';
import { mapToKV, parDo } from '../../../sdk/transforms/element_wise';
import { combinePerKey, lateElementsOf } from '../../../sdk/transforms/group';
import { read } from '../../../sdk/transforms/read';
import { windowInto } from '../../../sdk/transforms/window_into';
import { withTimestamps } from '../../../sdk/transforms/with_timestamps';
import { boundedOutOfOrderness } from '../../../sdk/watermark_estimator';
import { sessions } from '../../../sdk/window_fns';
import {
  type Checkpoint,
  CheckpointError,
  type CheckpointStore,
  FileCheckpointStore,
  runPipeline,
} from '../../../runners/direct';

const T0 = Date.parse('2026-03-01T09:00:00Z');

interface Click {
  readonly id: number;
  readonly user: string;
  readonly t: Instant;
}

class SimulatedCrash extends Error {}

/**
 * Clicks in arrival order, `perRead` at a time, resuming at the position a checkpoint recorded. Records what it
 * was asked to commit, and dies on its `crashOnRead`-th read of this run.
 */
class ClickSource implements Source<Click> {
  readonly bounded = true;
  readonly description = 'clicks';
  /** Positions at which commit() was called, over all runs. */
  readonly commits: number[] = [];
  crashOnRead = Number.POSITIVE_INFINITY;
  /** Reads that find nothing right after open, as a Pub/Sub subscription does while it connects. */
  emptyReadsAfterOpen = 0;

  constructor(
    private readonly clicks: readonly Click[],
    private readonly perRead: number,
  ) {}

  open(context: SourceContext): SourceReader<Click> {
    let at = typeof context.resumeFrom === 'number' ? context.resumeFrom : 0;
    let reads = 0;
    return {
      read: (): ReadBatch<Click> => {
        if (++reads >= this.crashOnRead) throw new SimulatedCrash(`crash on read ${reads}`);
        if (at >= this.clicks.length || reads <= this.emptyReadsAfterOpen) return EMPTY_BATCH;
        const values = this.clicks.slice(at, at + this.perRead);
        at += values.length;
        return { values, timestamps: values.map(() => WATERMARK_START) };
      },
      watermark: () => (at >= this.clicks.length ? WATERMARK_DONE : WATERMARK_START),
      checkpoint: () => at,
      commit: () => {
        this.commits.push(at);
      },
      close() {},
    };
  }
}

/** The durable side: session counts by user and window, and late clicks by id. */
class Warehouse {
  readonly sessions = new Map<string, { count: number; pane: number }>();
  readonly late = new Map<number, string>();

  sessionSink(): DoFn<KV<string, number>, never> {
    const table = this.sessions;
    return {
      process(kv: KV<string, number>, ctx: ProcessContext<never>) {
        for (const w of ctx.pane.supersedes) table.delete(`${kv.key} ${w.start - T0}..${w.end - T0}`);
        const id = `${kv.key} ${ctx.window.start - T0}..${ctx.window.end - T0}`;
        const stored = table.get(id);
        if (!stored || stored.pane <= ctx.pane.index) table.set(id, { count: kv.value, pane: ctx.pane.index });
      },
    };
  }

  lateSink(): DoFn<LateElement<KV<string, Click>>, never> {
    const late = this.late;
    return {
      process(e: LateElement<KV<string, Click>>) {
        late.set(e.value.value.id, e.reason);
      },
    };
  }

  contents(): { sessions: [string, number][]; late: [number, string][] } {
    return {
      sessions: [...this.sessions].map(([k, v]) => [k, v.count] as [string, number]).sort(),
      late: [...this.late].sort((a, b) => a[0] - b[0]),
    };
  }
}

/** Keeps the checkpoint as bytes, as a file would: nothing of the live objects survives a "crash". */
class BytesCheckpointStore implements CheckpointStore {
  readonly description = 'memory';
  bytes: Buffer | undefined;
  saves = 0;
  async load(): Promise<Checkpoint | undefined> {
    return this.bytes && (deserialize(this.bytes) as Checkpoint);
  }
  async save(c: Checkpoint): Promise<void> {
    this.bytes = serialize(c);
    this.saves++;
  }
  async clear(): Promise<void> {
    this.bytes = undefined;
  }
}

function sessionPipeline(source: ClickSource, warehouse: Warehouse, stepSuffix = ''): Pipeline {
  const p = new Pipeline();
  const grouped = p
    .apply(read(source, 'Read'))
    .apply(withTimestamps((c: Click) => c.t, { watermark: boundedOutOfOrderness(minutes(5)) }, 'EventTime'))
    .apply(windowInto(sessions(minutes(10)), { allowedLatenessMs: minutes(15) }))
    .apply(mapToKV((c: Click) => ({ key: c.user, value: c }), `ByUser${stepSuffix}`))
    .apply(combinePerKey<string, Click, number, number>(count(), 'Sessions'));
  grouped.apply(parDo(warehouse.sessionSink(), {}, 'WriteSessions'));
  lateElementsOf(grouped).apply(parDo(warehouse.lateSink(), {}, 'WriteLate'));
  return p;
}

/** A random click stream: users, event times drifting forward with jitter, some clicks far behind (late). */
const clickStreams = fc
  .array(
    fc.record({
      user: fc.constantFrom('ann', 'bob', 'cyd'),
      step: fc.integer({ min: 0, max: 8 }),
      behind: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 20, max: 60 })),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows) => {
    let now = 0;
    return rows.map((r, id): Click => {
      now += r.step;
      return { id, user: r.user, t: T0 + minutes(Math.max(0, now - r.behind)) };
    });
  });

async function uninterrupted(clicks: readonly Click[], perRead: number) {
  const warehouse = new Warehouse();
  await runPipeline(sessionPipeline(new ClickSource(clicks, perRead), warehouse), { maxBundleSize: perRead });
  return warehouse.contents();
}

/** Runs until the pipeline finishes, crashing on the given read of each attempt; returns the sink and attempts. */
async function withCrashes(clicks: readonly Click[], perRead: number, crashes: readonly number[], clock: Clock = systemClock) {
  const warehouse = new Warehouse();
  const store = new BytesCheckpointStore();
  const source = new ClickSource(clicks, perRead);
  let attempts = 0;
  for (;;) {
    source.crashOnRead = crashes[attempts] ?? Number.POSITIVE_INFINITY;
    attempts++;
    try {
      // A fresh pipeline object each time: the restarted process has nothing of the old one but the checkpoint.
      await runPipeline(sessionPipeline(source, warehouse), {
        maxBundleSize: perRead,
        clock,
        checkpoint: { store, intervalMs: 0 },
      });
      break;
    } catch (e) {
      if (!(e instanceof Error && e.cause instanceof SimulatedCrash)) throw e;
    }
  }
  return { contents: warehouse.contents(), attempts, store, source };
}

describe('checkpoints', () => {
  it('a run that crashes after any bundle and resumes ends with the same sessions and late clicks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        clickStreams,
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 6 }),
        async (clicks, perRead, crashes) => {
          const expected = await uninterrupted(clicks, perRead);
          const { contents } = await withCrashes(clicks, perRead, crashes);
          assert.deepEqual(contents, expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a crash on the first read of every attempt still finishes: each attempt gets one bundle further', async () => {
    const clicks: Click[] = Array.from({ length: 12 }, (_, id) => ({
      id,
      user: id % 2 ? 'ann' : 'bob',
      t: T0 + minutes(id * 3),
    }));
    // The first read of a resumed run is the bundle after the checkpoint; crashing on read 2 lets one bundle through.
    const { contents, attempts } = await withCrashes(clicks, 2, Array(20).fill(2));
    assert.deepEqual(contents, await uninterrupted(clicks, 2));
    assert.ok(attempts > 5, `expected several restarts, got ${attempts}`);
  });

  it('sources commit only positions a saved checkpoint covers, and a finished run removes its checkpoint', async () => {
    const clicks: Click[] = Array.from({ length: 10 }, (_, id) => ({ id, user: 'ann', t: T0 + minutes(id) }));
    const { store, source } = await withCrashes(clicks, 3, [3, 4]);
    assert.ok(source.commits.length > 0);
    // Commits never go backwards across restarts except to a position a checkpoint holds, and end at the end.
    assert.equal(source.commits.at(-1), clicks.length);
    assert.ok(store.saves >= source.commits.length, 'every commit follows a checkpoint');
    assert.equal(store.bytes, undefined, 'a finished run leaves no checkpoint');
  });

  it('downtime before a restart does not move the watermark: a click on time before the crash is on time after', async () => {
    // The source goes idle-capable (idle timeout 1 min); the process is down for a day of processing time.
    const clock = new ManualClock(T0);
    const clicks: Click[] = [
      { id: 0, user: 'ann', t: T0 },
      { id: 1, user: 'ann', t: T0 + minutes(2) },
      { id: 2, user: 'ann', t: T0 + minutes(1) },
    ];
    const warehouse = new Warehouse();
    const store = new BytesCheckpointStore();
    const source = new ClickSource(clicks, 1);
    const pipeline = () => {
      const p = new Pipeline();
      const grouped = p
        .apply(read(source, 'Read'))
        .apply(
          withTimestamps(
            (c: Click) => c.t,
            { watermark: boundedOutOfOrderness(minutes(5), { idleTimeoutMs: minutes(1) }) },
            'EventTime',
          ),
        )
        .apply(windowInto(sessions(minutes(10))))
        .apply(mapToKV((c: Click) => ({ key: c.user, value: c }), 'ByUser'))
        .apply(combinePerKey<string, Click, number, number>(count(), 'Sessions'));
      grouped.apply(parDo(warehouse.sessionSink(), {}, 'WriteSessions'));
      lateElementsOf(grouped).apply(parDo(warehouse.lateSink(), {}, 'WriteLate'));
      return p;
    };
    source.crashOnRead = 3;
    await assert.rejects(runPipeline(pipeline(), { clock, maxBundleSize: 1, checkpoint: { store, intervalMs: 0 } }));
    clock.advanceBy(minutes(24 * 60));
    source.crashOnRead = Number.POSITIVE_INFINITY;
    // The restarted run's first bundles read nothing: the watermark is computed before the click arrives.
    source.emptyReadsAfterOpen = 3;
    await runPipeline(pipeline(), { clock, maxBundleSize: 1, checkpoint: { store, intervalMs: 0 } });
    assert.deepEqual(warehouse.contents(), { sessions: [['ann 0..720000', 3]], late: [] });
  });

  it('slow checkpoints are taken less often: the gap after one is at least nine times what it cost', async () => {
    // Each read takes 50 ms of processing time and each checkpoint 100 ms; asked for a checkpoint after every bundle,
    // the runner waits 900 ms after each one instead (the last, when the input ends, is always taken).
    const clock = new ManualClock(T0);
    const clicks: Click[] = Array.from({ length: 60 }, (_, id) => ({ id, user: 'ann', t: T0 + minutes(id) }));
    const source = new ClickSource(clicks, 1);
    const slowRead = source.open.bind(source);
    source.open = (context) => {
      const reader = slowRead(context);
      return {
        ...reader,
        read: (max: number, wait: number) => {
          clock.advanceBy(50);
          return reader.read(max, wait);
        },
      };
    };
    const savedAt: number[] = [];
    const store = new BytesCheckpointStore();
    const save = store.save.bind(store);
    store.save = async (c) => {
      savedAt.push(clock.now());
      clock.advanceBy(100);
      await save(c);
    };
    await runPipeline(sessionPipeline(source, new Warehouse()), {
      clock,
      maxBundleSize: 1,
      checkpoint: { store, intervalMs: 0 },
    });
    const gaps = savedAt.slice(1, -1).map((t, i) => t - savedAt[i]);
    assert.ok(gaps.length >= 2, `expected several checkpoints, got ${savedAt.length}`);
    for (const gap of gaps) assert.ok(gap >= 100 + 900, `a checkpoint ${gap} ms after the previous one`);
  });

  it('a checkpoint written by another pipeline is refused, naming the steps that differ', async () => {
    const clicks: Click[] = [
      { id: 0, user: 'ann', t: T0 },
      { id: 1, user: 'ann', t: T0 },
    ];
    const store = new BytesCheckpointStore();
    const source = new ClickSource(clicks, 1);
    source.crashOnRead = 2;
    await assert.rejects(runPipeline(sessionPipeline(source, new Warehouse()), { checkpoint: { store, intervalMs: 0 } }));
    source.crashOnRead = Number.POSITIVE_INFINITY;
    await assert.rejects(
      runPipeline(sessionPipeline(source, new Warehouse(), 'V2'), { checkpoint: { store, intervalMs: 0 } }),
      (e: unknown) =>
        e instanceof CheckpointError &&
        /different pipeline/.test(e.message) &&
        /no longer here: parDo ByUser\b/.test(e.message) &&
        /new steps: parDo ByUserV2\b/.test(e.message),
    );
  });

  it('file checkpoints are replaced atomically and removed when the run finishes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-checkpoint-'));
    try {
      const store = new FileCheckpointStore(join(dir, 'job'));
      const clicks: Click[] = Array.from({ length: 6 }, (_, id) => ({ id, user: 'bob', t: T0 + minutes(id) }));
      const source = new ClickSource(clicks, 2);
      source.crashOnRead = 3;
      await assert.rejects(runPipeline(sessionPipeline(source, new Warehouse()), { checkpoint: { store, intervalMs: 0 } }));
      assert.deepEqual(await readdir(join(dir, 'job')), ['checkpoint.v8'], 'no temporary file left behind');
      const saved = await store.load();
      assert.ok(saved !== undefined && saved.sequence >= 1);
      source.crashOnRead = Number.POSITIVE_INFINITY;
      const result = await runPipeline(sessionPipeline(source, new Warehouse()), { checkpoint: { store, intervalMs: 0 } });
      assert.equal(result.resumed, true);
      assert.deepEqual(await readdir(join(dir, 'job')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a file that is not a checkpoint is refused with its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tidemark-checkpoint-'));
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'checkpoint.v8'), 'not a checkpoint');
      await assert.rejects(
        new FileCheckpointStore(dir).load(),
        (e: unknown) => e instanceof CheckpointError && e.message.includes(dir),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
