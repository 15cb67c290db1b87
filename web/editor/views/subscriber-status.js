// A subscriber's status as a coloured badge, in the list and on their page.
import { h } from '../dom.js';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'];

const LABELS = { pending: 'Pending', confirmed: 'Confirmed', unsubscribed: 'Unsubscribed', suppressed: 'Suppressed' };

export function subscriberStatus(status) {
  return h('span', { class: `status subscriber-${status}` }, LABELS[status] ?? status);
}
