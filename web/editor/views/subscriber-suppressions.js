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
      // Lines at fault, and addresses left out on purpose (erased at their owner's request), in line order.
      const notImported = [
        ...result.errors.map((e) => ({ line: e.line, what: e.field, message: e.message })),
        ...(result.skipped ?? []).map((s) => ({ line: s.line, what: `skipped (${s.reason})`, message: s.message })),
      ].sort((a, b) => a.line - b.line);
      notes.success(
        `${result.suppressed} suppressed, ${result.alreadySuppressed} already suppressed, ` +
          `${notImported.length} ${notImported.length === 1 ? 'line' : 'lines'} not imported.`,
      );
      report.replaceChildren(notImportedTable(notImported));
    } catch (error) {
      notes.error('Nothing was imported.', error);
    } finally {
      submit.disabled = false;
    }
  });
  container.append(pageHeader('Subscribers'), subscriberNav('suppressions'), notes.element, form, report);
}

function notImportedTable(lines) {
  if (lines.length === 0) return h('p', {}, 'Every line was imported.');
  return dataTable({
    caption: 'Lines not imported',
    columns: ['Line', 'Field or reason', 'Why'],
    body: h(
      'tbody',
      {},
      lines.map((l) => h('tr', {}, h('td', {}, String(l.line)), h('td', {}, l.what), h('td', {}, l.message))),
    ),
  });
}
