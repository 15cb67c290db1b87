// Saving as one types: a change waits a moment for the next one, then is saved; a visible state says where it is.
import { h } from '../dom.js';

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * @param {{ save: () => Promise<void>, delay?: number }} options `save` stores what the form holds now and throws
 *   when it cannot (the caller shows why next to the fields).
 * Returns the state line (`element`), `changed()` to call on every edit, `flush()` (save now; true when nothing is
 * left unsaved), `pending()`, `failed(text)` to show a save that cannot succeed until the editor acts, and `stop()`.
 */
export function autosave({ save, delay = 1000 }) {
  const text = h('span', { class: 'save-state-text' });
  const element = h(
    'p',
    { class: 'save-state', role: 'status', 'aria-live': 'polite', dataset: { state: 'saved' } },
    text,
  );
  let dirty = false;
  let timer;
  let running;
  let stopped = false;

  const show = (state, words) => {
    element.dataset.state = state;
    text.textContent = words;
  };
  show('saved', 'All changes saved.');

  async function run() {
    clearTimeout(timer);
    if (running) await running.catch(() => {});
    if (!dirty || stopped) return !dirty;
    dirty = false;
    show('saving', 'Saving…');
    running = save();
    try {
      await running;
      if (!dirty) show('saved', `Saved at ${timeFormat.format(new Date())}.`);
      return !dirty;
    } catch (error) {
      dirty = true;
      if (!stopped) show('error', `Not saved: ${error.summary ?? error.message}`);
      return false;
    } finally {
      running = undefined;
    }
  }

  return {
    element,
    changed() {
      if (stopped) return;
      dirty = true;
      show('pending', 'Unsaved changes…');
      clearTimeout(timer);
      timer = setTimeout(run, delay);
    },
    flush: () => run(),
    pending: () => dirty || Boolean(running),
    /** A state no retry fixes (e.g. changed in another tab): shown, and nothing more is saved. */
    failed(words) {
      stopped = true;
      clearTimeout(timer);
      show('error', words);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
