// The editor app's shell: session (token in sessionStorage), who is signed in, the header and a hash router.
import { createApi } from './api.js';
import { finishSignIn, loadConfig, logoutUrl, redirectUri } from './auth.js';
import { h } from './dom.js';
import { loadReference, PROJECT } from './reference.js';
import { renderSignIn } from './views/sign-in.js';
import { renderRecordList } from './views/record-list.js';
import { renderRecordForm } from './views/record-form.js';
import { renderIssueList } from './views/issue-list.js';
import { renderIssue } from './views/issue.js';

const TOKEN_KEY = 'herald.editor.token';
const SESSION_ENDED = 'Your session has ended or the token is no longer accepted. Sign in again to continue.';
const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const userBox = document.getElementById('user');
const brandProject = document.getElementById('brand-project');

/** `/herald-config.json` in AWS (Cognito), null on the embedded stack. */
const config = await loadConfig();
let me = null;
let cleanup = null;
let flash = null;

const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  onUnauthorized() {
    if (me) signOut(SESSION_ENDED);
  },
};
const api = createApi(session);

const routes = [
  [/^#\/issues\/?$/, () => renderIssueList],
  [/^#\/issues\/new$/, () => renderIssue, () => ({ id: null, tab: 'compose' })],
  [
    /^#\/issues\/([^/]+)(?:\/(compose|translations|audience|preview|send))?(?:\/([a-z]{2}))?$/,
    () => renderIssue,
    (m) => ({ id: decodeURIComponent(m[1]), tab: m[2] ?? 'compose', lang: m[3] }),
  ],
  [/^#\/records\/(highlights|practices)\/?$/, () => renderRecordList, (m) => ({ kind: m[1] })],
  [/^#\/records\/(highlights|practices)\/new$/, () => renderRecordForm, (m) => ({ kind: m[1], id: null })],
  [
    /^#\/records\/(highlights|practices)\/([^/]+)$/,
    () => renderRecordForm,
    (m) => ({ kind: m[1], id: decodeURIComponent(m[2]) }),
  ],
];

const context = {
  api,
  get me() {
    return me;
  },
  navigate(hash, message) {
    flash = message ?? null;
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  /** A confirmation carried over a navigation (e.g. "Issue saved" after creating it). */
  takeFlash() {
    const message = flash;
    flash = null;
    return message;
  },
  setTitle(text) {
    // The project's name once the reference data is in (after sign-in).
    const app = PROJECT.shortName ? `${PROJECT.shortName} · Herald editor` : 'Herald editor';
    document.title = text ? `${text} · ${app}` : app;
  },
};

function route({ initial = false } = {}) {
  if (!me) return;
  cleanup?.();
  cleanup = null;
  const hash = location.hash || '#/issues';
  const found = routes.map(([pattern, view, params]) => [pattern.exec(hash), view, params]).find(([m]) => m);
  if (!found) {
    location.replace('#/issues');
    return;
  }
  const [match, view, params] = found;
  for (const link of topbar.querySelectorAll('[data-section]')) {
    link.toggleAttribute('aria-current', hash.startsWith(`#/${link.dataset.section}`));
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  const container = h('div', { class: 'view' });
  main.replaceChildren(container);
  const result = view()(container, context, params?.(match) ?? {});
  if (!initial) container.querySelector('h1')?.focus();
  Promise.resolve(result).then((stop) => {
    if (typeof stop === 'function') {
      if (main.contains(container)) cleanup = stop;
      else stop();
    }
  });
}

function showUser() {
  const who = [me.email ?? me.sub, me.groups?.length ? me.groups.join(', ') : null, me.region].filter(Boolean);
  userBox.replaceChildren(
    h(
      'p',
      { class: 'user-who' },
      h('span', { class: 'visually-hidden' }, 'Signed in as '),
      h('span', { class: 'user-email' }, who[0]),
      who.slice(1).map((part) => h('span', { class: 'user-role' }, part)),
    ),
    h('button', { type: 'button', class: 'button quiet', onclick: leave }, 'Sign out'),
  );
}

export async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    // The views read the reference data as they render: it is there before the first one.
    [me] = await Promise.all([api.me(), loadReference(api)]);
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw error;
  }
  topbar.hidden = false;
  brandProject.textContent = PROJECT.shortName;
  showUser();
  route({ initial: true });
  main.querySelector('h1')?.focus();
}

function leave() {
  if (!config?.authDomainUrl) {
    signOut('You have signed out.');
    return;
  }
  // The hosted UI keeps its own session cookie: without its logout, "Sign in" would come straight back as the same user.
  sessionStorage.removeItem(TOKEN_KEY);
  location.assign(logoutUrl(config, { redirectUri: redirectUri('editor') }));
}

function signOut(message) {
  cleanup?.();
  cleanup = null;
  me = null;
  sessionStorage.removeItem(TOKEN_KEY);
  topbar.hidden = true;
  userBox.replaceChildren();
  context.setTitle('Sign in');
  renderSignIn(main, { signIn, message, config });
}

document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('h1') ?? main).focus();
});
window.addEventListener('hashchange', () => route());

async function start() {
  // Back from the hosted UI (?code=&state=): the code is traded for the ID token before anything else.
  const token = (config?.authDomainUrl ? await finishSignIn(config, 'editor') : null) ?? session.token();
  if (token) await signIn(token);
  else signOut(null);
}
start().catch((error) => signOut(error.status === 401 ? SESSION_ENDED : error.message));
