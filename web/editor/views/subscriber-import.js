// Import subscribers (admins): choose a CSV file and a mode, check it (a dry run: the columns as mapped, the first
// rows, every error and every row that would be skipped), adjust the column mapping, then import and read the report.
import { h } from '../dom.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { field, select } from '../widgets/fields.js';
import { subscriberNav } from './subscriber-list.js';
import { pageHeader } from '../widgets/page.js';

const FIELDS = [
  'email',
  'name',
  'language',
  'country',
  'region',
  'topics',
  'consent_date',
  'consent_source',
  'consent_proof',
  'tracking',
];
const MODES = [
  [
    'consented',
    'They consented elsewhere',
    'Confirmed at once; each row (or the whole file) gives the consent date and source.',
  ],
  [
    'confirm',
    'Ask each to confirm',
    'Each new address gets the confirmation email in its language; only those who confirm get issues.',
  ],
];

/** The header row's names (a quoted name may hold a comma; the server reads the file properly). */
function headerOf(text) {
  const line = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  return (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
    .map((cell) => cell.replace(/,$/, '').trim().replace(/^"|"$/g, '').replaceAll('""', '"'))
    .filter((name, i, all) => name !== '' || i < all.length - 1);
}

export function renderSubscriberImport(container, ctx) {
  ctx.setTitle('Import subscribers');
  const notes = feedback();
  container.append(pageHeader('Import subscribers'), subscriberNav('import'), notes.element);
  const state = { file: null, headers: [], mapping: {} };
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv', id: 'import-file' });
  const modeInputs = MODES.map(([value, label, hint]) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'mode', value, checked: value === 'consented' ? true : null }),
      ` ${label}`,
      h('span', { class: 'hint' }, ` ${hint}`),
    ),
  );
  const source = h('input', { type: 'text', maxlength: 200 });
  const consentDate = h('input', { type: 'date' });
  const proof = h('input', { type: 'text', maxlength: 500 });
  const mappingBox = h('div', { class: 'import-mapping' });
  const results = h('div', { class: 'import-results', 'aria-live': 'polite' });
  const checkButton = h('button', { type: 'submit', class: 'button' }, 'Check the file');
  const importButton = h('button', { type: 'button', class: 'button primary', disabled: true }, 'Import');

  const mode = () => container.querySelector('input[name=mode]:checked')?.value ?? 'consented';
  const options = (dryRun) => ({
    mode: mode(),
    dryRun: dryRun ? 'true' : '',
    source: source.value.trim(),
    consentDate: consentDate.value,
    proof: proof.value.trim(),
    ...Object.fromEntries(Object.entries(state.mapping).map(([f, header]) => [`map.${f}`, header])),
  });

  async function run(dryRun) {
    if (!state.file) {
      notes.error('Nothing was checked.', { message: 'Choose a CSV file first.', field: 'file' });
      fileInput.focus();
      return;
    }
    notes.info(dryRun ? 'Checking the file…' : 'Importing…');
    importButton.disabled = true;
    checkButton.disabled = true;
    try {
      const report = await ctx.api.subscribers.import(state.file, options(dryRun));
      notes.clear();
      showMapping(report.columns);
      results.replaceChildren(...reportView(report));
      importButton.disabled = !dryRun || report.imported === 0;
      importButton.textContent = dryRun ? `Import ${report.imported} subscribers` : 'Import';
      if (!dryRun) notes.success(`Imported ${report.imported} subscribers.`);
    } catch (error) {
      notes.error(dryRun ? 'The file could not be checked.' : 'Nothing was imported.', error);
      // A column the server did not find: the mapping lets one choose it.
      if (state.headers.length > 0) showMapping(guessedColumns());
    } finally {
      checkButton.disabled = false;
    }
  }

  /** Each field's column as the server finds it (by name, case, spaces, underscores and hyphens aside) or as chosen. */
  function guessedColumns() {
    const key = (name) => name.toLowerCase().replace(/[\s_-]+/g, '');
    return Object.fromEntries(
      FIELDS.map((name) => [name, state.mapping[name] ?? state.headers.find((header) => key(header) === key(name))]),
    );
  }

  /** A select per field: the file's column it is read from (changing one checks the file again). */
  function showMapping(columns) {
    const controls = FIELDS.map((name) => {
      const control = select({
        options: [['', '(found by its name, or none)'], ...state.headers.map((header) => [header, header])],
        value: columns[name] ?? '',
        onchange: () => {
          state.mapping[name] = control.value;
          if (!control.value) delete state.mapping[name];
          void run(true);
        },
      });
      return field({ label: name, control });
    });
    mappingBox.replaceChildren(h('h2', {}, 'Columns'), h('div', { class: 'field-grid' }, controls));
  }

  fileInput.addEventListener('change', async () => {
    state.file = fileInput.files?.[0] ?? null;
    state.mapping = {};
    state.headers = state.file ? headerOf(await state.file.slice(0, 64 * 1024).text()) : [];
    mappingBox.replaceChildren();
    results.replaceChildren();
    importButton.disabled = true;
  });
  importButton.addEventListener('click', () => void run(false));

  container.append(
    h(
      'form',
      {
        class: 'import-form',
        onsubmit: (event) => {
          event.preventDefault();
          void run(true);
        },
      },
      field({ label: 'CSV file (UTF-8)', control: fileInput }),
      h('fieldset', {}, h('legend', {}, 'How did these people agree to get the newsletter?'), modeInputs),
      h(
        'fieldset',
        {},
        h('legend', {}, 'For rows without their own'),
        field({ label: 'Consent source', control: source, hint: 'e.g. “Sign-up sheet, Haskovo workshop 2025”' }),
        field({ label: 'Consent date', control: consentDate }),
        field({ label: 'Consent proof', control: proof, hint: 'Where the evidence is kept' }),
      ),
      h('div', { class: 'actions' }, checkButton, importButton),
    ),
    mappingBox,
    results,
  );
}

/** The report: counts, the first rows as mapped, every error and skipped row with its line. */
function reportView(report) {
  const counts = h(
    'p',
    { class: 'import-counts' },
    `${report.dryRun ? 'Dry run, nothing written: ' : ''}${report.rows} rows, ` +
      `${report.imported} ${report.dryRun ? 'to import' : 'imported'}` +
      `${report.mode === 'confirm' && !report.dryRun ? ` (${report.mailed} confirmation emails sent)` : ''}, ` +
      `${report.skippedCount} skipped, ${report.errorCount} with errors.`,
  );
  const shown = FIELDS.filter((f) => report.preview.some((row) => row[f] !== undefined));
  const table = (caption, columns, rows) =>
    rows.length === 0
      ? null
      : dataTable({
          caption,
          columns,
          body: h(
            'tbody',
            {},
            rows.map((cells) =>
              h(
                'tr',
                {},
                cells.map((c) => h('td', {}, String(c))),
              ),
            ),
          ),
        });
  return [
    counts,
    table(
      'The first rows as the columns map them',
      ['Line', ...shown],
      report.preview.map((row) => [row.line, ...shown.map((f) => row[f] ?? '')]),
    ),
    table(
      `Errors (${report.errorCount}${report.errors.length < report.errorCount ? `, the first ${report.errors.length} shown` : ''})`,
      ['Line', 'Field', 'Problem'],
      report.errors.map((e) => [e.line, e.field, e.message]),
    ),
    table(
      `Skipped (${report.skippedCount})`,
      ['Line', 'Why'],
      report.skipped.map((s) => [s.line, s.message]),
    ),
  ].filter(Boolean);
}
