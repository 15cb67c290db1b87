// An issue's status as a coloured badge, in the issue list, an issue's header and its send tab.
import { h } from '../dom.js';

export const STATUS_LABELS = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  cancelled: 'Cancelled',
  sent: 'Sent',
  failed: 'Failed',
};

export function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, STATUS_LABELS[status] ?? status);
}
