// Subscribers (admins): search by address or name, filters, counts per status, pages by cursor, the CSV export.
/* global URL, Blob -- browser globals the shared lint config does not list */
import { formatDate, h } from '../dom.js';
import { COUNTRIES, COUNTRY_CODES, LANGUAGE_NAMES, LANGUAGES, TOPIC_LABELS, TOPICS } from '../reference.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, fieldLocator, select } from '../widgets/fields.js';
import { pageHeader, subnav } from '../widgets/page.js';
import { SUBSCRIBER_STATUSES, subscriberStatus } from './subscriber-status.js';

const PAGE_SIZE = '50';
/** Kept while the app is open, so coming back from a subscriber's page keeps the search. */
const filters = {};

export function subscriberNav(current) {
  return subnav('Subscribers', [
    { href: '#/subscribers', text: 'List', current: current === 'list' },
    { href: '#/subscribers/import', text: 'Import subscribers', current: current === 'import' },
    { href: '#/subscribers/suppressions', text: 'Suppression list', current: current === 'suppressions' },
  ]);
}

export function renderSubscriberList(container, ctx) {
  ctx.setTitle('Subscribers');
  const notes = feedback();
  const form = filterForm();
  const body = h('tbody');
  const counts = h('p', { class: 'list-summary', role: 'status' });
  const loadMore = h('button', { type: 'button', class: 'button secondary', hidden: true }, 'Load more');
  const exportButton = h('button', { type: 'button', class: 'button secondary' }, 'Export CSV');
  container.append(
    pageHeader('Subscribers', exportButton),
    subscriberNav('list'),
    form.element,
    notes.element,
    counts,
    dataTable({
      caption: 'Subscribers matching the search',
      captionClass: 'visually-hidden',
      columns: ['Subscriber', 'Status', 'Country and region', 'Language', 'Signed up'],
      body,
    }),
    h('div', { class: 'load-more' }, loadMore),
  );
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);

  let cursor;
  let latest = 0;
  async function load({ more = false } = {}) {
    const request = ++latest;
    clearFieldErrors(form.element);
    if (!more) {
      cursor = undefined;
      body.replaceChildren();
      counts.textContent = 'Loading subscribers…';
    }
    loadMore.disabled = true;
    try {
      const page = await ctx.api.subscribers.list({ ...filters, limit: PAGE_SIZE, cursor });
      if (request !== latest) return; // the search changed meanwhile
      body.append(...page.subscribers.map(subscriberRow));
      cursor = page.nextCursor;
      loadMore.hidden = !cursor;
      counts.textContent = summary(page, body.children.length);
    } catch (error) {
      if (request !== latest) return;
      counts.textContent = '';
      notes.error('The subscribers could not be loaded.', error, form.locate);
    } finally {
      loadMore.disabled = false;
    }
  }
  form.onChange(() => load());
  loadMore.addEventListener('click', () => load({ more: true }));
  exportButton.addEventListener('click', () => exportCsv(ctx, notes, exportButton));
  load();
}

/** "104 subscribers match; showing 50. By status: 104 confirmed, 26 unsubscribed." (the other filters applied) */
function summary(page, shown) {
  if (page.total === 0) return 'No subscribers match.';
  const parts = SUBSCRIBER_STATUSES.filter((s) => page.byStatus[s] > 0).map((s) => `${page.byStatus[s]} ${s}`);
  const noun = page.total === 1 ? 'subscriber matches' : 'subscribers match';
  return `${page.total} ${noun}; showing ${shown}. By status: ${parts.join(', ')}.`;
}

function filterForm() {
  const controls = {
    q: h('input', { type: 'search', name: 'q', value: filters.q ?? '', autocomplete: 'off' }),
    status: select({
      name: 'status',
      value: filters.status ?? '',
      options: [['', 'Any status'], ...SUBSCRIBER_STATUSES.map((s) => [s, s[0].toUpperCase() + s.slice(1)])],
    }),
    country: select({
      name: 'country',
      value: filters.country ?? '',
      options: [['', 'All countries'], ...COUNTRY_CODES.map((code) => [code, `${COUNTRIES[code].name} (${code})`])],
    }),
    region: h('input', { type: 'text', name: 'region', value: filters.region ?? '', autocomplete: 'off' }),
    language: select({
      name: 'language',
      value: filters.language ?? '',
      options: [['', 'Any language'], ...LANGUAGES.map((lang) => [lang, `${LANGUAGE_NAMES[lang]} (${lang})`])],
    }),
    topic: select({
      name: 'topic',
      value: filters.topic ?? '',
      options: [['', 'Any topic'], ...TOPICS.map((topic) => [topic, TOPIC_LABELS[topic] ?? topic])],
    }),
  };
  const element = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Search subscribers', novalidate: true },
    field({ label: 'Address or name', control: controls.q }),
    field({ label: 'Status', control: controls.status }),
    field({ label: 'Country', control: controls.country }),
    field({ label: 'Region', control: controls.region }),
    field({ label: 'Language', control: controls.language }),
    field({ label: 'Topic', control: controls.topic }),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button secondary' }, 'Search'),
      h('button', { type: 'reset', class: 'button quiet' }, 'Clear'),
    ),
  );
  return {
    element,
    locate: fieldLocator(controls),
    onChange(run) {
      element.addEventListener('submit', (event) => {
        event.preventDefault();
        for (const [name, control] of Object.entries(controls)) {
          if (control.value.trim()) filters[name] = control.value.trim();
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

function subscriberRow(s) {
  const place = [COUNTRIES[s.country]?.name ?? s.country, s.region].filter(Boolean).join(', ');
  return h(
    'tr',
    {},
    h(
      'td',
      { class: 'cell-title' },
      h('a', { href: `#/subscribers/${encodeURIComponent(s.id)}` }, s.email),
      s.name ? h('span', { class: 'cell-sub' }, s.name) : null,
    ),
    h('td', {}, subscriberStatus(s.status)),
    h('td', {}, place || '—'),
    h('td', {}, LANGUAGE_NAMES[s.language] ?? (s.language || '—')),
    h('td', { class: 'cell-dates' }, formatDate(s.createdAt)),
  );
}

/** Saves the export of what the search shows as subscribers.csv (UTF-8 with a byte-order mark, for spreadsheets). */
async function exportCsv(ctx, notes, button) {
  button.disabled = true;
  notes.info('Preparing the export…');
  try {
    const csv = await ctx.api.subscribers.exportCsv(filters);
    const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
    const link = h('a', { href: url, download: 'subscribers.csv', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notes.success('The export is saved as subscribers.csv.');
  } catch (error) {
    notes.error('The export failed.', error);
  } finally {
    button.disabled = false;
  }
}
