// The error summary and confirmations of a form: errors in an assertive live region, confirmations in a polite one.
import { h } from '../dom.js';
import { plainMessage } from './fields.js';

const icon = (symbol) => h('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, symbol);

/**
 * Every field an API error names, with its own message: `error.fields` when the API lists them all, else its one
 * `field` (its message without the `field: ` the API puts first).
 */
function problemsOf(error) {
  const listed = error.details?.fields;
  if (Array.isArray(listed) && listed.length) return listed;
  if (!error.field) return [];
  const prefix = `${error.field}: `;
  return [
    {
      field: error.field,
      message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message,
    },
  ];
}

/** A located field (`{key, label, focus}`), also from an older `locate` that returns the control itself. */
function placeOf(found) {
  if (!found) return undefined;
  if (found instanceof HTMLElement) {
    return { key: found.id, label: found.labels?.[0]?.textContent ?? found.name, focus: () => found.focus() };
  }
  return found;
}

/**
 * Where a form reports back: errors (every field the API names marked next to it by `locate`, and listed here with a
 * link to each; an item goes when its field is fixed) and confirmations.
 */
export function feedback() {
  const alert = h('div', { class: 'feedback feedback-error', 'aria-live': 'assertive', 'aria-atomic': 'true' });
  const status = h('div', { class: 'feedback feedback-ok', role: 'status', 'aria-live': 'polite' });
  const element = h('div', { class: 'feedback-area' }, alert, status);
  let stopWatching = () => {};
  const clear = () => {
    stopWatching();
    alert.replaceChildren();
    status.replaceChildren();
  };
  const api = {
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
     * @param {Error & {field?: string, details?: object}} error an ApiError or any error
     * @param {(field: string, message: string) => ({key: string, label: string, focus: () => void} | HTMLElement |
     *   undefined)} [locate] marks the named field; the first one marked gets the focus
     */
    error(what, error, locate, ...extra) {
      return report(what, error, locate, extra, true);
    },
    /** The same, leaving the focus where it is (an autosave must not pull the editor away from what they type). */
    errorQuietly(what, error, locate, ...extra) {
      return report(what, error, locate, extra, false);
    },
  };

  return api;

  function report(what, error, locate, extra, focus) {
    clear();
    const problems = problemsOf(error);
    const located = problems.map((p) => ({ ...p, text: plainMessage(p.message), place: undefined }));
    for (const problem of located) problem.place = placeOf(locate?.(problem.field, problem.text));
    const marked = located.filter((p) => p.place);
    if (marked.length === 0) {
      alert.append(
        h(
          'div',
          { class: 'feedback-box' },
          h('p', { class: 'feedback-title' }, icon('!'), what),
          h('p', {}, error.message),
          extra,
        ),
      );
      return undefined;
    }
    const items = marked.map((p) => {
      const link = h('a', { href: '#', onclick: (event) => (event.preventDefault(), p.place.focus()) }, p.place.label);
      return { key: p.place.key, element: h('li', {}, link, `: ${p.text}`) };
    });
    const unplaced = located.filter((p) => !p.place).map((p) => h('li', {}, `${p.field}: ${p.text}`));
    const list = h(
      'ul',
      { class: 'feedback-list' },
      items.map((i) => i.element),
      unplaced,
    );
    const count = located.length === 1 ? 'One field needs' : `${located.length} fields need`;
    alert.append(
      h(
        'div',
        { class: 'feedback-box' },
        h('p', { class: 'feedback-title' }, icon('!'), what, ` ${count} attention.`),
        list,
        extra,
      ),
    );
    // An item goes when its field is fixed; the summary goes with the last one.
    const onFixed = (event) => {
      for (const item of items.filter((i) => i.key === event.detail?.key)) item.element.remove();
      if (!list.querySelector('li')) clear();
    };
    document.addEventListener('herald:fixed', onFixed);
    stopWatching = () => {
      document.removeEventListener('herald:fixed', onFixed);
      stopWatching = () => {};
    };
    if (focus) marked[0].place.focus();
    return marked[0].place;
  }
}
