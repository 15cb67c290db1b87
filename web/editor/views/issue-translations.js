// Translation status of an issue: per language, complete or what is still missing.
import { h } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, sourceName } from '../reference.js';

/**
 * "highlight haskovo-workshop: title" and "...: summary" become one line per record, after the issue's own
 * texts ("subject", "intro").
 */
export function groupGaps(gaps) {
  const groups = new Map();
  for (const gap of gaps) {
    const match = /^(.+?): (.+)$/.exec(gap);
    const [what, field] = match ? [match[1], match[2]] : ['', gap];
    groups.set(what, [...(groups.get(what) ?? []), field]);
  }
  return [...groups].map(([what, fields]) => (what ? `${what}: ${fields.join(', ')}` : fields.join(', ')));
}

export function renderTranslations(panel, ctx, { issue }) {
  const translation = issue.translation;
  if (!translation) {
    panel.append(h('p', { class: 'notice' }, 'The API did not report translation status for this issue.'));
    return;
  }
  const complete = LANGUAGES.filter((lang) => translation[lang]?.complete);
  const base = `#/issues/${encodeURIComponent(issue.id)}`;
  panel.append(
    h(
      'div',
      { class: 'translation-summary' },
      h(
        'p',
        { class: 'big-figure' },
        `${complete.length}`,
        h('span', {}, ` of ${LANGUAGES.length} languages complete`),
      ),
      h(
        'p',
        { class: 'hint' },
        `Where a language has gaps, its edition shows the ${sourceName()} text with a visible “in ${sourceName()}” label. `,
        issue.status === 'draft' ? h('a', { href: `${base}/compose` }, 'Edit the issue') : null,
        issue.status === 'draft' ? ' or the records it uses to fill them.' : null,
      ),
    ),
    h(
      'ul',
      { class: 'translation-grid', 'aria-label': 'Translation status per language' },
      LANGUAGES.map((lang) => translationCell(lang, translation[lang], base)),
    ),
  );
}

/** A language's cell: complete, or its gaps grouped by record; and a link to its preview. */
function translationCell(lang, reported, base) {
  const state = reported ?? { complete: false, gaps: ['no status reported'] };
  const gaps = state.gaps ?? [];
  return h(
    'li',
    { class: `translation-cell ${state.complete ? 'is-complete' : 'has-gaps'}` },
    h(
      'div',
      { class: 'translation-head' },
      h('span', { class: 'lang-code-big', 'aria-hidden': 'true' }, lang.toUpperCase()),
      h('h2', { class: 'translation-name' }, LANGUAGE_NAMES[lang]),
      h(
        'span',
        { class: `chip ${state.complete ? 'chip-ok' : 'chip-warn'}` },
        state.complete ? 'Complete' : `${gaps.length} ${gaps.length === 1 ? 'gap' : 'gaps'}`,
      ),
    ),
    gaps.length
      ? h(
          'ul',
          { class: 'gap-list', 'aria-label': `Missing in ${LANGUAGE_NAMES[lang]}` },
          groupGaps(gaps).map((gap) => h('li', {}, gap)),
        )
      : null,
    h(
      'a',
      { class: 'translation-preview', href: `${base}/preview/${lang}` },
      'Preview',
      h('span', { class: 'visually-hidden' }, ` in ${LANGUAGE_NAMES[lang]}`),
    ),
  );
}
