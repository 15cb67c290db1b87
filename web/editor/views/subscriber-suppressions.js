// The suppression list's import (admins): a CSV of addresses that must never get mail, and what became of each line.
import { h } from '../dom.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { field } from '../widgets/fields.js';
import { pageHeader } from '../widgets/page.js';
import { subscriberNav } from './subscriber-list.js';

export function renderSuppressions(container, ctx) {
  ctx.setTitle('Suppression list');
  const notes = feedback();
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.txt,text/csv,text/plain', required: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Import');
  const report = h('div', { class: 'suppression-report' });
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h(
      'p',
      {},
      'Addresses that must never get mail, such as the bounces and unsubscribes of an earlier tool: one per line, ',
      'or a CSV file with an “email” column. Known subscribers are suppressed; unknown addresses are kept so that ',
      'a later signup sends them nothing. Importing the same file again changes nothing.',
    ),
    field({ label: 'CSV file (UTF-8)', control: file }),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      notes.error('Nothing was imported.', { message: 'Choose a CSV file first.', field: 'file' }, () => file);
      return;
    }
    submit.disabled = true;
    report.replaceChildren();
    notes.info('Importing…');
    try {
      const result = await ctx.api.subscribers.importSuppressions(await chosen.text());
      notes.success(
        `${result.suppressed} suppressed, ${result.alreadySuppressed} already suppressed, ` +
          `${result.errors.length} ${result.errors.length === 1 ? 'line' : 'lines'} not imported.`,
      );
      report.replaceChildren(errorTable(result.errors));
    } catch (error) {
      notes.error('Nothing was imported.', error);
    } finally {
      submit.disabled = false;
    }
  });
  container.append(pageHeader('Subscribers'), subscriberNav('suppressions'), notes.element, form, report);
}

function errorTable(errors) {
  if (errors.length === 0) return h('p', {}, 'Every line was imported.');
  return dataTable({
    caption: 'Lines not imported',
    columns: ['Line', 'Field', 'Problem'],
    body: h(
      'tbody',
      {},
      errors.map((e) => h('tr', {}, h('td', {}, String(e.line)), h('td', {}, e.field), h('td', {}, e.message))),
    ),
  });
}
