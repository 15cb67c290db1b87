// Sign-in screen. In AWS with a Cognito hosted domain: a button to its sign-in page. Otherwise the editor
// pastes a bearer token: the embedded stack prints the demo editor's at start; in AWS it is a user pool ID token.
import { startSignIn } from '../auth.js';
import { h } from '../dom.js';
import { feedback } from '../widgets/feedback.js';
import { field } from '../widgets/fields.js';

/** @param {{ signIn: (token: string) => Promise<void>, message: string | null, config: object | null }} options */
export function renderSignIn(main, { signIn, message, config }) {
  if (config?.authDomainUrl) {
    const button = h(
      'button',
      { type: 'button', class: 'button primary wide', onclick: () => startSignIn(config, 'editor') },
      'Sign in',
    );
    const hosted = h(
      'div',
      { class: 'signin-hosted' },
      h(
        'p',
        { class: 'hint' },
        'You sign in with your email and password on the Herald sign-in page, then come back here.',
      ),
      button,
    );
    renderCard(main, message, hosted);
    button.focus();
    return;
  }
  const token = h('textarea', {
    name: 'token',
    rows: 3,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'token-input',
  });
  renderCard(main, message, tokenForm(token, signIn, config));
  token.focus();
}

/** Where a token is pasted: the embedded stack's demo editor's, or a user pool's ID token without a hosted UI. */
function tokenForm(token, signIn, config) {
  const notes = feedback();
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true },
    field({ label: 'Access token', control: token, hint: tokenHint(config) }),
    notes.element,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = token.value.trim();
    if (!value) {
      notes.error('Not signed in.', { message: 'Paste a token first.', field: 'token' }, () => token);
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await signIn(value);
    } catch (error) {
      const refused = { message: 'That token was not accepted. Check it and try again.', field: 'token' };
      notes.error('Not signed in.', error.status === 401 ? refused : error, () => token);
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  return form;
}

function tokenHint(config) {
  return config
    ? [
        'Paste an ID token of the Herald user pool (Amazon Cognito ',
        h('code', {}, config.userPoolId),
        ', app client ',
        h('code', {}, config.userPoolClientId),
        '). This deployment has no hosted sign-in page: set ',
        h('code', {}, 'herald:authDomainPrefix'),
        ' and deploy again to sign in with email and password here.',
      ]
    : [
        'Paste your bearer token. On the embedded stack, ',
        h('code', {}, 'npm start'),
        ' prints the demo editor’s token.',
      ];
}

function renderCard(main, message, content) {
  main.replaceChildren(
    h(
      'div',
      { class: 'signin' },
      h(
        'section',
        { class: 'signin-card', 'aria-labelledby': 'signin-title' },
        h('p', { class: 'signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'H'), 'Herald'),
        h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to the editor'),
        h(
          'p',
          { class: 'lead' },
          'Write records in every language of the project, compose issues, preview and send them.',
        ),
        message ? h('p', { class: 'notice', role: 'status' }, message) : null,
        content,
      ),
    ),
  );
}
