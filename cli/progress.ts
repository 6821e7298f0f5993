/** The live progress line of `tidemark run` on a terminal (stderr, so stdout stays machine-readable). */
import { type LiveProgress } from '../pipelines/run_marketing_events';

const fmt = new Intl.NumberFormat('en-US');

function clockTime(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString().replace('T', ' ').slice(0, 19) : '—';
}

export function progressLine(p: LiveProgress, now: number): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.eventsIn / p.elapsedMs) * 1000) : 0;
  // Lag against the wall clock only means something when event time is live (paced or Pub/Sub input).
  const lagMs = now - p.watermark;
  const lag = Number.isFinite(p.watermark) && lagMs >= 0 && lagMs < 86_400_000 ? ` (lag ${(lagMs / 1000).toFixed(1)} s)` : '';
  return (
    `events ${fmt.format(p.eventsIn)} (${fmt.format(rate)}/s) · watermark ${clockTime(p.watermark)}${lag} · ` +
    `session panes ${fmt.format(p.sessionPanes)} · dead letters ${fmt.format(p.deadLetters)}`
  );
}

/** Redraws at most every 200 ms; `done()` ends the line. */
export function terminalProgress(stream: NodeJS.WriteStream): { update(p: LiveProgress): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[2K${progressLine(p, now)}`);
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
