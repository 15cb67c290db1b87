// Per-language text fields behind one language switcher: a tab per language, marked by how much is written.
import { h, uid, visuallyHidden } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE, sourceName } from '../reference.js';
import { announceFixed, setFieldError } from './fields.js';
import { markdownToolbar } from './markdown-toolbar.js';

const STATE_TEXT = { complete: 'complete', partial: 'partly written', empty: 'no text yet' };

/**
 * @param {{ legend: string, fields: Array<{name: string, label: string, rows?: number, required?: boolean,
 *   type?: string}>, values: Record<string, Record<string, string> | undefined>, readOnly?: boolean,
 *   onInput?: () => void }} options  `rows` makes a textarea; `required` means required in the source language.
 */
export function languageTexts({ legend, fields, values, readOnly = false, onInput = () => {} }) {
  const texts = Object.fromEntries(fields.map((f) => [f.name, { ...(values[f.name] ?? {}) }]));
  /** The API's errors by `field|lang`, shown when that language's tab is, until the text is changed. */
  const errors = new Map();
  const errorKey = (name, lang) => `${name}|${lang}`;
  let current = SOURCE_LANGUAGE;
  const panelId = uid('lang-panel');
  const tabs = languageTabs(panelId, (lang) => show(lang));
  const hasErrors = (lang) => fields.some((f) => errors.has(errorKey(f.name, lang)));
  const refreshTabs = () => tabs.refresh(current, (lang) => stateOf(fields, texts, lang), hasErrors);
  const rows = fields.map((f) =>
    textRow(f, readOnly, (value) => {
      if (value.trim()) texts[f.name][current] = value;
      else delete texts[f.name][current];
      const key = errorKey(f.name, current);
      if (errors.delete(key)) announceFixed(element, key);
      refreshTabs();
      onInput();
    }),
  );
  const note = h('p', { class: 'lang-note' });
  const panel = h(
    'div',
    { role: 'tabpanel', id: panelId, class: 'lang-panel' },
    note,
    rows.map((r) => r.element),
  );
  const element = h('fieldset', { class: 'lang-texts' }, h('legend', {}, legend), tabs.element, panel);

  function show(lang) {
    current = lang;
    panel.setAttribute('aria-labelledby', tabs.idOf(lang));
    note.textContent = languageNote(lang);
    for (const row of rows) row.show(lang, texts[row.field.name], errors.get(errorKey(row.field.name, lang)));
    refreshTabs();
  }

  show(SOURCE_LANGUAGE);

  return {
    element,
    /** The texts as the API takes them: empty languages left out, a field with no text at all undefined. */
    values: () => apiTexts(fields, texts),
    /**
     * Marks an API error on the field it names, e.g. `subject.bg`, `image.alt.en` or `intro` (a field alone means
     * its source-language text), and its language's tab; returns `{key, label, focus}` (focus opens its tab), or
     * undefined when the field is not one of ours.
     */
    showError(path, message) {
      const row = rows.find(({ field }) => path === field.name || path.startsWith(`${field.name}.`));
      if (!row) return undefined;
      const rest = path.slice(row.field.name.length + 1);
      const lang = LANGUAGES.includes(rest) ? rest : SOURCE_LANGUAGE;
      const key = errorKey(row.field.name, lang);
      errors.set(key, message);
      if (lang === current) setFieldError(row.control, message);
      refreshTabs();
      return {
        key,
        label: `${row.field.label} (${LANGUAGE_NAMES[lang]})`,
        focus: () => {
          if (current !== lang) show(lang);
          row.control.focus();
        },
      };
    },
    /** Forgets every error (before a new save). */
    clearErrors() {
      errors.clear();
      show(current);
    },
    /** Opens `lang`'s tab (e.g. from a link to a gap). */
    show,
    /** The control of a field, e.g. to focus it. */
    controlOf: (name) => rows.find((row) => row.field.name === name)?.control,
  };
}

/** The switcher: a tab per language (arrow keys, Home and End move along), each naming how much is written. */
function languageTabs(panelId, choose) {
  const tabs = LANGUAGES.map((lang) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: uid('lang-tab'),
        class: 'lang-tab',
        'aria-controls': panelId,
        dataset: { lang },
        onclick: () => choose(lang),
      },
      h('span', { class: 'lang-code', 'aria-hidden': 'true' }, lang.toUpperCase()),
      h('span', { class: 'lang-state', 'aria-hidden': 'true' }),
      visuallyHidden(''),
    ),
  );
  const element = h('div', { role: 'tablist', class: 'lang-tabs', 'aria-label': 'Language of the texts' }, tabs);
  element.addEventListener('keydown', (event) => {
    const index = tabs.findIndex((tab) => tab.getAttribute('aria-selected') === 'true');
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: LANGUAGES.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const to = (next + LANGUAGES.length) % LANGUAGES.length;
    choose(LANGUAGES[to]);
    tabs[to].focus();
  });
  return {
    element,
    idOf: (lang) => tabs[LANGUAGES.indexOf(lang)].id,
    /** Selects `current`'s tab and marks every tab with its language's state, and whether it has errors. */
    refresh(current, stateOfLanguage, hasErrors) {
      for (const [i, lang] of LANGUAGES.entries()) {
        const tab = tabs[i];
        const state = stateOfLanguage(lang);
        tab.dataset.state = state;
        tab.toggleAttribute('data-error', hasErrors(lang));
        tab.setAttribute('aria-selected', String(lang === current));
        tab.tabIndex = lang === current ? 0 : -1;
        const error = hasErrors(lang) ? ', has errors' : '';
        tab.lastElementChild.textContent = `${LANGUAGE_NAMES[lang]}, ${STATE_TEXT[state]}${error}`;
      }
    },
  };
}

/** One text field's control, labelled with the language shown, with the source-language text under it as a reference. */
function textRow(field, readOnly, onChange) {
  const control = field.rows
    ? h('textarea', { rows: field.rows, readonly: readOnly })
    : h('input', { type: field.type ?? 'text', readonly: readOnly, autocomplete: 'off' });
  control.id = uid(field.name.replace(/\W/g, '-'));
  control.dataset.textField = field.name;
  control.addEventListener('input', () => {
    setFieldError(control, '');
    onChange(control.value);
  });
  control.dataset.field = field.name;
  const languageLabel = h('span', { class: 'label-lang' });
  const requiredMark = h('span', { class: 'label-required' });
  const source = h('p', { class: 'source-text', id: `${control.id}-source` });
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  control.setAttribute('aria-describedby', `${source.id} ${error.id}`);
  const label = h('label', { for: control.id }, field.label, ' ', languageLabel, requiredMark);
  // Every multi-line text is a long text, written in the Markdown subset.
  const toolbar = field.rows && !readOnly ? markdownToolbar(control) : null;
  return {
    field,
    control,
    element: h('div', { class: 'field' }, label, toolbar, control, source, error),
    /** Shows `text` (the field's texts by language) in `lang`. */
    show(lang, text, error) {
      const required = lang === SOURCE_LANGUAGE && Boolean(field.required);
      control.value = text[lang] ?? '';
      control.lang = lang;
      languageLabel.textContent = `(${LANGUAGE_NAMES[lang]})`;
      requiredMark.textContent = required ? ' required' : '';
      control.setAttribute('aria-required', String(required));
      const original = text[SOURCE_LANGUAGE];
      source.textContent = lang !== SOURCE_LANGUAGE && original ? `${sourceName()}: ${original}` : '';
      source.hidden = !source.textContent;
      setFieldError(control, error ?? '');
    },
  };
}

function languageNote(lang) {
  const name = LANGUAGE_NAMES[lang];
  const source = sourceName();
  return lang === SOURCE_LANGUAGE
    ? `${source} is the source language and is required. Other languages fall back to ${source} where they have no text.`
    : `Writing in ${name}. Empty fields fall back to ${source} in the ${name} edition.`;
}

/** 'complete' when every text wanted in `lang` is written, 'partial' when some are, 'empty' when none. */
function stateOf(fields, texts, lang) {
  const wanted = fields.filter((f) =>
    lang === SOURCE_LANGUAGE ? f.required || texts[f.name][lang] : texts[f.name][SOURCE_LANGUAGE],
  );
  const written = fields.filter((f) => texts[f.name][lang]);
  if (written.length === 0) return 'empty';
  return wanted.every((f) => texts[f.name][lang]) ? 'complete' : 'partial';
}

function apiTexts(fields, texts) {
  return Object.fromEntries(
    fields.map((f) => {
      const text = Object.fromEntries(
        LANGUAGES.filter((lang) => texts[f.name][lang]?.trim()).map((lang) => [lang, texts[f.name][lang].trim()]),
      );
      return [f.name, Object.keys(text).length ? text : undefined];
    }),
  );
}
