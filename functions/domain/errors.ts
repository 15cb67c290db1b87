// Herald's errors, one hierarchy with typed details. A CallerError is meant for the caller: one HTTP status, a
// stable code, and details the answer carries. Any other HeraldError is logged once and becomes a 500 (or a retry).

/** The base of every error Herald throws; `details` are what a log line or an answer may add to the message. */
export class HeraldError<Details extends object = object> extends Error {
  constructor(
    message: string,
    readonly details: Details,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What every caller error's details may hold: `field` names the input at fault, e.g. `subject.bg` or `body`. */
export interface CallerDetails {
  field?: string;
}

/** An error the caller is told about, as `{"error":{code, message, ...details}}` with `status`. */
export class CallerError<Details extends object = CallerDetails> extends HeraldError<Details & CallerDetails> {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    details: Details & CallerDetails,
  ) {
    super(message, details);
  }
}

/** One input at fault: its path (`title.fr`, `sections.1.items.0`) and what is wrong with it, in plain words. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Bad input; `field` names what is wrong (the first when there are several). `fields`, when given, lists every
 * input at fault, each with its own message, so a form can show them all at once.
 */
export class ValidationError extends CallerError<{ field: string; fields?: FieldProblem[] }> {
  constructor(
    readonly field: string,
    message: string,
    fields?: FieldProblem[],
  ) {
    super(400, 'invalid_input', field ? `${field}: ${message}` : message, { field, ...(fields && { fields }) });
  }
}

/** A request body over what its route takes (413); `field` is `body`. */
export class PayloadTooLargeError extends CallerError<{ field: string }> {
  constructor(message: string) {
    super(413, 'too_large', `body: ${message}`, { field: 'body' });
  }
}

export class NotFoundError extends CallerError {
  constructor(what: string) {
    super(404, 'not_found', `${what} does not exist`, {});
  }
}

/** A change that the current state refuses; `issues` names the issues that stand in the way. */
export class ConflictError extends CallerError<CallerDetails & { issues?: string[] }> {
  constructor(message: string, details: CallerDetails & { issues?: string[] } = {}) {
    super(409, 'conflict', message, details);
  }
}

/** A save based on a version of a draft that another save (another tab, another editor) has replaced since. */
export class EditConflictError extends CallerError<{ version: number }> {
  constructor(what: string, version: number) {
    super(
      409,
      'edit_conflict',
      `${what} was changed elsewhere (in another tab or by another editor) since you opened it; ` +
        'reload it to see those changes, then make yours again',
      { version },
    );
  }
}

/** A send that would show English to subscribers of a language lacking its own subject or intro. */
export class TranslationGapsError extends CallerError<{ gaps: Partial<Record<string, string[]>> }> {
  constructor(readonly gaps: Partial<Record<string, string[]>>) {
    super(
      409,
      'translation_gaps',
      `languages with subscribers lack their own subject or intro: ${Object.keys(gaps).join(', ')}; ` +
        'translate them or send with allowFallback: true',
      { gaps },
    );
  }
}

export interface QuotaDetails {
  recipients: number;
  remaining: number;
  max24HourSend: number;
  sentLast24Hours: number;
}

/** A send that the SES account's remaining 24-hour quota cannot carry. */
export class QuotaExceededError extends CallerError<QuotaDetails> {
  constructor(details: QuotaDetails) {
    super(
      409,
      'quota_exceeded',
      `the audience (${details.recipients}) is larger than what is left of the SES daily quota ` +
        `(${details.remaining} of ${details.max24HourSend}); send later or ask AWS for a higher quota`,
      details,
    );
  }
}

export class ForbiddenError extends CallerError {
  constructor(message: string) {
    super(403, 'forbidden', message, {});
  }
}

export class UnauthorizedError extends CallerError {
  constructor(message = 'a valid bearer token is required') {
    super(401, 'unauthorized', message, {});
  }
}

export interface EditionSizeDetails {
  language: string;
  bytes: number;
  maxBytes: number;
}

/** An issue whose edition in some language is too large to store and send; `sections` is what to shorten. */
export class EditionTooLargeError extends CallerError<{ field: 'sections' } & EditionSizeDetails> {
  constructor(details: EditionSizeDetails) {
    super(
      422,
      'edition_too_large',
      `sections: the ${details.language} edition would be ${Math.ceil(details.bytes / 1024)} KB, more than the ` +
        `${details.maxBytes / 1024} KB an edition may have; take out records or shorten their texts`,
      { field: 'sections', ...details },
    );
  }
}

/** Too many signups from one address or for one email address; `email` when it is the address's limit. */
export class RateLimitedError extends CallerError {
  constructor(field?: 'email') {
    super(429, 'rate_limited', `${field ? `${field}: ` : ''}too many signups; try again later`, field ? { field } : {});
  }
}

/** A link that cannot be used; pages show it localized. */
export class TokenError extends CallerError<{ field: 'token' }> {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(reason === 'expired' ? 410 : 400, `token_${reason}`, `token: this link is ${reason}`, { field: 'token' });
  }
}

/**
 * SES answered a call with an error: nothing was sent. `retry` when a later attempt may succeed (throttling);
 * `pause` when no call can succeed until a person acts (the account suspended or paused, the sender not verified):
 * the send is paused rather than retried. Any other error from a mailer leaves the outcome unknown.
 */
export class MailerRefusedError extends HeraldError<{ retry: boolean; pause: boolean }> {
  constructor(message: string, retry: boolean, pause = false) {
    super(message, { retry, pause });
  }

  get retry(): boolean {
    return this.details.retry;
  }

  get pause(): boolean {
    return this.details.pause;
  }
}

/** Some recipients of a batch should be tried again later; the queue redelivers the batch. */
export class RetryLaterError extends HeraldError<{ reasons: string[] }> {
  constructor(reasons: string[]) {
    super(`retry later: ${[...new Set(reasons)].join('; ')}`, { reasons });
  }

  /** Why, as SES gave it for each entry it throttled or failed for a while. */
  get reasons(): string[] {
    return this.details.reasons;
  }
}

/** SQS took only some of a batch of messages; `failed` of `sent` were refused (the caller enqueues again). */
export class QueueRefusedError extends HeraldError<{ failed: number; sent: number }> {
  constructor(details: { failed: number; sent: number }, reasons: string[]) {
    super(`SQS refused ${details.failed} of ${details.sent} messages: ${reasons.join('; ')}`, details);
  }
}

/** A setting a function lacks or has wrong; the message names it. */
export class ConfigError extends HeraldError {
  constructor(message: string) {
    super(message, {});
  }
}

/** One field of the project profile that is wrong, by its path (`colours.primary`, `countries.2.language`). */
export interface ProfileProblem {
  field: string;
  message: string;
}

/** A project profile (herald.project.json) that cannot be used: every invalid field, each named by its path. */
export class ProfileError extends HeraldError<{ file: string; problems: ProfileProblem[] }> {
  constructor(file: string, problems: ProfileProblem[]) {
    super(`The project profile ${file} is invalid:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`, {
      file,
      problems,
    });
  }
}

/** An email or page that cannot be rendered: invalid MJML, a locale text missing, an unknown page. */
export class RenderError extends HeraldError {
  constructor(message: string) {
    super(message, {});
  }
}

/** What DynamoDB still had not processed of a batched read or write when the attempts ran out. */
export class UnprocessedItemsError extends HeraldError<{ operation: string; unprocessed: number; attempts: number }> {
  constructor(details: { operation: string; unprocessed: number; attempts: number }) {
    super(
      `${details.operation} left ${details.unprocessed} item(s) unprocessed after ${details.attempts} attempts`,
      details,
    );
  }
}
