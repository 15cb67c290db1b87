// Small DOM helpers: build elements without innerHTML (every user text is a text node), ids, dates.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'textContent', 'open']);

/**
 * h('button', { type: 'button', onclick }, 'Save') → <button type="button">Save</button>.
 * Props: `class`, `dataset`, `on<event>` listeners, DOM properties (value, checked, ...), other attributes;
 * null, undefined and false props and children are skipped; arrays of children are flattened.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (PROPERTIES.has(name)) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export const uid = (prefix = 'f') => `${prefix}-${++counter}`;

/** A labelled form control with an optional hint and a slot for its error; returns the wrapper. */
export function field({ label, control, hint, className = '' }) {
  control.id ||= uid();
  const hintNode = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  const described = [hintNode?.id, error.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  return h(
    'div',
    { class: `field ${className}`.trim() },
    h('label', { for: control.id }, label),
    control,
    hintNode,
    error,
  );
}

/** Marks a control invalid with a message under it (or clears it when message is empty). */
export function setFieldError(control, message) {
  const error = document.getElementById(`${control.id}-error`);
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    if (error) {
      error.textContent = message;
      error.hidden = false;
    }
  } else {
    control.removeAttribute('aria-invalid');
    if (error) {
      error.textContent = '';
      error.hidden = true;
    }
  }
}

export function clearFieldErrors(root) {
  for (const control of root.querySelectorAll('[aria-invalid="true"]')) setFieldError(control, '');
}

export function select({ options, value, ...props }) {
  return h(
    'select',
    props,
    options.map(([optionValue, label]) => h('option', { value: optionValue, selected: optionValue === value }, label)),
  );
}

export const visuallyHidden = (text) => h('span', { class: 'visually-hidden' }, text);

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** 2023-11-13 → "13 Nov 2023"; an ISO timestamp → "13 Nov 2023, 10:04". */
export function formatDate(value) {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  if (Number.isNaN(date.getTime())) return value;
  return value.length === 10 ? dateFormat.format(date) : dateTimeFormat.format(date);
}

export function formatDateRange(start, end) {
  if (!start) return '';
  return end && end !== start ? `${formatDate(start)} – ${formatDate(end)}` : formatDate(start);
}

/** A page's heading row: the h1 (focused after navigation) and its actions. */
export function pageHeader(title, ...actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('h1', { tabindex: '-1' }, title),
    h('div', { class: 'actions' }, actions),
  );
}

/** A link styled as a subnavigation tab; `current` marks the page shown. */
export function subnav(label, links) {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': label },
    h(
      'ul',
      {},
      links.map(({ href, text, current }) =>
        h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, text)),
      ),
    ),
  );
}

/**
 * Where a form reports back: errors in an assertive live region (with the API's message, and the field it
 * names highlighted by `locate`), confirmations in a polite one.
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
      status.append(
        h(
          'div',
          { class: 'feedback-okbox' },
          h('p', {}, h('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, '✓'), message),
          extra,
        ),
      );
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
      alert.append(
        h(
          'div',
          { class: 'feedback-box' },
          h('p', { class: 'feedback-title' }, h('span', { class: 'feedback-icon', 'aria-hidden': 'true' }, '!'), what),
          h('p', {}, error.message),
          error.field ? h('p', { class: 'feedback-field' }, 'Field: ', h('code', {}, error.field)) : null,
          extra,
        ),
      );
      field?.focus();
      return field;
    },
  };
}

/** A modal confirmation (native <dialog>: focus stays inside, Escape cancels); resolves true when confirmed. */
export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const cancel = h(
      'button',
      { type: 'button', class: 'button secondary', onclick: () => dialog.close('cancel') },
      'Cancel',
    );
    const confirm = h(
      'button',
      { type: 'button', class: `button ${danger ? 'danger' : 'primary'}`, onclick: () => dialog.close('confirm') },
      confirmLabel,
    );
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      (Array.isArray(message) ? message : [message]).map((line) => h('p', {}, line)),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    const opener = document.activeElement;
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement) opener.focus();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
