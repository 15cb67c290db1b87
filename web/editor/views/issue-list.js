// Issues, newest first, with their status.
import { feedback, formatDate, h, pageHeader } from '../dom.js';

export const STATUS_LABELS = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};

export function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, STATUS_LABELS[status] ?? status);
}

export async function renderIssueList(container, ctx) {
  ctx.setTitle('Issues');
  const notes = feedback();
  const list = h('div', { class: 'issue-list', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading issues…'));
  container.append(
    pageHeader('Issues', h('a', { class: 'button primary', href: '#/issues/new' }, 'New issue')),
    notes.element,
    list,
  );
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);

  let issues;
  try {
    ({ issues } = await ctx.api.issues.list());
  } catch (error) {
    list.replaceChildren();
    notes.error('The issues could not be loaded.', error);
    return;
  }
  list.removeAttribute('aria-busy');
  if (issues.length === 0) {
    list.replaceChildren(h('p', { class: 'empty-state' }, 'No issues yet. Start with “New issue”.'));
    return;
  }
  list.replaceChildren(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table' },
        h('caption', { class: 'visually-hidden' }, 'Issues, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Title', 'Status', 'Created', 'Sent'].map((label) => h('th', { scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          issues.map((issue) =>
            h(
              'tr',
              {},
              h(
                'td',
                { class: 'cell-title' },
                h('a', { href: `#/issues/${encodeURIComponent(issue.id)}` }, issue.title),
                h('span', { class: 'cell-sub' }, issue.id),
              ),
              h('td', {}, statusBadge(issue.status)),
              h('td', { class: 'cell-dates' }, formatDate(issue.createdAt)),
              h('td', { class: 'cell-dates' }, issue.sentAt ? formatDate(issue.sentAt) : '—'),
            ),
          ),
        ),
      ),
    ),
  );
}
