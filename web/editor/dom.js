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
