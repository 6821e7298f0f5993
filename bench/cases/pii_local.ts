/**
 * Case for section `pii`: the local DLP-compatible engine masking generated events with config/deidentify.json —
 * the event's PII fields (user ids by AES-SIV, user key by HMAC, email/name/ip replaced, phone character-masked)
 * plus its free text (note, page, referrer scanned by the built-in detectors) — through the pipeline's masker,
 * in batches of 1,000 events (one DlpTable each, as a bundle would send).
 *
 * Setup (not timed): generating and validating the events, a development key file in a temporary folder, and
 * the engine. `checksum` = total length of the masked notes and pages (key-independent: surrogates and hashes
 * have fixed lengths for a given input).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMessages } from '../../io/generator';
import { createLocalMasker } from '../../io/dlp/local_masker';
import { validateEvent } from '../../schemas';
import { restrictionsFor } from '../../transforms/consent';
import { type PipelineEvent } from '../../transforms/records';
import type { CaseResult } from '../case_result';

const BATCH = 1_000;

export async function run(n: number, seed: number): Promise<CaseResult> {
  const events: PipelineEvent[] = [];
  for (const m of generateMessages({ events: n, seed, trackTruth: false })) {
    if (m.kind === 'malformed') continue;
    let json: unknown;
    try {
      json = JSON.parse(m.data);
    } catch {
      continue;
    }
    const checked = validateEvent(json);
    if (!checked.ok) continue;
    events.push({
      messageId: m.id,
      event: checked.event,
      eventTimeMs: checked.eventTimeMs,
      ingestTimeMs: checked.eventTimeMs,
      attributes: m.attributes,
      userKey: null,
      restrictions: restrictionsFor(checked.event),
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-pii-'));
  try {
    const { masker } = await createLocalMasker({ keyFile: join(dir, 'keys.json') });
    const t0 = performance.now();
    let outputs = 0;
    let checksum = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const outcomes = await masker.maskBatch(events.slice(i, i + BATCH));
      for (const o of outcomes) {
        if (!o.ok) continue;
        outputs++;
        checksum += (o.event.note?.length ?? 0) + (o.event.page?.length ?? 0);
      }
    }
    const elapsedMs = performance.now() - t0;
    if (outputs !== events.length) throw new Error(`pii_local: ${events.length - outputs} events failed masking`);
    return { elements: events.length, outputs, checksum, elapsedMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
