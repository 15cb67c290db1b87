// The issue view: one issue's figures per region, country or language (summary, table, rates per group), its first
// 72 hours, the issues compared, and its CSV (for people, or raw for scripts).
import { download, getJson } from './api.js';
import { byName, groupName } from './names.js';
import { COLOURS, drawChart, groupBars, percent, ratePoints, renderTable } from './render.js';

const $ = (id) => document.getElementById(id);

const COLUMNS = [
  ['key', 'Group'],
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['deliveryRate', 'Delivery rate', 'rate'],
  ['bounced', 'Bounced'],
  ['complained', 'Complaints'],
  ['uniqueOpens', 'Opened'],
  ['openRate', 'Open rate', 'rate'],
  ['machineOpens', 'Machine opens'],
  ['uniqueClicks', 'Clicked'],
  ['clickRate', 'Click rate', 'rate'],
  ['botClicks', 'Bot clicks'],
  ['unsubscribed', 'Unsubscribed'],
];
const SUMMARY = [
  ['recipients', 'Recipients'],
  ['delivered', 'Delivered'],
  ['deliveryRate', 'Delivery rate'],
  ['measured', 'Measured'],
  ['uniqueOpens', 'Opened (people)'],
  ['openRate', 'Open rate'],
  ['machineOpens', 'Machine opens'],
  ['uniqueClicks', 'Clicked (people)'],
  ['clickRate', 'Click rate'],
  ['botClicks', 'Bot clicks'],
  ['bounced', 'Bounced'],
  ['complained', 'Complaints'],
  ['unsubscribed', 'Unsubscribed'],
];
const RATES = [
  ['deliveryRate', 'Delivery rate', COLOURS.delivered],
  ['openRate', 'Open rate', COLOURS.opened],
  ['clickRate', 'Click rate', COLOURS.clicked],
];
export const GROUPINGS = { region: 'region', country: 'country', language: 'language' };

const rateDatasets = (rows) =>
  RATES.map(([field, label, colour]) => ({ label, backgroundColor: colour, data: ratePoints(rows, field) }));

/** A summary figure; "measured" says of how many sent (only those who consented are measured). */
function summaryItem(label, field, total) {
  const value = total[field];
  const item = document.createElement('div');
  const term = document.createElement('dt');
  term.textContent = label;
  const figure = document.createElement('dd');
  figure.dataset.stat = field;
  if (field === 'measured') figure.textContent = `${value ?? 0} of ${total.sent ?? 0}`;
  else figure.textContent = field.endsWith('Rate') ? percent(value) : String(value ?? '');
  item.append(term, figure);
  return item;
}

/** Shows one issue's figures; returns the region they are limited to, if any. */
export async function loadIssue(issueId, by) {
  const stats = await getJson(`/api/issues/${encodeURIComponent(issueId)}/stats?by=${by}`);
  const rows = byName(stats.by, stats.rows);
  const name = (row) => groupName(stats.by, row.key);
  $('summary-title').textContent = `${stats.title} (${stats.status})`;
  $('by-label').textContent = GROUPINGS[stats.by];
  $('summary').replaceChildren(...SUMMARY.map(([field, label]) => summaryItem(label, field, stats.total)));
  renderTable($('stats-table'), COLUMNS, [...rows, stats.total], name);
  groupBars('rates-chart', { labels: rows.map(name), datasets: rateDatasets(rows), percentScale: true });
  drawChart('hours-chart', {
    type: 'bar',
    data: {
      labels: stats.hours.map((h) => `${h.hour}h`),
      datasets: [
        { label: 'First opens', backgroundColor: COLOURS.opened, data: stats.hours.map((h) => h.uniqueOpens) },
        { label: 'First clicks', backgroundColor: COLOURS.clicked, data: stats.hours.map((h) => h.uniqueClicks) },
      ],
    },
    options: {
      scales: {
        x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
  return stats.region;
}

/** Every sent issue's totals, compared; returns the issues for the issue picker. */
export async function loadComparison() {
  const { issues } = await getJson('/api/stats/issues');
  renderTable($('compare-table'), [['title', 'Issue'], ...COLUMNS.slice(1)], issues, (issue) => issue.title);
  drawChart('compare-chart', {
    type: 'bar',
    data: { labels: issues.map((i) => i.title), datasets: rateDatasets(issues) },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } },
  });
  $('compare-chart').parentElement.style.height = `${Math.max(200, issues.length * 40 + 70)}px`;
  return issues;
}

/** The CSV of the issue and grouping shown: `csv` for people (the API's default), `csv-raw` for scripts. */
export function downloadIssueCsv(format) {
  const issueId = $('issue').value;
  const by = $('by').value;
  const query = new URLSearchParams({ by, ...(format === 'csv-raw' && { format }) });
  const suffix = format === 'csv-raw' ? '-raw' : '';
  return download(
    `/api/issues/${encodeURIComponent(issueId)}/stats?${query}`,
    'text/csv',
    `${issueId}-by-${by}${suffix}.csv`,
  );
}
