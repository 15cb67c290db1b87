// A subscriber (admins): their details, consent record and delivery history; unsubscribe, suppress, resend the
// confirmation and erase (asked first).
import { formatDate, h } from '../dom.js';
import { COUNTRIES, LANGUAGE_NAMES, TOPIC_LABELS } from '../reference.js';
import { confirmDialog } from '../widgets/confirm-dialog.js';
import { dataTable } from '../widgets/data-table.js';
import { feedback } from '../widgets/feedback.js';
import { pageHeader } from '../widgets/page.js';
import { subscriberStatus } from './subscriber-status.js';

export async function renderSubscriberPage(container, ctx, { id }) {
  ctx.setTitle('Subscriber');
  const notes = feedback();
  const content = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Loading the subscriber…'));
  container.append(h('p', {}, h('a', { href: '#/subscribers' }, '← All subscribers')), notes.element, content);
  const flash = ctx.takeFlash();
  if (flash) notes.success(flash);
  let detail;
  try {
    detail = await ctx.api.subscribers.get(id);
  } catch (error) {
    content.replaceChildren();
    notes.error('The subscriber could not be loaded.', error);
    return;
  }
  const { subscriber, deliveries } = detail;
  ctx.setTitle(subscriber.email);
  const actions = actionButtons(ctx, notes, subscriber);
  content.removeAttribute('aria-busy');
  content.replaceChildren(
    pageHeader(subscriber.email, ...actions),
    facts('Subscriber', 'subscriber-title', subscriberFacts(subscriber)),
    facts('Consent record', 'consent-title', consentFacts(subscriber.consent)),
    deliveryHistory(deliveries),
  );
}

/** A titled card of label–value pairs; empty values left out. */
function facts(title, titleId, pairs) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, title),
    h(
      'dl',
      { class: 'facts' },
      pairs.filter(([, value]) => value).map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, value))),
    ),
  );
}

function subscriberFacts(s) {
  return [
    ['Status', subscriberStatus(s.status)],
    ['Name', s.name],
    ['Language', LANGUAGE_NAMES[s.language] ?? s.language],
    ['Country', COUNTRIES[s.country]?.name ?? s.country],
    ['Region', s.region],
    ['Topics', (s.topics ?? []).map((t) => TOPIC_LABELS[t] ?? t).join(', ')],
    ['Signed up', formatDate(s.createdAt)],
    ['Confirmed', formatDate(s.confirmedAt)],
    ['Unsubscribed', s.unsubscribedAt && `${formatDate(s.unsubscribedAt)} (${s.unsubscribeSource ?? 'unknown'})`],
    ['Suppressed', s.suppressedAt && `${formatDate(s.suppressedAt)} (${s.suppressionReason ?? 'unknown'})`],
    ['Waiting for confirmation', s.pendingChange && `a new signup of ${formatDate(s.pendingChange.consent?.at)}`],
  ];
}

/** Whatever the consent record holds: source, date, text version, IP, and an import's proof and importer. */
function consentFacts(consent = {}) {
  return [
    ['Source', consent.source ?? consent.form],
    ['Given', formatDate(consent.at)],
    ['Language of the form', LANGUAGE_NAMES[consent.language] ?? consent.language],
    ['Consent text version', consent.textVersion],
    ['IP address', consent.ip],
    ['Proof', consent.proof],
    ['Imported by', consent.importedBy],
    ['Confirmed', formatDate(consent.confirmedAt)],
  ];
}

const DELIVERY_LABELS = { claimed: 'Being sent', sent: 'Sent', failed: 'Failed', skipped: 'Skipped' };

function deliveryHistory(deliveries) {
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'deliveries-title' },
    h('h2', { id: 'deliveries-title' }, 'Issues sent'),
  );
  if (deliveries.length === 0) {
    section.append(h('p', { class: 'empty-state' }, 'No issue has been sent to this subscriber.'));
    return section;
  }
  const row = (d) =>
    h(
      'tr',
      {},
      h('td', { class: 'cell-title' }, h('a', { href: `#/issues/${encodeURIComponent(d.issueId)}` }, d.title)),
      h('td', {}, DELIVERY_LABELS[d.status] ?? d.status, d.reason ? h('span', { class: 'cell-sub' }, d.reason) : null),
      h('td', { class: 'cell-dates' }, formatDate(d.sentAt ?? d.failedAt ?? d.skippedAt ?? d.claimedAt)),
      h('td', { class: 'cell-dates' }, formatDate(d.deliveredAt) || '—'),
      h('td', { class: 'cell-dates' }, formatDate(d.openedAt) || '—'),
      h('td', { class: 'cell-dates' }, formatDate(d.clickedAt) || '—'),
    );
  section.append(
    dataTable({
      caption: 'Issues sent to this subscriber and what became of each',
      captionClass: 'visually-hidden',
      columns: ['Issue', 'Delivery', 'When', 'Delivered', 'Opened', 'Clicked'],
      body: h('tbody', {}, deliveries.map(row)),
    }),
  );
  return section;
}

/** The actions the subscriber's status allows; each reloads the page with its outcome. */
function actionButtons(ctx, notes, s) {
  const reload = (message) => ctx.navigate(`#/subscribers/${encodeURIComponent(s.id)}`, message);
  const run = (what, done, action) => async (event) => {
    const target = event.currentTarget;
    target.disabled = true;
    try {
      await action();
      if (done) reload(done);
    } catch (error) {
      notes.error(`${what} failed.`, error);
    } finally {
      target.disabled = false;
    }
  };
  const button = (label, onclick, className = 'button secondary') =>
    h('button', { type: 'button', class: className, onclick }, label);
  const waiting = s.status === 'pending' || (s.pendingChange && s.status !== 'suppressed');
  return [
    waiting &&
      button(
        'Resend confirmation',
        run('Resending the confirmation', 'The confirmation email was sent again.', () =>
          ctx.api.subscribers.act(s.id, 'resend-confirmation'),
        ),
      ),
    s.status !== 'unsubscribed' &&
      s.status !== 'suppressed' &&
      button(
        'Unsubscribe',
        run('Unsubscribing', 'Unsubscribed.', () => ctx.api.subscribers.act(s.id, 'unsubscribe')),
      ),
    s.status !== 'suppressed' &&
      button(
        'Suppress',
        run('Suppressing', 'Suppressed: this address gets no mail.', () => ctx.api.subscribers.act(s.id, 'suppress')),
      ),
    button(
      'Erase',
      run('The erasure', null, async () => {
        const confirmed = await confirmDialog({
          title: `Erase ${s.email}?`,
          message: [
            'Everything Herald holds about this person goes: address, name, consent record. Their delivery records stay, without their name, so the figures still add up.',
            'Their unsubscribe and preferences links stop working. This cannot be undone.',
          ],
          confirmLabel: 'Erase',
          danger: true,
        });
        if (!confirmed) return;
        await ctx.api.subscribers.erase(s.id);
        ctx.navigate('#/subscribers', `${s.email} was erased.`);
      }),
      'button danger',
    ),
  ];
}
