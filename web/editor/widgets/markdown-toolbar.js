// A long text's formatting toolbar: bold, italic, link and list as the Markdown subset the editions render, with
// Ctrl+B, Ctrl+I and Ctrl+K (Cmd on a Mac) on the text area.
import { h } from '../dom.js';

/** What each action writes around the selection (or on each selected line, for a list). */
const ACTIONS = [
  { name: 'bold', label: 'Bold', key: 'b', text: 'B', wrap: ['**', '**'], placeholder: 'bold text' },
  { name: 'italic', label: 'Italic', key: 'i', text: 'I', wrap: ['_', '_'], placeholder: 'italic text' },
  { name: 'link', label: 'Link', key: 'k', text: 'Link', link: true, placeholder: 'link text' },
  { name: 'list', label: 'Bulleted list', text: '• List', list: true, placeholder: 'item' },
];

/**
 * @param {HTMLTextAreaElement} textarea
 * @returns {HTMLElement} the toolbar, to place above the text area (it edits it and fires its `input` event)
 */
export function markdownToolbar(textarea) {
  const buttons = ACTIONS.map((action) =>
    h(
      'button',
      {
        type: 'button',
        class: `md-button md-${action.name}`,
        title: action.key ? `${action.label} (Ctrl+${action.key.toUpperCase()})` : action.label,
        'aria-label': action.label,
        ...(action.key && { 'aria-keyshortcuts': `Control+${action.key.toUpperCase()}` }),
        onclick: () => apply(textarea, action),
      },
      action.text,
    ),
  );
  textarea.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const action = ACTIONS.find((a) => a.key === event.key.toLowerCase());
    if (!action) return;
    event.preventDefault();
    apply(textarea, action);
  });
  return h(
    'div',
    { role: 'toolbar', class: 'md-toolbar', 'aria-label': 'Formatting', 'aria-controls': textarea.id },
    buttons,
    h('span', { class: 'md-hint' }, 'Bold, italic, links and lists show in the edition.'),
  );
}

/** Replaces the selection with `text` (kept in the browser's undo history where it can), selecting `select`. */
function replaceSelection(textarea, text, select) {
  const start = textarea.selectionStart;
  textarea.focus();
  // execCommand keeps Ctrl+Z working; where it is gone, setRangeText does the edit.
  const done = typeof document.execCommand === 'function' && document.execCommand('insertText', false, text);
  if (!done) textarea.setRangeText(text, start, textarea.selectionEnd, 'end');
  textarea.setSelectionRange(start + select[0], start + select[1]);
  if (!done) textarea.dispatchEvent(new window.Event('input', { bubbles: true }));
}

function apply(textarea, action) {
  if (textarea.readOnly) return;
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const selected = value.slice(start, end) || action.placeholder;
  if (action.list) {
    // Each selected line becomes an item; the list starts on a line of its own.
    const before = start > 0 && value[start - 1] !== '\n' ? '\n\n' : '';
    const items = selected
      .split('\n')
      .map((line) => `- ${line.replace(/^\s*[-*+]\s+/, '')}`)
      .join('\n');
    return replaceSelection(textarea, `${before}${items}`, [before.length, before.length + items.length]);
  }
  if (action.link) {
    const url = 'https://';
    const text = `[${selected}](${url})`;
    // The URL is what is left to type: it is selected.
    return replaceSelection(textarea, text, [selected.length + 3, selected.length + 3 + url.length]);
  }
  const [open, close] = action.wrap;
  const text = `${open}${selected}${close}`;
  return replaceSelection(textarea, text, [open.length, open.length + selected.length]);
}
