// Test and send: a test email in any language, send now (confirmed; English fallback when translations have
// gaps) or schedule, and the sending progress in total and per (country, language), refreshed every 2 s while
// the issue is sending.
import { clearFieldErrors, confirmDialog, feedback, field, formatDate, h, select, setFieldError } from '../dom.js';
import { COUNTRIES, LANGUAGE_NAMES, LANGUAGES } from '../reference.js';
import { statusBadge } from './issue-list.js';
import { groupGaps } from './issue-translations.js';

const REFRESH_MS = 2000;

/** The sending counts of a `progress.bySegment` row, as `GET /api/issues/{id}` names them. */
const SEGMENT_COLUMNS = [
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped'],
];

const formatCount = (n) => String(n ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** A segment's key is `COUNTRY/lang` (`BG/bg`): its country's and language's names, the codes when unknown. */
function segmentNames(key) {
  const [country = '', language = ''] = key.split('/');
  return { country: COUNTRIES[country]?.name ?? country, language: LANGUAGE_NAMES[language] ?? language };
}

export function renderSend(panel, ctx, { issue: initial, onIssue }) {
  let issue = initial;
  let timer;
  let stopped = false;

  // Progress
  const figures = { recipients: h('dd'), sent: h('dd'), failed: h('dd'), pending: h('dd') };
  const bar = h('progress', { max: '1', value: '0', 'aria-labelledby': 'progress-label' });
  const statusLine = h('p', { class: 'status-line' });
  const refreshing = h('p', { class: 'muted small-text' });
  const segmentRows = h('tbody');
  const segments = h(
    'div',
    { class: 'segment-progress' },
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table segment-table' },
        h('caption', {}, 'Per country and language'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Country'),
            h('th', { scope: 'col' }, 'Language'),
            SEGMENT_COLUMNS.map(([, label]) => h('th', { scope: 'col', class: 'numeric' }, label)),
          ),
        ),
        segmentRows,
      ),
    ),
    h('p', { class: 'muted small-text' }, 'Skipped: unsubscribed, suppressed or erased after the send started.'),
  );
  const progressCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'progress-title' },
    h('h2', { id: 'progress-title' }, 'Status and progress'),
    statusLine,
    h(
      'dl',
      { class: 'figures' },
      [
        ['recipients', 'Recipients'],
        ['sent', 'Sent'],
        ['failed', 'Failed'],
        ['pending', 'Pending'],
      ].map(([key, label]) => h('div', { class: `figure figure-${key}` }, h('dt', {}, label), figures[key])),
    ),
    h(
      'div',
      { class: 'progress-row' },
      h('span', { id: 'progress-label', class: 'visually-hidden' }, 'Sent so far'),
      bar,
    ),
    segments,
    refreshing,
  );

  function showProgress() {
    const total = issue.progress?.total ?? { recipients: 0, sent: 0, failed: 0, pending: 0 };
    for (const key of Object.keys(figures)) figures[key].textContent = formatCount(total[key]);
    showSegments(issue.progress?.bySegment ?? []);
    bar.max = Math.max(total.recipients, 1);
    bar.value = total.sent + total.failed;
    statusLine.replaceChildren(
      statusBadge(issue.status),
      ' ',
      issue.status === 'draft'
        ? 'Not sent yet.'
        : issue.sentAt
          ? `Sent ${formatDate(issue.sentAt)}.`
          : issue.scheduledAt
            ? `Scheduled for ${formatDate(issue.scheduledAt)}.`
            : '',
    );
    refreshing.textContent = issue.status === 'sending' ? 'Sending: the figures refresh every 2 seconds.' : '';
    onIssue(issue);
    sendCard.hidden = issue.status !== 'draft';
    scheduledCard.hidden = issue.status !== 'scheduled';
    notDraft.hidden = issue.status === 'draft' || issue.status === 'scheduled';
  }

  function showSegments(rows) {
    const named = rows.map((row) => ({ row, ...segmentNames(row.key) }));
    named.sort((a, b) => a.country.localeCompare(b.country) || a.language.localeCompare(b.language));
    segmentRows.replaceChildren(
      ...named.map(({ row, country, language }) =>
        h(
          'tr',
          { dataset: { segment: row.key } },
          h('th', { scope: 'row' }, country),
          h('td', {}, language),
          SEGMENT_COLUMNS.map(([field]) => h('td', { class: 'numeric', dataset: { field } }, formatCount(row[field]))),
        ),
      ),
    );
    segments.hidden = rows.length === 0;
  }

  function poll() {
    clearTimeout(timer);
    if (stopped || issue.status !== 'sending') return;
    timer = setTimeout(async () => {
      try {
        issue = await ctx.api.issues.get(issue.id);
        showProgress();
      } catch {
        // A missed refresh is retried on the next tick.
      }
      poll();
    }, REFRESH_MS);
  }

  // Test email
  const testNotes = feedback();
  const to = h('input', { type: 'email', name: 'to', autocomplete: 'email', value: ctx.me?.email ?? '' });
  const testLang = select({
    name: 'lang',
    options: LANGUAGES.map((code) => [code, `${LANGUAGE_NAMES[code]} (${code})`]),
  });
  const testButton = h('button', { type: 'submit', class: 'button secondary' }, 'Send test');
  const testForm = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'test-title' },
    h('h2', { id: 'test-title' }, 'Send a test'),
    h('p', { class: 'hint' }, 'One email to one address, in the language you choose. Subscribers get nothing.'),
    h(
      'div',
      { class: 'field-row' },
      field({ label: 'Email address', control: to, className: 'grow' }),
      field({ label: 'Language', control: testLang }),
    ),
    testNotes.element,
    h('div', { class: 'form-actions' }, testButton),
  );
  testForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(testForm);
    testButton.disabled = true;
    try {
      const { messageId } = await ctx.api.issues.sendTest(issue.id, to.value.trim(), testLang.value);
      testNotes.success(
        `Test email in ${LANGUAGE_NAMES[testLang.value]} sent to ${to.value.trim()}.`,
        messageId ? h('p', { class: 'muted small-text' }, 'Message ID ', h('code', {}, messageId)) : null,
      );
    } catch (error) {
      testNotes.error('The test email was not sent.', error, (name, message) => {
        const control = { to, lang: testLang }[name];
        if (control) setFieldError(control, message);
        return control;
      });
    } finally {
      testButton.disabled = false;
    }
  });

  // Send now or schedule
  const sendNotes = feedback();
  const at = h('input', { type: 'datetime-local', name: 'at' });
  const sendNow = h('button', { type: 'button', class: 'button primary' }, 'Send now…');
  const schedule = h('button', { type: 'button', class: 'button secondary' }, 'Schedule');
  const notDraft = h('p', { class: 'notice' }, 'This issue is no longer a draft: it cannot be sent again.');
  const cancelButton = h('button', { type: 'button', class: 'button secondary' }, 'Cancel the scheduled send');
  const scheduledCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'scheduled-title' },
    h('h2', { id: 'scheduled-title' }, 'Scheduled'),
    h(
      'p',
      { class: 'hint' },
      'Until it starts, you can cancel the send; the issue becomes a draft you can edit again.',
    ),
    h('div', { class: 'form-actions' }, cancelButton),
  );
  cancelButton.addEventListener('click', async () => {
    sendNotes.clear();
    cancelButton.disabled = true;
    try {
      await ctx.api.issues.cancelSchedule(issue.id);
      issue = await ctx.api.issues.get(issue.id);
      sendNotes.success('The scheduled send was cancelled; the issue is a draft again.');
      showProgress();
    } catch (error) {
      sendNotes.error('The scheduled send was not cancelled.', error);
    } finally {
      cancelButton.disabled = false;
    }
  });
  const sendCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'send-title' },
    h('h2', { id: 'send-title' }, 'Send to subscribers'),
    h('p', { class: 'hint' }, 'Every confirmed subscriber gets the edition in their own language.'),
    h('div', { class: 'form-actions' }, sendNow),
    h(
      'div',
      { class: 'schedule-row' },
      field({ label: 'Or schedule for', control: at, hint: 'Your local time.' }),
      schedule,
    ),
  );

  async function send(options, what) {
    clearFieldErrors(sendCard);
    sendNotes.clear();
    sendNow.disabled = schedule.disabled = true;
    try {
      const answer = await ctx.api.issues.send(issue.id, options);
      issue = await ctx.api.issues.get(issue.id);
      sendNotes.success(
        options.at
          ? `Scheduled for ${formatDate(options.at)}.`
          : `${what} ${answer?.recipients ?? issue.progress?.total?.recipients ?? 0} recipients.`,
      );
      showProgress();
      poll();
    } catch (error) {
      if (error.code === 'translation_gaps') showGaps(error, options);
      else
        sendNotes.error(
          options.at ? 'The issue was not scheduled.' : 'The issue was not sent.',
          error,
          (name, message) => {
            if (name !== 'at') return undefined;
            setFieldError(at, message);
            return at;
          },
        );
    } finally {
      sendNow.disabled = schedule.disabled = false;
    }
  }

  function showGaps(error, options) {
    const gaps = Object.entries(error.details.gaps ?? {}).filter(([, list]) => list?.length);
    const fallback = h(
      'button',
      { type: 'button', class: 'button primary' },
      options.at ? 'Schedule anyway with English fallback' : 'Send anyway with English fallback',
    );
    fallback.addEventListener('click', () =>
      send({ ...options, allowFallback: true }, 'Sending, with English where translations are missing, to'),
    );
    sendNotes.error(
      'Some languages have translation gaps.',
      error,
      undefined,
      h(
        'ul',
        { class: 'gap-summary' },
        gaps.map(([lang, list]) =>
          h('li', {}, h('strong', {}, `${LANGUAGE_NAMES[lang] ?? lang}: `), groupGaps(list).join('; ')),
        ),
      ),
      h(
        'p',
        {},
        'Those subscribers would see the English text, labelled “in English”, where their language is missing.',
      ),
      h('div', { class: 'form-actions' }, fallback),
    );
    fallback.focus();
  }

  sendNow.addEventListener('click', async () => {
    const confirmed = await confirmDialog({
      title: 'Send this issue now?',
      message: [
        `“${issue.title}” goes to every confirmed subscriber, each in their own language.`,
        'A sent issue cannot be recalled.',
      ],
      confirmLabel: 'Send now',
    });
    if (confirmed) await send({}, 'Sending to');
  });
  schedule.addEventListener('click', () => {
    if (!at.value) {
      setFieldError(at, 'Choose a date and time first.');
      at.focus();
      return;
    }
    send({ at: new Date(at.value).toISOString() }, 'Scheduled for');
  });

  panel.append(
    h(
      'div',
      { class: 'send-layout' },
      h('div', { class: 'send-actions' }, testForm, h('div', {}, sendCard, scheduledCard, notDraft, sendNotes.element)),
      progressCard,
    ),
  );
  showProgress();
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
