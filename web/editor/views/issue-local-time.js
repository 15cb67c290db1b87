// Sending at a local hour (on the audience tab): a date and an hour that each country gets the issue at in its own
// time zone, and once scheduled, each country's start in a table, with a cancel of the starts not begun.
import { h, uid } from '../dom.js';
import { COUNTRIES } from '../reference.js';
import { dataTable } from '../widgets/data-table.js';
import { field, fieldLocator } from '../widgets/fields.js';

const STATES = { waiting: 'Waiting', started: 'Started', cancelled: 'Cancelled' };

export function localTimeSection(ctx, { issue, notes, onIssue }) {
  const section = h('section', { class: 'local-time', 'aria-labelledby': uid('local-time') });
  const heading = h('h2', { id: section.getAttribute('aria-labelledby') }, 'Send at a local hour');
  const show = (current) => {
    section.replaceChildren(heading, ...(current.localStarts ? [startsTable(current.localStarts)] : []));
    const waiting = current.localStarts?.starts.some((s) => s.state === 'waiting');
    if (current.status === 'draft') section.append(scheduleForm(ctx, current, notes, refresh));
    else if (waiting) section.append(cancelButton(ctx, current, notes, refresh));
  };
  const refresh = async () => {
    const current = await ctx.api.issues.get(issue.id);
    onIssue?.(current);
    show(current);
  };
  show(issue);
  return section;
}

function startsTable({ localTime, starts }) {
  const when = (at, zone) =>
    new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(at));
  const rows = starts.flatMap((start) =>
    start.countries.map((code, i) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, COUNTRIES[code]?.name ?? code),
        h('td', {}, start.timeZones[i] ?? ''),
        h('td', {}, `${when(start.at, 'UTC')} UTC`),
        h('td', {}, STATES[start.state] ?? start.state),
      ),
    ),
  );
  return dataTable({
    caption: `Each country's start: ${localTime.date} at ${localTime.time} local time`,
    columns: ['Country', 'Time zone', 'Starts', 'State'],
    body: h('tbody', {}, rows),
  });
}

function scheduleForm(ctx, issue, notes, refresh) {
  const date = h('input', { type: 'date', name: 'date', required: true });
  const time = h('input', { type: 'time', name: 'time', value: '09:00', required: true });
  const fallback = h('input', { type: 'checkbox', id: uid('fallback') });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Schedule at this local hour');
  const locate = fieldLocator({ 'localTime.date': date, 'localTime.time': time, localTime: time });
  const form = h(
    'form',
    { class: 'field-row', novalidate: true },
    field({ label: 'Date', control: date }),
    field({ label: 'Local hour', control: time, hint: 'Each country gets it at this hour in its own time zone.' }),
    h('label', { class: 'check', for: fallback.id }, fallback, ' Send untranslated texts in the source language'),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const body = {
        localTime: { date: date.value, time: time.value },
        ...(fallback.checked && { allowFallback: true }),
      };
      await ctx.api.issues.send(issue.id, body);
      notes.success('Scheduled: each country starts at that hour, its time.');
      await refresh();
    } catch (error) {
      notes.error('The send was not scheduled.', error, locate);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function cancelButton(ctx, issue, notes, refresh) {
  const button = h('button', { type: 'button', class: 'button' }, 'Cancel the starts not begun');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { cancelled } = await ctx.api.issues.cancelSchedule(issue.id);
      notes.success(`Cancelled for ${cancelled.length} ${cancelled.length === 1 ? 'country' : 'countries'}.`);
      await refresh();
    } catch (error) {
      notes.error('The starts were not cancelled.', error);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'form-actions' }, button);
}
