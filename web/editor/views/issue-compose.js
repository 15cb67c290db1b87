// Compose an issue: title, subject / preheader / intro per language, and ordered sections of picked records.
import { listAll } from '../api.js';
import { h } from '../dom.js';
import { feedback } from '../widgets/feedback.js';
import { clearFieldErrors, field, setFieldError } from '../widgets/fields.js';
import { languageTexts } from '../widgets/language-texts.js';
import { sectionsEditor } from './issue-sections.js';

const TEXT_FIELDS = [
  { name: 'subject', label: 'Subject', required: true },
  { name: 'preheader', label: 'Preheader', type: 'text' },
  { name: 'intro', label: 'Intro', rows: 6, required: true },
];

export async function renderCompose(panel, ctx, { issue, flash, onIssue }) {
  const editable = !issue || issue.status === 'draft';
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
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
    }),
    sections: sectionsEditor({
      sections: issue?.sections ?? [],
      editable,
      announce: (text) => (announcer.textContent = text),
    }),
    save: h('button', { type: 'submit', class: 'button primary' }, issue ? 'Save changes' : 'Save draft'),
  };
  const { notes, title, texts, sections } = parts;
  const form = composeForm(parts);
  panel.append(form);
  if (flash) notes.success(flash);
  const locate = (path, message) => {
    if (path !== 'title') return texts.showError(path, message) ?? sections.locate(path);
    setFieldError(title, message);
    return title;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editable) return;
    clearFieldErrors(form);
    notes.clear();
    const text = texts.values();
    const draft = {
      title: title.value,
      subject: text.subject ?? {},
      ...(text.preheader && { preheader: text.preheader }),
      intro: text.intro ?? {},
      sections: sections.values(),
    };
    saveIssue({ ctx, issue, onIssue, notes, save: parts.save, locate }, draft);
  });
  await loadRecords(ctx, sections, notes);
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

/** The title and the texts on the main side, the sections beside them, and Save under both while a draft. */
function composeForm({ issue, editable, announcer, notes, title, texts, sections, save }) {
  return h(
    'form',
    { class: 'compose-form', novalidate: true },
    !editable ? h('p', { class: 'notice' }, `This issue is ${issue.status}; only drafts can be edited.`) : null,
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
    editable
      ? h('div', { class: 'form-footer' }, notes.element, h('div', { class: 'form-actions' }, save))
      : notes.element,
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

/** Saves the draft: a new one opens at its own address, an existing one shows its new translation status. */
async function saveIssue({ ctx, issue, onIssue, notes, save, locate }, draft) {
  save.disabled = true;
  save.textContent = 'Saving…';
  try {
    if (issue) {
      await ctx.api.issues.update(issue.id, draft);
      notes.success('Issue saved.');
      onIssue(await ctx.api.issues.get(issue.id));
    } else {
      const { id } = await ctx.api.issues.create(draft);
      ctx.navigate(`#/issues/${encodeURIComponent(id)}/compose`, 'Issue saved. Check its translations and preview it.');
    }
  } catch (error) {
    notes.error('The issue was not saved.', error, locate);
  } finally {
    save.disabled = false;
    save.textContent = issue ? 'Save changes' : 'Save draft';
  }
}
