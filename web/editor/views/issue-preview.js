// Preview an edition exactly as subscribers get it: phone and desktop width side by side, or the plain text.
import { feedback, h, uid } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES } from '../reference.js';

const FRAMES = [
  { name: 'Phone', width: 375 },
  { name: 'Desktop', width: 700 },
];

/** Links in the preview open in a new tab instead of inside the frame. */
const withLinksInNewTab = (html) =>
  /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_blank">`)
    : `<base target="_blank">${html}`;

export function renderPreview(panel, ctx, { issue, lang: initial }) {
  let lang = LANGUAGES.includes(initial) ? initial : 'en';
  let plain = false;
  const cache = new Map();
  const notes = feedback();
  const group = uid('preview-lang');

  const languages = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', {}, 'Language'),
    h(
      'div',
      { class: 'segmented-options' },
      LANGUAGES.map((code) => {
        const gaps = issue.translation?.[code]?.complete === false;
        const radio = h('input', { type: 'radio', name: group, value: code, checked: code === lang, id: uid('lang') });
        radio.addEventListener('change', () => {
          lang = code;
          show();
        });
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
      }),
    ),
  );
  const plainToggle = h('input', { type: 'checkbox', id: uid('plain'), class: 'switch' });
  plainToggle.addEventListener('change', () => {
    plain = plainToggle.checked;
    show();
  });

  const frames = FRAMES.map(({ name, width }) => {
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
    return { frame, figure };
  });
  const htmlView = h(
    'div',
    { class: 'preview-frames' },
    frames.map((f) => f.figure),
  );
  const textView = h('pre', { class: 'preview-text', tabindex: '0', hidden: true });
  const status = h('p', { class: 'preview-status muted', role: 'status' });

  panel.append(
    h(
      'div',
      { class: 'preview-toolbar' },
      languages,
      h('div', { class: 'switch-field' }, plainToggle, h('label', { for: plainToggle.id }, 'Plain text')),
      LANGUAGES.some((code) => issue.translation?.[code]?.complete === false)
        ? h(
            'p',
            { class: 'gap-legend' },
            h('span', { class: 'gap-dot', 'aria-hidden': 'true' }),
            'has translation gaps',
          )
        : null,
    ),
    notes.element,
    status,
    htmlView,
    textView,
  );

  async function show() {
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
    if (key !== `${lang}:${plain ? 'text' : 'html'}`) return; // another language was chosen meanwhile
    if (plain) {
      textView.textContent = body;
      textView.lang = lang;
    } else {
      for (const { frame } of frames) {
        frame.dataset.pendingLang = lang;
        frame.srcdoc = withLinksInNewTab(body);
      }
    }
    htmlView.removeAttribute('aria-busy');
    status.textContent = `${LANGUAGE_NAMES[lang]} edition, ${plain ? 'plain text' : 'as HTML'}: exactly what a subscriber gets.`;
  }
  show();
}
