/**
 * The local engine's built-in detectors: EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD_NUMBER (Luhn), IP_ADDRESS (v4
 * and v6), US_SOCIAL_SECURITY_NUMBER and IBAN_CODE (mod 97). Each reports findings (span + likelihood), as DLP's
 * inspection does; the inspector (io/dlp/inspector.ts) applies thresholds and exclusion rules, and the engine
 * transforms what is left.
 *
 * Moved here from transforms/mask_pii.ts's hand-made masker, keeping what it had learnt:
 *   - Email: `local@domain.tld`, also with `%40` for `@`. LIKELY when the local part has no URL syntax
 *     (`% / = ? & #`), so in a URL an address does not swallow the path segment or parameter before it; an
 *     address with such characters is still found, as POSSIBLE, and loses to the LIKELY one where they overlap.
 *   - Credit card: 13–19 digits, optionally grouped by spaces or dashes, first digit 2–6 (Visa, Mastercard, Amex,
 *     Discover, JCB, Diners, UnionPay), passing Luhn. A number written like a card (groups of four, Amex 4-6-5)
 *     that fails Luhn is no card and no phone.
 *   - Phone: 7–15 digits (E.164's maximum), optionally after `+`, separated by at most two of space, `.`, `-`,
 *     `/`, parentheses (or `%20`). Dates (2024-05-01, 01.05.2024) are not phones; digits glued to letters
 *     (`sku12345678`, `SKU-1234567`) are ids. A run of two numbers is split greedily into phones of at most 15
 *     digits. Likelihood: LIKELY with `+` or parentheses, POSSIBLE when grouped or 10+ digits, else UNLIKELY (a
 *     bare 7-digit run is more often an order number).
 *   - US SSN: AAA-GG-SSSS (dashes or spaces) with a valid area (not 000, 666, 9xx), group and serial: LIKELY.
 *   - IBAN: country code, check digits, 11–30 letters/digits (spaces allowed), passing ISO 7064 mod 97: VERY_LIKELY.
 *   - IPv4 dotted quads, and IPv6 in every textual form (checked with `net.isIPv6`): LIKELY.
 * Percent-encoded text (URLs) is scanned twice: as it is, and decoded (`%40`, `%2B`, `+` as space), with the
 * findings of the decoded view mapped back onto the raw text, so `?email=ann%40example%2Ecom` is found whole.
 *
 * Every pattern is linear in the text (lookbehinds keep each run to one attempt; repetitions are bounded), and
 * each detector has a cheap pre-check, so long text without PII costs one or two scans.
 */
import { isIPv6 } from 'node:net';
import { type BuiltInInfoType, type Likelihood, LIKELIHOODS } from './deidentify_config';

/** Likelihoods as numbers for comparisons: VERY_UNLIKELY = 0 … VERY_LIKELY = 4. */
export const L = { VERY_UNLIKELY: 0, UNLIKELY: 1, POSSIBLE: 2, LIKELY: 3, VERY_LIKELY: 4 } as const;
export const likelihoodRank = (l: Likelihood): number => L[l];
export const likelihoodName = (rank: number): Likelihood => LIKELIHOODS[rank];

export interface Finding {
  readonly infoType: string;
  /** UTF-16 offsets into the inspected text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** 0 (VERY_UNLIKELY) … 4 (VERY_LIKELY). */
  readonly likelihood: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns

/** Characters of an email local part: RFC 5322 atext without `% / = ? & #` (URL syntax), plus RFC 6531 letters. */
const LOCAL = "[\\p{L}\\p{N}._+\\-!$'*^`{|}~]";
/** Every atext character: a second, less likely pattern, so `a&b@x.co` is found when the strict one finds nothing. */
const LOCAL_FULL = "[\\p{L}\\p{N}._+\\-!$'*^`{|}~%/=?&#]";
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}\\-]{0,61}[\\p{L}\\p{N}])?';
const DOMAIN = `(?:@|%40)(?:${LABEL}\\.)+\\p{L}{2,63}(?![\\p{L}\\p{N}\\-])`;
/**
 * The lookbehinds keep each run of local-part characters to one attempt, so a long run costs O(n), not O(n²); the
 * strict pattern also never starts inside a percent escape (`%20john%40x.com` is found decoded, as `john@x.com`).
 */
const EMAIL = new RegExp(`(?<!${LOCAL})(?<!%[0-9A-Fa-f]?)${LOCAL}+${DOMAIN}`, 'gu');
const EMAIL_FULL = new RegExp(`(?<!${LOCAL_FULL})${LOCAL_FULL}+${DOMAIN}`, 'gu');
const IPV6 = new RegExp(
  '(?<![\\p{L}\\p{N}_:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\\p{L}\\p{N}_]|\\.\\d)',
  'gu',
);
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\p{N}.])(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\d)`, 'gu');
/** Dates are digit runs with separators too; they are not phone numbers. */
const DATE = '(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{4})(?!\\d)';
/** Between two digits: nothing, 1–2 separator characters, or an encoded space. */
const SEP = '(?:[ .\\-/()\\u00a0]{1,2}|%20)?';
/** 7+ digits (cards, phones, SSNs: decided by `classifyDigits`), not a date, not part of an id. */
const DIGITS = new RegExp(
  `(?<![\\p{L}\\p{N}_])(?<![\\p{L}\\p{N}]-)(?!${DATE})(?:\\+|%2[Bb]|\\()?\\d(?:${SEP}\\d){6,63}\\)?(?![\\p{L}\\p{N}_])`,
  'gu',
);
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;

const MAYBE_EMAIL = /@|%40/;
const MAYBE_IPV6 = /:[0-9A-Fa-f]{0,4}:/;
const MAYBE_DIGITS = /\d\D{0,3}\d\D{0,3}\d\D{0,3}\d/;
const MAYBE_IBAN = /[A-Z]{2}\d\d/;

// ---------------------------------------------------------------------------------------------------------------
// Checksums

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 IBAN check: the first four characters moved to the end, letters as 10–35, the number mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '');
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55; // '0'-'9' or 'A'-'Z' (10–35)
    rest = v < 10 ? (rest * 10 + v) % 97 : (rest * 100 + v) % 97;
  }
  return rest === 1;
}

/** US SSN rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

const isCard = (digits: string) =>
  digits.length >= 13 && digits.length <= 19 && digits.charCodeAt(0) >= 50 && digits.charCodeAt(0) <= 54 && luhnValid(digits);

// ---------------------------------------------------------------------------------------------------------------
// Digit runs: cards, SSNs, phones

interface DigitGroup {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
}

function digitGroups(text: string): DigitGroup[] {
  const groups: DigitGroup[] = [];
  const re = /\d+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    groups.push({ start: m.index, end: m.index + m[0].length, digits: m[0] });
  return groups;
}

/** 13–19 digits in groups of four (the last may be shorter), or Amex's 4-6-5. */
function cardShaped(groups: readonly DigitGroup[], total: number): boolean {
  if (total < 13 || total > 19 || groups.length < 2) return false;
  const lengths = groups.map((g) => g.digits.length);
  if (lengths.join('-') === '4-6-5') return true;
  return lengths.every((n, i) => (i < lengths.length - 1 ? n === 4 : n >= 1 && n <= 4));
}

function phoneLikelihood(text: string, groups: readonly DigitGroup[], from: number, to: number, digits: number): number {
  const before = text.slice(Math.max(0, from - 3), from);
  if (/(\+|%2[Bb])$/.test(before) || text[from - 1] === '(' || /\(/.test(text.slice(from, to))) return L.LIKELY;
  const grouped = groups.filter((g) => g.start >= from && g.end <= to).length > 1;
  return grouped || digits >= 10 ? L.POSSIBLE : L.UNLIKELY;
}

/**
 * Findings in one digit run (`text` is the run, `base` its offset): the whole run as a card or an SSN when it is
 * one; else card numbers inside it (any run of whole groups with 13–19 digits that passes Luhn), and what is left
 * split greedily into phones of at most 15 digits. So "030 1234567 030 7654321" gives two phones instead of one
 * over-long non-phone, and a card followed by its expiry date is still found.
 */
function classifyDigits(text: string, base: number, out: Finding[]): void {
  const groups = digitGroups(text);
  let all = '';
  for (const g of groups) all += g.digits;
  const first = groups[0].start;
  const last = groups[groups.length - 1].end;
  if (isCard(all)) {
    out.push({ infoType: 'CREDIT_CARD_NUMBER', start: base + first, end: base + last, likelihood: L.LIKELY });
    return;
  }
  if (groups.length === 3 && groups[0].digits.length === 3 && groups[1].digits.length === 2 && groups[2].digits.length === 4) {
    const seps = text.slice(groups[0].end, groups[1].start) + text.slice(groups[1].end, groups[2].start);
    if ((seps === '--' || seps === '  ') && ssnValid(groups[0].digits, groups[1].digits, groups[2].digits)) {
      out.push({ infoType: 'US_SOCIAL_SECURITY_NUMBER', start: base + first, end: base + last, likelihood: L.LIKELY });
      return;
    }
  }

  const cards: { start: number; end: number }[] = [];
  for (let i = 0; i < groups.length; ) {
    let lastCard = -1;
    let digits = '';
    for (let j = i; j < groups.length && digits.length + groups[j].digits.length <= 19; j++) {
      digits += groups[j].digits;
      if (isCard(digits)) lastCard = j;
    }
    if (lastCard >= 0) {
      cards.push({ start: groups[i].start, end: groups[lastCard].end });
      i = lastCard + 1;
    } else {
      i++;
    }
  }
  if (cards.length === 0) {
    if (cardShaped(groups, all.length)) return; // written like a card, fails Luhn: a number, not a phone
    if (all.length <= 15) {
      // The whole run, including a leading '+' / '(' and a closing ')'.
      if (all.length >= 7) {
        out.push({
          infoType: 'PHONE_NUMBER',
          start: base,
          end: base + text.length,
          likelihood: phoneLikelihood(text, groups, first, last, all.length),
        });
      }
      return;
    }
  }

  const phonesIn = (from: number, to: number) => {
    let runStart = -1;
    let runEnd = -1;
    let runDigits = 0;
    const flush = () => {
      // A single group longer than 15 digits (a Luhn-invalid card, an id) is no phone.
      if (runStart >= 0 && runDigits >= 7 && runDigits <= 15) {
        out.push({
          infoType: 'PHONE_NUMBER',
          start: base + runStart,
          end: base + runEnd,
          likelihood: phoneLikelihood(text, groups, runStart, runEnd, runDigits),
        });
      }
      runStart = -1;
      runDigits = 0;
    };
    for (const g of groups) {
      if (g.start < from || g.end > to) continue;
      if (runStart >= 0 && runDigits + g.digits.length > 15) flush();
      if (runStart < 0) runStart = g.start;
      runEnd = g.end;
      runDigits += g.digits.length;
    }
    flush();
  };
  let cursor = 0;
  for (const card of cards) {
    phonesIn(cursor, card.start);
    out.push({ infoType: 'CREDIT_CARD_NUMBER', start: base + card.start, end: base + card.end, likelihood: L.LIKELY });
    cursor = card.end;
  }
  phonesIn(cursor, text.length);
}

// ---------------------------------------------------------------------------------------------------------------
// The detectors

function scan(re: RegExp, text: string, each: (match: string, index: number) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    each(m[0], m.index);
  }
}

type Detector = (text: string, out: Finding[]) => void;

const DETECTORS: Record<BuiltInInfoType, Detector> = {
  EMAIL_ADDRESS(text, out) {
    if (!MAYBE_EMAIL.test(text)) return;
    scan(EMAIL, text, (m, i) => out.push({ infoType: 'EMAIL_ADDRESS', start: i, end: i + m.length, likelihood: L.LIKELY }));
    scan(EMAIL_FULL, text, (m, i) =>
      out.push({ infoType: 'EMAIL_ADDRESS', start: i, end: i + m.length, likelihood: L.POSSIBLE }),
    );
  },
  IP_ADDRESS(text, out) {
    if (text.includes('.')) {
      scan(IPV4, text, (m, i) => out.push({ infoType: 'IP_ADDRESS', start: i, end: i + m.length, likelihood: L.LIKELY }));
    }
    if (!MAYBE_IPV6.test(text)) return;
    scan(IPV6, text, (m, i) => {
      if (!/[0-9A-Fa-f]/.test(m)) return;
      // "… 2001:db8::1: …": a colon after the address belongs to the prose.
      const address = isIPv6(m) ? m : m.endsWith(':') && isIPv6(m.slice(0, -1)) ? m.slice(0, -1) : undefined;
      if (address !== undefined) out.push({ infoType: 'IP_ADDRESS', start: i, end: i + address.length, likelihood: L.LIKELY });
    });
  },
  // Cards, phones and SSNs share one scan of digit runs (see `digitFindings`); these three only select from it.
  CREDIT_CARD_NUMBER: () => undefined,
  PHONE_NUMBER: () => undefined,
  US_SOCIAL_SECURITY_NUMBER: () => undefined,
  IBAN_CODE(text, out) {
    if (!MAYBE_IBAN.test(text)) return;
    scan(IBAN, text, (m, i) => {
      // The pattern may run into the next word ("… 3000 BIC"): back off to group boundaries until it checks.
      let candidate = m;
      while (candidate.length >= 15) {
        if (ibanValid(candidate)) {
          out.push({ infoType: 'IBAN_CODE', start: i, end: i + candidate.length, likelihood: L.VERY_LIKELY });
          return;
        }
        const space = candidate.lastIndexOf(' ');
        if (space < 0) return;
        candidate = candidate.slice(0, space);
      }
    });
  },
};

const DIGIT_TYPES: ReadonlySet<string> = new Set(['CREDIT_CARD_NUMBER', 'PHONE_NUMBER', 'US_SOCIAL_SECURITY_NUMBER']);

function digitFindings(text: string, wanted: ReadonlySet<string>, out: Finding[]): void {
  if (!MAYBE_DIGITS.test(text)) return;
  const found: Finding[] = [];
  scan(DIGITS, text, (m, i) => classifyDigits(m, i, found));
  for (const f of found) if (wanted.has(f.infoType)) out.push(f);
}

/** Raw-text findings of the given built-in detectors. */
function detectRaw(text: string, types: readonly BuiltInInfoType[], digitTypes: ReadonlySet<string>, out: Finding[]): void {
  for (const t of types) DETECTORS[t](text, out);
  if (digitTypes.size > 0) digitFindings(text, digitTypes, out);
}

/**
 * Findings of the built-in detectors `types` in `text`: the raw text, and, when it holds percent escapes, its
 * decoded view mapped back. Unsorted, possibly overlapping (the inspector resolves overlaps).
 */
export function detectBuiltIns(text: string, types: readonly BuiltInInfoType[]): Finding[] {
  return builtInDetector(types)(text);
}

/** `detectBuiltIns` for a fixed list of types, with its sets made once (the inspector's hot path). */
export function builtInDetector(types: readonly BuiltInInfoType[]): (text: string) => Finding[] {
  const digitTypes: ReadonlySet<string> = new Set(types.filter((t) => DIGIT_TYPES.has(t)));
  return (text) => detectWith(text, types, digitTypes);
}

function detectWith(text: string, types: readonly BuiltInInfoType[], digitTypes: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  detectRaw(text, types, digitTypes, out);
  if (text.includes('%')) {
    const view = percentDecoded(text);
    if (view !== undefined) {
      const decodedFindings: Finding[] = [];
      detectRaw(view.text, types, digitTypes, decodedFindings);
      for (const f of decodedFindings) {
        out.push({ ...f, start: view.rawOffset[f.start], end: view.rawEnd[f.end - 1] });
      }
    }
  }
  return out;
}

interface DecodedView {
  readonly text: string;
  /** For each UTF-16 unit of `text`, the raw offset where it starts / ends. */
  readonly rawOffset: Int32Array;
  readonly rawEnd: Int32Array;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** `text` percent-decoded (`+` read as a space, as in a query string), with an offset map; undefined if no escape. */
function percentDecoded(text: string): DecodedView | undefined {
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let changed = false;
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%' && HEX.test(text.slice(i + 1, i + 3))) {
      // A run of escapes is one UTF-8 byte sequence; each decoded character maps to the escapes it came from.
      const bytes: number[] = [];
      const byteAt: number[] = [];
      let j = i;
      while (text[j] === '%' && HEX.test(text.slice(j + 1, j + 3))) {
        bytes.push(parseInt(text.slice(j + 1, j + 3), 16));
        byteAt.push(j);
        j += 3;
      }
      let b = 0;
      while (b < bytes.length) {
        const lead = bytes[b];
        const len = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        const chunk = Buffer.from(bytes.slice(b, b + len)).toString('utf8');
        const from = byteAt[b];
        const to = byteAt[Math.min(b + len, bytes.length) - 1] + 3;
        for (let k = 0; k < chunk.length; k++) {
          units.push(chunk[k]);
          starts.push(from);
          ends.push(to);
        }
        b += len;
      }
      changed = true;
      i = j;
    } else {
      const c = text[i];
      if (c === '+') changed = true;
      units.push(c === '+' ? ' ' : c);
      starts.push(i);
      ends.push(i + 1);
      i++;
    }
  }
  if (!changed) return undefined;
  return { text: units.join(''), rawOffset: Int32Array.from(starts), rawEnd: Int32Array.from(ends) };
}
