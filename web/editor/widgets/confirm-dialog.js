// A modal confirmation (native <dialog>): asked before a send, a deletion, anything that cannot be undone.
import { h, uid } from '../dom.js';

/** Focus stays inside the dialog and Escape cancels; resolves true when confirmed, and gives focus back. */
export function confirmDialog({ title, message, confirmLabel, cancelLabel = 'Cancel', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const cancel = h(
      'button',
      { type: 'button', class: 'button secondary', onclick: () => dialog.close('cancel') },
      cancelLabel,
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
