// Translation status of an issue: per language, complete or what is still missing (each gap a link to its field),
// and how many subscribers read that language.
import { h } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, sourceName } from '../reference.js';

/** A gap's name as translationStatus gives it ("subject", "highlight haskovo-workshop: image alt"). */
function parseGap(gap) {
  const match = /^(highlight|practice|indicator) (.+?): (.+)$/.exec(gap);
  if (!match) return { kind: 'issue', id: '', field: gap };
  return { kind: match[1], id: match[2], field: match[3] };
}

const RECORD_PATHS = { highlight: 'highlights', practice: 'practices' };
/** The form field a gap's name stands for ("image alt" -> "image.alt"). */
const formField = (field) => field.replace(/ /g, '.');

/**
 * "highlight haskovo-workshop: title" and "...: summary" become one group per record, after the issue's own texts
 * ("subject", "intro"): `{what, fields: [{field, href?}]}`; `base` is the issue's address.
 */
export function groupGaps(gaps, lang, base) {
  const groups = new Map();
  for (const gap of gaps) {
    const { kind, id, field } = parseGap(gap);
    const what = kind === 'issue' ? '' : `${kind} ${id}`;
    const href =
      kind === 'issue'
        ? `${base}/compose/${lang}/${field}`
        : RECORD_PATHS[kind]
          ? `#/records/${RECORD_PATHS[kind]}/${encodeURIComponent(id)}/${lang}/${formField(field)}`
          : undefined;
    groups.set(what, [...(groups.get(what) ?? []), { field, href }]);
  }
  return [...groups].map(([what, fields]) => ({ what, fields }));
}

export function renderTranslations(panel, ctx, { issue }) {
  const translation = issue.translation;
  if (!translation) {
    panel.append(h('p', { class: 'notice' }, 'The API did not report translation status for this issue.'));
    return;
  }
  const complete = LANGUAGES.filter((lang) => translation[lang]?.complete);
  const base = `#/issues/${encodeURIComponent(issue.id)}`;
  const readers = Object.fromEntries(LANGUAGES.map((lang) => [lang, h('p', { class: 'readers muted small-text' })]));
  const source = h('p', { class: 'hint' });
  const editable = issue.status === 'draft';
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
        editable ? 'Each gap links to the text to fill.' : null,
      ),
      source,
    ),
    h(
      'ul',
      { class: 'translation-grid', 'aria-label': 'Translation status per language' },
      LANGUAGES.map((lang) => translationCell(lang, translation[lang], base, readers[lang], editable)),
    ),
  );
  showReaders(ctx, issue, readers, source);
}

/** The subscribers per language beside each language's name, once counted. */
async function showReaders(ctx, issue, readers, source) {
  try {
    const audience = await ctx.api.issues.audience(issue.id);
    for (const [lang, element] of Object.entries(readers)) {
      const n = audience.byLanguage?.[lang] ?? 0;
      element.textContent = `${n.toLocaleString('en-GB')} ${n === 1 ? 'subscriber' : 'subscribers'}`;
    }
    source.textContent = 'Subscribers: who this issue goes to (its audience), per language.';
  } catch {
    source.textContent = 'The number of subscribers per language could not be loaded.';
  }
}

/** A language's cell: complete, or its gaps grouped by record, each a link to its field; and a link to its preview. */
function translationCell(lang, reported, base, readers, editable) {
  const state = reported ?? { complete: false, gaps: ['no status reported'] };
  const gaps = state.gaps ?? [];
  const fieldLink = ({ field, href }) =>
    editable || href?.startsWith('#/records/')
      ? h('a', { href }, field, h('span', { class: 'visually-hidden' }, ` in ${LANGUAGE_NAMES[lang]}`))
      : field;
  return h(
    'li',
    { class: `translation-cell ${state.complete ? 'is-complete' : 'has-gaps'}`, dataset: { lang } },
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
    readers,
    gaps.length
      ? h(
          'ul',
          { class: 'gap-list', 'aria-label': `Missing in ${LANGUAGE_NAMES[lang]}` },
          groupGaps(gaps, lang, base).map(({ what, fields }) =>
            h(
              'li',
              {},
              what ? `${what}: ` : null,
              fields.map((f, i) => [i ? ', ' : null, f.href ? fieldLink(f) : f.field]),
            ),
          ),
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
