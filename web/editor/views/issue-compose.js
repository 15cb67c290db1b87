// Compose an issue: title, subject / preheader / intro per language, and ordered sections of picked records.
import { listAll } from '../api.js';
import { clearFieldErrors, feedback, field, formatDate, h, select, setFieldError, uid } from '../dom.js';
import { languageTexts } from '../language-texts.js';
import { SECTION_TYPES } from '../reference.js';
import { languageBadges, titleOf } from './records-common.js';

const TEXT_FIELDS = [
  { name: 'subject', label: 'Subject', required: true },
  { name: 'preheader', label: 'Preheader', type: 'text' },
  { name: 'intro', label: 'Intro', rows: 6, required: true },
];
const SINGULAR = { highlights: 'highlight', practices: 'best practice', indicators: 'indicator' };

export async function renderCompose(panel, ctx, { issue, flash, onIssue }) {
  const editable = !issue || issue.status === 'draft';
  const notes = feedback();
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const title = h('input', {
    type: 'text',
    name: 'title',
    value: issue?.title ?? '',
    readonly: !editable,
    autocomplete: 'off',
  });
  title.setAttribute('aria-required', 'true');
  const texts = languageTexts({
    legend: 'Subject, preheader and intro',
    fields: TEXT_FIELDS,
    values: issue ?? {},
    readOnly: !editable,
  });

  /** @type {Array<{key: string, type: string, items: string[]}>} */
  const sections = (issue?.sections ?? []).map((s) => ({ key: uid('section'), type: s.type, items: [...s.items] }));
  const records = { highlights: new Map(), practices: new Map(), indicators: new Map() };
  const sectionList = h('ol', { class: 'section-list' });
  const newType = select({
    name: 'new-section-type',
    options: Object.entries(SECTION_TYPES).map(([type, { label }]) => [type, label]),
  });
  const addSection = h('button', { type: 'button', class: 'button secondary' }, 'Add section');
  addSection.addEventListener('click', () => {
    sections.push({ key: uid('section'), type: newType.value, items: [] });
    renderSections(`${sections.at(-1).key}:picker`);
    announcer.textContent = `${SECTION_TYPES[newType.value].label} section added as section ${sections.length}.`;
  });
  const sectionsBox = h(
    'section',
    { class: 'sections', 'aria-labelledby': 'sections-title' },
    h(
      'div',
      { class: 'sections-head' },
      h('h2', { id: 'sections-title' }, 'Sections'),
      h('p', { class: 'hint' }, 'In the order readers see them. Each section lists records picked below.'),
    ),
    sectionList,
    editable
      ? h('div', { class: 'add-section' }, field({ label: 'New section type', control: newType }), addSection)
      : null,
  );

  const save = h('button', { type: 'submit', class: 'button primary' }, issue ? 'Save changes' : 'Save draft');
  const form = h(
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
      sectionsBox,
    ),
    editable
      ? h('div', { class: 'form-footer' }, notes.element, h('div', { class: 'form-actions' }, save))
      : notes.element,
    announcer,
  );
  panel.append(form);
  if (flash) notes.success(flash);

  function recordLabel(kind, record) {
    const when = record.startDate ? `, ${formatDate(record.startDate)}` : '';
    return kind === 'indicators' ? titleOf(record) : `${titleOf(record)} (${record.country}${when})`;
  }

  function moveButton(label, symbol, focusKey, disabled, onclick) {
    return h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'aria-label': label,
        title: label,
        disabled: disabled || !editable,
        dataset: { focus: focusKey },
        onclick,
      },
      symbol,
    );
  }

  function move(list, from, to) {
    const [entry] = list.splice(from, 1);
    list.splice(to, 0, entry);
  }

  function renderSections(focusKey) {
    sectionList.replaceChildren(
      ...sections.map((section, index) => {
        const { label, recordKind } = SECTION_TYPES[section.type];
        const headingId = `${section.key}-title`;
        const name = `${label} section (${index + 1})`;
        const items = section.items.map((itemId, itemIndex) => {
          const record = records[recordKind].get(itemId);
          const itemTitle = record ? titleOf(record) : itemId;
          const itemKey = `${section.key}:${itemId}`;
          return h(
            'li',
            { class: `item${record ? '' : ' item-missing'}` },
            h(
              'div',
              { class: 'item-text' },
              h('span', { class: 'item-title' }, itemTitle),
              h(
                'span',
                { class: 'item-meta' },
                record
                  ? [
                      recordKind === 'indicators' ? null : `${record.country} · `,
                      languageBadges(record.title ?? record.label),
                    ]
                  : `Record “${itemId}” was not found`,
              ),
            ),
            h(
              'div',
              { class: 'item-actions' },
              moveButton(`Move “${itemTitle}” up`, '↑', `${itemKey}:up`, itemIndex === 0, () => {
                move(section.items, itemIndex, itemIndex - 1);
                renderSections(itemIndex - 1 === 0 ? `${itemKey}:down` : `${itemKey}:up`);
                announcer.textContent = `“${itemTitle}” moved to position ${itemIndex} of ${section.items.length}.`;
              }),
              moveButton(
                `Move “${itemTitle}” down`,
                '↓',
                `${itemKey}:down`,
                itemIndex === section.items.length - 1,
                () => {
                  move(section.items, itemIndex, itemIndex + 1);
                  renderSections(itemIndex + 1 === section.items.length - 1 ? `${itemKey}:up` : `${itemKey}:down`);
                  announcer.textContent = `“${itemTitle}” moved to position ${itemIndex + 2} of ${section.items.length}.`;
                },
              ),
              moveButton(`Remove “${itemTitle}” from the section`, '✕', `${itemKey}:remove`, false, () => {
                section.items.splice(itemIndex, 1);
                const next = section.items[Math.min(itemIndex, section.items.length - 1)];
                renderSections(next ? `${section.key}:${next}:remove` : `${section.key}:picker`);
                announcer.textContent = `“${itemTitle}” removed.`;
              }),
            ),
          );
        });

        const available = [...records[recordKind].values()].filter((r) => !section.items.includes(r.id));
        const picker = select({
          options: [
            ['', `Choose ${SINGULAR[recordKind].startsWith('i') ? 'an' : 'a'} ${SINGULAR[recordKind]}…`],
            ...available.map((r) => [r.id, recordLabel(recordKind, r)]),
          ],
          disabled: !editable,
          dataset: { focus: `${section.key}:picker` },
        });
        const add = h('button', { type: 'button', class: 'button secondary small', disabled: !editable }, 'Add');
        add.addEventListener('click', () => {
          if (!picker.value) {
            picker.focus();
            return;
          }
          section.items.push(picker.value);
          const added = records[recordKind].get(picker.value);
          renderSections(`${section.key}:picker`);
          announcer.textContent = `“${titleOf(added)}” added to the ${label} section.`;
        });

        return h(
          'li',
          { class: 'section-card', dataset: { section: section.type } },
          h(
            'section',
            { 'aria-labelledby': headingId },
            h(
              'div',
              { class: 'section-head' },
              h('h3', { id: headingId }, h('span', { class: 'section-number' }, `${index + 1}`), label),
              h(
                'div',
                { class: 'item-actions' },
                moveButton(`Move ${name} up`, '↑', `${section.key}:up`, index === 0, () => {
                  move(sections, index, index - 1);
                  renderSections(index - 1 === 0 ? `${section.key}:down` : `${section.key}:up`);
                  announcer.textContent = `${label} section moved to position ${index}.`;
                }),
                moveButton(`Move ${name} down`, '↓', `${section.key}:down`, index === sections.length - 1, () => {
                  move(sections, index, index + 1);
                  renderSections(index + 1 === sections.length - 1 ? `${section.key}:up` : `${section.key}:down`);
                  announcer.textContent = `${label} section moved to position ${index + 2}.`;
                }),
                moveButton(`Remove ${name}`, '✕', `${section.key}:remove`, false, () => {
                  sections.splice(index, 1);
                  const next = sections[Math.min(index, sections.length - 1)];
                  renderSections(next ? `${next.key}:remove` : undefined);
                  if (!next) newType.focus();
                  announcer.textContent = `${label} section removed.`;
                }),
              ),
            ),
            items.length
              ? h('ol', { class: 'item-list', 'aria-label': `${label}: picked records` }, items)
              : h('p', { class: 'empty-items' }, 'No records picked yet.'),
            editable
              ? h(
                  'div',
                  { class: 'picker' },
                  field({
                    label: `Add ${SINGULAR[recordKind] === 'indicator' ? 'an' : 'a'} ${SINGULAR[recordKind]} to section ${index + 1}`,
                    control: picker,
                  }),
                  add,
                )
              : null,
          ),
        );
      }),
    );
    if (sections.length === 0) sectionList.append(h('li', { class: 'empty-items' }, 'No sections yet. Add one below.'));
    if (focusKey) sectionList.querySelector(`[data-focus="${CSS.escape(focusKey)}"]:not(:disabled)`)?.focus();
  }

  renderSections();
  try {
    const [highlights, practices, indicators] = await Promise.all([
      listAll(ctx.api.highlights),
      listAll(ctx.api.practices),
      ctx.api.indicators.list().then((answer) => answer.items ?? []),
    ]);
    const byDate = (a, b) => (b.startDate ?? '').localeCompare(a.startDate ?? '');
    for (const [kind, list] of Object.entries({ highlights: highlights.sort(byDate), practices, indicators }))
      for (const record of list) records[kind].set(record.id, record);
    renderSections();
  } catch (error) {
    notes.error('The records to pick from could not be loaded.', error);
  }

  const locate = (path, message) => {
    if (path === 'title') {
      setFieldError(title, message);
      return title;
    }
    const text = texts.showError(path, message);
    if (text) return text;
    const match = /^sections\.(\d+)/.exec(path);
    const section = match && sections[Number(match[1])];
    return section ? (sectionList.querySelector(`[data-focus="${section.key}:picker"]`) ?? undefined) : undefined;
  };

  form.addEventListener('submit', async (event) => {
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
      sections: sections.map(({ type, items }) => ({ type, items })),
    };
    save.disabled = true;
    save.textContent = 'Saving…';
    try {
      if (issue) {
        await ctx.api.issues.update(issue.id, draft);
        notes.success('Issue saved.');
        onIssue(await ctx.api.issues.get(issue.id));
      } else {
        const { id } = await ctx.api.issues.create(draft);
        ctx.navigate(
          `#/issues/${encodeURIComponent(id)}/compose`,
          'Issue saved. Check its translations and preview it.',
        );
      }
    } catch (error) {
      notes.error('The issue was not saved.', error, locate);
    } finally {
      save.disabled = false;
      save.textContent = issue ? 'Save changes' : 'Save draft';
    }
  });
}
