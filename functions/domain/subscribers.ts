// Subscribers: signup with double opt-in and a consent record, one-click unsubscribe, preferences, data
// export and erasure, and the suppression rule for hard bounces and complaints.
//
// Every change of a stored subscriber is "read, apply a pure transition, write conditioned on the version read";
// a refused write reads again. So an unsubscribe, a suppression or an erasure is never undone by a write that
// read the subscriber before it (an erasure deletes, and a later conditional write finds nothing).
import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, MailerRefusedError, RateLimitedError, TokenError, ValidationError } from './errors.ts';
import { recordSchemas } from './records.ts';
import { OTHER_REGION, perReference, type Country, type Language, type Reference } from './reference.ts';
import type {
  Clock,
  DeliveryMarks,
  DeliveryRecord,
  DeliveryRecords,
  IssueStore,
  Mailer,
  SendCounters,
} from './ports.ts';
import { growthOfChange, type GrowthCounters } from './growth.ts';
import { countIncrements } from './progress.ts';
import { manageToken, type TokenCheck, type TokenClaims, type Tokens } from './tokens.ts';
import { validate } from './validation.ts';
import { emailAddress, singleLine } from './text-rules.ts';

export const CONFIRMATION_DAYS = 7;
/** The per-address signup limit's window. */
export const ADDRESS_WINDOW_SECONDS = 3600;
/** Conditional writes of one change before it gives up (409): each refusal means another change landed. */
export const MAX_WRITE_ATTEMPTS = 8;

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';
export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['pending', 'confirmed', 'unsubscribed', 'suppressed'];
/** Why an address gets no mail: SES said so (a hard bounce, a complaint), an admin did, or a suppression list. */
export type SuppressionReason = 'bounce' | 'complaint' | 'admin' | 'import';

/** Where consent came from: set by the server, never by the client. */
export type ConsentSource = 'signup-page' | 'api';

export interface Consent {
  /** When the form was sent, which form, in which language, which version of the consent text, from where. */
  at: string;
  /** `signup-page`, `api`, or `import` (consent given elsewhere, or asked for by an import's confirmation email). */
  form: string;
  language: Language;
  textVersion: string;
  /** The signup's address; an import has none. */
  ip?: string;
  confirmedAt?: string;
  /**
   * The choice on measuring opens and clicks per person, asked apart from the newsletter consent, and when it was
   * made or last changed (absent in records from before it was asked: not measured).
   */
  tracking?: TrackingChoice;
  /** An import's: where the person consented (a form, an event's sign-up sheet, a former tool). */
  source?: string;
  /** An import's: where the evidence of that consent is kept (a file, a record number, a link). */
  proof?: string;
  /** An import's: who imported (the admin's email or id) and when. */
  importedBy?: string;
  importedAt?: string;
}

export interface TrackingChoice {
  allowed: boolean;
  at: string;
}

export interface Preferences {
  language: Language;
  country: Country;
  region: string;
  topics: string[];
  /**
   * Whether opens and clicks may be measured for this person (the consent record says when they chose); absent
   * in records from before the choice was asked, and in imports without one: not measured.
   */
  tracking?: boolean;
}

/** Whether a subscriber's emails may carry the open pixel and tracked links: only with their consent. */
export const measured = (s: Pick<Preferences, 'tracking'>) => s.tracking === true;

/** What the sender needs to know of a recipient at send time. */
export interface SendState {
  status: SubscriberStatus;
  tracking: boolean;
}

export interface SubscriberRecord extends Preferences {
  id: string;
  email: string;
  name?: string;
  status: SubscriberStatus;
  createdAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  /** `one-click` (the List-Unsubscribe-Post header), `page` (the unsubscribe page) or `preferences`. */
  unsubscribeSource?: string;
  unsubscribeIssueId?: string;
  suppressedAt?: string;
  suppressionReason?: string;
  consent: Consent;
  /**
   * A signup of a confirmed or unsubscribed address: applied when its confirmation link is followed; until then
   * the subscriber keeps their status and history.
   */
  pendingChange?: PendingChange;
  /** Raised by every write; each change is written on condition that it is still the version read (absent: 0). */
  version?: number;
}

export type PendingChange = Preferences & { consent: Consent; name?: string };

/** What a signup did: `confirm` when a confirmation email is due, `suppressed` when the address gets no mail. */
export type SignUpOutcome = 'confirm' | 'suppressed';

export interface SubscriberRepository {
  get(id: string): Promise<SubscriberRecord | undefined>;
  /** Current statuses of up to 100 subscribers; an erased one is absent. */
  statuses(ids: readonly string[]): Promise<Map<string, SubscriberStatus>>;
  /** The same with each one's tracking choice, for the sender: read once per batch, at send time. */
  sendStates(ids: readonly string[]): Promise<Map<string, SendState>>;
  /**
   * Stores a new subscriber (sample data, imports); false when the id is taken. With `untallied`, the caller adds
   * the audience tallies' change itself (an import sums thousands into a few writes).
   */
  create(subscriber: SubscriberRecord, options?: { untallied?: boolean }): Promise<boolean>;
  /**
   * Writes `next` in place of the subscriber read at `version`, raising the version; false when the subscriber
   * was written or erased since (the caller reads again).
   */
  replace(next: SubscriberRecord, version: number): Promise<boolean>;
  /**
   * Stores a signup, in one conditional write when the address is new or pending: an unknown or pending
   * address becomes `pending` (the record replaced, its first `createdAt` kept); a confirmed or unsubscribed
   * subscriber keeps status and history and holds `change` until the new link is followed; a suppressed one
   * is left as it is.
   */
  signUp(pending: SubscriberRecord, change: PendingChange): Promise<SignUpOutcome>;
  /**
   * Ends a subscription in one write that no concurrent change can delay or undo: `status` and `fields` set, a
   * held signup dropped, the version raised (so a versioned write in flight reads again). Only while the status is
   * none of `unless`, and, for a link, the subscriber was created by `createdBy` (the link's issue time). The
   * subscriber after the write, or as it is when nothing was written (with, when written, the subscriber the write
   * replaced); undefined when there is none.
   */
  end(
    id: string,
    change: EndChange,
  ): Promise<{ subscriber: SubscriberRecord; changed: boolean; previous?: SubscriberRecord } | undefined>;
  /** Deletes unconditionally: an erasure always wins. The subscriber as this delete removed them, if any. */
  delete(id: string): Promise<SubscriberRecord | undefined>;
}

export interface EndChange {
  status: 'unsubscribed' | 'suppressed';
  fields: Partial<
    Pick<
      SubscriberRecord,
      'unsubscribedAt' | 'unsubscribeSource' | 'unsubscribeIssueId' | 'suppressedAt' | 'suppressionReason'
    >
  >;
  unless: SubscriberStatus[];
  /** ISO time: the subscriber must have been created at or before it. */
  createdBy?: string;
}

/**
 * Keyed hashes (never addresses) of erased people's mailboxes: what lets an import refuse to bring an erased
 * person back without keeping their address.
 */
export interface ErasureMarks {
  add(key: string): Promise<void>;
  /** Every mark (erasures are few: an import reads them once, not once per row). */
  all(): Promise<Set<string>>;
}

/** The erasure mark of an address: a keyed hash of its mailbox (so `A.B+x@gmail.com` marks `ab@gmail.com` too). */
export const erasureKey = (tokens: Tokens, email: string) => `erased:${tokens.pseudonym(`erased:${mailboxOf(email)}`)}`;

export interface RateLimiter {
  /**
   * Counts a hit on `key` in the current window; false once `limit` hits were counted in it. Keys are stored:
   * callers pass pseudonyms, never an address.
   */
  allow(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
  /** Deletes the counters `key` may still have (this window's and the last). */
  forget(key: string, windowSeconds: number, now: Date): Promise<void>;
}

/** What signup sends and the pages it shows, localized. */
export interface SubscriberMessages {
  confirmationEmail(
    language: Language,
    view: { confirmUrl: string },
  ): Promise<{ subject: string; html: string; text: string }>;
  consentText(language: Language): { version: string; text: string };
}

export interface SubscriberDeps {
  subscribers: SubscriberRepository;
  issues: Pick<IssueStore, 'list'>;
  counters: Pick<SendCounters, 'add'>;
  /** Audience growth per day and segment: each change of who is a confirmed subscriber, where. */
  growth: Pick<GrowthCounters, 'add'>;
  deliveries: DeliveryMarks & DeliveryRecords;
  rateLimiter: RateLimiter;
  erasures: ErasureMarks;
  tokens: Tokens;
  mailer: Mailer;
  messages: SubscriberMessages;
  clock: Clock;
  publicUrl: string;
  limits: { perIpPerMinute: number; perAddressPerHour: number };
  reference: Reference;
}

/**
 * Stores a subscriber made elsewhere (sample data, an import), counted in the audience's growth on the day they were
 * created when confirmed; false when the id is taken (nothing counted).
 */
export async function addSubscriber(
  deps: Pick<SubscriberDeps, 'subscribers' | 'growth'>,
  subscriber: SubscriberRecord,
): Promise<boolean> {
  if (!(await deps.subscribers.create(subscriber))) return false;
  await deps.growth.add(
    growthOfChange(undefined, subscriber, new Date(subscriber.confirmedAt ?? subscriber.createdAt)),
  );
  return true;
}

/** Trimmed, with the domain lower-cased (the local part is the mailbox owner's business). */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/** Domains whose mailboxes ignore dots in the local part, and the one they all are. */
const DOTLESS_DOMAINS: Record<string, string> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The mailbox an address reaches, as far as rate limiting goes: lower-case, without a `+tag`, and without dots
 * at Gmail. Only the limit's key uses it; the stored address stays as typed.
 */
export function mailboxOf(email: string): string {
  const address = normalizeEmail(email).toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const [local = '', domain] = [address.slice(0, at).split('+')[0], address.slice(at + 1)];
  const dotless = DOTLESS_DOMAINS[domain];
  return dotless ? `${local.replaceAll('.', '')}@${dotless}` : `${local}@${domain}`;
}

const addressLimitKey = (tokens: Tokens, email: string) => `address:${tokens.pseudonym(mailboxOf(email))}`;

/**
 * A subscriber's id comes from their normalized address, so a second signup finds the same record
 * with one conditional-free read, and two signups at once cannot create two subscribers.
 */
export function subscriberIdFor(email: string): string {
  return `sub-${createHash('sha256').update(normalizeEmail(email).toLowerCase()).digest('hex').slice(0, 32)}`;
}

/** An address as signup takes it: checked, then normalized (imports and suppression lists too). */
export const subscriberEmailSchema = emailAddress().transform(normalizeEmail);

const preferencesShape = (reference: Reference) => {
  const { languageSchema, countrySchema } = recordSchemas(reference);
  const topics = new Set(reference.topics);
  return {
    language: languageSchema,
    country: countrySchema,
    region: z.string().min(1).max(80).optional(),
    topics: z
      .array(z.string().refine((topic) => topics.has(topic), `must be one of ${reference.topics.join(', ')}`))
      .max(reference.topics.length)
      .optional(),
    /** Measuring opens and clicks per person: only when asked for (absent: no). */
    tracking: z.boolean('must be true or false').optional(),
  };
};

/** A region must be one of the country's regions or "other"; absent means "other". */
export function checkRegion(reference: Reference, country: Country, region: string | undefined): string {
  const chosen = region ?? OTHER_REGION;
  const regions = reference.regionsOf(country);
  if (!regions.includes(chosen)) {
    throw new ValidationError('region', `must be one of ${regions.join(', ')} for ${reference.countryName(country)}`);
  }
  return chosen;
}

export const signupSchema = perReference((reference) =>
  z.strictObject({
    email: subscriberEmailSchema,
    ...preferencesShape(reference),
    consent: z.literal(true, 'must be given (true)'),
    // Left empty on the form when one gives none.
    name: singleLine(120, 0).optional(),
    /** The honeypot: people leave it empty, bots fill it in. */
    website: z.string().max(200).optional(),
  }),
);

export const preferencesUpdateSchema = perReference((reference) => z.strictObject(preferencesShape(reference)));

/**
 * Signs someone up, or signs them up again: the answer is the same whether the address was known or not. A
 * confirmation email goes out in the chosen language, except to a suppressed address (it gets no mail and no
 * change); nothing is sent to subscribers who are not confirmed. A signup never clears an unsubscribe or a
 * suppression: only following the new confirmation link brings an unsubscribed subscriber back.
 */
export async function signup(
  deps: SubscriberDeps,
  body: unknown,
  request: { ip: string; source: ConsentSource },
): Promise<void> {
  const input = validate(signupSchema(deps.reference), body);
  const region = checkRegion(deps.reference, input.country, input.region);
  if (input.website) return; // a bot: answer as usual, store and send nothing
  const now = deps.clock.now();
  const ipKey = `ip:${deps.tokens.pseudonym(request.ip)}`;
  if (!(await deps.rateLimiter.allow(ipKey, deps.limits.perIpPerMinute, 60, now))) {
    throw new RateLimitedError();
  }
  const addressKey = addressLimitKey(deps.tokens, input.email);
  if (!(await deps.rateLimiter.allow(addressKey, deps.limits.perAddressPerHour, ADDRESS_WINDOW_SECONDS, now))) {
    throw new RateLimitedError('email');
  }
  const id = subscriberIdFor(input.email);
  const tracking = input.tracking === true;
  const consent: Consent = {
    at: now.toISOString(),
    form: request.source,
    language: input.language,
    textVersion: deps.messages.consentText(input.language).version,
    ip: request.ip,
    tracking: { allowed: tracking, at: now.toISOString() },
  };
  const preferences: Preferences = {
    language: input.language,
    country: input.country,
    region,
    topics: input.topics ?? [],
    tracking,
  };
  const pending: SubscriberRecord = {
    id,
    email: input.email,
    ...(input.name && { name: input.name }),
    ...preferences,
    status: 'pending',
    createdAt: now.toISOString(),
    consent,
  };
  const change: PendingChange = { ...preferences, ...(input.name && { name: input.name }), consent };
  // A suppressed address (a hard bounce, a complaint) is told nothing and sent nothing.
  if ((await deps.subscribers.signUp(pending, change)) === 'suppressed') return;
  await sendConfirmation(deps, { id, email: input.email, language: input.language });
}

/** Mails a confirmation link to the address, in `language`; the link confirms what the subscriber holds when followed. */
export async function sendConfirmation(
  deps: Pick<SubscriberDeps, 'tokens' | 'messages' | 'mailer' | 'clock' | 'publicUrl'>,
  to: { id: string; email: string; language: Language },
): Promise<void> {
  const now = deps.clock.now();
  const token = deps.tokens.sign({
    purpose: 'confirm',
    subscriberId: to.id,
    expiresAt: Math.floor(now.getTime() / 1000) + CONFIRMATION_DAYS * 24 * 3600,
  });
  const email = await deps.messages.confirmationEmail(to.language, {
    confirmUrl: `${deps.publicUrl}/api/subscribe/confirm?token=${encodeURIComponent(token)}`,
  });
  const [result] = await deps.mailer.sendBulk({ language: to.language, ...email }, [
    { to: to.email, data: {}, tags: { purpose: 'confirmation', language: to.language } },
  ]);
  if (!result?.ok) {
    throw new MailerRefusedError(
      `SES refused the confirmation email: ${result?.error ?? 'no result'}`,
      result?.retry ?? false,
    );
  }
}

function checked(check: TokenCheck) {
  if (!check.ok) throw new TokenError(check.reason);
  return check.claims;
}

/**
 * Links signed before they carried their issue time (2026-11-29): the unsubscribe links in mail already delivered
 * keep working for the subscribers who existed then. A record made since (a signup after an erasure among them)
 * has its links' issue time checked.
 */
export const LINKS_TIMED_SINCE = Date.parse('2026-11-29T00:00:00Z');

/**
 * A link is good for the life of the record it was issued in. The id comes from the address, so after an
 * erasure a new signup makes a record with the same id: a link issued before that record was created is one of
 * the erased person's, and opens nothing.
 */
function ownRecord(claims: TokenClaims, subscriber: SubscriberRecord): SubscriberRecord {
  const created = Date.parse(subscriber.createdAt);
  const issued = claims.issuedAt ?? (created < LINKS_TIMED_SINCE ? created : undefined);
  if (issued === undefined || issued < created) throw new TokenError('invalid');
  return subscriber;
}

async function subscriberOf(deps: Pick<SubscriberDeps, 'subscribers'>, claims: TokenClaims) {
  const subscriber = await deps.subscribers.get(claims.subscriberId);
  // The subscriber was erased: the link is as good as forged.
  if (!subscriber) throw new TokenError('invalid');
  return ownRecord(claims, subscriber);
}

/** A transition's answer when the subscriber is as it should be already: nothing is written. */
const UNCHANGED = Symbol('unchanged');
type Transition = (subscriber: SubscriberRecord) => SubscriberRecord | typeof UNCHANGED;

/**
 * Reads the subscriber, applies `transition` (pure; it may throw) and writes the result on condition that the
 * subscriber is still the version read; when another write landed first, reads and applies again. Undefined
 * when the subscriber does not exist (erased, also meanwhile).
 */
async function update(
  deps: Pick<SubscriberDeps, 'subscribers'>,
  id: string,
  transition: Transition,
): Promise<{ subscriber: SubscriberRecord; changed: boolean; previous: SubscriberRecord } | undefined> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const current = await deps.subscribers.get(id);
    if (!current) return undefined;
    const next = transition(current);
    if (next === UNCHANGED) return { subscriber: current, changed: false, previous: current };
    const version = current.version ?? 0;
    if (await deps.subscribers.replace(next, version)) {
      return { subscriber: { ...next, version: version + 1 }, changed: true, previous: current };
    }
  }
  throw new ConflictError(`subscriber ${id} kept changing; try again`);
}

/** `update` for a link's subscriber: an erased one, or one of another life, makes the link invalid. */
async function updateByLink(deps: Pick<SubscriberDeps, 'subscribers'>, claims: TokenClaims, transition: Transition) {
  const result = await update(deps, claims.subscriberId, (s) => transition(ownRecord(claims, s)));
  if (!result) throw new TokenError('invalid');
  return result;
}

/**
 * What following a confirmation link does to the subscriber: confirms a pending signup, or applies the change a
 * later signup holds (also bringing an unsubscribed subscriber back: they asked again, and this link proves the
 * mailbox). A confirmed subscriber with nothing held stays as they are. A link older than the change held does
 * not apply it, and a link from before an unsubscribe or a suppression is used up.
 */
function confirmation(claims: TokenClaims, now: Date): Transition {
  return (subscriber) => {
    const change = subscriber.pendingChange;
    const current = change && (claims.issuedAt ?? 0) >= Date.parse(change.consent.at) ? change : undefined;
    if (subscriber.status === 'confirmed' && !current) return UNCHANGED;
    if (subscriber.status === 'suppressed') throw new TokenError('expired');
    if (subscriber.status === 'unsubscribed' && !current) throw new TokenError('expired');
    const {
      pendingChange: _p,
      suppressedAt: _s,
      suppressionReason: _r,
      unsubscribedAt: _u,
      unsubscribeSource: _us,
      unsubscribeIssueId: _ui,
      ...rest
    } = subscriber;
    const confirmedAt = now.toISOString();
    return {
      ...rest,
      ...(current ?? {}),
      status: 'confirmed',
      confirmedAt,
      consent: { ...(current?.consent ?? subscriber.consent), confirmedAt },
    };
  };
}

/**
 * Checks a confirmation link without using it (the page with the button): the subscriber, and whether following
 * it would confirm anything. A link that cannot be used throws as `confirm` would.
 */
export async function checkConfirmation(
  deps: SubscriberDeps,
  token: string,
): Promise<{ subscriber: SubscriberRecord; confirmed: boolean }> {
  const now = deps.clock.now();
  const claims = checked(deps.tokens.verify(token, 'confirm', now));
  const subscriber = await subscriberOf(deps, claims);
  return { subscriber, confirmed: confirmation(claims, now)(subscriber) === UNCHANGED };
}

/** Follows a confirmation link (a POST): the subscriber is confirmed (again), with what the latest signup asked for. */
export async function confirm(
  deps: SubscriberDeps,
  token: string,
): Promise<SubscriberRecord & { manageToken: string }> {
  const now = deps.clock.now();
  const claims = checked(deps.tokens.verify(token, 'confirm', now));
  const { subscriber, changed, previous } = await updateByLink(deps, claims, confirmation(claims, now));
  if (changed) await deps.growth.add(growthOfChange(previous, subscriber, now));
  return { ...subscriber, manageToken: manageToken(deps.tokens, subscriber.id) };
}

/** Unsubscribes at once and for good; doing it twice changes nothing, and a suppressed address stays suppressed. */
export async function unsubscribe(
  deps: SubscriberDeps,
  token: string,
  source: 'one-click' | 'page' | 'preferences',
): Promise<SubscriberRecord> {
  const now = deps.clock.now();
  const claims = checked(deps.tokens.verify(token, 'manage', now));
  const unsubscribedAt = now.toISOString();
  // One write, never retried: an unsubscribe gets through whatever else writes the subscriber at the same moment.
  const result = await deps.subscribers.end(claims.subscriberId, {
    status: 'unsubscribed',
    fields: {
      unsubscribedAt,
      unsubscribeSource: source,
      ...(claims.issueId && { unsubscribeIssueId: claims.issueId }),
    },
    unless: ['unsubscribed', 'suppressed'],
    createdBy: new Date(claims.issuedAt ?? LINKS_TIMED_SINCE - 1).toISOString(),
  });
  if (!result) throw new TokenError('invalid');
  const subscriber = ownRecord(claims, result.subscriber);
  if (result.changed) await deps.growth.add(growthOfChange(result.previous, subscriber, now));
  if (result.changed && claims.issueId) await countUnsubscribe(deps, claims.issueId, subscriber.id, unsubscribedAt);
  return subscriber;
}

/** Counts an unsubscribe against the issue whose email carried the link: once per recipient, in their segments. */
async function countUnsubscribe(
  deps: Pick<SubscriberDeps, 'deliveries' | 'counters'>,
  issueId: string,
  subscriberId: string,
  at: string,
) {
  const delivery = await deps.deliveries.get(issueId, subscriberId);
  if (!delivery || !(await deps.deliveries.markOnce(issueId, subscriberId, 'unsubscribedAt', at))) return;
  await deps.counters.add(
    issueId,
    countIncrements(delivery.country, delivery.language, [delivery.region], 'unsubscribed'),
  );
}

/** Checks a manage link and names the subscriber it belongs to (for the unsubscribe and preferences pages). */
export async function subscriberForToken(deps: SubscriberDeps, token: string): Promise<SubscriberRecord> {
  return subscriberOf(deps, checked(deps.tokens.verify(token, 'manage', deps.clock.now())));
}

export function publicPreferences(s: SubscriberRecord) {
  return {
    email: s.email,
    status: s.status,
    language: s.language,
    country: s.country,
    region: s.region,
    topics: s.topics,
    tracking: measured(s),
  };
}

/** The consent record after a tracking choice: its time moves only when the choice changes. */
function withTrackingChoice(s: SubscriberRecord, allowed: boolean, at: string): Consent {
  const unchanged = measured(s) === allowed && s.consent.tracking !== undefined;
  return unchanged ? s.consent : { ...s.consent, tracking: { allowed, at } };
}

/**
 * Changes language, country, region, topics and the tracking choice (absent: not measured, as an unticked box);
 * the status (an unsubscribe, a suppression) stays as it is.
 */
export async function updatePreferences(deps: SubscriberDeps, token: string, body: unknown) {
  const claims = checked(deps.tokens.verify(token, 'manage', deps.clock.now()));
  const input = validate(preferencesUpdateSchema(deps.reference), body);
  const region = checkRegion(deps.reference, input.country, input.region);
  const now = deps.clock.now().toISOString();
  const tracking = input.tracking === true;
  const { subscriber, changed, previous } = await updateByLink(deps, claims, (s) => ({
    ...s,
    language: input.language,
    country: input.country,
    region,
    topics: input.topics ?? [],
    tracking,
    consent: withTrackingChoice(s, tracking, now),
  }));
  // A confirmed subscriber who moves region or language moves in the growth counters too.
  if (changed) await deps.growth.add(growthOfChange(previous, subscriber, deps.clock.now()));
  return publicPreferences(subscriber);
}

/** Everything Herald holds about the subscriber (GDPR art. 15 and 20). */
export async function exportData(deps: SubscriberDeps, token: string) {
  const { version: _version, ...subscriber } = await subscriberForToken(deps, token);
  return {
    exportedAt: deps.clock.now().toISOString(),
    subscriber: { ...subscriber, tracking: measured(subscriber) },
    deliveries: await deliveriesOf(deps, subscriber.id),
  };
}

/**
 * A subscriber's delivery record in each issue that has one: one strongly consistent read per issue by the table's
 * own key (issues are few, recipients many), so no index by subscriber costs a write per recipient of every send.
 */
export async function deliveriesOf(deps: Pick<SubscriberDeps, 'issues' | 'deliveries'>, subscriberId: string) {
  const issues = await deps.issues.list();
  const found = await Promise.all(issues.map((issue) => deps.deliveries.get(issue.id, subscriberId)));
  return found.filter((d) => d !== undefined);
}

/**
 * A delivery record that names no one: a random key (nothing links it back), the same status, segment and
 * times, no message id, and no reason that could quote the address. Counts reconcile with records as before.
 */
export function anonymousDelivery(record: DeliveryRecord): DeliveryRecord {
  const times = Object.fromEntries(
    Object.entries(record).filter(([k, v]) => k.endsWith('At') && typeof v === 'string'),
  );
  return {
    ...times,
    issueId: record.issueId,
    subscriberId: `erased-${randomUUID()}`,
    status: record.status,
    country: record.country,
    language: record.language,
    region: record.region,
    claimedAt: record.claimedAt,
    // Whether the send measured them (not personal data): the end-of-send recount counts `measured` from it.
    ...(record.tracked && { tracked: true }),
    ...(record.status !== 'sent' && { reason: 'erased' }),
  };
}

/**
 * Replaces a named delivery record with an anonymous one. Whoever deletes it puts the anonymous copy, of what it
 * deleted: an erasure and a sender anonymizing the same record at once leave one copy, not two. A claim is only
 * deleted: it is no outcome, and the sender holding it records the outcome later (and anonymizes it, finding the
 * subscriber gone).
 */
async function anonymize(deliveries: Pick<DeliveryRecords, 'put' | 'delete'>, record: DeliveryRecord) {
  const removed = await deliveries.delete(record.issueId, record.subscriberId);
  if (removed && removed.status !== 'claimed') await deliveries.put(anonymousDelivery(removed));
}

/**
 * After a batch's outcomes are recorded: whoever of `subscriberIds` is erased (before or during the delivery)
 * keeps no record under their id.
 */
export async function anonymizeErasedRecipients(
  deps: {
    subscribers: Pick<SubscriberRepository, 'statuses'>;
    deliveries: Pick<DeliveryRecords, 'getMany' | 'put' | 'delete'>;
  },
  issueId: string,
  subscriberIds: string[],
): Promise<void> {
  if (subscriberIds.length === 0) return;
  const statuses = await deps.subscribers.statuses(subscriberIds);
  const erased = subscriberIds.filter((id) => !statuses.has(id));
  if (erased.length === 0) return;
  for (const record of await deps.deliveries.getMany(issueId, erased)) await anonymize(deps.deliveries, record);
}

/**
 * Erases the subscriber (GDPR art. 17), always and at once: the record with the address and consent goes, and
 * so do their rate-limit counters; each delivery record is replaced by an anonymous one, so the issues'
 * counters still match their records. Their links stop working, also if the address signs up again.
 */
export async function erase(deps: SubscriberDeps, token: string): Promise<void> {
  await eraseSubscriber(deps, await subscriberForToken(deps, token));
}

/** The erasure itself, of a subscriber read just before: the subscriber's own (a link) and an admin's. */
export async function eraseSubscriber(
  deps: Pick<
    SubscriberDeps,
    'issues' | 'deliveries' | 'subscribers' | 'growth' | 'clock' | 'rateLimiter' | 'tokens' | 'erasures'
  >,
  subscriber: SubscriberRecord,
): Promise<void> {
  const anonymizeAll = async () => {
    for (const delivery of await deliveriesOf(deps, subscriber.id)) await anonymize(deps.deliveries, delivery);
  };
  await anonymizeAll();
  const removed = await deps.subscribers.delete(subscriber.id);
  await deps.growth.add(growthOfChange(removed, undefined, deps.clock.now()));
  // A sender that recorded an outcome while the first pass ran: caught here, or by the sender itself, which
  // looks again after recording and now finds the subscriber gone.
  await anonymizeAll();
  // Only a keyed hash stays, so that no import brings the person back.
  await deps.erasures.add(erasureKey(deps.tokens, subscriber.email));
  await deps.rateLimiter.forget(
    addressLimitKey(deps.tokens, subscriber.email),
    ADDRESS_WINDOW_SECONDS,
    deps.clock.now(),
  );
}

/**
 * A hard bounce, a complaint, an admin's word or a suppression list: the address gets no mail again, not even a
 * confirmation email from a signup. It wins over any concurrent change; an erased subscriber has nothing left to
 * suppress (undefined).
 */
export async function suppress(
  deps: Pick<SubscriberDeps, 'subscribers' | 'clock' | 'growth'>,
  subscriberId: string,
  reason: SuppressionReason,
): Promise<{ subscriber: SubscriberRecord; changed: boolean } | undefined> {
  const now = deps.clock.now();
  // One write, as an unsubscribe: a suppression always gets through.
  const result = await deps.subscribers.end(subscriberId, {
    status: 'suppressed',
    fields: { suppressedAt: now.toISOString(), suppressionReason: reason },
    unless: ['suppressed'],
  });
  if (result?.changed) await deps.growth.add(growthOfChange(result.previous, result.subscriber, now));
  return result;
}
