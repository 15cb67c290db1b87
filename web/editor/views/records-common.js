// What the record views share: the two kinds of records, their titles, which languages they are written in, and
// the question before one is deleted.
import { h, visuallyHidden } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE } from '../reference.js';
import { confirmDialog } from '../widgets/confirm-dialog.js';

export const RECORD_KINDS = {
  highlights: { label: 'Highlights', singular: 'highlight', article: 'a highlight' },
  practices: { label: 'Best practices', singular: 'best practice', article: 'a best practice' },
};

export const titleOf = (record) =>
  record?.title?.[SOURCE_LANGUAGE] ?? record?.label?.[SOURCE_LANGUAGE] ?? record?.id ?? '';

export const languagesOf = (text) => LANGUAGES.filter((lang) => text?.[lang]);

/** The languages a text is written in, as small badges with their names for screen readers. */
export function languageBadges(text, { label = 'Languages' } = {}) {
  const present = languagesOf(text);
  return h(
    'span',
    { class: 'lang-badges' },
    visuallyHidden(`${label}: ${present.map((l) => LANGUAGE_NAMES[l]).join(', ') || 'none'}`),
    present.map((lang) =>
      h('span', { class: 'lang-badge', 'aria-hidden': 'true', title: LANGUAGE_NAMES[lang] }, lang.toUpperCase()),
    ),
  );
}

/** Asks before a record titled `title` of the kind `meta` is deleted; resolves true when confirmed. */
export function confirmDelete(meta, title) {
  return confirmDialog({
    title: `Delete this ${meta.singular}?`,
    message: [`“${title}” will be deleted in every language.`, 'This cannot be undone.'],
    confirmLabel: 'Delete',
    danger: true,
  });
}
