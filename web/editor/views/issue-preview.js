// Preview an edition exactly as subscribers get it: phone and desktop width side by side, or the plain text.
import { h, uid } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, SOURCE_LANGUAGE } from '../reference.js';
import { feedback } from '../widgets/feedback.js';

const FRAMES = [
  { name: 'Phone', width: 375 },
  { name: 'Desktop', width: 700 },
];

/** Links in the preview open in a new tab instead of inside the frame. */
const withLinksInNewTab = (html) =>
  /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_blank">`)
    : `<base target="_blank">${html}`;

const hasGaps = (issue, lang) => issue.translation?.[lang]?.complete === false;

export function renderPreview(panel, ctx, { issue, lang: initial }) {
  const frames = FRAMES.map(previewFrame);
  const view = {
    ctx,
    issue,
    chosen: { lang: LANGUAGES.includes(initial) ? initial : SOURCE_LANGUAGE, plain: false },
    cache: new Map(),
    notes: feedback(),
    frames,
    htmlView: h(
      'div',
      { class: 'preview-frames' },
      frames.map((f) => f.figure),
    ),
    textView: h('pre', { class: 'preview-text', tabindex: '0', hidden: true }),
    status: h('p', { class: 'preview-status muted', role: 'status' }),
  };
  const show = () => showEdition(view);
  const languages = languageChoice(issue, view.chosen.lang, (lang) => {
    view.chosen.lang = lang;
    show();
  });
  const plainToggle = h('input', { type: 'checkbox', id: uid('plain'), class: 'switch' });
  plainToggle.addEventListener('change', () => {
    view.chosen.plain = plainToggle.checked;
    show();
  });
  panel.append(
    h(
      'div',
      { class: 'preview-toolbar' },
      languages,
      h('div', { class: 'switch-field' }, plainToggle, h('label', { for: plainToggle.id }, 'Plain text')),
      LANGUAGES.some((code) => hasGaps(issue, code)) ? gapLegend() : null,
    ),
    view.notes.element,
    view.status,
    view.htmlView,
    view.textView,
  );
  show();
}

/** Loads the chosen edition (once per language and format) and shows it in the frames or as text. */
async function showEdition({ ctx, issue, chosen, cache, notes, frames, htmlView, textView, status }) {
  const { lang, plain } = chosen;
  const format = plain ? 'text' : 'html';
  const key = `${lang}:${format}`;
  history.replaceState(null, '', `#/issues/${encodeURIComponent(issue.id)}/preview/${lang}`);
  htmlView.hidden = plain;
  textView.hidden = !plain;
  notes.clear();
  status.textContent = `Loading the ${LANGUAGE_NAMES[lang]} ${plain ? 'plain-text' : 'HTML'} edition…`;
  htmlView.setAttribute('aria-busy', 'true');
  let body;
  try {
    body = cache.get(key) ?? (await ctx.api.issues.preview(issue.id, lang, format));
    cache.set(key, body);
  } catch (error) {
    status.textContent = '';
    notes.error(`The ${LANGUAGE_NAMES[lang]} preview could not be loaded.`, error);
    return;
  }
  if (key !== `${chosen.lang}:${chosen.plain ? 'text' : 'html'}`) return; // another was chosen meanwhile
  if (plain) {
    textView.textContent = body;
    textView.lang = lang;
  } else {
    for (const frame of frames) frame.show(lang, body);
  }
  htmlView.removeAttribute('aria-busy');
  status.textContent = `${LANGUAGE_NAMES[lang]} edition, ${plain ? 'plain text' : 'as HTML'}: exactly what a subscriber gets.`;
}

/** One radio button per language, those with translation gaps marked by a dot. */
function languageChoice(issue, initial, choose) {
  const group = uid('preview-lang');
  const option = (code) => {
    const gaps = hasGaps(issue, code);
    const radio = h('input', { type: 'radio', name: group, value: code, checked: code === initial, id: uid('lang') });
    radio.addEventListener('change', () => choose(code));
    return h(
      'label',
      {
        for: radio.id,
        class: gaps ? 'has-gaps' : null,
        title: `${LANGUAGE_NAMES[code]}${gaps ? ' (has translation gaps)' : ''}`,
      },
      radio,
      h('span', { 'aria-hidden': 'true' }, code.toUpperCase()),
      h('span', { class: 'visually-hidden' }, `${LANGUAGE_NAMES[code]}${gaps ? ', has translation gaps' : ''}`),
      gaps ? h('span', { class: 'gap-dot', 'aria-hidden': 'true' }) : null,
    );
  };
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', {}, 'Language'),
    h('div', { class: 'segmented-options' }, LANGUAGES.map(option)),
  );
}

function gapLegend() {
  return h(
    'p',
    { class: 'gap-legend' },
    h('span', { class: 'gap-dot', 'aria-hidden': 'true' }),
    'has translation gaps',
  );
}

/** A sandboxed frame at one width; `data-loaded-lang` says which edition it shows once loaded. */
function previewFrame({ name, width }) {
  const frame = h('iframe', {
    title: `${name} preview`,
    sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    referrerpolicy: 'no-referrer',
    style: `width: ${width}px`,
    class: 'preview-frame',
  });
  frame.addEventListener('load', () => {
    frame.dataset.loadedLang = frame.dataset.pendingLang ?? '';
  });
  const figure = h(
    'figure',
    { class: `preview-device preview-${name.toLowerCase()}` },
    h('figcaption', {}, h('strong', {}, name), ` · ${width} px`),
    frame,
  );
  return {
    figure,
    show(lang, html) {
      frame.dataset.pendingLang = lang;
      frame.srcdoc = withLinksInNewTab(html);
    },
  };
}
