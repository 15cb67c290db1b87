// Form fields: a labelled control with its hint and its error, a select, and marking the fields an API error names.
import { h, uid } from '../dom.js';

/** A labelled form control with an optional hint and a slot for its error; returns the wrapper. */
export function field({ label, control, hint, className = '' }) {
  control.id ||= uid();
  const hintNode = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  const described = [hintNode?.id, error.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', described);
  // Fixing the field takes its error away, here and in the form's error summary.
  const fixed = () => {
    if (control.getAttribute('aria-invalid') !== 'true') return;
    setFieldError(control, '');
    announceFixed(control, control.id);
  };
  control.addEventListener('input', fixed);
  control.addEventListener('change', fixed);
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

/** Tells the error summary (feedback.js) that the error it lists under `key` is fixed. */
export function announceFixed(control, key) {
  control.dispatchEvent(new window.CustomEvent('herald:fixed', { bubbles: true, detail: { key } }));
}

/** An API message ("is required", "must be a date (YYYY-MM-DD)") as a sentence to show under its field. */
export function plainMessage(message) {
  const text = String(message ?? '').trim();
  const sentence = /^(is|are|must|needs|may|ends|has|was|should)\b/.test(text)
    ? `This ${text}`
    : text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** The text of a control's label, for the error summary. */
export const labelOf = (control) => control.labels?.[0]?.textContent?.trim() || control.name || 'A field';

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

/**
 * A `locate` for feedback().error: marks the control that the API's field path names, or the nearest one above it
 * (`organisation.name.x` → `organisation.name`), and returns where it is (`{key, label, focus}`); undefined when
 * none is ours.
 * @param {Map<string, HTMLElement> | Record<string, HTMLElement>} controls by field path (a Map may change later)
 */
export function fieldLocator(controls) {
  const byPath = controls instanceof Map ? controls : new Map(Object.entries(controls));
  return (path, message) => {
    for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
      const control = byPath.get(parts.join('.'));
      if (control) {
        setFieldError(control, message);
        return { key: control.id, label: labelOf(control), focus: () => control.focus() };
      }
    }
    return undefined;
  };
}
