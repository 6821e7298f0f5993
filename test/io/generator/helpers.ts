/** Shared checks for the generator tests: stream time, lateness, and message/truth bookkeeping. */
import type { GeneratedMessage } from '../../../io/generator';

export interface Lateness {
  message: GeneratedMessage;
  /** Max event time of the non-malformed messages that arrived before this one (−∞ for the first). */
  streamBefore: number;
  /** Same, including this message. */
  streamAfter: number;
}

/** Stream time as a watermark-minded consumer sees it, message by message. */
export function withStreamTime(messages: readonly GeneratedMessage[]): Lateness[] {
  let stream = Number.NEGATIVE_INFINITY;
  return messages.map((message) => {
    const streamBefore = stream;
    if (message.eventTime !== undefined && message.eventTime > stream) stream = message.eventTime;
    return { message, streamBefore, streamAfter: stream };
  });
}

export function countKinds(messages: readonly GeneratedMessage[]): Record<GeneratedMessage['kind'], number> {
  const out = { valid: 0, late: 0, duplicate: 0, malformed: 0 };
  for (const m of messages) out[m.kind]++;
  return out;
}

export function parse(message: GeneratedMessage): Record<string, unknown> {
  return JSON.parse(message.data) as Record<string, unknown>;
}
