// The editor app's shell: session (token in sessionStorage), who is signed in, the header and a hash router.
import { createApi } from './api.js';
import { finishSignIn, loadConfig, logoutUrl, redirectUri } from './auth.js';
import { h } from './dom.js';
import { confirmDialog } from './widgets/confirm-dialog.js';
import { loadReference, PROJECT, SOURCE_LANGUAGE } from './reference.js';
import { renderSignIn } from './views/sign-in.js';
import { renderRecordList } from './views/record-list.js';
import { renderRecordForm } from './views/record-form.js';
import { renderIssueList } from './views/issue-list.js';
import { renderIssue } from './views/issue.js';
import { renderSubscriberList } from './views/subscriber-list.js';
import { renderSubscriberPage } from './views/subscriber-page.js';
import { renderSuppressions } from './views/subscriber-suppressions.js';
import { renderSubscriberImport } from './views/subscriber-import.js';

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
/** The view's answer to "may we leave?": resolves true when nothing would be lost (see context.guardLeaving). */
let leaving = null;
/** The address shown, to go back to when the editor stays on an unsaved form. */
let shownHash = null;

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
    /^#\/issues\/([^/]+)(?:\/(compose|translations|audience|preview|send))?(?:\/([a-z]{2})(?:\/([a-z]+))?)?$/,
    () => renderIssue,
    (m) => ({ id: decodeURIComponent(m[1]), tab: m[2] ?? 'compose', lang: m[3], field: m[4] }),
  ],
  [/^#\/records\/(highlights|practices)\/?$/, () => renderRecordList, (m) => ({ kind: m[1] })],
  [/^#\/records\/(highlights|practices)\/new$/, () => renderRecordForm, (m) => ({ kind: m[1], id: null })],
  [
    // `/{lang}/{field}` opens a language's tab with that field focused (the translation grid links there).
    /^#\/records\/(highlights|practices)\/([^/]+)(?:\/([a-z]{2})(?:\/([a-z.]+))?)?$/,
    () => renderRecordForm,
    (m) => ({ kind: m[1], id: decodeURIComponent(m[2]), lang: m[3], field: m[4] }),
  ],
  // Admins only: subscribers' personal data.
  [/^#\/subscribers\/?$/, () => renderSubscriberList, undefined, 'admin'],
  [/^#\/subscribers\/suppressions$/, () => renderSuppressions, undefined, 'admin'],
  [/^#\/subscribers\/import$/, () => renderSubscriberImport, undefined, 'admin'],
  [/^#\/subscribers\/([^/]+)$/, () => renderSubscriberPage, (m) => ({ id: decodeURIComponent(m[1]) }), 'admin'],
];
const isAdmin = () => me?.groups?.includes('admin') ?? false;

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
  /**
   * Keeps work from being lost: `guard.pending()` is true while the view has changes not saved; before the app
   * leaves the view, `guard.settle()` may save them (autosave) and resolves true when nothing is lost then.
   */
  guardLeaving(guard) {
    leaving = guard;
  },
  setTitle(text) {
    // The project's name once the reference data is in (after sign-in).
    const app = PROJECT.shortName ? `${PROJECT.shortName} · Herald editor` : 'Herald editor';
    document.title = text ? `${text} · ${app}` : app;
  },
};

/** Asks before leaving a view with unsaved changes; true to leave. */
async function mayLeave() {
  if (!leaving?.pending()) return true;
  if (await leaving.settle?.()) return true;
  return confirmDialog({
    title: 'Leave without saving?',
    message: ['Your latest changes are not saved yet.', 'If you leave now, they are lost.'],
    confirmLabel: 'Leave without saving',
    cancelLabel: 'Stay and keep editing',
    danger: true,
  });
}

async function onHashChange() {
  if (shownHash !== null && location.hash !== shownHash && leaving?.pending()) {
    const target = location.hash;
    // Back to the form's address at once (no new history entry), then ask.
    history.replaceState(null, '', shownHash);
    if (!(await mayLeave())) return;
    leaving = null;
    location.hash = target;
    return;
  }
  route();
}

function route({ initial = false } = {}) {
  if (!me) return;
  leaving = null;
  shownHash = location.hash || '#/issues';
  cleanup?.();
  cleanup = null;
  const hash = location.hash || '#/issues';
  const found = routes
    .filter(([, , , group]) => !group || isAdmin())
    .map(([pattern, view, params]) => [pattern.exec(hash), view, params])
    .find(([m]) => m);
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
  showSubscribersLink();
  document.getElementById('archive-link').href = `/archive/${SOURCE_LANGUAGE}/`;
  showUser();
  route({ initial: true });
  main.querySelector('h1')?.focus();
}

/** The Subscribers entry of the main navigation, for admins only (the API refuses everyone else anyway). */
function showSubscribersLink() {
  topbar.querySelector('[data-section="subscribers"]')?.closest('li')?.remove();
  if (!isAdmin()) return;
  const link = h('a', { href: '#/subscribers', dataset: { section: 'subscribers' } }, 'Subscribers');
  topbar.querySelector('.mainnav ul').append(h('li', {}, link));
}

/** The Sign out button: a way out like any other, so unsaved work is saved or the editor is asked first. */
async function leave() {
  if (!(await mayLeave())) return;
  leaving = null;
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
window.addEventListener('hashchange', () => onHashChange());
// Reloading or closing the tab with unsaved changes: the browser asks.
window.addEventListener('beforeunload', (event) => {
  if (leaving?.pending()) event.preventDefault();
});

async function start() {
  // Back from the hosted UI (?code=&state=): the code is traded for the ID token before anything else.
  const token = (config?.authDomainUrl ? await finishSignIn(config, 'editor') : null) ?? session.token();
  if (token) await signIn(token);
  else signOut(null);
}
start().catch((error) => signOut(error.status === 401 ? SESSION_ENDED : error.message));
