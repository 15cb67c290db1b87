// Sends one edition to up to 50 recipients with a single SES v2 SendBulkEmail call; the edition is the
// inline template, each entry carries its own placeholder values and message tags.
import { GetAccountCommand, SendBulkEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { MailerRefusedError } from '../domain/errors.ts';
import type { BulkResult, Mailer, QuotaSource } from '../domain/ports.ts';

export const MAX_BULK_ENTRIES = 50;

export interface SesMailerOptions {
  fromAddress: string;
  configurationSet: string;
}

/** Entry statuses that may succeed on a later attempt; every other failure is final. */
const RETRIABLE_STATUSES = new Set(['ACCOUNT_THROTTLED', 'TRANSIENT_FAILURE']);
/** Errors of a whole call that mean "slow down": SES sent nothing and will take it later. */
const THROTTLING_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);
/**
 * Errors of a whole call that no retry fixes and that every other batch of the send would meet too (the account,
 * the sender's identity, or the edition every batch shares): the send pauses until a person acts.
 */
const PAUSING_ERRORS = new Set([
  'AccountSuspendedException',
  'SendingPausedException',
  'MailFromDomainNotVerifiedException',
  'MessageRejected',
]);
/** The same, as the status of an entry within a call. */
const PAUSING_STATUSES = new Set([
  'ACCOUNT_SUSPENDED',
  'ACCOUNT_SENDING_PAUSED',
  'ACCOUNT_DAILY_QUOTA_EXCEEDED',
  'CONFIGURATION_SET_SENDING_PAUSED',
  'MAIL_FROM_DOMAIN_NOT_VERIFIED',
]);

/**
 * An error SES answered with (a 4xx status) means nothing was sent; a 5xx or a broken connection leaves it
 * unknown whether SES took the batch, so it is passed on as it is and never retried blindly.
 */
function refusal(error: unknown): MailerRefusedError | undefined {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500) return undefined;
  const name = e.name ?? 'Error';
  return new MailerRefusedError(
    `${name}: ${e.message ?? ''}`.trim(),
    THROTTLING_ERRORS.has(name) || status === 429,
    PAUSING_ERRORS.has(name),
  );
}

const tags = (values: Record<string, string>) => Object.entries(values).map(([Name, Value]) => ({ Name, Value }));

/** `client` must not retry by itself (maxAttempts 1): a retry after a lost answer would send the batch twice. */
export function createSesMailer(client: SESv2Client, options: SesMailerOptions): Mailer {
  const call = async (command: SendBulkEmailCommand) => {
    try {
      return await client.send(command);
    } catch (error) {
      throw refusal(error) ?? error;
    }
  };
  return {
    async sendBulk(edition, entries) {
      if (entries.length > MAX_BULK_ENTRIES) throw new RangeError(`at most ${MAX_BULK_ENTRIES} entries per call`);
      const { BulkEmailEntryResults = [] } = await call(
        new SendBulkEmailCommand({
          FromEmailAddress: options.fromAddress,
          ConfigurationSetName: options.configurationSet,
          DefaultContent: {
            Template: {
              TemplateContent: { Subject: edition.subject, Html: edition.html, Text: edition.text },
              TemplateData: '{}',
            },
          },
          BulkEmailEntries: entries.map((entry) => ({
            Destination: { ToAddresses: [entry.to] },
            ReplacementEmailContent: {
              ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(entry.data) },
            },
            ReplacementTags: tags(entry.tags),
            ...(entry.headers && {
              ReplacementHeaders: Object.entries(entry.headers).map(([Name, Value]) => ({ Name, Value })),
            }),
          })),
        }),
      );
      return entries.map((_, i): BulkResult => {
        const result = BulkEmailEntryResults[i];
        if (result?.Status === 'SUCCESS' && result.MessageId) return { ok: true, messageId: result.MessageId };
        if (!result) return { ok: false, error: 'no result', retry: false };
        return {
          ok: false,
          error: `${result.Status}: ${result.Error ?? 'no reason given'}`,
          retry: RETRIABLE_STATUSES.has(result.Status ?? ''),
          ...(PAUSING_STATUSES.has(result.Status ?? '') && { pause: true }),
        };
      });
    },
  };
}

/** The account's sending quota, as SES's GetAccount reports it. */
export function createSesQuota(client: SESv2Client): QuotaSource {
  return {
    async quota() {
      const { SendQuota } = await client.send(new GetAccountCommand({}));
      return {
        max24HourSend: SendQuota?.Max24HourSend ?? 0,
        sentLast24Hours: SendQuota?.SentLast24Hours ?? 0,
        maxSendRate: SendQuota?.MaxSendRate ?? 0,
      };
    },
  };
}
