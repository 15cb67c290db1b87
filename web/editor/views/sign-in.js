// Sign-in screen: the editor pastes their bearer token (the embedded stack prints the demo editor's at start).
import { feedback, field, h } from '../dom.js';

export function renderSignIn(main, { signIn, message }) {
  const token = h('textarea', {
    name: 'token',
    rows: 3,
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'token-input',
  });
  const notes = feedback();
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true },
    field({
      label: 'Access token',
      control: token,
      hint: [
        'Paste your bearer token. On the embedded stack, ',
        h('code', {}, 'npm start'),
        ' prints the demo editor’s token.',
      ],
    }),
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
      notes.error(
        'Not signed in.',
        error.status === 401
          ? { message: 'That token was not accepted. Check it and try again.', field: 'token' }
          : error,
        () => token,
      );
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  main.replaceChildren(
    h(
      'div',
      { class: 'signin' },
      h(
        'section',
        { class: 'signin-card', 'aria-labelledby': 'signin-title' },
        h('p', { class: 'signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'H'), 'Herald'),
        h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to the editor'),
        h('p', { class: 'lead' }, 'Write records in eleven languages, compose issues, preview and send them.'),
        message ? h('p', { class: 'notice', role: 'status' }, message) : null,
        form,
      ),
    ),
  );
  token.focus();
}
