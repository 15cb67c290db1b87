// The report view: a period's dissemination per region, country or language as the funder asks for it (table, rates
// per group, downloads as CSV and PDF), and the audience's growth per day (subscribers, signups, unsubscribes).
import { download, getJson } from './api.js';
import { byName, formatDay, groupName, viewerReportLanguage } from './names.js';
import { COLOURS, drawChart, groupBars, ratePoints, renderTable } from './render.js';

const $ = (id) => document.getElementById(id);

/** Marked "estimated": unique people across the period's issues, which the API counts with sketches. */
const COLUMNS = [
  ['key', 'Group'],
  ['issuesSent', 'Issues sent'],
  ['peopleReached', 'People reached (estimated)'],
  ['delivered', 'Delivered'],
  ['openers', 'Opened (people, estimated)'],
  ['openRate', 'Open rate', 'rate'],
  ['clickers', 'Clicked (people, estimated)'],
  ['clickRate', 'Click rate', 'rate'],
  ['newConfirmed', 'New subscribers'],
  ['unsubscribes', 'Unsubscribes'],
  ['subscribersAtEnd', 'Subscribers at the end'],
  ['machineOpens', 'Machine opens'],
  ['botClicks', 'Bot clicks'],
];
const GROWTH_COLUMNS = [
  ['date', 'Day'],
  ['subscribers', 'Subscribers'],
  ['signups', 'Signups'],
  ['unsubscribes', 'Unsubscribes'],
];

const isoDay = (date) => date.toISOString().slice(0, 10);
/** Six calendar months up to today: what a coordinator reports twice a year. */
export function defaultPeriod(today = new Date()) {
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 5, 1));
  return { from: isoDay(from), to: isoDay(today) };
}

function reportQuery(period, extra = {}) {
  const lang = viewerReportLanguage();
  return new URLSearchParams({ ...period, ...(lang && { lang }), ...extra });
}

function showReport(report) {
  const rows = byName(report.by, report.rows);
  const name = (row) => groupName(report.by, row.key);
  $('report-period').textContent =
    `${formatDay(report.from)} – ${formatDay(report.to)}, per ${report.by}` +
    `${report.region ? `, ${groupName('region', report.region)} only` : ''}: ` +
    `${report.issues.length} ${report.issues.length === 1 ? 'issue' : 'issues'} sent.`;
  $('report-issues').replaceChildren(
    ...report.issues.map((issue) => {
      const item = document.createElement('li');
      item.textContent = `${issue.title} (${issue.sentAt ? formatDay(issue.sentAt.slice(0, 10)) : 'not sent'})`;
      return item;
    }),
  );
  renderTable($('report-table'), COLUMNS, [...rows, report.total], name);
  groupBars('report-chart', {
    labels: rows.map(name),
    datasets: [
      { label: 'Open rate', backgroundColor: COLOURS.opened, data: ratePoints(rows, 'openRate') },
      { label: 'Click rate', backgroundColor: COLOURS.clicked, data: ratePoints(rows, 'clickRate') },
    ],
    percentScale: true,
  });
}

/** The days of one series, or of every series added up (all regions). */
function growthDays(series, key) {
  if (key !== 'all') return series.find((s) => s.key === key)?.days ?? [];
  const days = new Map();
  for (const { days: own } of series) {
    for (const day of own) {
      const sum = days.get(day.date) ?? { date: day.date, subscribers: 0, signups: 0, unsubscribes: 0 };
      sum.subscribers += day.subscribers;
      sum.signups += day.signups;
      sum.unsubscribes += day.unsubscribes;
      days.set(day.date, sum);
    }
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

let growth = { series: [] };
function drawGrowth() {
  const days = growthDays(growth.series, $('growth-region').value);
  renderTable(
    $('growth-table'),
    GROWTH_COLUMNS,
    days.map((d) => ({ ...d, key: d.date })),
    (d) => formatDay(d.date),
  );
  drawChart('growth-chart', {
    type: 'bar',
    data: {
      labels: days.map((d) => formatDay(d.date)),
      datasets: [
        {
          type: 'line',
          label: 'Subscribers',
          yAxisID: 'subscribers',
          borderColor: COLOURS.delivered,
          backgroundColor: COLOURS.delivered,
          pointRadius: days.length > 62 ? 0 : 2,
          data: days.map((d) => d.subscribers),
        },
        {
          type: 'bar',
          label: 'Signups',
          yAxisID: 'perDay',
          backgroundColor: COLOURS.opened,
          data: days.map((d) => d.signups),
        },
        {
          type: 'bar',
          label: 'Unsubscribes',
          yAxisID: 'perDay',
          backgroundColor: COLOURS.unsubscribed,
          data: days.map((d) => d.unsubscribes),
        },
      ],
    },
    options: {
      scales: {
        x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        perDay: {
          position: 'left',
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: 'Per day' },
        },
        subscribers: {
          position: 'right',
          beginAtZero: true,
          ticks: { precision: 0 },
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'Subscribers' },
        },
      },
    },
  });
}

function showGrowth(data) {
  growth = data;
  const select = $('growth-region');
  const choices = data.series.length === 1 ? data.series : [{ key: 'all', name: 'All regions' }, ...data.series];
  select.replaceChildren(
    ...choices.map((s) => {
      const option = document.createElement('option');
      option.value = s.key;
      option.textContent = s.key === 'all' ? s.name : groupName('region', s.key);
      return option;
    }),
  );
  drawGrowth();
}

/** Shows the report and the growth of a period. */
export async function loadReport(period, by) {
  const [report, growthData] = await Promise.all([
    getJson(`/api/reports/dissemination?${reportQuery(period, { by })}`),
    getJson(`/api/stats/growth?${new URLSearchParams({ ...period, by: 'region' })}`),
  ]);
  showReport(report);
  showGrowth(growthData);
  return report;
}

/** The report shown, for people (`csv`), for scripts (`csv-raw`) or as a PDF (`pdf`). */
export function downloadReport(period, by, format) {
  const accept = format === 'pdf' ? 'application/pdf' : 'text/csv';
  const name = `report-${period.from}-${period.to}-by-${by}${format === 'csv-raw' ? '-raw' : ''}.${format === 'pdf' ? 'pdf' : 'csv'}`;
  return download(`/api/reports/dissemination?${reportQuery(period, { by, format })}`, accept, name);
}

$('growth-region').addEventListener('change', drawGrowth);
