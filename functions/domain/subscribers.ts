// Subscribers: signup with double opt-in and a consent record, one-click unsubscribe, preferences, data
// export and erasure, and the suppression rule for hard bounces and complaints.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { HeraldError, NotFoundError, ValidationError } from './errors.ts';
import { countrySchema, languageSchema } from './records.ts';
import { COUNTRIES, OTHER_REGION, regionsOf, TOPICS, type Country, type Language } from './reference.ts';
import type { Clock, DeliveryStore, IssueStore, Mailer } from './ports.ts';
import type { TokenCheck, Tokens } from './tokens.ts';
import { validate } from './validation.ts';
import { countIncrements } from './segments.ts';

export const CONFIRMATION_DAYS = 7;

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';

export interface Consent {
  /** When the form was sent, which form, in which language, which version of the consent text, from where. */
  at: string;
  form: string;
  language: Language;
  textVersion: string;
  ip: string;
  confirmedAt?: string;
}

export interface Preferences {
  language: Language;
  country: Country;
  region: string;
  topics: string[];
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
  /** A signup by an already confirmed subscriber: applied when its confirmation link is followed. */
  pendingChange?: PendingChange;
}

export type PendingChange = Preferences & { consent: Consent };

export interface SubscriberRepository {
  get(id: string): Promise<SubscriberRecord | undefined>;
  /** Current statuses of up to 100 subscribers; an erased one is absent. */
  statuses(ids: readonly string[]): Promise<Map<string, SubscriberStatus>>;
  put(subscriber: SubscriberRecord): Promise<void>;
  /**
   * Stores a signup in one write, without reading first: an unknown, pending, unsubscribed or suppressed
   * address becomes `pending` (the record replaced, its first `createdAt` kept); a confirmed subscriber keeps
   * everything and holds `change` until the new link is followed.
   */
  signUp(pending: SubscriberRecord, change: PendingChange): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface RateLimiter {
  /** Counts a hit on `key` in the current window; false once `limit` hits were counted in it. */
  allow(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
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
  issues: IssueStore;
  deliveries: DeliveryStore;
  rateLimiter: RateLimiter;
  tokens: Tokens;
  mailer: Mailer;
  messages: SubscriberMessages;
  clock: Clock;
  publicUrl: string;
  limits: { perIpPerMinute: number; perAddressPerHour: number };
}

export class RateLimitedError extends HeraldError {
  constructor(field?: string) {
    super(
      429,
      'rate_limited',
      `${field ? `${field}: ` : ''}too many signups; try again later`,
      field ? { field } : undefined,
    );
  }
}

/** Trimmed, with the domain lower-cased (the local part is the mailbox owner's business). */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/**
 * A subscriber's id comes from their normalized address, so a second signup finds the same record
 * with one conditional-free read, and two signups at once cannot create two subscribers.
 */
export function subscriberIdFor(email: string): string {
  return `sub-${createHash('sha256').update(normalizeEmail(email).toLowerCase()).digest('hex').slice(0, 32)}`;
}

const emailSchema = z
  .string()
  .refine((s) => !/[\r\n]/.test(s), 'must not contain line breaks')
  .transform(normalizeEmail)
  .pipe(z.string().max(254, 'is longer than 254 characters').pipe(z.email('is not an email address')));

const preferencesShape = {
  language: languageSchema,
  country: countrySchema,
  region: z.string().min(1).max(80).optional(),
  topics: z.array(z.enum(TOPICS)).max(TOPICS.length).optional(),
};

/** A region must be one of the country's regions or "other"; absent means "other". */
function checkRegion(country: Country, region: string | undefined): string {
  const chosen = region ?? OTHER_REGION;
  if (!regionsOf(country).includes(chosen)) {
    throw new ValidationError(
      'region',
      `must be one of ${regionsOf(country).join(', ')} for ${COUNTRIES[country].name}`,
    );
  }
  return chosen;
}

export const signupSchema = z.strictObject({
  email: emailSchema,
  ...preferencesShape,
  consent: z.literal(true, 'must be given (true)'),
  name: z.string().trim().max(120).optional(),
  /** Which form the signup came from, for the consent record. */
  form: z.string().max(40).optional(),
  /** The honeypot: people leave it empty, bots fill it in. */
  website: z.string().max(200).optional(),
});

export const preferencesUpdateSchema = z.strictObject(preferencesShape);

/**
 * Signs someone up, or signs them up again: the answer is the same whether the address was known or not.
 * A confirmation email goes out in the chosen language; nothing is sent to subscribers who are not confirmed.
 */
export async function signup(deps: SubscriberDeps, body: unknown, request: { ip: string }): Promise<void> {
  const input = validate(signupSchema, body);
  const region = checkRegion(input.country, input.region);
  if (input.website) return; // a bot: answer as usual, store and send nothing
  const now = deps.clock.now();
  if (!(await deps.rateLimiter.allow(`ip:${request.ip}`, deps.limits.perIpPerMinute, 60, now))) {
    throw new RateLimitedError();
  }
  const id = subscriberIdFor(input.email);
  if (!(await deps.rateLimiter.allow(`address:${id}`, deps.limits.perAddressPerHour, 3600, now))) {
    throw new RateLimitedError('email');
  }
  const consent: Consent = {
    at: now.toISOString(),
    form: input.form ?? 'api',
    language: input.language,
    textVersion: deps.messages.consentText(input.language).version,
    ip: request.ip,
  };
  const preferences: Preferences = {
    language: input.language,
    country: input.country,
    region,
    topics: input.topics ?? [],
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
  await deps.subscribers.signUp(pending, { ...preferences, consent });
  const token = deps.tokens.sign({
    purpose: 'confirm',
    subscriberId: id,
    expiresAt: Math.floor(now.getTime() / 1000) + CONFIRMATION_DAYS * 24 * 3600,
  });
  const email = await deps.messages.confirmationEmail(input.language, {
    confirmUrl: `${deps.publicUrl}/api/subscribe/confirm?token=${encodeURIComponent(token)}`,
  });
  const [result] = await deps.mailer.sendBulk({ language: input.language, ...email }, [
    { to: input.email, data: {}, tags: { purpose: 'confirmation', language: input.language } },
  ]);
  if (!result?.ok) throw new Error(`SES refused the confirmation email: ${result?.error ?? 'no result'}`);
}

/** Thrown for a link that cannot be used; pages show it localized. */
export class TokenError extends HeraldError {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 410 : 400, `token_${reason}`, `token: this link is ${reason}`, { field: 'token' });
  }
}

function checked(check: TokenCheck) {
  if (!check.ok) throw new TokenError(check.reason);
  return check.claims;
}

async function subscriberOf(deps: Pick<SubscriberDeps, 'subscribers'>, id: string) {
  const subscriber = await deps.subscribers.get(id);
  // The subscriber was erased: the link is as good as forged.
  if (!subscriber) throw new TokenError('invalid');
  return subscriber;
}

export function manageToken(tokens: Tokens, subscriberId: string, issueId?: string): string {
  return tokens.sign({ purpose: 'manage', subscriberId, ...(issueId && { issueId }) });
}

/** Follows a confirmation link: the subscriber is confirmed (again), with what the latest signup asked for. */
export async function confirm(
  deps: SubscriberDeps,
  token: string,
): Promise<SubscriberRecord & { manageToken: string }> {
  const now = deps.clock.now();
  const claims = checked(deps.tokens.verify(token, 'confirm', now));
  const subscriber = await subscriberOf(deps, claims.subscriberId);
  // Following the link again changes nothing; and a link from before an unsubscribe or a suppression
  // is used up: only a new signup (with a new link) brings the subscriber back.
  if (subscriber.status === 'confirmed' && !subscriber.pendingChange) {
    return { ...subscriber, manageToken: manageToken(deps.tokens, subscriber.id) };
  }
  if (subscriber.status !== 'pending' && !subscriber.pendingChange) throw new TokenError('expired');
  const {
    pendingChange,
    suppressedAt: _s,
    suppressionReason: _r,
    unsubscribedAt: _u,
    unsubscribeSource: _us,
    unsubscribeIssueId: _ui,
    ...rest
  } = subscriber;
  const confirmedAt = now.toISOString();
  const updated: SubscriberRecord = {
    ...rest,
    ...(pendingChange ?? {}),
    status: 'confirmed',
    confirmedAt,
    consent: { ...(pendingChange?.consent ?? subscriber.consent), confirmedAt },
  };
  await deps.subscribers.put(updated);
  return { ...updated, manageToken: manageToken(deps.tokens, updated.id) };
}

/** Unsubscribes at once and for good; doing it twice changes nothing. */
export async function unsubscribe(
  deps: SubscriberDeps,
  token: string,
  source: 'one-click' | 'page' | 'preferences',
): Promise<SubscriberRecord> {
  const claims = checked(deps.tokens.verify(token, 'manage', deps.clock.now()));
  const subscriber = await subscriberOf(deps, claims.subscriberId);
  if (subscriber.status === 'unsubscribed') return subscriber;
  const updated: SubscriberRecord = {
    ...subscriber,
    status: 'unsubscribed',
    unsubscribedAt: deps.clock.now().toISOString(),
    unsubscribeSource: source,
    ...(claims.issueId && { unsubscribeIssueId: claims.issueId }),
  };
  delete updated.pendingChange;
  await deps.subscribers.put(updated);
  if (claims.issueId) await countUnsubscribe(deps, claims.issueId, subscriber.id, updated.unsubscribedAt!);
  return updated;
}

/** Counts an unsubscribe against the issue whose email carried the link: once per recipient, in their segments. */
async function countUnsubscribe(
  deps: Pick<SubscriberDeps, 'deliveries' | 'issues'>,
  issueId: string,
  subscriberId: string,
  at: string,
) {
  const delivery = await deps.deliveries.get(issueId, subscriberId);
  if (!delivery || !(await deps.deliveries.markOnce(issueId, subscriberId, 'unsubscribedAt', at))) return;
  await deps.issues.addCounts(
    issueId,
    countIncrements(delivery.country, delivery.language, [delivery.region], 'unsubscribed'),
  );
}

/** Checks a manage link and names the subscriber it belongs to (for the unsubscribe and preferences pages). */
export async function subscriberForToken(deps: SubscriberDeps, token: string): Promise<SubscriberRecord> {
  return subscriberOf(deps, checked(deps.tokens.verify(token, 'manage', deps.clock.now())).subscriberId);
}

export function publicPreferences(s: SubscriberRecord) {
  return {
    email: s.email,
    status: s.status,
    language: s.language,
    country: s.country,
    region: s.region,
    topics: s.topics,
  };
}

export async function updatePreferences(deps: SubscriberDeps, token: string, body: unknown) {
  const subscriber = await subscriberForToken(deps, token);
  const input = validate(preferencesUpdateSchema, body);
  const region = checkRegion(input.country, input.region);
  const updated: SubscriberRecord = {
    ...subscriber,
    language: input.language,
    country: input.country,
    region,
    topics: input.topics ?? [],
  };
  await deps.subscribers.put(updated);
  return publicPreferences(updated);
}

/** Everything Herald holds about the subscriber (GDPR art. 15 and 20). */
export async function exportData(deps: SubscriberDeps, token: string) {
  const subscriber = await subscriberForToken(deps, token);
  return {
    exportedAt: deps.clock.now().toISOString(),
    subscriber,
    deliveries: await deliveriesOf(deps, subscriber.id),
  };
}

/** A subscriber's delivery record in each issue that has one (issues are few; recipients are many). */
async function deliveriesOf(deps: Pick<SubscriberDeps, 'issues' | 'deliveries'>, subscriberId: string) {
  const issues = await deps.issues.list();
  const found = await Promise.all(issues.map((issue) => deps.deliveries.get(issue.id, subscriberId)));
  return found.filter((d) => d !== undefined);
}

/**
 * Erases the subscriber (GDPR art. 17): the record with the address and consent, and the per-issue delivery
 * records. The issues' counters are aggregates without personal data and stay correct.
 */
export async function erase(deps: SubscriberDeps, token: string): Promise<void> {
  const subscriber = await subscriberForToken(deps, token);
  for (const delivery of await deliveriesOf(deps, subscriber.id)) {
    await deps.deliveries.delete(delivery.issueId, subscriber.id);
  }
  await deps.subscribers.delete(subscriber.id);
}

/**
 * A hard bounce or a complaint: the address gets no issue again until it signs up and confirms anew
 * (confirming clears the suppression).
 */
export async function suppress(
  deps: Pick<SubscriberDeps, 'subscribers' | 'clock'>,
  subscriberId: string,
  reason: 'bounce' | 'complaint',
): Promise<void> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError(`subscriber ${subscriberId}`);
  if (subscriber.status === 'suppressed') return;
  await deps.subscribers.put({
    ...subscriber,
    status: 'suppressed',
    suppressedAt: deps.clock.now().toISOString(),
    suppressionReason: reason,
  });
}
