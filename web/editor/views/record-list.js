// Records: highlights and best practices, filtered by country, language and dates, paged with "Load more".
import { formatDateRange, h, visuallyHidden } from '../dom.js';
import { COUNTRIES, COUNTRY_CODES, LANGUAGE_NAMES, LANGUAGES, OTHER_REGION } from '../reference.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, fieldLocator, select } from '../widgets/fields.js';
import { pageHeader, subnav } from '../widgets/page.js';
import { RECORD_KINDS, confirmDelete, languageBadges, titleOf } from './records-common.js';

const PAGE_SIZE = '20';
/** Filters are kept per kind while the app is open, so coming back from an edit keeps them. */
const filtersByKind = { highlights: {}, practices: {} };

export function renderRecordList(container, ctx, { kind }) {
  const meta = RECORD_KINDS[kind];
  ctx.setTitle(meta.label);
  const notes = feedback();
  const filters = filterForm(meta, filtersByKind[kind]);
  const body = h('tbody');
  const summary = h('p', { class: 'list-summary', role: 'status' });
  const loadMore = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  container.append(
    pageHeader('Records', h('a', { class: 'button primary', href: `#/records/${kind}/new` }, `New ${meta.singular}`)),
    subnav('Record types', [
      { href: '#/records/highlights', text: 'Highlights', current: kind === 'highlights' },
      { href: '#/records/practices', text: 'Best practices', current: kind === 'practices' },
    ]),
    filters.element,
    notes.element,
    summary,
    recordTable(meta, body),
    h('div', { class: 'load-more' }, loadMore),
  );
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);

  const pages = pager({ ctx, kind, meta, notes, filters, body, summary, loadMore });
  filters.onChange(() => pages.load());
  loadMore.addEventListener('click', () => pages.load({ more: true }));
  pages.load();
}

/** The filter form; `onChange` runs when it is applied or cleared, after `filters` (kept per kind) changed. */
function filterForm(meta, filters) {
  const controls = {
    country: select({
      name: 'country',
      value: filters.country ?? '',
      options: [['', 'All countries'], ...COUNTRY_CODES.map((code) => [code, `${COUNTRIES[code].name} (${code})`])],
    }),
    language: select({
      name: 'language',
      value: filters.language ?? '',
      options: [['', 'Any language'], ...LANGUAGES.map((lang) => [lang, `${LANGUAGE_NAMES[lang]} (${lang})`])],
    }),
    from: h('input', { type: 'date', name: 'from', value: filters.from ?? '' }),
    to: h('input', { type: 'date', name: 'to', value: filters.to ?? '' }),
  };
  const element = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': `Filter ${meta.label.toLowerCase()}`, novalidate: true },
    field({ label: 'Country', control: controls.country }),
    field({ label: 'Has a title in', control: controls.language }),
    field({ label: 'From', control: controls.from }),
    field({ label: 'To', control: controls.to }),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button secondary' }, 'Apply filters'),
      h('button', { type: 'reset', class: 'button quiet' }, 'Clear'),
    ),
  );
  return {
    element,
    values: filters,
    locate: fieldLocator(controls),
    onChange(run) {
      element.addEventListener('submit', (event) => {
        event.preventDefault();
        for (const [name, control] of Object.entries(controls)) {
          if (control.value) filters[name] = control.value;
          else delete filters[name];
        }
        run();
      });
      element.addEventListener('reset', () => {
        for (const name of Object.keys(controls)) delete filters[name];
        // The reset restores the initial values first; clear them once it has.
        setTimeout(() => {
          for (const control of Object.values(controls)) control.value = '';
          run();
        });
      });
    },
  };
}

function recordTable(meta, body) {
  return dataTable({
    caption: meta.label,
    captionClass: 'visually-hidden',
    columns: ['Title', 'Country', 'Dates', 'Languages', { label: visuallyHidden('Actions') }],
    body,
  });
}

/** Loads the first page of records matching the filters, or the next one (`more`), and says how many are shown. */
function pager({ ctx, kind, meta, notes, filters, body, summary, loadMore }) {
  let cursor;
  let shown = 0;
  let latest = 0;
  const removed = () => (shown -= 1);
  const label = meta.label.toLowerCase();

  async function load({ more = false } = {}) {
    const request = ++latest;
    clearFieldErrors(filters.element);
    if (!more) {
      cursor = undefined;
      shown = 0;
      body.replaceChildren();
      summary.textContent = `Loading ${label}…`;
    }
    loadMore.disabled = true;
    try {
      const page = await ctx.api[kind].list({ ...filters.values, limit: PAGE_SIZE, cursor });
      if (request !== latest) return; // the filters changed meanwhile: a newer answer is on its way
      const items = page.items ?? [];
      body.append(...items.map((record) => recordRow({ ctx, kind, meta, notes, removed }, record)));
      shown += items.length;
      cursor = page.nextCursor;
      loadMore.hidden = !cursor;
      summary.textContent =
        shown === 0
          ? `No ${label} match these filters.`
          : `Showing ${shown} ${shown === 1 ? meta.singular : label}${cursor ? '; more are available' : ''}.`;
    } catch (error) {
      if (request !== latest) return;
      summary.textContent = '';
      notes.error(`The ${label} could not be loaded.`, error, filters.locate);
    } finally {
      loadMore.disabled = false;
    }
  }
  return { load };
}

/** A record's row: its title (a link to edit it), country and place, dates, languages, and edit and delete. */
function recordRow({ ctx, kind, meta, notes, removed }, record) {
  const title = titleOf(record);
  const href = `#/records/${kind}/${encodeURIComponent(record.id)}`;
  const remove = async () => {
    if (!(await confirmDelete(meta, title))) return;
    try {
      await ctx.api[kind].remove(record.id);
      tr.remove();
      removed();
      notes.success(`Deleted “${title}”.`);
    } catch (error) {
      notes.error(`“${title}” was not deleted.`, error);
    }
  };
  const place = [record.region, record.city].filter((part) => part && part !== OTHER_REGION).join(', ');
  const tr = h(
    'tr',
    {},
    h(
      'td',
      { class: 'cell-title' },
      h('a', { href }, title),
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
      h('a', { class: 'button quiet small', href }, 'Edit', visuallyHidden(` “${title}”`)),
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
