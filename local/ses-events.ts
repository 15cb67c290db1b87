// The embedded stack's stand-in for SES event publishing: the events the configuration set publishes for a bulk
// send (Delivery, or Bounce / Complaint for the mailbox simulator's addresses; not Send, see infra's SES_EVENTS).
import { tagValue } from '../functions/domain/message-tags.ts';
import type { BulkEntry, Mailer } from '../functions/domain/ports.ts';

/** What SES publishes for one accepted message, as the mailbox simulator defines its addresses. */
export function simulatedEvents(messageId: string, entry: BulkEntry, at = new Date()) {
  const to = entry.to.toLowerCase();
  const mail = {
    timestamp: at.toISOString(),
    messageId,
    destination: [entry.to],
    tags: Object.fromEntries(Object.entries(entry.tags).map(([k, v]) => [k, [v]])),
  };
  const recipient = [{ emailAddress: entry.to }];
  const timestamp = new Date(at.getTime() + 1000).toISOString();
  const outcome = to.startsWith('bounce@simulator.amazonses.com')
    ? {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: recipient, timestamp },
      }
    : to.startsWith('suppressionlist@simulator.amazonses.com')
      ? {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'OnAccountSuppressionList',
            bouncedRecipients: recipient,
            timestamp,
          },
        }
      : to.startsWith('complaint@simulator.amazonses.com')
        ? { eventType: 'Complaint', complaint: { complainedRecipients: recipient, timestamp } }
        : {
            eventType: 'Delivery',
            delivery: { recipients: [entry.to], timestamp, smtpResponse: '250 2.6.0 Message received' },
          };
  // SES delivers a complaint after the delivery; the simulator sends both.
  const delivered =
    outcome.eventType === 'Complaint'
      ? [{ eventType: 'Delivery', mail, delivery: { recipients: [entry.to], timestamp } }]
      : [];
  return [...delivered, { ...outcome, mail }];
}

/**
 * A mailer that remembers the events SES would publish for what the emulator accepted, by issue and address;
 * `handOn` passes on (to the SES events queue) those of a sender run's recipients once the run has stored their
 * message ids, as SES's events arrive after the send call returns. Events of runs still going on wait for them.
 */
export function withSimulatedEvents(mailer: Mailer) {
  const pending = new Map<string, unknown[]>();
  const keyOf = (issueTag: string | undefined, address: string) => `${issueTag}#${address.toLowerCase()}`;
  return {
    mailer: {
      async sendBulk(edition, entries) {
        const results = await mailer.sendBulk(edition, entries);
        results.forEach((result, i) => {
          const entry = entries[i]!;
          if (!result.ok) return;
          const key = keyOf(entry.tags.issue, entry.to);
          pending.set(key, [...(pending.get(key) ?? []), ...simulatedEvents(result.messageId, entry)]);
        });
        return results;
      },
    } satisfies Mailer,
    /** The events of these recipients of an issue, handed on once. */
    async handOn(issueId: string, addresses: string[], publish: (events: unknown[]) => Promise<void>) {
      const events = addresses.flatMap((address) => {
        const key = keyOf(tagValue(issueId), address);
        const found = pending.get(key) ?? [];
        pending.delete(key);
        return found;
      });
      if (events.length > 0) await publish(events);
    },
  };
}
