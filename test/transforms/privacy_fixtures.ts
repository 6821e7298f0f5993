/**
 * Fixtures for the element-wise steps (parse, consent, masking, enrichment, rows): raw messages around one publish
 * time, valid event JSON with every PII field, and a runner for a chain of steps on the direct runner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalMasker } from '../../io/dlp/local_masker';
import { type TablePiiMasker } from '../../io/dlp/table_masker';
import { ManualClock } from '../../sdk/clock';
import { type PCollection } from '../../sdk/pcollection';
import { Pipeline } from '../../sdk/pipeline';
import { type Captured, capture } from '../../sdk/testing';
import { create } from '../../sdk/transforms/read';
import { runPipeline } from '../../runners/direct';
import { validateEvent } from '../../schemas';
import { NO_RESTRICTIONS } from '../../transforms/consent';
import { type PipelineEvent, type RawMessage } from '../../transforms/records';

/** Publish time of every fixture message: 2026-03-02T10:00:00Z. */
export const PUBLISH = Date.parse('2026-03-02T10:00:00Z');
/** Processing time of the manual clock the steps read failures' error time from. */
export const NOW = Date.parse('2026-03-02T10:00:05Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A DLP-sized HMAC key for tests (the pipeline owns the real one). */
export const TEST_KEY = 'test-key-0123456789abcdef';

let counter = 0;

/** A valid event as a JSON object, 5 minutes before PUBLISH, with every PII field set; `fields` override. */
export function eventObject(fields: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    event_id: `evt-${counter}`,
    user_id: `u_${counter}`,
    anonymous_id: `anon-${counter}`,
    event_type: 'form_submit',
    event_time: new Date(PUBLISH - 5 * 60_000).toISOString(),
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: 'spring_sale',
    campaign_id: 'cmp_0001',
    channel: 'paid_search',
    device: { type: 'mobile', os: 'iOS 17', browser: 'Safari' },
    country: 'US',
    region: 'US-CA',
    page: '/contact?ref=footer&gclid=Cj0KCQ_abc&email=ann.lee%40example.com',
    referrer: 'https://www.google.com/search?q=shoes&fbclid=IwAR_xyz',
    value: 12.5,
    currency: 'USD',
    consent: { analytics: true, ads: true, gdpr_applies: false, ccpa_opt_out: false },
    email: 'ann.lee@example.com',
    phone: '+1 415-555-0123',
    ip: '203.0.113.7',
    name: 'Ann Lee',
    note: 'Call me at (415) 555-0199 or write to ann@work.example.org',
    schema_version: 1,
    ...fields,
  };
}

/** A raw message; the id defaults to a counter. */
export function message(data: string | Uint8Array, id = `msg-${++counter}`, publishTimeMs = PUBLISH): RawMessage {
  return { id, data, attributes: { source: 'test' }, publishTimeMs };
}

export const messageOf = (fields: Record<string, unknown> = {}, id?: string) => message(JSON.stringify(eventObject(fields)), id);

/** A valid PipelineEvent as parseAndValidate emits it (no user key, no restrictions yet). */
export function parsedEvent(fields: Record<string, unknown> = {}): PipelineEvent {
  const checked = validateEvent(eventObject(fields));
  if (!checked.ok) throw new Error(`fixture is not a valid event: ${JSON.stringify(checked.errors)}`);
  return {
    messageId: `msg-${checked.event.event_id}`,
    event: checked.event,
    eventTimeMs: checked.eventTimeMs,
    ingestTimeMs: PUBLISH,
    attributes: { source: 'test' },
    userKey: null,
    restrictions: NO_RESTRICTIONS,
  };
}

/** Builds `build(input)` on a bounded input stamped with `timestamps`, runs it, returns what was captured. */
export async function runOn<I, O extends { readonly [K in keyof O]: PCollection<unknown> }>(
  values: readonly I[],
  build: (input: PCollection<I>) => O,
  timestamps?: readonly number[],
): Promise<{ [K in keyof O]: O[K] extends PCollection<infer T> ? Captured<T> : never }> {
  const p = new Pipeline();
  const outputs = build(p.apply(create(values, timestamps === undefined ? {} : { timestamps })));
  const captured: Record<string, Captured<unknown>> = {};
  for (const [tag, pc] of Object.entries(outputs as Record<string, PCollection<unknown>>))
    captured[tag] = capture(pc, `Capture_${tag}`);
  await runPipeline(p, { clock: new ManualClock(NOW) });
  return captured as { [K in keyof O]: O[K] extends PCollection<infer T> ? Captured<T> : never };
}

/**
 * The pipeline's masker (config/deidentify.json on the local engine) with development keys in a temporary key
 * file, made once per test process.
 */
let testMaskerPromise: Promise<TablePiiMasker> | undefined;
export function testMasker(): Promise<TablePiiMasker> {
  testMaskerPromise ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-keys-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return (await createLocalMasker({ keyFile: join(dir, 'keys.json') })).masker;
  })();
  return testMaskerPromise;
}
