// One issue: a header with its status and four tabs (compose, translations, preview, send and progress).
import { h } from '../dom.js';
import { LANGUAGES } from '../reference.js';
import { feedback } from '../widgets/feedback.js';
import { pageHeader, subnav } from '../widgets/page.js';
import { statusBadge } from '../widgets/status-badge.js';
import { renderCompose } from './issue-compose.js';
import { renderTranslations } from './issue-translations.js';
import { renderAudience } from './issue-audience.js';
import { renderPreview } from './issue-preview.js';
import { renderSend } from './issue-send.js';

const TABS = {
  compose: { text: 'Compose', render: renderCompose },
  translations: { text: 'Translations', render: renderTranslations },
  audience: { text: 'Audience', render: renderAudience },
  preview: { text: 'Preview', render: renderPreview },
  send: { text: 'Test and send', render: renderSend },
};

export async function renderIssue(container, ctx, { id, tab, lang }) {
  const back = h('p', { class: 'breadcrumb' }, h('a', { href: '#/issues' }, '← Issues'));
  const header = pageHeader(id ? 'Issue' : 'New issue');
  const badge = h('span', { class: 'header-status' });
  header.querySelector('h1').after(badge);
  const notes = feedback();
  container.append(back, header, notes.element);

  if (!id) {
    ctx.setTitle('New issue');
    const panel = h('div', { class: 'tab-panel' });
    container.append(panel);
    return renderCompose(panel, ctx, { issue: null, notes, flash: ctx.takeFlash() });
  }

  let issue;
  try {
    issue = await ctx.api.issues.get(id);
  } catch (error) {
    notes.error('This issue could not be loaded.', error);
    return undefined;
  }
  const base = `#/issues/${encodeURIComponent(id)}`;
  const nav = subnav(
    'Issue',
    Object.entries(TABS).map(([name, { text }]) => ({ href: `${base}/${name}`, text, current: name === tab })),
  );
  const showHeader = headerOf(ctx, {
    header,
    badge,
    tab,
    translationsLink: nav.querySelector(`a[href="${base}/translations"]`),
  });
  showHeader(issue);
  const panel = h('div', { class: 'tab-panel' });
  container.append(nav, panel);
  const flash = ctx.takeFlash();
  if (flash && tab !== 'compose') notes.success(flash);
  return TABS[tab].render(panel, ctx, { issue, lang, notes, flash, onIssue: showHeader });
}

/** Shows the issue's title, status and translation count; tabs call it again when the issue changes. */
function headerOf(ctx, { header, badge, tab, translationsLink }) {
  const title = header.querySelector('h1');
  return (current) => {
    title.textContent = current.title;
    badge.replaceChildren(statusBadge(current.status));
    ctx.setTitle(`${TABS[tab].text} · ${current.title}`);
    if (!current.translation) return;
    const complete = LANGUAGES.filter((lang) => current.translation[lang]?.complete).length;
    translationsLink.replaceChildren(
      `${TABS.translations.text} `,
      h('span', { class: 'tab-count' }, `${complete}/${LANGUAGES.length}`),
    );
  };
}
