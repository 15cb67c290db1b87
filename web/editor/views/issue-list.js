// Issues, newest first, with their status.
import { formatDate, h } from '../dom.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { pageHeader } from '../widgets/page.js';
import { statusBadge } from '../widgets/status-badge.js';

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
  list.replaceChildren(
    issues.length === 0
      ? h('p', { class: 'empty-state' }, 'No issues yet. Start with “New issue”.')
      : dataTable({
          caption: 'Issues, newest first',
          captionClass: 'visually-hidden',
          columns: ['Title', 'Status', 'Created', 'Sent'],
          body: h('tbody', {}, issues.map(issueRow)),
        }),
  );
}

function issueRow(issue) {
  return h(
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
  );
}
