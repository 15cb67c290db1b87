// Sends one edition to up to 50 recipients with a single SES v2 SendBulkEmail call; the edition is the
// inline template, each entry carries its own placeholder values and message tags.
import { GetAccountCommand, SendBulkEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { BulkResult, Mailer, QuotaSource } from '../domain/ports.ts';

export const MAX_BULK_ENTRIES = 50;

export interface SesMailerOptions {
  fromAddress: string;
  configurationSet: string;
}

const tags = (values: Record<string, string>) => Object.entries(values).map(([Name, Value]) => ({ Name, Value }));

export function createSesMailer(client: SESv2Client, options: SesMailerOptions): Mailer {
  return {
    async sendBulk(edition, entries) {
      if (entries.length > MAX_BULK_ENTRIES) throw new RangeError(`at most ${MAX_BULK_ENTRIES} entries per call`);
      const { BulkEmailEntryResults = [] } = await client.send(
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
        return { ok: false, error: result ? `${result.Status}: ${result.Error ?? 'no reason given'}` : 'no result' };
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
