/**
 * Free-text notes (order comments, contact-form messages). Some embed an email address or a phone number in the
 * middle of a sentence — sometimes not the user's own — which is exactly what a DLP/PII masker must catch in
 * unstructured text, as opposed to the structured email/phone fields.
 */
import type { CountryInfo } from './catalog';
import type { Prng } from './prng';
import { makePhone } from './users';

const PLAIN: readonly string[] = [
  'Gift wrap please 🎁',
  'Great service, will order again.',
  'Please leave the parcel with the neighbour at no. 12.',
  'Is this available in a larger size?',
  'Delivery after 6pm would be ideal, thanks!',
  'Do you ship to Norway?',
  "The colour looked different on my phone's screen.",
  'Price match? I saw it cheaper elsewhere.',
];

/** {e} = an email address, {p} = a phone number. */
const WITH_PII: readonly string[] = [
  'Please call me back at {p}, thanks!',
  'Contact me at {e} about bulk pricing.',
  'If nobody answers the door ring {p} — it is my mobile.',
  'My work email is {e}, please send the invoice there.',
  'Order for my mother, her number is {p}.',
  'Send the tracking link to {e} instead of my usual address.',
  'Call {p} or write to {e} if there is any problem with the delivery.',
  'hi i need help with my order pls email me {e} or text {p}',
];

const WORK_DOMAINS: readonly string[] = ['acme-corp.com', 'example.org', 'globex.net', 'initech.io'];

export function makeNote(prng: Prng, email: string, country: CountryInfo, piiShare: number): string {
  if (!prng.chance(piiShare)) return prng.pick(PLAIN);
  const template = prng.pick(WITH_PII);
  // A third of the addresses are someone else's (a work address), so masking cannot key on the user's email.
  const address = prng.chance(0.33) ? `${email.split('@')[0]}@${prng.pick(WORK_DOMAINS)}` : email;
  return template.replace('{e}', address).replace('{p}', makePhone(prng, country));
}
