/**
 * The "physical limit" for section `sessions`: per-user session windows as a straightforward hand-written loop.
 *
 * Semantics (identical on every side, Beam's): gap 30 min; an event at t opens the interval [t, t + gap); a session
 * is the union of overlapping intervals, i.e. [first, last + gap); two intervals merge when they overlap
 * (a.start < b.end && b.start < a.end); intervals that only touch (exactly gap apart) do NOT merge.
 * Watermark = max event time seen - 5 min (the input's bounded out-of-orderness, see bench/data.ts), evaluated every
 * 1000 events; a session is closed and emitted once its end <= watermark. End of input flushes everything.
 * With that watermark nothing is late and no closed session could ever be reopened, so the output equals the batch
 * answer.
 *
 * Closing is driven by a min-heap of (deadline, session) entries, one per open session, so that a watermark step
 * costs O(sessions due * log) instead of a scan of all users. A session's end only grows, so its entry's deadline
 * is a lower bound of its end and is NOT updated when the session grows (that would be a heap push per event): when
 * the entry comes due and the session has grown past the watermark, it is pushed back with the current end; when
 * the session has been merged away, the entry is dropped.
 */
import type { SessionEvent } from '../data';
import { SESSION_GAP_MS, SESSION_MAX_DELAY_MS } from '../data';

/** How often (in events) the watermark is advanced and closed sessions are emitted. */
export const WATERMARK_EVERY = 1000;

export interface SessionOutput {
  user: string;
  /** First event time, ms. */
  start: number;
  /** Last event time + gap, ms (exclusive). */
  end: number;
  /** Number of events in the session. */
  count: number;
}

export interface SessionSummary {
  elements: number;
  /** Number of sessions emitted. */
  outputs: number;
  /** Sum over sessions of (end - start), ms. */
  checksum: number;
  /** Sum over sessions of count (must equal elements: nothing is dropped). */
  totalCount: number;
}

interface OpenSession {
  user: string;
  start: number;
  end: number;
  count: number;
  open: boolean;
}

interface HeapEntry {
  end: number;
  session: OpenSession;
}

/** Minimal binary min-heap on `end`. */
class EndHeap {
  private readonly items: HeapEntry[] = [];

  peek(): HeapEntry | undefined {
    return this.items[0];
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent].end <= entry.end) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = entry;
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && items[r].end < items[l].end ? r : l;
      if (items[child].end >= last.end) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export function plainSessionizer(
  input: Iterable<SessionEvent>,
  emit?: (output: SessionOutput) => void,
  gapMs: number = SESSION_GAP_MS,
  maxDelayMs: number = SESSION_MAX_DELAY_MS,
): SessionSummary {
  /** Open sessions per user, mutually non-overlapping (usually one). */
  const byUser = new Map<string, OpenSession[]>();
  const heap = new EndHeap();
  let elements = 0;
  let outputs = 0;
  let checksum = 0;
  let totalCount = 0;
  let maxSeen = -Infinity;

  const close = (watermark: number): void => {
    for (let top = heap.peek(); top !== undefined && top.end <= watermark; top = heap.peek()) {
      heap.pop();
      const s = top.session;
      if (!s.open) continue; // merged into another session, which has its own entry
      if (s.end > watermark) {
        heap.push({ end: s.end, session: s }); // grew since the entry was pushed: not due yet
        continue;
      }
      s.open = false;
      const list = byUser.get(s.user);
      if (list !== undefined) {
        const i = list.indexOf(s);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) byUser.delete(s.user);
      }
      outputs++;
      checksum += s.end - s.start;
      totalCount += s.count;
      if (emit !== undefined) emit({ user: s.user, start: s.start, end: s.end, count: s.count });
    }
  };

  for (const event of input) {
    const start = event.timestamp;
    const end = start + gapMs;
    let list = byUser.get(event.user);
    if (list === undefined) {
      list = [];
      byUser.set(event.user, list);
    }
    // Merge the new interval with every open session it overlaps. Open sessions do not overlap each other, and the
    // union of overlapping intervals is an interval, so one pass finds everything that has to merge.
    let target: OpenSession | undefined;
    for (let i = 0; i < list.length; ) {
      const s = list[i];
      if (s.start < end && start < s.end) {
        if (target === undefined) {
          target = s;
          i++;
        } else {
          target.start = Math.min(target.start, s.start);
          target.end = Math.max(target.end, s.end);
          target.count += s.count;
          s.open = false; // its heap entry is dropped when it comes due
          list.splice(i, 1);
        }
      } else {
        i++;
      }
    }
    if (target === undefined) {
      target = { user: event.user, start, end, count: 1, open: true };
      list.push(target);
      heap.push({ end, session: target });
    } else {
      if (start < target.start) target.start = start;
      if (end > target.end) target.end = end;
      target.count++;
      // No heap push: the existing entry's deadline is a lower bound of the new end (see the header comment).
    }
    if (start > maxSeen) maxSeen = start;
    if (++elements % WATERMARK_EVERY === 0) close(maxSeen - maxDelayMs);
  }
  close(Infinity);
  return { elements, outputs, checksum, totalCount };
}
