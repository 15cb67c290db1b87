// Compose an issue: title, subject / preheader / intro per language, and ordered sections of picked records. A draft
// is saved as one types (autosave, based on the version loaded: a save from another tab in between is a conflict);
// a new issue until its first save, and any change not saved yet, is guarded against leaving.
import { listAll } from '../api.js';
import { h } from '../dom.js';
import { autosave } from '../widgets/autosave.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, setFieldError } from '../widgets/fields.js';
import { languageTexts } from '../widgets/language-texts.js';
import { sectionsEditor } from './issue-sections.js';

const TEXT_FIELDS = [
  { name: 'subject', label: 'Subject', required: true },
  { name: 'preheader', label: 'Preheader', type: 'text' },
  { name: 'intro', label: 'Intro', rows: 6, required: true },
];

export async function renderCompose(panel, ctx, { issue, flash, onIssue, lang, field: focusField }) {
  const editable = !issue || issue.status === 'draft';
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  let changed = () => {};
  const parts = {
    issue,
    editable,
    announcer,
    notes: feedback(),
    title: titleInput(issue, editable),
    texts: languageTexts({
      legend: 'Subject, preheader and intro',
      fields: TEXT_FIELDS,
      values: issue ?? {},
      readOnly: !editable,
      onInput: () => changed(),
    }),
    sections: sectionsEditor({
      sections: issue?.sections ?? [],
      editable,
      announce: (text) => {
        announcer.textContent = text;
        changed();
      },
    }),
    save: h('button', { type: 'submit', class: 'button primary' }, issue ? 'Save now' : 'Save draft'),
  };
  const { notes, title, texts, sections } = parts;
  title.addEventListener('input', () => changed());
  const locate = (path, message) => {
    if (path !== 'title') return texts.showError(path, message) ?? sections.locate(path);
    setFieldError(title, message);
    return { key: title.id, label: 'Title', focus: () => title.focus() };
  };
  const draftOf = () => {
    const text = texts.values();
    return {
      title: title.value,
      subject: text.subject ?? {},
      ...(text.preheader && { preheader: text.preheader }),
      intro: text.intro ?? {},
      sections: sections.values(),
    };
  };
  const clearErrors = () => {
    clearFieldErrors(form);
    texts.clearErrors();
    notes.clear();
  };
  const saving = issue && editable ? draftAutosave({ ctx, issue, onIssue, notes, locate, draftOf, clearErrors }) : null;
  parts.saveState = saving?.element;
  const form = composeForm(parts);
  panel.append(form);
  if (flash) notes.success(flash);
  // From a translation gap: that language's tab, its field focused.
  if (lang) {
    texts.show(lang);
    if (focusField) texts.controlOf(focusField)?.focus();
  }

  if (saving) {
    changed = saving.changed;
    ctx.guardLeaving({ pending: saving.pending, settle: saving.flush });
  } else if (editable) {
    // A new issue has no address to save to until its first save: leaving with anything typed asks first.
    let typed = false;
    changed = () => (typed = true);
    ctx.guardLeaving({ pending: () => typed });
    parts.markSaved = () => (typed = false);
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editable) return;
    if (saving) {
      saving.changed();
      saving.flush();
      return;
    }
    clearErrors();
    createDraft({ ctx, notes, save: parts.save, locate, markSaved: parts.markSaved }, draftOf());
  });
  await loadRecords(ctx, sections, notes);
  return () => saving?.stop();
}

/**
 * A draft's autosave: each save names the version it is based on; the form's errors are marked without moving the
 * focus, and a save from elsewhere in between stops the saving with a way to reload.
 */
function draftAutosave({ ctx, issue, onIssue, notes, locate, draftOf, clearErrors }) {
  let version = issue.version;
  const saving = autosave({
    save: async () => {
      try {
        const saved = await ctx.api.issues.update(issue.id, { ...draftOf(), ...(version && { version }) });
        version = saved.version;
        clearErrors();
        onIssue(await ctx.api.issues.get(issue.id));
      } catch (error) {
        if (error.code === 'edit_conflict') {
          const reload = h(
            'button',
            { type: 'button', class: 'button secondary small', onclick: () => location.reload() },
            'Reload the issue',
          );
          notes.error(
            'Your changes were not saved: this issue was changed in another tab or by another editor.',
            error,
            undefined,
            h('div', { class: 'form-actions' }, reload),
          );
          saving.failed('Not saved: changed elsewhere. Reload to continue.');
          throw error;
        }
        const place = notes.errorQuietly('The issue was not saved.', error, locate);
        error.summary = place ? 'fix the marked fields.' : error.message;
        throw error;
      }
    },
  });
  return saving;
}

function titleInput(issue, editable) {
  const title = h('input', {
    type: 'text',
    name: 'title',
    value: issue?.title ?? '',
    readonly: !editable,
    autocomplete: 'off',
  });
  title.setAttribute('aria-required', 'true');
  return title;
}

/** The title and the texts on the main side, the sections beside them, and the save state and Save while a draft. */
function composeForm({ issue, editable, announcer, notes, title, texts, sections, save, saveState }) {
  // The messages above the form; the sticky footer holds only Save and the save state, so nothing covers the form.
  return h(
    'form',
    { class: 'compose-form', novalidate: true },
    !editable ? h('p', { class: 'notice' }, `This issue is ${issue.status}; only drafts can be edited.`) : null,
    notes.element,
    h(
      'div',
      { class: 'compose-layout' },
      h(
        'div',
        { class: 'compose-main' },
        field({ label: 'Title', control: title, hint: 'For editors only; subscribers see the subject.' }),
        texts.element,
      ),
      sections.element,
    ),
    editable ? h('div', { class: 'form-footer' }, h('div', { class: 'form-actions' }, save, saveState)) : null,
    announcer,
  );
}

/** Every highlight (newest first), practice and indicator, for the sections' pickers. */
async function loadRecords(ctx, sections, notes) {
  try {
    const [highlights, practices, indicators] = await Promise.all([
      listAll(ctx.api.highlights),
      listAll(ctx.api.practices),
      ctx.api.indicators.list().then((answer) => answer.items ?? []),
    ]);
    const byDate = (a, b) => (b.startDate ?? '').localeCompare(a.startDate ?? '');
    sections.setRecords({ highlights: highlights.sort(byDate), practices, indicators });
  } catch (error) {
    notes.error('The records to pick from could not be loaded.', error);
  }
}

/** Saves a new draft, which then opens at its own address (and saves itself from then on). */
async function createDraft({ ctx, notes, save, locate, markSaved }, draft) {
  save.disabled = true;
  save.textContent = 'Saving…';
  try {
    const { id } = await ctx.api.issues.create(draft);
    markSaved();
    ctx.navigate(
      `#/issues/${encodeURIComponent(id)}/compose`,
      'Issue saved. From now on it saves itself as you type; check its translations and preview it.',
    );
  } catch (error) {
    notes.error('The issue was not saved.', error, locate);
  } finally {
    save.disabled = false;
    save.textContent = 'Save draft';
  }
}
