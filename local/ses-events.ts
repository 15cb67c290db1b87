// The embedded stack's stand-in for SES event publishing: the events the configuration set publishes for a bulk
// send (Delivery, or Bounce / Complaint for the mailbox simulator's addresses; not Send, see infra's SES_EVENTS).
import { AsyncLocalStorage } from 'node:async_hooks';
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
 * A mailer that remembers the events SES would publish for what the emulator accepted, per sender run: `run` calls
 * a sender and then hands on (to the SES events queue) the events of that run's emails only, once the run has
 * stored their message ids, as SES's events arrive after the send call returns. Events of runs still going on
 * stay theirs until they end.
 */
export function withSimulatedEvents(mailer: Mailer) {
  const runEvents = new AsyncLocalStorage<unknown[]>();
  return {
    mailer: {
      async sendBulk(edition, entries) {
        const results = await mailer.sendBulk(edition, entries);
        const events = runEvents.getStore();
        results.forEach((result, i) => {
          if (result.ok) events?.push(...simulatedEvents(result.messageId, entries[i]!));
        });
        return results;
      },
    } satisfies Mailer,
    async run<T>(sender: () => Promise<T>, publish: (events: unknown[]) => Promise<void>): Promise<T> {
      const events: unknown[] = [];
      const result = await runEvents.run(events, sender);
      if (events.length > 0) await publish(events);
      return result;
    },
  };
}
