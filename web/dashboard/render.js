// What every view draws: tables (row names in a sticky first column, in a scroll region that the keyboard reaches
// when the table is wider than the screen) and Chart.js charts (horizontal bars once there are more than a few
// groups, so the group names stay level and the chart grows with them).
/* global Chart, ResizeObserver -- chart.js's UMD build (loaded by index.html) and a browser global */

// Axis labels and legends darker than Chart.js's grey, for contrast on white.
Chart.defaults.color = '#3e4c59';

export const percent = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);
const show = (kind, value) => (kind === 'rate' ? percent(value) : String(value ?? ''));

function cell(tag, text, attributes) {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

/** A table's wrapper scrolls sideways: while it does, it takes the focus (so arrow keys scroll it) and is named by the caption. */
function scrollRegion(table) {
  const wrap = table.parentElement;
  if (wrap.dataset.region) return;
  wrap.dataset.region = 'on';
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-labelledby', table.caption.id);
  const update = () => {
    if (wrap.scrollWidth > wrap.clientWidth + 1) wrap.tabIndex = 0;
    else wrap.removeAttribute('tabindex');
  };
  const observer = new ResizeObserver(update);
  observer.observe(wrap);
  observer.observe(table);
}

/**
 * @param {HTMLTableElement} table  with a <caption id> inside a `.table-wrap`
 * @param {Array<[field: string, label: string, kind?: 'rate']>} columns  the first is the row's name
 * @param {(row) => string} nameOf  the name in the first column
 */
export function renderTable(table, columns, rows, nameOf) {
  const caption = table.caption;
  table.replaceChildren(caption);
  const head = table.createTHead().insertRow();
  for (const [, label] of columns) head.append(cell('th', label, { scope: 'col' }));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    if (row.key === 'total') tr.className = 'total';
    const [[firstField], ...rest] = columns;
    tr.append(cell('th', nameOf(row), { scope: 'row', 'data-field': firstField }));
    for (const [field, , kind] of rest) tr.append(cell('td', show(kind, row[field]), { 'data-field': field }));
  }
  scrollRegion(table);
}

const charts = {};
export function drawChart(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart(document.getElementById(id), {
    ...config,
    options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options },
  });
  return charts[id];
}

/** More groups than this and the bars lie down. */
const FEW_GROUPS = 4;
const percentAxis = { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } };

/** A label in lines of about 18 characters: upright bars' labels wrap instead of slanting, lying ones take less width. */
function wrapLabel(label) {
  const lines = [];
  for (const word of label.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= 18) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Bars per group: upright for a few groups, horizontal for more, the chart as tall as its bars need.
 * `datasets` are Chart.js datasets with one value per label; `percentScale` puts the values on a 0–100 % axis.
 */
export function groupBars(id, { labels, datasets, percentScale = false }) {
  const horizontal = labels.length > FEW_GROUPS;
  const canvas = document.getElementById(id);
  const box = canvas.parentElement;
  box.style.height = horizontal ? `${Math.max(260, labels.length * (datasets.length * 9 + 12) + 70)}px` : '';
  box.closest('figure')?.classList.toggle('wide', horizontal);
  const valueAxis = percentScale ? percentAxis : { beginAtZero: true, ticks: { precision: 0 } };
  const groupAxis = { ticks: { autoSkip: false, maxRotation: 0 } };
  return drawChart(id, {
    type: 'bar',
    data: { labels: labels.map(wrapLabel), datasets },
    options: horizontal
      ? { indexAxis: 'y', scales: { x: valueAxis, y: groupAxis } }
      : { indexAxis: 'x', scales: { y: valueAxis, x: groupAxis } },
  });
}

export const COLOURS = { delivered: '#0b5fa5', opened: '#2f9e44', clicked: '#c2410c', unsubscribed: '#b42318' };

/** Rates as percentages with one decimal, 0 where there is no rate. */
export const ratePoints = (rows, field) =>
  rows.map((r) => (r[field] === null || r[field] === undefined ? 0 : Math.round(r[field] * 1000) / 10));
