/**
 * The shape of a session: which event types a visit produces, in order.
 *
 * A session is planned when it starts (a short array of event types) and then played out one event at a time by
 * the activity model. Planning up front keeps the hot path trivial and makes the funnel explicit:
 *
 *   [email_open → email_click]  or  [ad_impression… → click]      entry, for email and display/social traffic
 *   page_view (landing) → [signup] → browse (page_view | click)*   every visit that reaches the site
 *   → add_to_cart (needs a click first) → [add_to_cart | remove_from_cart]* → purchase
 *   [form_submit] anywhere after landing
 *
 * Drop-off happens at every arrow with the probabilities below (overall conversion ≈ 5–6 % of visits).
 */
import type { Channel, EventType } from './event';
import type { Prng } from './prng';

export const FUNNEL = {
  /** Email sessions: share of opens followed by a click into the site. */
  emailClickAfterOpen: 0.35,
  /** Display/social sessions: share that start with ad impressions before the click. */
  impressionsFirst: 0.5,
  /** Share of impression-first sessions whose impressions lead to a click (else the session ends there). */
  adClickAfterImpression: 0.3,
  /** New logged-in users sign up in their first session with this probability. */
  signupOnFirstVisit: 0.6,
  /** After each browse event, probability of one more (geometric, capped below). */
  browseContinue: 0.55,
  maxBrowse: 12,
  /** Share of browse events that are clicks rather than page views. */
  clickShare: 0.4,
  /** Landing → at least one click (product tile, CTA). */
  clickThrough: 0.6,
  /** Clicked → add_to_cart. */
  addToCart: 0.3,
  /** Each further cart action (another add, or a remove) happens with this probability. */
  moreCartActions: 0.35,
  /** Share of further cart actions that are removals (only while the cart keeps ≥ 1 item). */
  removeShare: 0.3,
  /** Cart → purchase. */
  purchase: 0.35,
  /** A lead/contact form submitted during the visit. */
  formSubmit: 0.06,
} as const;

export interface PlanContext {
  channel: Channel;
  loggedIn: boolean;
  firstSession: boolean;
}

export function planSession(prng: Prng, ctx: PlanContext): EventType[] {
  const plan: EventType[] = [];
  if (ctx.channel === 'email') {
    plan.push('email_open');
    if (!prng.chance(FUNNEL.emailClickAfterOpen)) return plan;
    plan.push('email_click');
  } else if ((ctx.channel === 'display' || ctx.channel === 'paid_social') && prng.chance(FUNNEL.impressionsFirst)) {
    const impressions = prng.between(1, 3);
    for (let i = 0; i < impressions; i++) plan.push('ad_impression');
    if (!prng.chance(FUNNEL.adClickAfterImpression)) return plan;
    plan.push('click');
  }

  plan.push('page_view');
  if (ctx.loggedIn && ctx.firstSession && prng.chance(FUNNEL.signupOnFirstVisit)) plan.push('signup');

  let clicked = false;
  if (prng.chance(FUNNEL.clickThrough)) {
    plan.push('click');
    clicked = true;
  }
  for (let i = 0; i < FUNNEL.maxBrowse && prng.chance(FUNNEL.browseContinue); i++) {
    const click = prng.chance(FUNNEL.clickShare);
    plan.push(click ? 'click' : 'page_view');
    clicked ||= click;
  }
  if (prng.chance(FUNNEL.formSubmit)) plan.push('form_submit');

  if (!clicked || !prng.chance(FUNNEL.addToCart)) return plan;
  plan.push('add_to_cart');
  let cart = 1;
  while (prng.chance(FUNNEL.moreCartActions)) {
    if (cart > 1 && prng.chance(FUNNEL.removeShare)) {
      plan.push('remove_from_cart');
      cart--;
    } else {
      plan.push('add_to_cart');
      cart++;
    }
  }
  if (prng.chance(FUNNEL.purchase)) plan.push('purchase');
  return plan;
}
