// Form fields: a labelled control with its hint and its error, a select, and marking the field an API error names.
import { h, uid } from '../dom.js';

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

/**
 * A `locate` for feedback().error: marks the control that the API's field path names, or the nearest one above it
 * (`organisation.name.x` → `organisation.name`), and returns it; undefined when none is ours.
 * @param {Map<string, HTMLElement> | Record<string, HTMLElement>} controls by field path (a Map may change later)
 */
export function fieldLocator(controls) {
  const byPath = controls instanceof Map ? controls : new Map(Object.entries(controls));
  return (path, message) => {
    for (let parts = path.split('.'); parts.length; parts = parts.slice(0, -1)) {
      const control = byPath.get(parts.join('.'));
      if (control) {
        setFieldError(control, message);
        return control;
      }
    }
    return undefined;
  };
}
