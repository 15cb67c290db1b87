// Records: highlights and best practices, filtered by country, language and dates, paged with "Load more".
import {
  clearFieldErrors,
  confirmDialog,
  feedback,
  field,
  formatDateRange,
  h,
  pageHeader,
  select,
  setFieldError,
  subnav,
  visuallyHidden,
} from '../dom.js';
import { COUNTRIES, COUNTRY_CODES, LANGUAGE_NAMES, LANGUAGES } from '../reference.js';
import { RECORD_KINDS, languageBadges, titleOf } from './records-common.js';

const PAGE_SIZE = '20';
/** Filters are kept per kind while the app is open, so coming back from an edit keeps them. */
const filtersByKind = { highlights: {}, practices: {} };

export function renderRecordList(container, ctx, { kind }) {
  const meta = RECORD_KINDS[kind];
  const records = ctx.api[kind];
  const filters = filtersByKind[kind];
  ctx.setTitle(meta.label);

  const notes = feedback();
  const country = select({
    name: 'country',
    value: filters.country ?? '',
    options: [['', 'All countries'], ...COUNTRY_CODES.map((code) => [code, `${COUNTRIES[code].name} (${code})`])],
  });
  const language = select({
    name: 'language',
    value: filters.language ?? '',
    options: [['', 'Any language'], ...LANGUAGES.map((lang) => [lang, `${LANGUAGE_NAMES[lang]} (${lang})`])],
  });
  const from = h('input', { type: 'date', name: 'from', value: filters.from ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: filters.to ?? '' });
  const controls = { country, language, from, to };
  const filterForm = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': `Filter ${meta.label.toLowerCase()}`, novalidate: true },
    field({ label: 'Country', control: country }),
    field({ label: 'Has a title in', control: language }),
    field({ label: 'From', control: from }),
    field({ label: 'To', control: to }),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button secondary' }, 'Apply filters'),
      h('button', { type: 'reset', class: 'button quiet' }, 'Clear'),
    ),
  );

  const body = h('tbody');
  const summary = h('p', { class: 'list-summary', role: 'status' });
  const loadMore = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  const table = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table' },
      h('caption', { class: 'visually-hidden' }, meta.label),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Title'),
          h('th', { scope: 'col' }, 'Country'),
          h('th', { scope: 'col' }, 'Dates'),
          h('th', { scope: 'col' }, 'Languages'),
          h('th', { scope: 'col' }, visuallyHidden('Actions')),
        ),
      ),
      body,
    ),
  );

  container.append(
    pageHeader('Records', h('a', { class: 'button primary', href: `#/records/${kind}/new` }, `New ${meta.singular}`)),
    subnav('Record types', [
      { href: '#/records/highlights', text: 'Highlights', current: kind === 'highlights' },
      { href: '#/records/practices', text: 'Best practices', current: kind === 'practices' },
    ]),
    filterForm,
    notes.element,
    summary,
    table,
    h('div', { class: 'load-more' }, loadMore),
  );
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);

  let cursor;
  let shown = 0;

  function row(record) {
    const title = titleOf(record);
    const remove = async () => {
      const confirmed = await confirmDialog({
        title: `Delete this ${meta.singular}?`,
        message: [`“${title}” will be deleted in every language.`, 'This cannot be undone.'],
        confirmLabel: 'Delete',
        danger: true,
      });
      if (!confirmed) return;
      try {
        await records.remove(record.id);
        tr.remove();
        shown -= 1;
        notes.success(`Deleted “${title}”.`);
      } catch (error) {
        notes.error(`“${title}” was not deleted.`, error);
      }
    };
    const place = [record.region, record.city].filter((part) => part && part !== 'other').join(', ');
    const tr = h(
      'tr',
      {},
      h(
        'td',
        { class: 'cell-title' },
        h('a', { href: `#/records/${kind}/${encodeURIComponent(record.id)}` }, title),
        kind === 'practices' && record.organisation ? h('span', { class: 'cell-sub' }, record.organisation.name) : null,
      ),
      h(
        'td',
        {},
        h('span', { class: 'country-code' }, record.country),
        place ? h('span', { class: 'cell-sub' }, place) : null,
      ),
      h('td', { class: 'cell-dates' }, formatDateRange(record.startDate, record.endDate) || '—'),
      h('td', {}, languageBadges(record.title)),
      h(
        'td',
        { class: 'cell-actions' },
        h(
          'a',
          { class: 'button quiet small', href: `#/records/${kind}/${encodeURIComponent(record.id)}` },
          'Edit',
          visuallyHidden(` “${title}”`),
        ),
        h(
          'button',
          { type: 'button', class: 'button quiet small danger-text', onclick: remove },
          'Delete',
          visuallyHidden(` “${title}”`),
        ),
      ),
    );
    return tr;
  }

  let latest = 0;
  async function load({ more = false } = {}) {
    const request = ++latest;
    clearFieldErrors(filterForm);
    if (!more) {
      cursor = undefined;
      shown = 0;
      body.replaceChildren();
      summary.textContent = `Loading ${meta.label.toLowerCase()}…`;
    }
    loadMore.disabled = true;
    try {
      const page = await records.list({ ...filters, limit: PAGE_SIZE, cursor });
      if (request !== latest) return; // the filters changed meanwhile: a newer answer is on its way
      const items = page.items ?? [];
      body.append(...items.map(row));
      shown += items.length;
      cursor = page.nextCursor;
      loadMore.hidden = !cursor;
      summary.textContent =
        shown === 0
          ? `No ${meta.label.toLowerCase()} match these filters.`
          : `Showing ${shown} ${shown === 1 ? meta.singular : meta.label.toLowerCase()}${cursor ? '; more are available' : ''}.`;
    } catch (error) {
      if (request !== latest) return;
      summary.textContent = '';
      notes.error(`The ${meta.label.toLowerCase()} could not be loaded.`, error, (name, message) => {
        if (controls[name]) setFieldError(controls[name], message);
        return controls[name];
      });
    } finally {
      loadMore.disabled = false;
    }
  }

  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const [name, control] of Object.entries(controls)) {
      if (control.value) filters[name] = control.value;
      else delete filters[name];
    }
    load();
  });
  filterForm.addEventListener('reset', () => {
    for (const name of Object.keys(controls)) delete filters[name];
    // The reset restores the initial values first; clear them once it has.
    setTimeout(() => {
      for (const control of Object.values(controls)) control.value = '';
      load();
    });
  });
  loadMore.addEventListener('click', () => load({ more: true }));
  load();
}
