// The coordinators' dashboard: one issue's figures per region, country or language (table and bar charts), its
// first 72 hours, a comparison across issues and a CSV download, all from the stats API. Chart.js draws the charts.
// Sign-in as in the editor app: the Cognito hosted UI in AWS, a pasted token on the embedded stack.
/* global Chart, URL, Blob -- chart.js's UMD build (loaded by index.html) and browser globals the shared lint config does not list */
import { finishSignIn, loadConfig, logoutUrl, redirectUri, startSignIn } from '../editor/auth.js';

const TOKEN_KEY = 'herald.dashboard.token';
/** A token the editor app holds in this tab works too. */
const EDITOR_TOKEN_KEY = 'herald.editor.token';

const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem(TOKEN_KEY) ?? sessionStorage.getItem(EDITOR_TOKEN_KEY);

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(path, accept = 'application/json') {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token() ?? ''}`, accept } });
  if (!response.ok) {
    const payload = await response.json().catch(() => ({}));
    throw new ApiError(response.status, payload.error?.message ?? `The server answered ${response.status}.`);
  }
  return accept === 'text/csv' ? response.text() : response.json();
}

const COLUMNS = [
  ['key', 'Group'],
  ['recipients', 'Recipients'],
  ['sent', 'Sent'],
  ['delivered', 'Delivered'],
  ['deliveryRate', 'Delivery rate'],
  ['bounced', 'Bounced'],
  ['complained', 'Complaints'],
  ['uniqueOpens', 'Opened'],
  ['openRate', 'Open rate'],
  ['machineOpens', 'Machine opens'],
  ['uniqueClicks', 'Clicked'],
  ['clickRate', 'Click rate'],
  ['botClicks', 'Bot clicks'],
  ['unsubscribed', 'Unsubscribed'],
];
const SUMMARY = [
  ['recipients', 'Recipients'],
  ['delivered', 'Delivered'],
  ['deliveryRate', 'Delivery rate'],
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
  ['deliveryRate', 'Delivery rate', '#0b5fa5'],
  ['openRate', 'Open rate', '#2f9e44'],
  ['clickRate', 'Click rate', '#e8590c'],
];

const isRate = (field) => field.endsWith('Rate');
const percent = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);
const show = (field, value) => (isRate(field) ? percent(value) : String(value ?? ''));
const byLabel = { region: 'region', country: 'country', language: 'language' };

/** The project's reference data (GET /api/reference, from its profile): its name, countries and languages by name. */
let reference = { project: { shortName: '' }, countries: [], languages: [] };
/** A group's name in the charts: a country's or a language's name, a region as it is. */
function groupName(by, key) {
  const list = by === 'country' ? reference.countries : by === 'language' ? reference.languages : [];
  return list.find((entry) => entry.code === key)?.name ?? key;
}

function showProject() {
  $('brand-project').textContent = reference.project.shortName;
  document.title = reference.project.shortName
    ? `${reference.project.shortName} · Herald dashboard`
    : 'Herald dashboard';
}

function cell(tag, text, attributes = {}) {
  const element = document.createElement(tag);
  element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function renderTable(table, columns, rows, rowClass = () => '') {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const [, label] of columns) head.append(cell('th', label, { scope: 'col' }));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.key = row.key;
    const extra = rowClass(row);
    if (extra) tr.className = extra;
    for (const [field] of columns) tr.append(cell('td', show(field, row[field]), { 'data-field': field }));
  }
}

const charts = {};
function drawChart(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart($(id), {
    ...config,
    options: { animation: false, maintainAspectRatio: false, responsive: true, ...config.options },
  });
}
const percentAxis = { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } };
const rateDatasets = (rows) =>
  RATES.map(([field, label, color]) => ({
    label,
    backgroundColor: color,
    data: rows.map((r) => (r[field] === null ? 0 : Math.round(r[field] * 1000) / 10)),
  }));

async function loadIssue(issueId, by) {
  const stats = await call(`/api/issues/${encodeURIComponent(issueId)}/stats?by=${by}`);
  $('summary-title').textContent = `${stats.title} (${stats.status})`;
  $('by-label').textContent = byLabel[stats.by];
  $('scope').textContent = stats.region ? `Region ${stats.region}` : 'All regions';
  $('summary').replaceChildren(
    ...SUMMARY.map(([field, label]) => {
      const item = document.createElement('div');
      item.append(cell('dt', label), cell('dd', show(field, stats.total[field]), { 'data-stat': field }));
      return item;
    }),
  );
  renderTable($('stats-table'), COLUMNS, [...stats.rows, stats.total], (row) => (row.key === 'total' ? 'total' : ''));
  drawChart('rates-chart', {
    type: 'bar',
    data: { labels: stats.rows.map((r) => groupName(stats.by, r.key)), datasets: rateDatasets(stats.rows) },
    options: { scales: { y: percentAxis } },
  });
  drawChart('hours-chart', {
    type: 'bar',
    data: {
      labels: stats.hours.map((h) => `${h.hour}h`),
      datasets: [
        { label: 'First opens', backgroundColor: '#2f9e44', data: stats.hours.map((h) => h.uniqueOpens) },
        { label: 'First clicks', backgroundColor: '#e8590c', data: stats.hours.map((h) => h.uniqueClicks) },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

async function loadComparison() {
  const { issues } = await call('/api/stats/issues');
  renderTable($('compare-table'), [['title', 'Issue'], ...COLUMNS.filter(([field]) => field !== 'key')], issues);
  drawChart('compare-chart', {
    type: 'bar',
    data: { labels: issues.map((i) => i.title), datasets: rateDatasets(issues) },
    options: { indexAxis: 'y', scales: { x: percentAxis } },
  });
  return issues;
}

async function downloadCsv() {
  const issueId = $('issue').value;
  const by = $('by').value;
  const csv = await call(`/api/issues/${encodeURIComponent(issueId)}/stats?by=${by}`, 'text/csv');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  link.download = `${issueId}-by-${by}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** `/herald-config.json` in AWS (Cognito), null on the embedded stack. */
const config = await loadConfig();
/** With a Cognito hosted domain, coordinators sign in there; otherwise they paste a token. */
const hosted = Boolean(config?.authDomainUrl);

function showSignInChoice() {
  $('sign-in-hosted').hidden = !hosted;
  $('sign-in-token').hidden = hosted;
  if (config && !hosted) {
    // A deployment without a hosted domain: say which user pool's ID token to paste.
    $('token-hint').replaceChildren(
      'Paste an ID token of the Herald user pool (Amazon Cognito ',
      cell('code', config.userPoolId),
      ', app client ',
      cell('code', config.userPoolClientId),
      '). Set ',
      cell('code', 'herald:authDomainPrefix'),
      ' and deploy again to sign in with email and password here.',
    );
  }
}

function signedOut(message = '') {
  $('dashboard').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
}

async function start() {
  const params = new URLSearchParams(location.search);
  try {
    const [issues, data] = await Promise.all([loadComparison(), call('/api/reference')]);
    reference = data;
    showProject();
    $('issue').replaceChildren(...issues.map((i) => cell('option', i.title, { value: i.key })));
    if (issues.length === 0) throw new ApiError(0, 'No issue has been sent yet.');
    $('issue').value = issues.some((i) => i.key === params.get('issue')) ? params.get('issue') : issues[0].key;
    $('by').value = byLabel[params.get('by')] ? params.get('by') : 'region';
    $('sign-in').hidden = true;
    $('dashboard').hidden = false;
    $('sign-out').hidden = false;
    await refresh();
  } catch (error) {
    if (error.status === 401 || error.status === 403) signedOut(error.message);
    else {
      $('dashboard').hidden = false;
      $('error').textContent = error.message;
    }
  }
}

async function refresh() {
  const issueId = $('issue').value;
  const by = $('by').value;
  history.replaceState(null, '', `?${new URLSearchParams({ issue: issueId, by })}`);
  $('error').textContent = '';
  try {
    await loadIssue(issueId, by);
    document.body.dataset.loaded = `${issueId}/${by}`;
  } catch (error) {
    $('error').textContent = error.message;
  }
}

$('issue').addEventListener('change', refresh);
$('by').addEventListener('change', refresh);
$('csv').addEventListener('click', () => downloadCsv().catch((error) => ($('error').textContent = error.message)));
$('sign-in-token').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  start();
});
$('hosted-sign-in').addEventListener('click', () =>
  startSignIn(config, 'dashboard').catch((error) => ($('sign-in-error').textContent = error.message)),
);
$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(EDITOR_TOKEN_KEY);
  // The hosted UI keeps its own session cookie: without its logout, "Sign in" would come straight back as the same user.
  if (hosted) location.assign(logoutUrl(config, { redirectUri: redirectUri('dashboard') }));
  else signedOut();
});

async function boot() {
  showSignInChoice();
  // Back from the hosted UI (?code=&state=): the code is traded for the ID token before anything else.
  const fromHostedUi = hosted ? await finishSignIn(config, 'dashboard') : null;
  if (fromHostedUi) sessionStorage.setItem(TOKEN_KEY, fromHostedUi);
  if (token()) await start();
  else signedOut();
}
boot().catch((error) => signedOut(error.message));
