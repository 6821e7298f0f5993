/**
 * Generator options, their defaults and validation. Defaults aim at a realistic, moderately dirty stream that is
 * identical on every machine (fixed seed and start time).
 */
import { DEFAULT_MALFORMED_WEIGHTS, MALFORMED_KINDS, type MalformedKind } from './malformed';
import type { Seed } from './prng';
import { toEpochMs } from './time';

export interface GeneratorOptions {
  /** Same seed + same options → byte-identical output. Default 1. */
  seed?: Seed;
  /** Number of messages to emit (all kinds together); undefined → unbounded. */
  events?: number;
  /** Event time of the first event. Default 2024-03-01T00:00:00.000Z. */
  startTime?: number | Date | string;
  /**
   * Logical events per second of event time (Poisson). Default 10 — a small shop. Event time matters for what a
   * run contains: a late message needs the stream to have moved more than lateByMs past its event time, so late
   * messages appear only after rate × lateByMs events (18 000 with the defaults). Raise the rate for denser
   * windows, lower lateByMs (or the rate) for late data in short runs.
   */
  rate?: number;
  /** Max delay of an on-time message's arrival after its event time. Default 60 000 (1 min). */
  outOfOrderMs?: number;
  /** Share of (non-malformed) logical events delivered late, in [0, 1). Default 0.01. */
  lateRate?: number;
  /** A late message arrives more than this far behind the stream time. Default 1 800 000 (30 min). */
  lateByMs?: number;
  /** Share of valid/late deliveries that are delivered once more. Default 0.02. */
  duplicateRate?: number;
  /**
   * Share of duplicates that are publisher retries (new message id, same payload) rather than Pub/Sub
   * redeliveries (same message id). Default 0: every duplicate keeps its message id.
   */
  duplicateNewIdShare?: number;
  /** Share of logical events whose message is corrupted. Default 0.01. */
  malformedRate?: number;
  /** Relative weights of the corruption kinds (missing kinds keep their default; 0 disables one). */
  malformedWeights?: Partial<Record<MalformedKind, number>>;
  /** Session gap for the model and the truth (Beam sessions(gap)). Default 1 800 000 (30 min). */
  sessionGapMs?: number;
  /**
   * Cap on the user population. Default 1 000 000 (users are ~100-byte records, created on demand). Users cool
   * down for sessionGapMs between sessions, so sustaining `rate` needs roughly users ≥ rate × 600; below that
   * event time advances slower than `rate` (never breaking the session-gap rules).
   */
  users?: number;
  /** Share of users without a login (anonymous_id). Default 0.35. */
  anonymousShare?: number;
  /** Probability that a new session is a new user's, while the population is below `users`. Default 0.3. */
  newUserShare?: number;
  /** Cap on concurrently active sessions. Default 100 000. */
  maxActiveSessions?: number;
  /** Record the ground truth while generating (memory grows with the stream). Default true. */
  trackTruth?: boolean;
}

export interface ResolvedGeneratorOptions {
  readonly seed: Seed;
  readonly events: number | undefined;
  readonly startTime: number;
  readonly rate: number;
  readonly outOfOrderMs: number;
  readonly lateRate: number;
  readonly lateByMs: number;
  readonly duplicateRate: number;
  readonly duplicateNewIdShare: number;
  readonly malformedRate: number;
  readonly malformedWeights: Readonly<Record<MalformedKind, number>>;
  readonly sessionGapMs: number;
  readonly users: number;
  readonly anonymousShare: number;
  readonly newUserShare: number;
  readonly maxActiveSessions: number;
  readonly trackTruth: boolean;
}

export const DEFAULT_START_TIME = Date.UTC(2024, 2, 1);

const MIN_START = Date.UTC(1972, 0, 1);
const MAX_START = Date.UTC(9000, 0, 1);

function share(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(v)}`);
  return v;
}

/**
 * A late message is one that arrives more than lateByMs behind the stream, and the stream is advanced by on-time
 * messages: with lateRate = 1 there would be no stream to be behind (the generator would hold every message).
 */
function lateShare(value: number | undefined): number {
  const v = share('lateRate', value, 0.01);
  if (v >= 1) throw new RangeError('lateRate must be < 1: late messages are late relative to on-time ones');
  return v;
}

function nonNegativeInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = nonNegativeInt(name, value, fallback);
  if (v === 0) throw new RangeError(`${name} must be ≥ 1`);
  return v;
}

export function resolveOptions(options: GeneratorOptions = {}): ResolvedGeneratorOptions {
  const seed = options.seed ?? 1;
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  const startTime = Math.floor(toEpochMs(options.startTime ?? DEFAULT_START_TIME));
  if (startTime < MIN_START || startTime >= MAX_START) {
    throw new RangeError('startTime must be between 1972-01-01 and 9000-01-01');
  }
  const rate = options.rate ?? 10;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw new RangeError(`rate must be a positive number of events per second, got ${String(rate)}`);
  }
  const sessionGapMs = nonNegativeInt('sessionGapMs', options.sessionGapMs, 30 * 60_000);
  // Think times are capped at gap/2 and start at 1 s: a shorter gap leaves no room for a multi-event session.
  if (sessionGapMs < 2_000) throw new RangeError(`sessionGapMs must be ≥ 2000, got ${sessionGapMs}`);
  const weights = { ...DEFAULT_MALFORMED_WEIGHTS };
  for (const [kind, w] of Object.entries(options.malformedWeights ?? {})) {
    if (!(MALFORMED_KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown malformed kind ${kind}`);
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) throw new RangeError(`malformedWeights.${kind} must be ≥ 0`);
    weights[kind as MalformedKind] = w;
  }
  if (MALFORMED_KINDS.every((k) => weights[k] === 0)) throw new RangeError('malformedWeights: all weights are 0');
  return {
    seed,
    events: options.events === undefined ? undefined : nonNegativeInt('events', options.events, 0),
    startTime,
    rate,
    outOfOrderMs: nonNegativeInt('outOfOrderMs', options.outOfOrderMs, 60_000),
    lateRate: lateShare(options.lateRate),
    lateByMs: nonNegativeInt('lateByMs', options.lateByMs, 30 * 60_000),
    duplicateRate: share('duplicateRate', options.duplicateRate, 0.02),
    duplicateNewIdShare: share('duplicateNewIdShare', options.duplicateNewIdShare, 0),
    malformedRate: share('malformedRate', options.malformedRate, 0.01),
    malformedWeights: weights,
    sessionGapMs,
    users: positiveInt('users', options.users, 1_000_000),
    anonymousShare: share('anonymousShare', options.anonymousShare, 0.35),
    newUserShare: share('newUserShare', options.newUserShare, 0.3),
    maxActiveSessions: positiveInt('maxActiveSessions', options.maxActiveSessions, 100_000),
    trackTruth: options.trackTruth ?? true,
  };
}
