// The error summary and confirmations of a form: errors in an assertive live region, confirmations in a polite one.
import { h } from '../dom.js';

const icon = (symbol) => h('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, symbol);

/** What went wrong, the API's message, and the field it names. */
function errorBox(what, error, extra) {
  return h(
    'div',
    { class: 'feedback-box' },
    h('p', { class: 'feedback-title' }, icon('!'), what),
    h('p', {}, error.message),
    error.field ? h('p', { class: 'feedback-field' }, 'Field: ', h('code', {}, error.field)) : null,
    extra,
  );
}

/**
 * Where a form reports back: errors (with the API's message, and the field it names highlighted by `locate`)
 * and confirmations.
 */
export function feedback() {
  const alert = h('div', { class: 'feedback feedback-error', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const status = h('div', { class: 'feedback feedback-ok', role: 'status', 'aria-live': 'polite' });
  const element = h('div', { class: 'feedback-area' }, alert, status);
  const clear = () => {
    alert.replaceChildren();
    status.replaceChildren();
  };
  return {
    element,
    clear,
    success(message, ...extra) {
      clear();
      status.append(h('div', { class: 'feedback-okbox' }, h('p', {}, icon('✓'), message), extra));
    },
    info(message) {
      clear();
      status.append(h('div', { class: 'feedback-okbox' }, h('p', {}, message)));
    },
    /**
     * @param {string} what e.g. "The issue was not saved."
     * @param {Error & {field?: string}} error an ApiError or any error
     * @param {(field: string, message: string) => HTMLElement | undefined} [locate] marks the named field
     */
    error(what, error, locate, ...extra) {
      clear();
      const field = error.field ? locate?.(error.field, error.message) : undefined;
      alert.append(errorBox(what, error, extra));
      field?.focus();
      return field;
    },
  };
}
