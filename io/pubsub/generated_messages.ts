/**
 * Generated events shaped for publishing to a real topic. Publish time will be the wall clock, so event time must
 * be near it: a paced stream is live (event time starts now and advances at the pace); an unpaced bounded one is
 * laid out so that its last events are about now (a backlog of recent traffic, within the pipeline's
 * plausibility bounds on event age).
 */
import { ClickstreamGenerator } from '../generator/generator';
import { type GeneratorOptions } from '../generator/options';
import { type OutgoingMessage } from './publish';

export function generatedForPublishing(
  options: GeneratorOptions & { readonly events?: number; readonly paceMessagesPerSecond?: number },
  now: number = Date.now(),
): Iterable<OutgoingMessage> {
  const { paceMessagesPerSecond: pace, ...rest } = options;
  const rate = pace ?? rest.rate ?? 10;
  const startTime = pace !== undefined || rest.events === undefined ? now : now - Math.ceil((rest.events / rate) * 1000);
  const generator = new ClickstreamGenerator({ trackTruth: false, ...rest, rate, startTime: rest.startTime ?? startTime });
  return {
    *[Symbol.iterator]() {
      for (const m of generator) yield { data: m.data, attributes: m.attributes };
    },
  };
}
