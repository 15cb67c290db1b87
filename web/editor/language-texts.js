// Per-language text fields behind one language switcher: a tab per language, marked by how much is written.
import { h, setFieldError, uid, visuallyHidden } from './dom.js';
import { LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE } from './reference.js';

const STATE_TEXT = { complete: 'complete', partial: 'partly written', empty: 'no text yet' };

/**
 * @param {{ legend: string, fields: Array<{name: string, label: string, rows?: number, required?: boolean,
 *   type?: string}>, values: Record<string, Record<string, string> | undefined>, readOnly?: boolean,
 *   onInput?: () => void }} options  `rows` makes a textarea; `required` means required in English.
 */
export function languageTexts({ legend, fields, values, readOnly = false, onInput = () => {} }) {
  const texts = Object.fromEntries(fields.map((f) => [f.name, { ...(values[f.name] ?? {}) }]));
  let current = SOURCE_LANGUAGE;
  const panelId = uid('lang-panel');

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
        onclick: () => show(lang),
      },
      h('span', { class: 'lang-code', 'aria-hidden': 'true' }, lang.toUpperCase()),
      h('span', { class: 'lang-state', 'aria-hidden': 'true' }),
      visuallyHidden(''),
    ),
  );
  const tablist = h('div', { role: 'tablist', class: 'lang-tabs', 'aria-label': 'Language of the texts' }, tabs);
  tablist.addEventListener('keydown', (event) => {
    const index = LANGUAGES.indexOf(current);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: LANGUAGES.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const lang = LANGUAGES[(next + LANGUAGES.length) % LANGUAGES.length];
    show(lang);
    tabs[LANGUAGES.indexOf(lang)].focus();
  });

  const controls = {};
  const rows = fields.map((f) => {
    const control = f.rows
      ? h('textarea', { rows: f.rows, readonly: readOnly })
      : h('input', { type: f.type ?? 'text', readonly: readOnly, autocomplete: 'off' });
    control.id = uid(f.name.replace(/\W/g, '-'));
    control.dataset.textField = f.name;
    control.addEventListener('input', () => {
      const value = control.value;
      if (value.trim()) texts[f.name][current] = value;
      else delete texts[f.name][current];
      setFieldError(control, '');
      refreshTabs();
      onInput();
    });
    const languageLabel = h('span', { class: 'label-lang' });
    const requiredMark = h('span', { class: 'label-required' });
    const source = h('p', { class: 'source-text', id: `${control.id}-source` });
    const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
    control.setAttribute('aria-describedby', `${source.id} ${error.id}`);
    controls[f.name] = { control, languageLabel, requiredMark, source, field: f };
    return h(
      'div',
      { class: 'field' },
      h('label', { for: control.id }, f.label, ' ', languageLabel, requiredMark),
      control,
      source,
      error,
    );
  });

  const note = h('p', { class: 'lang-note' });
  const panel = h('div', { role: 'tabpanel', id: panelId, class: 'lang-panel' }, note, rows);
  const element = h('fieldset', { class: 'lang-texts' }, h('legend', {}, legend), tablist, panel);

  function stateOf(lang) {
    const wanted = fields.filter((f) =>
      lang === SOURCE_LANGUAGE ? f.required || texts[f.name][lang] : texts[f.name][SOURCE_LANGUAGE],
    );
    const written = fields.filter((f) => texts[f.name][lang]);
    if (written.length === 0) return 'empty';
    return wanted.every((f) => texts[f.name][lang]) ? 'complete' : 'partial';
  }

  function refreshTabs() {
    for (const [i, lang] of LANGUAGES.entries()) {
      const tab = tabs[i];
      const state = stateOf(lang);
      tab.dataset.state = state;
      tab.setAttribute('aria-selected', String(lang === current));
      tab.tabIndex = lang === current ? 0 : -1;
      tab.lastElementChild.textContent = `${LANGUAGE_NAMES[lang]}, ${STATE_TEXT[state]}`;
    }
  }

  function show(lang) {
    current = lang;
    const name = LANGUAGE_NAMES[lang];
    panel.setAttribute('aria-labelledby', tabs[LANGUAGES.indexOf(lang)].id);
    note.textContent =
      lang === SOURCE_LANGUAGE
        ? 'English is the source language and is required. Other languages fall back to English where they have no text.'
        : `Writing in ${name}. Empty fields fall back to English in the ${name} edition.`;
    for (const { control, languageLabel, requiredMark, source, field } of Object.values(controls)) {
      control.value = texts[field.name][lang] ?? '';
      control.lang = lang;
      languageLabel.textContent = `(${name})`;
      requiredMark.textContent = lang === SOURCE_LANGUAGE && field.required ? ' required' : '';
      control.setAttribute('aria-required', String(lang === SOURCE_LANGUAGE && Boolean(field.required)));
      const english = texts[field.name][SOURCE_LANGUAGE];
      source.textContent = lang !== SOURCE_LANGUAGE && english ? `English: ${english}` : '';
      source.hidden = !source.textContent;
      setFieldError(control, '');
    }
    refreshTabs();
  }

  show(SOURCE_LANGUAGE);

  return {
    element,
    /** The texts as the API takes them: empty languages left out, a field with no text at all undefined. */
    values() {
      return Object.fromEntries(
        fields.map((f) => {
          const text = Object.fromEntries(
            LANGUAGES.filter((lang) => texts[f.name][lang]?.trim()).map((lang) => [lang, texts[f.name][lang].trim()]),
          );
          return [f.name, Object.keys(text).length ? text : undefined];
        }),
      );
    },
    /**
     * Shows an API error on the field it names, e.g. `subject.bg`, `image.alt.en` or `intro`
     * (a field alone means its English text); returns the control, or undefined when not one of ours.
     */
    showError(path, message) {
      const match = fields.find((f) => path === f.name || path.startsWith(`${f.name}.`));
      if (!match) return undefined;
      const rest = path.slice(match.name.length + 1);
      show(LANGUAGES.includes(rest) ? rest : SOURCE_LANGUAGE);
      const { control } = controls[match.name];
      setFieldError(control, message);
      return control;
    },
  };
}
