/**
 * The activity model: users having sessions, played out on one event-time clock. It produces logical events
 * (plain objects, not yet serialised or delivered) in non-decreasing event-time order.
 *
 * How rate and sessions fit together. The stream's event-time clock ticks as a Poisson process at `rate`
 * events/s, so `rate` is honoured regardless of how users behave. Each tick is given to one user:
 *   1. the active session whose next event is due (earliest due first), if any is due;
 *   2. otherwise a new session (returning user out of cooldown, or a new user);
 *   3. otherwise — population exhausted or too many active sessions — the session due soonest, a bit early;
 *   4. with no session at all and every user cooling down (population far too small for the rate), the clock
 *      jumps to the first user's return: the only case where `rate` is not honoured.
 * Active sessions therefore grow or shrink until they absorb the tick rate, like visitors on a real site.
 *
 * Invariants the ground truth relies on (with gap = sessionGapMs):
 *   - within a session, consecutive events are < gap apart (think times are capped at gap/2; a session that
 *     could only continue ≥ gap after its last event is ended instead);
 *   - a user starts a new session only > gap after their previous event.
 * So the planned sessions are exactly Beam session windows of the emitted events, until delivery drops or
 * corrupts some of them; the truth is nevertheless recomputed from what was emitted.
 */
import { CampaignModel, type TrafficSource } from './campaigns';
import { CONTENT_PAGES, CATEGORIES, SITE_ORIGIN } from './catalog';
import type { Channel, EventType, MarketingEvent, Product } from './event';
import { SCHEMA_VERSION } from './event';
import { planSession } from './funnel';
import { IdSource, uuidFrom } from './ids';
import { KeyedMinHeap } from './heap';
import { makeNote } from './notes';
import { Prng, type Seed } from './prng';
import { orderTotal, ProductCatalog, toEventProduct } from './products';
import { serializeWith, sessionFragment } from './serialize';
import { TimestampFormatter } from './time';
import { Population } from './population';
import { type User, UserModel, type UserProfile } from './users';

export interface ActivityOptions {
  /** Event time of the first event, ms since epoch. */
  startTime: number;
  /** Events per second of event time. */
  rate: number;
  /** Session gap (Beam sessions(gap)). */
  sessionGapMs: number;
  /** Cap on the user population (memory bound for unbounded streams). */
  maxUsers: number;
  /** Share of users that are anonymous. */
  anonymousShare: number;
  /** Probability that a new session belongs to a brand-new user (while the population is below maxUsers). */
  newUserShare: number;
  /** Cap on concurrently active sessions (memory bound at very high rates). */
  maxActiveSessions: number;
}

/**
 * A generated event as the rest of the generator sees it: its JSON plus the few fields the truth needs.
 *
 * The MarketingEvent object itself is not kept: messages stay in flight for a while (out-of-order window, late
 * hold), and retaining 25-field objects with their strings made young-generation GC copy them around — it was a
 * third of the run time. Corruption, which needs the object, re-parses the payload (1 % of events).
 */
export interface LogicalEvent {
  /** Generation order, 0-based. */
  readonly seq: number;
  /** Event time, integer ms since epoch (what event_time encodes). */
  readonly time: number;
  readonly userKey: string;
  readonly eventType: EventType;
  readonly channel: Channel;
  readonly campaignId: string | null;
  readonly value: number | null;
  readonly currency: string | null;
  /** The event's JSON: byte-identical to JSON.stringify(event), built faster (serialize.ts). */
  readonly payload: string;
}

interface Session {
  readonly serial: number;
  readonly user: User;
  /** The user's profile, derived once per session. */
  readonly profile: UserProfile;
  readonly source: TrafficSource;
  /** The session-constant part of the payload (user, geo, consent, UTM, channel), serialised once. */
  readonly json: string;
  readonly plan: readonly EventType[];
  step: number;
  due: number;
  lastTime: number;
  /** Path of the last on-site page, for referrers and clicks. */
  page: string | null;
  cart: Product[];
}

const EVENT_ID_OFFSET = '{"event_id":"'.length;
const EVENT_ID_LENGTH = 36; // UUID

/**
 * The event_id of a logical event, read from its payload (which starts with it) rather than stored: keeping it as
 * a field cost one more object per in-flight message.
 */
export function eventIdOf(event: LogicalEvent): string {
  return event.payload.slice(EVENT_ID_OFFSET, EVENT_ID_OFFSET + EVENT_ID_LENGTH);
}

const THINK_MIN_MS = 1_000;
const THINK_MEAN_MS = 25_000;
const THINK_MAX_MS = 10 * 60_000;

export class ActivityModel {
  private readonly prng: Prng;
  private readonly population: Population;
  private readonly userModel: UserModel;
  private readonly campaigns: CampaignModel;
  private readonly catalog: ProductCatalog;
  private readonly eventIds: IdSource;
  /** Active sessions by (next due time, serial). */
  private readonly active = new KeyedMinHeap<Session>();
  private readonly timestamps = new TimestampFormatter();
  private readonly scratch: MarketingEvent = emptyEvent();
  private readonly meanTickMs: number;
  private readonly thinkMaxMs: number;
  private clock: number;
  private seq = 0;
  private sessionSerial = 0;

  constructor(
    seed: Seed,
    private readonly options: ActivityOptions,
  ) {
    this.prng = new Prng(seed, 'activity');
    // The world (campaigns, catalog, id salts) comes from its own stream so that it is the same for every
    // option mix of a seed.
    const world = new Prng(seed, 'world');
    this.campaigns = new CampaignModel(world);
    this.catalog = new ProductCatalog(world);
    this.userModel = new UserModel(world, { anonymousShare: options.anonymousShare });
    this.population = new Population(options.maxUsers, options.sessionGapMs, options.newUserShare);
    this.eventIds = new IdSource(world.u32());
    this.meanTickMs = 1000 / options.rate;
    this.thinkMaxMs = Math.min(THINK_MAX_MS, Math.floor(options.sessionGapMs / 2));
    this.clock = options.startTime;
  }

  /** Event time the next event will have at the earliest (the stream's event-time clock). */
  get now(): number {
    return Math.floor(this.clock);
  }

  get populationSize(): number {
    return this.population.size;
  }

  get activeSessions(): number {
    return this.active.size;
  }

  next(): LogicalEvent {
    const gap = this.options.sessionGapMs;
    let t = Math.floor(this.clock);
    let out: LogicalEvent | null = null;
    while (out === null) {
      const top = this.active.peek();
      if (top !== undefined && top.due <= t) {
        this.active.pop();
        if (t - top.lastTime >= gap) {
          // Continuing would put ≥ gap between two events of one planned session: end it instead.
          this.population.release(top.user);
          continue;
        }
        out = this.emit(top, t);
      } else {
        const started = this.active.size < this.options.maxActiveSessions ? this.tryNewSession(t) : null;
        if (started !== null) {
          out = started;
        } else if (top !== undefined) {
          // No new session possible: the soonest-due session moves a little early (top.due > t, so its gap
          // stays below the think-time cap).
          this.active.pop();
          out = this.emit(top, t);
        } else {
          // Nobody active and every user cooling down (population too small for the rate): event time jumps to
          // the first user's return. The only case where `rate` is not honoured.
          const user = this.population.takeEarliestCooling()!;
          t = Math.max(t, user.lastEventTime + gap + 1);
          this.clock = Math.max(this.clock, t);
          out = this.emit(this.startSession(user, t), t);
        }
      }
    }
    this.clock += this.prng.exp(this.meanTickMs);
    return out;
  }

  private tryNewSession(t: number): LogicalEvent | null {
    const user = this.population.pick(t, this.prng);
    return user === null ? null : this.emit(this.startSession(user, t), t);
  }

  private startSession(user: User, t: number): Session {
    user.sessionCount++;
    const profile = this.userModel.profile(user);
    const source = this.campaigns.sourceFor(this.prng, profile.loggedIn);
    const plan = planSession(this.prng, {
      channel: source.channel,
      loggedIn: profile.loggedIn,
      firstSession: user.sessionCount === 1,
    });
    return {
      serial: this.sessionSerial++,
      user,
      profile,
      source,
      json: sessionFragment(
        {
          loggedIn: profile.loggedIn,
          key: profile.key,
          device: profile.device,
          countryCode: profile.country.code,
          region: profile.region,
          consent: profile.consent,
          ip: profile.ip,
        },
        source.campaign,
        source.channel,
      ),
      plan,
      step: 0,
      due: t,
      lastTime: t,
      page: null,
      cart: [],
    };
  }

  private emit(session: Session, t: number): LogicalEvent {
    const type = session.plan[session.step++];
    const event = this.buildEvent(session, type, t);
    session.lastTime = t;
    session.user.lastEventTime = t;
    if (session.step < session.plan.length) {
      const think = THINK_MIN_MS + this.prng.exp(THINK_MEAN_MS);
      session.due = t + Math.floor(Math.min(think, this.thinkMaxMs));
      this.active.push(session.due, session.serial, session);
    } else {
      this.population.release(session.user);
    }
    const payload = serializeWith(event, session.json);
    return {
      seq: this.seq++,
      time: t,
      userKey: session.profile.key,
      eventType: type,
      channel: event.channel,
      campaignId: event.campaign_id ?? null,
      value: event.value ?? null,
      currency: event.currency ?? null,
      payload,
    };
  }

  private productPage(): string {
    return `/products/${this.catalog.sample(this.prng).sku}`;
  }

  private browsePage(): string {
    const r = this.prng.float();
    if (r < 0.4) return this.productPage();
    if (r < 0.65) return `/category/${this.prng.pick(CATEGORIES).name}`;
    return this.prng.pick(CONTENT_PAGES);
  }

  private landingPage(session: Session): string {
    if (session.source.campaign === null) return this.prng.chance(0.6) ? '/' : this.browsePage();
    const r = this.prng.float();
    return r < 0.35 ? '/sale' : r < 0.75 ? this.productPage() : '/';
  }

  private buildEvent(session: Session, type: EventType, t: number): MarketingEvent {
    const prng = this.prng;
    const user = session.profile;
    const country = user.country;
    const campaign = session.source.campaign;
    const onSite = session.page;
    let page: string | undefined;
    let referrer: string | undefined;
    let product: Product | undefined;
    let value: number | undefined;
    let currency: string | undefined;
    // PII a tracker would see on this event: typed into a form, or known because the user is logged in.
    let withEmail = false;
    let withName = false;
    let withPhone = false;
    let noteShare = 0.01;

    switch (type) {
      case 'page_view':
        page = onSite === null ? this.landingPage(session) : this.browsePage();
        referrer = onSite === null ? (session.source.referrer ?? undefined) : SITE_ORIGIN + onSite;
        session.page = page;
        break;
      case 'click':
        // A click before landing is the ad click that follows impressions: it happens off-site.
        page = onSite ?? undefined;
        break;
      case 'add_to_cart': {
        const p = toEventProduct(this.catalog.sample(prng), country);
        session.cart.push(p);
        product = p;
        page = `/products/${p.sku}`;
        if (onSite !== null) referrer = SITE_ORIGIN + onSite;
        session.page = page;
        break;
      }
      case 'remove_from_cart':
        // The plan only removes while ≥ 2 items are in the cart.
        product = session.cart.pop();
        page = '/cart';
        session.page = page;
        break;
      case 'purchase':
        product = session.cart[0];
        value = orderTotal(session.cart, country.minorDigits);
        currency = country.currency;
        page = '/checkout/complete';
        referrer = `${SITE_ORIGIN}/checkout`;
        session.page = page;
        session.cart = [];
        withEmail = withName = true;
        withPhone = prng.chance(0.6);
        noteShare = 0.15;
        break;
      case 'signup':
        page = '/signup';
        session.page = page;
        withEmail = withName = true;
        withPhone = prng.chance(0.3);
        noteShare = 0.1;
        break;
      case 'form_submit':
        page = '/contact';
        session.page = page;
        withEmail = withName = true;
        withPhone = prng.chance(0.5);
        noteShare = 1;
        break;
      case 'email_open':
      case 'email_click':
        withEmail = true;
        break;
      case 'ad_impression':
        break;
    }
    // Logged-in trackers attach the known email to most events (identify traits).
    if (user.loggedIn && !withEmail) withEmail = prng.chance(0.3);
    const note = prng.chance(noteShare) ? makeNote(prng, user.email, country, 0.5) : undefined;

    // One scratch object, overwritten per event: it is serialised immediately and never retained, so allocating
    // a 25-field object per event would only feed the garbage collector. Every key is always assigned (undefined
    // when absent: serialisation omits those), keeping one hidden class and a fixed key order.
    const ev = this.scratch;
    ev.event_id = uuidFrom(this.eventIds.nextUnique(), prng);
    ev.event_type = type;
    ev.event_time = this.timestamps.format(t);
    ev.user_id = user.loggedIn ? user.key : undefined;
    ev.anonymous_id = user.loggedIn ? undefined : user.key;
    ev.device = user.device;
    ev.country = country.code;
    ev.region = user.region;
    ev.consent = user.consent;
    ev.ip = user.ip;
    ev.utm_source = campaign?.utmSource;
    ev.utm_medium = campaign?.utmMedium;
    ev.utm_campaign = campaign?.utmCampaign;
    ev.campaign_id = campaign?.campaignId;
    ev.channel = session.source.channel;
    ev.page = page;
    ev.referrer = referrer;
    ev.value = value;
    ev.currency = currency;
    ev.email = withEmail ? user.email : undefined;
    ev.phone = withPhone ? user.phone : undefined;
    ev.name = withName ? user.name : undefined;
    ev.note = note;
    ev.product = product;
    return ev;
  }
}

/** All keys in payload order (see serialize.ts), so the scratch event has one shape from the start. */
function emptyEvent(): MarketingEvent {
  return {
    event_id: '',
    event_type: 'page_view',
    event_time: '',
    user_id: undefined,
    anonymous_id: undefined,
    device: { type: 'desktop', os: '', browser: '' },
    country: '',
    region: '',
    consent: { analytics: false, ads: false, gdpr_applies: false, ccpa_opt_out: false },
    ip: '',
    utm_source: undefined,
    utm_medium: undefined,
    utm_campaign: undefined,
    campaign_id: undefined,
    channel: 'direct',
    page: undefined,
    referrer: undefined,
    value: undefined,
    currency: undefined,
    email: undefined,
    phone: undefined,
    name: undefined,
    note: undefined,
    product: undefined,
    schema_version: SCHEMA_VERSION,
  };
}
