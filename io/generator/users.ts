/**
 * Users: who they are (country, region, device, consent, PII) and whether they are logged in.
 *
 * A user's profile is a pure function of (seed, user index): it is re-derived when a session starts instead of
 * being stored. The population can then hold a million users in ~100 bytes each (see population.ts), and a
 * returning user still has the same id, country, device, consent and PII in every session — downstream per-user
 * state (features, erasure by user, consent audit) has something stable to work on.
 *
 * Consent depends on the privacy regime: EU/EEA/UK users have GDPR with a consent-banner mix (accept all /
 * reject all / partial); Californians can opt out of sale/sharing (CCPA), which also removes ads consent;
 * elsewhere consent is mostly granted.
 */
import { CCPA_REGION, COUNTRIES, type CountryInfo, DEVICE_PROFILES, FIRST_NAMES, LAST_NAMES } from './catalog';
import type { Consent, Device } from './event';
import { hex8, uuidFrom } from './ids';
import { mix32, Prng, Weighted } from './prng';

/** A member of the population: identity by index plus simulation state. */
export interface User {
  /** Position in the population (creation order); the profile derives from it. */
  readonly index: number;
  /** Event time of the user's last event (−∞ before the first). */
  lastEventTime: number;
  /** Sessions started so far. */
  sessionCount: number;
}

export interface UserProfile {
  /** user_id when logged in, anonymous_id otherwise: the key sessions are computed on. */
  readonly key: string;
  readonly loggedIn: boolean;
  readonly country: CountryInfo;
  readonly region: string;
  readonly device: Device;
  readonly consent: Consent;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly ip: string;
}

export interface UserModelOptions {
  /** Share of users that are not logged in (anonymous_id only). */
  anonymousShare: number;
}

/** Consent banner outcomes under GDPR: [analytics, ads]. */
const GDPR_CHOICES = new Weighted<readonly [boolean, boolean]>([
  [[true, true], 58],
  [[false, false], 22],
  [[true, false], 15],
  [[false, true], 5],
]);

const CCPA_OPT_OUT_SHARE = 0.2;
const IPV6_SHARE = 0.15;
/** Share of phone numbers stored in E.164; the rest in the country's national format. */
const E164_SHARE = 0.55;

/** ASCII local part from a possibly accented name: "Léa Müller" → "lea.muller". */
function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

// Slugs precomputed: normalize() and four regexes per profile would cost more than the rest of the profile.
const FIRST_SLUGS: readonly string[] = FIRST_NAMES.map((n) => asciiSlug(n) || 'user');
const LAST_SLUGS: readonly string[] = LAST_NAMES.map((n) => asciiSlug(n) || 'x');

export class UserModel {
  private readonly countries = new Weighted(COUNTRIES.map((c) => [c, c.weight] as const));
  private readonly regions = new Map<string, Weighted<string>>(COUNTRIES.map((c) => [c.code, new Weighted(c.regions)] as const));
  private readonly devices = DEVICE_PROFILES.map((p) => ({
    type: p.type,
    os: new Weighted(p.os),
    browsers: new Weighted(p.browsers),
  }));
  private readonly deviceTypes = new Weighted(DEVICE_PROFILES.map((p, i) => [i, p.weight] as const));
  private readonly profileSalt: number;
  private readonly userIdSalt: number;
  private readonly anonymousIdSalt: number;

  constructor(
    world: Prng,
    private readonly options: UserModelOptions,
  ) {
    this.profileSalt = world.u32();
    this.userIdSalt = world.u32();
    this.anonymousIdSalt = world.u32();
  }

  /** The user's profile: always the same for the same seed and index. */
  profile(user: User): UserProfile {
    const index = user.index;
    const prng = new Prng(this.profileSalt, index);
    const loggedIn = !prng.chance(this.options.anonymousShare);
    // Ids embed a bijection of the index, so they are unique without a registry of issued ids.
    const key = loggedIn
      ? `u_${hex8(mix32((index ^ this.userIdSalt) >>> 0))}`
      : uuidFrom(mix32((index ^ this.anonymousIdSalt) >>> 0), prng);
    const country = this.countries.sample(prng);
    const region = this.regions.get(country.code)!.sample(prng);
    const kind = this.devices[this.deviceTypes.sample(prng)];
    const device: Device = { type: kind.type, os: kind.os.sample(prng), browser: kind.browsers.sample(prng) };
    const consent = drawConsent(prng, country, region);
    const first = prng.int(FIRST_NAMES.length);
    const last = prng.int(LAST_NAMES.length);
    const email = makeEmail(prng, FIRST_SLUGS[first], LAST_SLUGS[last], country);
    const phone = makePhone(prng, country);
    const ip = prng.chance(IPV6_SHARE) ? makeIpv6(prng) : makeIpv4(prng);
    return {
      key,
      loggedIn,
      country,
      region,
      device,
      consent,
      name: `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`,
      email,
      phone,
      ip,
    };
  }
}

function drawConsent(prng: Prng, country: CountryInfo, region: string): Consent {
  if (country.gdpr) {
    const [analytics, ads] = GDPR_CHOICES.sample(prng);
    return { analytics, ads, gdpr_applies: true, ccpa_opt_out: false };
  }
  if (region === CCPA_REGION) {
    const optOut = prng.chance(CCPA_OPT_OUT_SHARE);
    return { analytics: prng.chance(0.96), ads: !optOut && prng.chance(0.95), gdpr_applies: false, ccpa_opt_out: optOut };
  }
  return { analytics: prng.chance(0.97), ads: prng.chance(0.93), gdpr_applies: false, ccpa_opt_out: false };
}

function makeEmail(prng: Prng, f: string, l: string, country: CountryInfo): string {
  const domain = prng.pick(country.emailDomains);
  switch (prng.int(4)) {
    case 0:
      return `${f}.${l}@${domain}`;
    case 1:
      return `${f}${l}${prng.between(1, 99)}@${domain}`;
    case 2:
      return `${f[0]}${l}@${domain}`;
    default:
      return `${f}_${l}${prng.between(1960, 2006)}@${domain}`;
  }
}

/** A national phone pattern split into literal text and runs of digits ('#'), parsed once per pattern. */
interface PhonePattern {
  /** Literal strings and digit-run lengths, in order. */
  readonly parts: ReadonlyArray<string | number>;
  /** Digits contained in the literals (e.g. the trunk prefix '0'), aligned with `parts`. */
  readonly literalDigits: readonly string[];
}

const PHONE_PATTERNS = new Map<string, PhonePattern>();

function phonePattern(pattern: string): PhonePattern {
  let parsed = PHONE_PATTERNS.get(pattern);
  if (parsed === undefined) {
    const parts = pattern.match(/#+|[^#]+/g)!.map((p) => (p[0] === '#' ? p.length : p));
    const literalDigits = parts.map((p) => (typeof p === 'string' ? p.replace(/\D/g, '') : ''));
    parsed = { parts, literalDigits };
    PHONE_PATTERNS.set(pattern, parsed);
  }
  return parsed;
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/** A phone number of the country, in its national format or in E.164. */
export function makePhone(prng: Prng, country: CountryInfo): string {
  const { parts, literalDigits } = phonePattern(country.nationalPhone);
  let national = '';
  let digits = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      national += part;
      digits += literalDigits[i];
    } else {
      // Runs are ≤ 8 digits long in the catalog, so one draw covers a run.
      const run = String(prng.int(POW10[part])).padStart(part, '0');
      national += run;
      digits += run;
    }
  }
  if (!prng.chance(E164_SHARE)) return national;
  // E.164 drops the national trunk prefix '0' (the NANP has none).
  return `+${country.callingCode}${digits.startsWith('0') ? digits.slice(1) : digits}`;
}

function makeIpv4(prng: Prng): string {
  for (;;) {
    const a = prng.between(1, 223);
    // Skip private, loopback, CGNAT and link-local space: client addresses seen by a collector are public.
    if (a === 10 || a === 127 || a === 100 || a === 172 || a === 192 || a === 169) continue;
    return `${a}.${prng.int(256)}.${prng.int(256)}.${prng.between(1, 254)}`;
  }
}

function makeIpv6(prng: Prng): string {
  // 2000::/3 is global unicast; the low 64 bits (interface id) are random, as with privacy extensions.
  let out = (0x2000 + prng.int(0x1000)).toString(16);
  for (let i = 0; i < 7; i++) out += `:${prng.int(0x10000).toString(16)}`;
  return out;
}
