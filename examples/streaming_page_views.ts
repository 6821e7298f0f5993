/**
 * A small real streaming job on the direct runner (what `npm start` runs until the marketing
 * pipeline lands): page views arrive in real time, a little out of order and sometimes late; the
 * job counts views per page in 2-second windows with early results every 500 ms of processing
 * time, and sessionizes users with a 1.5-second gap.
 *
 * Steps:
 *  1. ReadPageViews      - an unbounded source pacing synthetic views in wall-clock time
 *  2. StampEventTime     - event time from the payload; watermark = max seen - 1 s
 *  3. WindowPerTwoSeconds, CountPerPage  - fixed windows, early + late firings, accumulating
 *  4. SessionizeUsers, CountPerSession   - session windows per user
 *  5. Print              - one line per pane, and late elements
 */
import { runPipeline } from '../runners/direct';
import {
  type KV,
  type PCollection,
  Pipeline,
  type ReadBatch,
  type Source,
  type SourceReader,
  WATERMARK_DONE,
  afterProcessingTime,
  afterWatermark,
  boundedOutOfOrderness,
  count,
  combinePerKey,
  fixedWindows,
  lateElementsOf,
  map,
  mapToKV,
  parDo,
  read,
  repeatedly,
  sessions,
  windowInto,
  withTimestamps,
} from '../sdk';

interface PageView {
  readonly user: string;
  readonly page: string;
  readonly eventTime: number;
}

/** Emits `total` views at `perSecond`, event time = now minus a random delay (late now and then). */
class PacedPageViews implements Source<PageView> {
  readonly bounded = false;
  readonly description = 'paced synthetic page views';
  constructor(
    private readonly total: number,
    private readonly perSecond: number,
  ) {}

  open(): SourceReader<PageView> {
    const { total, perSecond } = this;
    const pages = ['/home', '/pricing', '/blog', '/signup'];
    let produced = 0;
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const started = Date.now();
    return {
      async read(max: number, waitMs: number): Promise<ReadBatch<PageView>> {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond));
        if (due <= produced) {
          await new Promise((r) => setTimeout(r, Math.min(waitMs, 20)));
          return { values: [], timestamps: [] };
        }
        const values: PageView[] = [];
        const timestamps: number[] = [];
        for (; produced < due && values.length < max; produced++) {
          // Mostly up to 800 ms out of order; one in 200 is 5 s behind, later than the lateness allows.
          const delay = random() < 0.005 ? 5_000 : random() * 800;
          const v = {
            user: `u${Math.floor(random() * 40)}`,
            page: pages[Math.floor(random() * pages.length)],
            eventTime: Date.now() - delay,
          };
          values.push(v);
          timestamps.push(Date.now());
        }
        return { values, timestamps };
      },
      watermark: () => (produced >= total ? WATERMARK_DONE : Number.NEGATIVE_INFINITY),
      close() {},
    };
  }
}

function clockTime(t: number): string {
  return new Date(t).toISOString().slice(11, 23);
}

export async function main(): Promise<void> {
  const p = new Pipeline();
  const views: PCollection<PageView> = p
    .apply(read(new PacedPageViews(8_000, 2_000), 'ReadPageViews'))
    .apply(
      withTimestamps(
        (v: PageView) => v.eventTime,
        { watermark: boundedOutOfOrderness(1_000, { idleTimeoutMs: 2_000 }) },
        'StampEventTime',
      ),
    );

  const perPage = views
    .apply(
      windowInto(
        fixedWindows(2_000),
        {
          trigger: afterWatermark({ early: afterProcessingTime(500), late: afterProcessingTime(200) }),
          allowedLatenessMs: 2_000,
          accumulationMode: 'accumulating',
        },
        'WindowPerTwoSeconds',
      ),
    )
    .apply(mapToKV((v: PageView) => ({ key: v.page, value: v }), 'KeyByPage'))
    .apply(combinePerKey(count<PageView>(), 'CountPerPage'));

  const perSession = views
    .apply(windowInto(sessions(1_500), { trigger: repeatedly(afterWatermark()) }, 'SessionizeUsers'))
    .apply(mapToKV((v: PageView) => ({ key: v.user, value: v }), 'KeyByUser'))
    .apply(combinePerKey(count<PageView>(), 'CountPerSession'));

  const paneLines: string[] = [];
  const panesByTiming = new Map<string, number>();
  perPage.apply(
    parDo<KV<string, number>, never>(
      {
        process(kv, ctx) {
          const timing = ctx.pane.timing;
          panesByTiming.set(timing, (panesByTiming.get(timing) ?? 0) + 1);
          paneLines.push(
            `${clockTime(ctx.window.start)}–${clockTime(ctx.window.end)} ${kv.key.padEnd(9)} ${String(kv.value).padStart(5)} views  ` +
              `${timing} pane #${ctx.pane.index}`,
          );
        },
      },
      {},
      'CollectPanes',
    ),
  );
  let sessionCount = 0;
  perSession.apply(map((kv) => (sessionCount++, kv), 'CountSessions'));
  const late = lateElementsOf(perPage);
  let lateCount = 0;
  late.apply(map((l) => (lateCount++, l), 'CountLate'));

  console.log('tidemark streaming example: 8,000 page views at 2,000/s, 2 s windows, early panes every 500 ms');
  const started = Date.now();
  const result = await runPipeline(p, {
    onBundle: (progress) => {
      if (process.stdout.isTTY) {
        process.stdout.write(
          `\r  read ${progress.elementsRead} views, watermark ${Number.isFinite(progress.watermark) ? clockTime(progress.watermark) : '-'}   `,
        );
      }
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  const steps = result.steps;
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  views read          ${result.elementsRead}`);
  const byTiming = [...panesByTiming].map(([t, n]) => `${n} ${t}`).join(', ');
  console.log(`  page panes emitted  ${steps.CountPerPage.panesEmitted} (${byTiming}); the last few:`);
  for (const line of paneLines.slice(-4)) console.log(`    ${line}`);
  console.log(`  sessions emitted    ${sessionCount}`);
  console.log(`  too late (refused)  ${lateCount} page views, routed to the late output`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
