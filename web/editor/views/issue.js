// One issue: a header with its status and four tabs (compose, translations, preview, send and progress).
import { h } from '../dom.js';
import { LANGUAGES } from '../reference.js';
import { confirmDialog } from '../widgets/confirm-dialog.js';
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

export async function renderIssue(container, ctx, { id, tab, lang, field }) {
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
  header.querySelector('.actions').append(...issueActions(ctx, issue, notes));
  const panel = h('div', { class: 'tab-panel' });
  container.append(nav, panel);
  const flash = ctx.takeFlash();
  if (flash && tab !== 'compose') notes.success(flash);
  return TABS[tab].render(panel, ctx, { issue, lang, field, notes, flash, onIssue: showHeader });
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

/** Duplicate (any issue) and Delete (a draft): each asks first, then opens where its result is. */
function issueActions(ctx, issue, notes) {
  const duplicate = h('button', { type: 'button', class: 'button secondary' }, 'Duplicate');
  duplicate.addEventListener('click', async () => {
    const confirmed = await confirmDialog({
      title: 'Duplicate this issue?',
      message: [`A new draft, “${issue.title} (copy)”, gets this issue’s texts and sections.`],
      confirmLabel: 'Duplicate',
    });
    if (!confirmed) return;
    try {
      const copy = await ctx.api.issues.duplicate(issue.id);
      const leftOut = copy.leftOut?.length
        ? ` ${copy.leftOut.length} record(s) it used no longer exist and were left out.`
        : '';
      ctx.navigate(`#/issues/${encodeURIComponent(copy.id)}/compose`, `This is a copy of “${issue.title}”.${leftOut}`);
    } catch (error) {
      notes.error('The issue was not duplicated.', error);
    }
  });
  if (issue.status !== 'draft') return [duplicate];
  const remove = h('button', { type: 'button', class: 'button quiet danger-text' }, 'Delete draft');
  remove.addEventListener('click', async () => {
    const confirmed = await confirmDialog({
      title: 'Delete this draft?',
      message: [
        `“${issue.title}” will be deleted in every language.`,
        'The records it uses stay. This cannot be undone.',
      ],
      confirmLabel: 'Delete draft',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await ctx.api.issues.remove(issue.id);
      ctx.guardLeaving(null);
      ctx.navigate('#/issues', `Deleted the draft “${issue.title}”.`);
    } catch (error) {
      notes.error('The draft was not deleted.', error);
    }
  });
  return [duplicate, remove];
}
