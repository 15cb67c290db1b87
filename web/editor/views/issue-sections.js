// An issue's sections while it is composed: sections in order, each with records picked and ordered, all by keyboard.
import { formatDate, h, uid } from '../dom.js';
import { field, select } from '../widgets/fields.js';
import { languageBadges, titleOf } from './records-common.js';

/** The editor's names for the section types (functions/domain/records.ts) and the records each one picks from. */
export const SECTION_TYPES = {
  highlights: { label: 'Highlights', recordKind: 'highlights' },
  practices: { label: 'Best practices', recordKind: 'practices' },
  events: { label: 'Events', recordKind: 'highlights' },
  indicators: { label: 'Indicators', recordKind: 'indicators' },
};
const SINGULAR = { highlights: 'highlight', practices: 'best practice', indicators: 'indicator' };

/**
 * @param {{ sections: Array<{type: string, items: string[]}>, editable: boolean, announce: (text: string) => void }}
 *   options  `announce` tells screen readers what a button did.
 */
export function sectionsEditor({ sections: initial, editable, announce }) {
  /** @type {Array<{key: string, type: string, items: string[]}>} */
  const sections = initial.map((s) => ({ key: uid('section'), type: s.type, items: [...s.items] }));
  const records = { highlights: new Map(), practices: new Map(), indicators: new Map() };
  const list = h('ol', { class: 'section-list' });
  const newType = select({
    name: 'new-section-type',
    options: Object.entries(SECTION_TYPES).map(([type, { label }]) => [type, label]),
  });
  const editor = { sections, records, editable, announce, newType, render };
  const element = h(
    'section',
    { class: 'sections', 'aria-labelledby': 'sections-title' },
    h(
      'div',
      { class: 'sections-head' },
      h('h2', { id: 'sections-title' }, 'Sections'),
      h('p', { class: 'hint' }, 'In the order readers see them. Each section lists records picked below.'),
    ),
    list,
    editable ? addSection(editor) : null,
  );

  /** Draws the sections again, then focuses the control named `focusKey` (its `data-focus`) if it is enabled. */
  function render(focusKey) {
    list.replaceChildren(...sections.map((section, index) => sectionCard(editor, section, index)));
    if (sections.length === 0) list.append(h('li', { class: 'empty-items' }, 'No sections yet. Add one below.'));
    if (focusKey) list.querySelector(`[data-focus="${CSS.escape(focusKey)}"]:not(:disabled)`)?.focus();
  }

  render();
  return {
    element,
    /** The records to pick from, by kind: `{highlights: [...], practices: [...], indicators: [...]}`. */
    setRecords(byKind) {
      for (const [kind, loaded] of Object.entries(byKind))
        for (const record of loaded) records[kind].set(record.id, record);
      render();
    },
    /** The sections as the API takes them. */
    values: () => sections.map(({ type, items }) => ({ type, items })),
    /** The picker of the section an API error names (`sections.1.items`), to mark and focus. */
    locate(path) {
      const match = /^sections\.(\d+)/.exec(path);
      const section = match && sections[Number(match[1])];
      return section ? (list.querySelector(`[data-focus="${section.key}:picker"]`) ?? undefined) : undefined;
    },
  };
}

function addSection({ sections, newType, render, announce }) {
  const button = h('button', { type: 'button', class: 'button secondary' }, 'Add section');
  button.addEventListener('click', () => {
    sections.push({ key: uid('section'), type: newType.value, items: [] });
    render(`${sections.at(-1).key}:picker`);
    announce(`${SECTION_TYPES[newType.value].label} section added as section ${sections.length}.`);
  });
  return h('div', { class: 'add-section' }, field({ label: 'New section type', control: newType }), button);
}

function sectionCard(editor, section, index) {
  const { label, recordKind } = SECTION_TYPES[section.type];
  const headingId = `${section.key}-title`;
  const items = section.items.map((itemId, itemIndex) => itemRow(editor, section, itemId, itemIndex));
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
        sectionMoves(editor, section, index),
      ),
      items.length
        ? h('ol', { class: 'item-list', 'aria-label': `${label}: picked records` }, items)
        : h('p', { class: 'empty-items' }, 'No records picked yet.'),
      editor.editable ? recordPicker(editor, section, index, recordKind) : null,
    ),
  );
}

/** Up, down and remove for a whole section; focus stays on a button that still makes sense. */
function sectionMoves(editor, section, index) {
  const { sections, render, announce, newType } = editor;
  const { label } = SECTION_TYPES[section.type];
  const name = `${label} section (${index + 1})`;
  return h(
    'div',
    { class: 'item-actions' },
    moveButton(editor, `Move ${name} up`, '↑', `${section.key}:up`, index === 0, () => {
      move(sections, index, index - 1);
      render(index - 1 === 0 ? `${section.key}:down` : `${section.key}:up`);
      announce(`${label} section moved to position ${index}.`);
    }),
    moveButton(editor, `Move ${name} down`, '↓', `${section.key}:down`, index === sections.length - 1, () => {
      move(sections, index, index + 1);
      render(index + 1 === sections.length - 1 ? `${section.key}:up` : `${section.key}:down`);
      announce(`${label} section moved to position ${index + 2}.`);
    }),
    moveButton(editor, `Remove ${name}`, '✕', `${section.key}:remove`, false, () => {
      sections.splice(index, 1);
      const next = sections[Math.min(index, sections.length - 1)];
      render(next ? `${next.key}:remove` : undefined);
      if (!next) newType.focus();
      announce(`${label} section removed.`);
    }),
  );
}

/** A picked record: its title, country and languages (or that it no longer exists), and its buttons. */
function itemRow(editor, section, itemId, itemIndex) {
  const { recordKind } = SECTION_TYPES[section.type];
  const record = editor.records[recordKind].get(itemId);
  const itemTitle = record ? titleOf(record) : itemId;
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
          ? [recordKind === 'indicators' ? null : `${record.country} · `, languageBadges(record.title ?? record.label)]
          : `Record “${itemId}” was not found`,
      ),
    ),
    itemMoves(editor, section, itemIndex, itemTitle),
  );
}

/** Up, down and remove for a record within its section. */
function itemMoves(editor, section, itemIndex, itemTitle) {
  const { render, announce } = editor;
  const itemKey = `${section.key}:${section.items[itemIndex]}`;
  const last = section.items.length - 1;
  return h(
    'div',
    { class: 'item-actions' },
    moveButton(editor, `Move “${itemTitle}” up`, '↑', `${itemKey}:up`, itemIndex === 0, () => {
      move(section.items, itemIndex, itemIndex - 1);
      render(itemIndex - 1 === 0 ? `${itemKey}:down` : `${itemKey}:up`);
      announce(`“${itemTitle}” moved to position ${itemIndex} of ${section.items.length}.`);
    }),
    moveButton(editor, `Move “${itemTitle}” down`, '↓', `${itemKey}:down`, itemIndex === last, () => {
      move(section.items, itemIndex, itemIndex + 1);
      render(itemIndex + 1 === last ? `${itemKey}:up` : `${itemKey}:down`);
      announce(`“${itemTitle}” moved to position ${itemIndex + 2} of ${section.items.length}.`);
    }),
    moveButton(editor, `Remove “${itemTitle}” from the section`, '✕', `${itemKey}:remove`, false, () => {
      section.items.splice(itemIndex, 1);
      const next = section.items[Math.min(itemIndex, section.items.length - 1)];
      render(next ? `${section.key}:${next}:remove` : `${section.key}:picker`);
      announce(`“${itemTitle}” removed.`);
    }),
  );
}

/** A select of the records not yet in the section, and its Add button. */
function recordPicker(editor, section, index, recordKind) {
  const { records, render, announce, editable } = editor;
  const singular = SINGULAR[recordKind];
  const available = [...records[recordKind].values()].filter((r) => !section.items.includes(r.id));
  const picker = select({
    options: [
      ['', `Choose ${singular.startsWith('i') ? 'an' : 'a'} ${singular}…`],
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
    render(`${section.key}:picker`);
    announce(`“${titleOf(added)}” added to the ${SECTION_TYPES[section.type].label} section.`);
  });
  const label = `Add ${singular === 'indicator' ? 'an' : 'a'} ${singular} to section ${index + 1}`;
  return h('div', { class: 'picker' }, field({ label, control: picker }), add);
}

function recordLabel(kind, record) {
  const when = record.startDate ? `, ${formatDate(record.startDate)}` : '';
  return kind === 'indicators' ? titleOf(record) : `${titleOf(record)} (${record.country}${when})`;
}

function moveButton({ editable }, label, symbol, focusKey, disabled, onclick) {
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
