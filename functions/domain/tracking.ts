// Open and click tracking: one signed token per recipient (a single HMAC at send time), the pixel and the click
// redirect that read it, and the rules that tell a person's open or click from a machine's.
//
// An edition is rendered once per language; its links become `{{#if trackingToken}}<click route>{{else}}<link>{{/if}}`,
// so SES fills in each recipient's token, and the archive, previews, tests and the recipients who did not consent
// to measurement (an empty token) get the plain links and no pixel.
import { NotFoundError } from './errors.ts';
import { countPerson } from './people.ts';
import type {
  Clock,
  DeliveryMarks,
  DeliveryRecord,
  DeliveryRecords,
  Edition,
  PeopleSketches,
  SendCounters,
} from './ports.ts';
import { countIncrements, hourIncrements } from './progress.ts';
import type { Language } from './reference.ts';
import type { Tokens } from './tokens.ts';

/** The SES placeholder that carries a recipient's tracking token. */
export const TRACKING_PLACEHOLDER = 'trackingToken';
/** The click position of the invisible honeypot link: only machines follow it. */
export const HONEYPOT = 'h';

/** The per-recipient values of tracking, for SES's replacement template data: one HMAC per recipient. */
export function trackingData(deps: { tokens: Tokens }, issueId: string, subscriberId: string): Record<string, string> {
  return { [TRACKING_PLACEHOLDER]: deps.tokens.sign({ purpose: 'track', subscriberId, issueId }) };
}

/**
 * The same for a recipient who did not consent to measurement: an empty token (given, not left out, so SES
 * renders without missing data), which leaves out the pixel and keeps every link plain.
 */
export function untrackedData(): Record<string, string> {
  return { [TRACKING_PLACEHOLDER]: '' };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** An href as HTML-escaped by Handlebars and MJML, back to the URL it stands for. */
function unescapeHref(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const HREF = /(<a\b[^>]*?\bhref=")(https?:\/\/[^"]+)(")/gi;

/**
 * Rewrites every http(s) link of a rendered edition to the click route (when SES fills a tracking token), adds
 * the open pixel and the honeypot link, and lists the original links by position.
 */
export function withTracking(html: string, publicUrl: string): { html: string; links: string[] } {
  const links: string[] = [];
  const token = `{{${TRACKING_PLACEHOLDER}}}`;
  const tracked = (inner: string) => `{{#if ${TRACKING_PLACEHOLDER}}}${inner}{{/if}}`;
  const rewritten = html.replace(HREF, (_, before: string, href: string, after: string) => {
    links.push(unescapeHref(href));
    const click = `${publicUrl}/t/click/${token}.${links.length - 1}`;
    return `${before}{{#if ${TRACKING_PLACEHOLDER}}}${click}{{else}}${href}{{/if}}${after}`;
  });
  const hidden =
    'display:none;font-size:0;line-height:0;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all';
  const footer =
    tracked(
      `<a href="${publicUrl}/t/click/${token}.${HONEYPOT}" style="${hidden}" tabindex="-1" aria-hidden="true"></a>`,
    ) +
    tracked(
      `<img src="${publicUrl}/t/open/${token}" width="1" height="1" alt="" ` +
        'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0" />',
    );
  const end = rewritten.lastIndexOf('</body>');
  return {
    html: end < 0 ? rewritten + footer : `${rewritten.slice(0, end)}${footer}${rewritten.slice(end)}`,
    links,
  };
}

/** Who made a request to a tracking route, as far as the request tells. */
export interface Requester {
  userAgent: string;
  /** The client's address, as the edge saw it (never X-Forwarded-For, which clients write). */
  ip: string;
}

export interface TrackingDeps {
  tokens: Tokens;
  deliveries: DeliveryMarks & Pick<DeliveryRecords, 'get'>;
  counters: Pick<SendCounters, 'add'>;
  /** The issue's openers and clickers, for the report's unique people across issues. */
  sketches: Pick<PeopleSketches, 'merge'>;
  clock: Clock;
  publicUrl: string;
  /** An issue's stored (frozen) edition in one language. */
  edition(issueId: string, language: Language): Promise<Edition | undefined>;
  /** Opens and clicks this soon after delivery are a machine's (prefetch, security scanner). */
  machineWindowSeconds: number;
}

/**
 * Apple Mail Privacy Protection loads every image through Apple's proxies as soon as the message arrives, with
 * the bare user agent `Mozilla/5.0`, from Apple's network (17.0.0.0/8).
 */
export function isApplePrivacyProxy(requester: Requester): boolean {
  return requester.userAgent.trim() === 'Mozilla/5.0' || /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(requester.ip);
}

/** Security scanners, link checkers, crawlers and scripts that say what they are. */
const MACHINE_AGENTS =
  /bot\b|bot\/|crawl|spider|slurp|scanner|preview|headless|python-|curl\/|wget\/|go-http-client|java\/|okhttp|libwww|httpclient|barracuda|mimecast|proofpoint|symantec|messagelabs|trendmicro|forcepoint|safelinks|urldefense|fireeye|ironport|sophos|zscaler|cloudmark/i;

export function isMachineAgent(userAgent: string): boolean {
  return userAgent.trim() === '' || MACHINE_AGENTS.test(userAgent);
}

/** When the message reached the recipient's server: the Delivery event, else the send. */
const deliveredAt = (delivery: DeliveryRecord) => delivery.deliveredAt ?? delivery.sentAt ?? delivery.claimedAt;

/** Within the window after delivery (or before it: a prefetch racing the Delivery event); a window of 0 turns it off. */
function atDelivery(deps: Pick<TrackingDeps, 'clock' | 'machineWindowSeconds'>, delivery: DeliveryRecord) {
  if (deps.machineWindowSeconds <= 0) return false;
  const since = deps.clock.now().getTime() - Date.parse(deliveredAt(delivery));
  return Number.isFinite(since) && since < deps.machineWindowSeconds * 1000;
}

/** Hours from the send to now, for the 72-hour timeline. */
const hourOf = (deps: Pick<TrackingDeps, 'clock'>, delivery: DeliveryRecord) =>
  Math.floor((deps.clock.now().getTime() - Date.parse(delivery.sentAt ?? delivery.claimedAt)) / 3_600_000);

/** The delivery record a tracking token names; undefined for a forged, truncated or unknown token. */
async function deliveryOf(deps: TrackingDeps, token: string): Promise<DeliveryRecord | undefined> {
  const check = deps.tokens.verify(token, 'track', deps.clock.now());
  if (!check.ok || !check.claims.issueId) return undefined;
  const delivery = await deps.deliveries.get(check.claims.issueId, check.claims.subscriberId);
  return delivery?.status === 'sent' ? delivery : undefined;
}

async function count(
  deps: TrackingDeps,
  delivery: DeliveryRecord,
  name: 'uniqueOpens' | 'machineOpens' | 'repeatOpens' | 'uniqueClicks' | 'botClicks' | 'repeatClicks',
  delta = 1,
) {
  const increments = countIncrements(delivery.country, delivery.language, [delivery.region], name);
  if (delta !== 1) for (const i of increments) i.counts[name] = delta;
  const timeline =
    (name === 'uniqueOpens' || name === 'uniqueClicks') && delta === 1
      ? hourIncrements(delivery.country, delivery.region, hourOf(deps, delivery), name)
      : [];
  await deps.counters.add(delivery.issueId, [...increments, ...timeline]);
}

/** A person's open: the first counts them, later ones are repeats. */
async function humanOpen(deps: TrackingDeps, delivery: DeliveryRecord, at: string, repeat: boolean) {
  if (await deps.deliveries.markOnce(delivery.issueId, delivery.subscriberId, 'openedAt', at)) {
    await count(deps, delivery, 'uniqueOpens');
    await countPerson(deps, delivery, 'openers');
  } else if (repeat) {
    await count(deps, delivery, 'repeatOpens');
  }
}

export type OpenOutcome = 'human' | 'machine' | 'ignored';

/** The pixel was loaded. Nothing is counted for a token that is not a real recipient's. */
export async function recordOpen(deps: TrackingDeps, token: string, requester: Requester): Promise<OpenOutcome> {
  const delivery = await deliveryOf(deps, token);
  if (!delivery) return 'ignored';
  const at = deps.clock.now().toISOString();
  if (isApplePrivacyProxy(requester) || isMachineAgent(requester.userAgent) || atDelivery(deps, delivery)) {
    if (await deps.deliveries.markOnce(delivery.issueId, delivery.subscriberId, 'machineOpenedAt', at)) {
      await count(deps, delivery, 'machineOpens');
    }
    return 'machine';
  }
  await humanOpen(deps, delivery, at, true);
  return 'human';
}

/** A scanner that follows every link of an edition (at least this many) is no reader. */
const EVERY_LINK_MINIMUM = 3;

/**
 * A tracked link was followed: records the click and answers where to redirect, always a link of the stored
 * edition. A forged, truncated or unknown token, or a position the edition lacks, is a 404 and counts nothing.
 */
export async function followClick(deps: TrackingDeps, token: string, requester: Requester): Promise<string> {
  const dot = token.lastIndexOf('.');
  const position = token.slice(dot + 1);
  const delivery = dot < 0 ? undefined : await deliveryOf(deps, token.slice(0, dot));
  const edition = delivery && (await deps.edition(delivery.issueId, delivery.language as Language));
  const honeypot = position === HONEYPOT;
  const index = /^\d{1,4}$/.test(position) ? Number(position) : -1;
  const target = honeypot
    ? edition && `${deps.publicUrl}/archive/${encodeURIComponent(delivery.issueId)}/${delivery.language}`
    : edition?.links?.[index];
  if (!delivery || !target) throw new NotFoundError('link');

  const at = deps.clock.now().toISOString();
  const { issueId, subscriberId } = delivery;
  if (honeypot || isMachineAgent(requester.userAgent) || atDelivery(deps, delivery)) {
    if (await deps.deliveries.markOnce(issueId, subscriberId, 'botClickedAt', at))
      await count(deps, delivery, 'botClicks');
    return target;
  }
  const links = edition?.links?.length ?? 0;
  const clicked = await deps.deliveries.addToSet(issueId, subscriberId, 'clickedLinks', index);
  if (links >= EVERY_LINK_MINIMUM && clicked >= links) {
    // Every link followed: a scanner after all. Whoever it made a clicker moves to the bots.
    if (await deps.deliveries.markOnce(issueId, subscriberId, 'botClickedAt', at)) {
      await count(deps, delivery, 'botClicks');
      if ((await deps.deliveries.get(issueId, subscriberId))?.clickedAt)
        await count(deps, delivery, 'uniqueClicks', -1);
    }
    return target;
  }
  if (await deps.deliveries.markOnce(issueId, subscriberId, 'clickedAt', at)) {
    await count(deps, delivery, 'uniqueClicks');
    await countPerson(deps, delivery, 'clickers');
    // A click shows the email was opened, also where images were blocked or prefetched by a proxy.
    await humanOpen(deps, delivery, at, false);
  } else {
    await count(deps, delivery, 'repeatClicks');
  }
  return target;
}
