// The coordinators' dashboard: sign-in, then one of two views, an issue's engagement (issue-view.js) or a period's
// report to the funder with the audience's growth (report-view.js). Chart.js draws the charts. Sign-in as in the
// editor app: the Cognito hosted UI in AWS, a pasted token on the embedded stack.
import { finishSignIn, loadConfig, logoutUrl, redirectUri, startSignIn } from '../editor/auth.js';
import { ApiError, forgetToken, getJson, keepToken, token } from './api.js';
import { downloadIssueCsv, GROUPINGS, loadComparison, loadIssue } from './issue-view.js';
import { projectShortName, regionName, setReference } from './names.js';
import { defaultPeriod, downloadReport, loadReport } from './report-view.js';

const $ = (id) => document.getElementById(id);
/** The page's query, read after a return from the hosted UI has put back the one the user had. */
let params = new URLSearchParams();
let view = 'issue';

function showProject() {
  $('brand-project').textContent = projectShortName();
  const page = view === 'report' ? 'Herald report' : 'Herald dashboard';
  document.title = projectShortName() ? `${projectShortName()} · ${page}` : page;
}

const showScope = (region) => ($('scope').textContent = region ? `Region: ${regionName(region)}` : 'All regions');

const errorArea = () => (view === 'report' ? 'report-error' : 'error');
/** Says what went wrong and marks the control the API's error names (from, to, by). */
function showError(error) {
  clearError();
  $(errorArea()).textContent = error.message;
  const control = error.field && $(`${view}-view`).querySelector(`[data-api-field="${CSS.escape(error.field)}"]`);
  if (control) control.setAttribute('aria-invalid', 'true');
}
function clearError() {
  $(errorArea()).textContent = '';
  for (const control of document.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

async function refreshIssue() {
  const issueId = $('issue').value;
  const by = $('by').value;
  history.replaceState(null, '', `?${new URLSearchParams({ issue: issueId, by })}`);
  clearError();
  try {
    showScope(await loadIssue(issueId, by));
    document.body.dataset.loaded = `${issueId}/${by}`;
  } catch (error) {
    showError(error);
  }
}

const period = () => ({ from: $('from').value, to: $('to').value });

async function refreshReport() {
  const { from, to } = period();
  const by = $('report-by').value;
  history.replaceState(null, '', `?${new URLSearchParams({ view: 'report', from, to, by })}`);
  clearError();
  try {
    showScope((await loadReport({ from, to }, by)).region);
    document.body.dataset.loaded = `report/${from}/${to}/${by}`;
  } catch (error) {
    showError(error);
  }
}

async function startIssueView() {
  const issues = await loadComparison();
  $('issue').replaceChildren(
    ...issues.map((i) => Object.assign(document.createElement('option'), { value: i.key, textContent: i.title })),
  );
  if (issues.length === 0) throw new ApiError(0, 'No issue has been sent yet.');
  $('issue').value = issues.some((i) => i.key === params.get('issue')) ? params.get('issue') : issues[0].key;
  $('by').value = GROUPINGS[params.get('by')] ? params.get('by') : 'region';
  showDashboard();
  await refreshIssue();
}

async function startReportView() {
  const fallback = defaultPeriod();
  $('from').value = params.get('from') ?? fallback.from;
  $('to').value = params.get('to') ?? fallback.to;
  $('report-by').value = GROUPINGS[params.get('by')] ? params.get('by') : 'region';
  showDashboard();
  await refreshReport();
}

function showDashboard() {
  $('sign-in').hidden = true;
  $('dashboard').hidden = false;
  $('sign-out').hidden = false;
  $('issue-view').hidden = view !== 'issue';
  $('report-view').hidden = view !== 'report';
  for (const link of document.querySelectorAll('#views a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** `/herald-config.json` in AWS (Cognito), null on the embedded stack. */
const config = await loadConfig();
/** With a Cognito hosted domain, coordinators sign in there; otherwise they paste a token. */
const hosted = Boolean(config?.authDomainUrl);

function showSignInChoice() {
  $('sign-in-hosted').hidden = !hosted;
  $('sign-in-token').hidden = hosted;
  if (config && !hosted) {
    const code = (text) => Object.assign(document.createElement('code'), { textContent: text });
    // A deployment without a hosted domain: say which user pool's ID token to paste.
    $('token-hint').replaceChildren(
      'Paste an ID token of the Herald user pool (Amazon Cognito ',
      code(config.userPoolId),
      ', app client ',
      code(config.userPoolClientId),
      '). Set ',
      code('herald:authDomainPrefix'),
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
  params = new URLSearchParams(location.search);
  view = params.get('view') === 'report' ? 'report' : 'issue';
  try {
    setReference(await getJson('/api/reference'));
    showProject();
    await (view === 'report' ? startReportView() : startIssueView());
  } catch (error) {
    if (error.status === 401 || error.status === 403) signedOut(error.message);
    else {
      showDashboard();
      showError(error);
    }
  }
}

$('issue').addEventListener('change', refreshIssue);
$('by').addEventListener('change', refreshIssue);
$('csv').addEventListener('click', () => downloadIssueCsv('csv').catch(showError));
$('csv-raw').addEventListener('click', () => downloadIssueCsv('csv-raw').catch(showError));
$('report-controls').addEventListener('submit', (event) => {
  event.preventDefault();
  refreshReport();
});
for (const format of ['csv', 'csv-raw', 'pdf']) {
  $(`report-${format}`).addEventListener('click', () =>
    downloadReport(period(), $('report-by').value, format).catch(showError),
  );
}
$('sign-in-token').addEventListener('submit', (event) => {
  event.preventDefault();
  keepToken($('token').value.trim());
  start();
});
$('hosted-sign-in').addEventListener('click', () =>
  startSignIn(config, 'dashboard').catch((error) => ($('sign-in-error').textContent = error.message)),
);
$('sign-out').addEventListener('click', () => {
  forgetToken();
  // The hosted UI keeps its own session cookie: without its logout, "Sign in" would come straight back as the same user.
  if (hosted) location.assign(logoutUrl(config, { redirectUri: redirectUri('dashboard') }));
  else signedOut();
});

async function boot() {
  showSignInChoice();
  // Back from the hosted UI (?code=&state=): the code is traded for the ID token before anything else.
  const fromHostedUi = hosted ? await finishSignIn(config, 'dashboard') : null;
  if (fromHostedUi) keepToken(fromHostedUi);
  if (token()) await start();
  else signedOut();
}
boot().catch((error) => signedOut(error.message));
