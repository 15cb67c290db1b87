// A data table in its scrolling wrapper: caption, column headers and a body, as the lists and the send progress show them.
import { h } from '../dom.js';

/**
 * @param {{ caption: string, captionClass?: string, className?: string, body: HTMLElement,
 *   columns: Array<string | {label: string | Node, class?: string}> }} options
 * `captionClass: 'visually-hidden'` keeps the caption for screen readers only.
 */
export function dataTable({ caption, captionClass, className = 'data-table', columns, body }) {
  const header = (column) => {
    const { label, class: columnClass } = typeof column === 'string' ? { label: column } : column;
    return h('th', { scope: 'col', class: columnClass }, label);
  };
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: className },
      h('caption', { class: captionClass }, caption),
      h('thead', {}, h('tr', {}, columns.map(header))),
      body,
    ),
  );
}
