// Errors meant for the caller: each maps to one HTTP status and a stable code. Anything else is a 500.

export class HeraldError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input; `field` names what is wrong, e.g. `subject.bg` or `body`. */
export class ValidationError extends HeraldError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(400, 'invalid_input', field ? `${field}: ${message}` : message, { field });
  }
}

export class NotFoundError extends HeraldError {
  constructor(what: string) {
    super(404, 'not_found', `${what} does not exist`);
  }
}

export class ConflictError extends HeraldError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

/** A send that would show English to subscribers of a language lacking its own subject or intro. */
export class TranslationGapsError extends HeraldError {
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

/** A send that the SES account's remaining 24-hour quota cannot carry. */
export class QuotaExceededError extends HeraldError {
  constructor(details: { recipients: number; remaining: number; max24HourSend: number; sentLast24Hours: number }) {
    super(
      409,
      'quota_exceeded',
      `the audience (${details.recipients}) is larger than what is left of the SES daily quota ` +
        `(${details.remaining} of ${details.max24HourSend}); send later or ask AWS for a higher quota`,
      details,
    );
  }
}

export class ForbiddenError extends HeraldError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class UnauthorizedError extends HeraldError {
  constructor(message = 'a valid bearer token is required') {
    super(401, 'unauthorized', message);
  }
}

/** An issue whose edition in some language is too large to store and send; `sections` is what to shorten. */
export class EditionTooLargeError extends HeraldError {
  constructor(details: { language: string; bytes: number; maxBytes: number }) {
    super(
      422,
      'edition_too_large',
      `sections: the ${details.language} edition would be ${Math.ceil(details.bytes / 1024)} KB, more than the ` +
        `${details.maxBytes / 1024} KB an edition may have; take out records or shorten their texts`,
      { field: 'sections', ...details },
    );
  }
}
