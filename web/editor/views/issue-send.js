// Test and send: a test email in any language, send now or schedule (both through the send dialog: recipients,
// translation gaps, typed confirmation), and the sending progress in total and per (country, language), refreshed
// every 2 s while the issue is sending; the send's messages go when it ends.
import { formatDate, h } from '../dom.js';
import { COUNTRIES, LANGUAGE_NAMES, LANGUAGES } from '../reference.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, fieldLocator, select, setFieldError } from '../widgets/fields.js';
import { sendControlsCard, sendIsLive } from '../widgets/send-controls.js';
import { statusBadge } from '../widgets/status-badge.js';
import { sendDialog } from './issue-send-dialog.js';

const REFRESH_MS = 2000;

/** The sending counts of a `progress.bySegment` row, as `GET /api/issues/{id}` names them. */
const SEGMENT_COLUMNS = [
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped'],
];
const TOTAL_FIGURES = [
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
  ['pending', 'Pending'],
];

const formatCount = (n) => String(n ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** A segment's key is `COUNTRY/lang` (`BG/bg`): its country's and language's names, the codes when unknown. */
function segmentNames(key) {
  const [country = '', language = ''] = key.split('/');
  return { country: COUNTRIES[country]?.name ?? country, language: LANGUAGE_NAMES[language] ?? language };
}

export function renderSend(panel, ctx, { issue: initial, onIssue }) {
  const state = { issue: initial, stopped: false, timer: undefined };
  const progress = progressCard();
  const sending = sendControls(ctx, state, update);
  const running = sendControlsCard(ctx, { onIssue: update });
  panel.append(
    h(
      'div',
      { class: 'send-layout' },
      h('div', { class: 'send-actions' }, running.element, testForm(ctx, state), sending.element),
      progress.element,
    ),
  );

  /** Shows `issue` everywhere, and keeps refreshing it while it is sending. */
  function update(issue) {
    state.issue = issue;
    progress.show(issue);
    onIssue(issue);
    sending.show(issue);
    running.show(issue);
    poll();
  }

  function poll() {
    clearTimeout(state.timer);
    if (state.stopped || !sendIsLive(state.issue)) return;
    state.timer = setTimeout(async () => {
      try {
        update(await ctx.api.issues.get(state.issue.id));
      } catch {
        poll(); // a missed refresh is retried on the next tick
      }
    }, REFRESH_MS);
  }

  update(initial);
  return () => {
    state.stopped = true;
    clearTimeout(state.timer);
  };
}

/** Status, the totals as figures and a bar, and the table per (country, language). */
function progressCard() {
  const figures = Object.fromEntries(TOTAL_FIGURES.map(([key]) => [key, h('dd')]));
  const bar = h('progress', { max: '1', value: '0', 'aria-labelledby': 'progress-label' });
  const statusLine = h('p', { class: 'status-line' });
  const refreshing = h('p', { class: 'muted small-text' });
  const segments = segmentTable();
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'progress-title' },
    h('h2', { id: 'progress-title' }, 'Status and progress'),
    statusLine,
    h(
      'dl',
      { class: 'figures' },
      TOTAL_FIGURES.map(([key, label]) =>
        h('div', { class: `figure figure-${key}` }, h('dt', {}, label), figures[key]),
      ),
    ),
    h(
      'div',
      { class: 'progress-row' },
      h('span', { id: 'progress-label', class: 'visually-hidden' }, 'Sent so far'),
      bar,
    ),
    segments.element,
    refreshing,
  );
  return {
    element,
    show(issue) {
      const total = issue.progress?.total ?? { recipients: 0, sent: 0, failed: 0, pending: 0 };
      for (const key of Object.keys(figures)) figures[key].textContent = formatCount(total[key]);
      segments.show(issue.progress?.bySegment ?? []);
      bar.max = Math.max(total.recipients, 1);
      bar.value = total.sent + total.failed;
      statusLine.replaceChildren(statusBadge(issue.status), ' ', statusText(issue));
      refreshing.textContent = issue.status === 'sending' ? 'Sending: the figures refresh every 2 seconds.' : '';
    },
  };
}

function statusText(issue) {
  if (issue.status === 'draft') return 'Not sent yet.';
  if (issue.sentAt) return `Sent ${formatDate(issue.sentAt)}.`;
  return issue.scheduledAt ? `Scheduled for ${formatDate(issue.scheduledAt)}.` : '';
}

/** The table per (country, language), named in words and sorted by them; hidden while there is no row. */
function segmentTable() {
  const rows = h('tbody');
  const element = h(
    'div',
    { class: 'segment-progress' },
    dataTable({
      caption: 'Per country and language',
      className: 'data-table segment-table',
      columns: ['Country', 'Language', ...SEGMENT_COLUMNS.map(([, label]) => ({ label, class: 'numeric' }))],
      body: rows,
    }),
    h('p', { class: 'muted small-text' }, 'Skipped: unsubscribed, suppressed or erased after the send started.'),
  );
  const row = ({ segment, country, language }) =>
    h(
      'tr',
      { dataset: { segment: segment.key } },
      h('th', { scope: 'row' }, country),
      h('td', {}, language),
      SEGMENT_COLUMNS.map(([name]) =>
        h('td', { class: 'numeric', dataset: { field: name } }, formatCount(segment[name])),
      ),
    );
  return {
    element,
    show(segments) {
      const named = segments.map((segment) => ({ segment, ...segmentNames(segment.key) }));
      named.sort((a, b) => a.country.localeCompare(b.country) || a.language.localeCompare(b.language));
      rows.replaceChildren(...named.map(row));
      element.hidden = segments.length === 0;
    },
  };
}

/** One test email to one address, in the language chosen. */
function testForm(ctx, state) {
  const notes = feedback();
  const to = h('input', { type: 'email', name: 'to', autocomplete: 'email', value: ctx.me?.email ?? '' });
  const lang = select({ name: 'lang', options: LANGUAGES.map((code) => [code, `${LANGUAGE_NAMES[code]} (${code})`]) });
  const button = h('button', { type: 'submit', class: 'button secondary' }, 'Send test');
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'test-title' },
    h('h2', { id: 'test-title' }, 'Send a test'),
    h('p', { class: 'hint' }, 'One email to one address, in the language you choose. Subscribers get nothing.'),
    h(
      'div',
      { class: 'field-row' },
      field({ label: 'Email address', control: to, className: 'grow' }),
      field({ label: 'Language', control: lang }),
    ),
    notes.element,
    h('div', { class: 'form-actions' }, button),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    button.disabled = true;
    try {
      const { messageId } = await ctx.api.issues.sendTest(state.issue.id, to.value.trim(), lang.value);
      notes.success(
        `Test email in ${LANGUAGE_NAMES[lang.value]} sent to ${to.value.trim()}.`,
        messageId ? h('p', { class: 'muted small-text' }, 'Message ID ', h('code', {}, messageId)) : null,
      );
    } catch (error) {
      notes.error('The test email was not sent.', error, fieldLocator({ to, lang }));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Send now or schedule while a draft, cancel while scheduled, and a notice once neither is possible. */
function sendControls(ctx, state, update) {
  const notes = feedback();
  const sendCard = sendNowCard({ ctx, state, update, notes });
  const scheduledCard = cancelScheduleCard({ ctx, state, update, notes });
  const notDraft = h('p', { class: 'notice' }, 'This issue is no longer a draft: it cannot be sent again.');
  let shownStatus = state.issue.status;
  return {
    element: h('div', {}, sendCard, scheduledCard, notDraft, notes.element),
    show(issue) {
      // "Sending to …" belongs to the send: it goes when the send ends.
      if (shownStatus === 'sending' && issue.status !== 'sending') notes.clear();
      shownStatus = issue.status;
      sendCard.hidden = issue.status !== 'draft';
      scheduledCard.hidden = issue.status !== 'scheduled';
      notDraft.hidden = issue.status === 'draft' || issue.status === 'scheduled';
    },
  };
}

function cancelScheduleCard({ ctx, state, update, notes }) {
  const button = h('button', { type: 'button', class: 'button secondary' }, 'Cancel the scheduled send');
  button.addEventListener('click', async () => {
    notes.clear();
    button.disabled = true;
    try {
      await ctx.api.issues.cancelSchedule(state.issue.id);
      const issue = await ctx.api.issues.get(state.issue.id);
      notes.success('The scheduled send was cancelled; the issue is a draft again.');
      update(issue);
    } catch (error) {
      notes.error('The scheduled send was not cancelled.', error);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'scheduled-title' },
    h('h2', { id: 'scheduled-title' }, 'Scheduled'),
    h(
      'p',
      { class: 'hint' },
      'Until it starts, you can cancel the send; the issue becomes a draft you can edit again.',
    ),
    h('div', { class: 'form-actions' }, button),
  );
}

function sendNowCard(context) {
  const at = h('input', { type: 'datetime-local', name: 'at' });
  const sendNow = h('button', { type: 'button', class: 'button primary' }, 'Send now…');
  const schedule = h('button', { type: 'button', class: 'button secondary' }, 'Schedule…');
  const card = h(
    'section',
    { class: 'card', 'aria-labelledby': 'send-title' },
    h('h2', { id: 'send-title' }, 'Send to subscribers'),
    h(
      'p',
      { class: 'hint' },
      'Every recipient gets the edition in their own language. You see who gets it before anything is sent.',
    ),
    h('div', { class: 'form-actions' }, sendNow),
    h(
      'div',
      { class: 'schedule-row' },
      field({ label: 'Or schedule for', control: at, hint: 'Your local time.' }),
      schedule,
    ),
  );
  const sender = { ...context, card, at };
  sendNow.addEventListener('click', () => confirmAndSend(sender, undefined));
  schedule.addEventListener('click', () => {
    if (!at.value) {
      setFieldError(at, 'Choose a date and time first.');
      at.focus();
      return;
    }
    confirmAndSend(sender, new Date(at.value).toISOString());
  });
  return card;
}

/** The send dialog for now or `at`; once sent (or scheduled), the new state and a confirmation. */
async function confirmAndSend(sender, at) {
  const { ctx, state, update, notes, card, at: atInput } = sender;
  clearFieldErrors(card);
  notes.clear();
  let issue;
  try {
    // The translation status as it is now, not as when the tab opened.
    issue = await ctx.api.issues.get(state.issue.id);
  } catch (error) {
    notes.error('The issue could not be loaded.', error);
    return;
  }
  const answer = await sendDialog({
    ctx,
    issue,
    at,
    send: async (options) => {
      try {
        return await ctx.api.issues.send(issue.id, options);
      } catch (error) {
        // A time the API refuses is marked on the field too.
        if (error.field === 'at') setFieldError(atInput, error.message.replace(/^at: /, ''));
        throw error;
      }
    },
  });
  if (!answer) return;
  const now = await ctx.api.issues.get(issue.id);
  const recipients = formatCount(answer.recipients ?? now.progress?.total?.recipients);
  if (at) notes.success(`Scheduled for ${formatDate(at)}.`);
  else if (now.status === 'sending') notes.success(`Sending to ${recipients} recipients…`);
  else notes.success(`Sent to ${recipients} recipients.`);
  update(now);
}
