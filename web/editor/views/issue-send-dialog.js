// The one dialog before an issue goes out, now or at a time: who gets it per language, which languages would show
// English in place of a missing translation (an explicit choice), and for a large send the number typed to confirm.
// Focus starts away from the button that sends; nothing is sent before that button.
import { formatDate, h, uid } from '../dom.js';
import { LANGUAGE_NAMES, LANGUAGES, sourceName } from '../reference.js';
import { plainMessage, setFieldError } from '../widgets/fields.js';

/** From this many recipients on, the editor types the number to confirm. */
export const TYPED_CONFIRMATION_FROM = 1000;

const formatCount = (n) => (n ?? 0).toLocaleString('en-GB');
/** What an editor may type for 12,345: "12345", "12 345", "12,345", "12.345". */
const typedNumber = (text) => text.replace(/[\s,.'\u00a0\u202f]/g, '');

/**
 * Opens the dialog for `issue` (with its `translation`); `at` (ISO) schedules. `send(options)` posts the send and
 * resolves with the API's answer; the dialog stays open, showing why, when it throws. Resolves with the answer once
 * sent, or null when cancelled.
 */
export function sendDialog({ ctx, issue, at, send }) {
  return new Promise((resolve) => {
    const titleId = uid('send-dialog-title');
    const verb = at ? 'Schedule' : 'Send';
    const body = h('div', { class: 'send-dialog-body', 'aria-busy': 'true' }, h('p', {}, 'Counting recipients…'));
    const problem = h('div', { class: 'feedback feedback-error', 'aria-live': 'assertive' });
    const cancel = h('button', { type: 'button', class: 'button secondary' }, 'Cancel');
    const confirm = h('button', { type: 'submit', class: 'button primary', disabled: true }, `${verb}…`);
    const form = h(
      'form',
      { method: 'dialog', novalidate: true },
      h('h2', { id: titleId }, at ? `Schedule “${issue.title}” for ${formatDate(at)}?` : `Send “${issue.title}” now?`),
      body,
      problem,
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    );
    const dialog = h('dialog', { class: 'dialog send-dialog', 'aria-labelledby': titleId }, form);
    const opener = document.activeElement;
    let answer = null;
    let choices;
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!choices?.ready()) return;
      problem.replaceChildren();
      confirm.disabled = cancel.disabled = true;
      confirm.textContent = at ? 'Scheduling…' : 'Sending…';
      try {
        answer = await send({ ...(at && { at }), allowFallback: choices.allowFallback() });
        dialog.close();
      } catch (error) {
        problem.append(
          h(
            'div',
            { class: 'feedback-box' },
            h('p', { class: 'feedback-title' }, 'Nothing was sent.'),
            h('p', {}, plainMessage(error.message)),
          ),
        );
      } finally {
        confirm.disabled = cancel.disabled = false;
        confirm.textContent = choices.label();
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();

    ctx.api.issues.audience(issue.id).then(
      (audience) => {
        if (!dialog.open) return;
        choices = dialogChoices({ issue, audience, verb });
        body.removeAttribute('aria-busy');
        body.replaceChildren(...choices.elements);
        confirm.textContent = choices.label();
        confirm.disabled = audience.total === 0;
        // Never on the button that sends: the first choice to make, else Cancel.
        (choices.firstChoice ?? cancel).focus();
      },
      (error) => {
        body.removeAttribute('aria-busy');
        body.replaceChildren(
          h('p', {}, 'The recipients could not be counted, so nothing can be sent now.'),
          h('p', {}, error.message),
        );
      },
    );
  });
}

/** The dialog's content once the audience is known, and what it asks before sending. */
function dialogChoices({ issue, audience, verb }) {
  const total = audience.total ?? 0;
  const languages = LANGUAGES.filter((lang) => (audience.byLanguage?.[lang] ?? 0) > 0);
  const gaps = languages.filter((lang) => !issue.translation?.[lang]?.complete);
  const label = () => `${verb} to ${formatCount(total)} ${total === 1 ? 'recipient' : 'recipients'}`;
  const elements = [recipientTable(audience, languages)];
  let fallback;
  let typed;
  if (total === 0) elements.push(h('p', { class: 'notice' }, 'Nobody would get this issue: there is nothing to send.'));
  if (gaps.length) {
    const choose = gaps.some((lang) => blocking(issue, lang));
    fallback = choose ? h('input', { type: 'checkbox', id: uid('fallback'), name: 'fallback' }) : undefined;
    elements.push(gapChoice(issue, gaps, fallback));
  }
  if (total >= TYPED_CONFIRMATION_FROM) {
    typed = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', id: uid('typed'), name: 'typed' });
    const hint = h(
      'p',
      { class: 'hint', id: `${typed.id}-hint` },
      `This is a large send. Type ${formatCount(total)} to confirm.`,
    );
    const error = h('p', { class: 'field-error', id: `${typed.id}-error`, hidden: true });
    typed.setAttribute('aria-describedby', `${hint.id} ${error.id}`);
    typed.addEventListener('input', () => setFieldError(typed, ''));
    elements.push(
      h('div', { class: 'field' }, h('label', { for: typed.id }, 'Number of recipients'), typed, hint, error),
    );
  }
  return {
    elements,
    label,
    firstChoice: fallback ?? typed,
    allowFallback: () => Boolean(fallback?.checked),
    /** True when every question is answered; else marks what is missing and focuses it. */
    ready() {
      if (typed && typedNumber(typed.value) !== String(total)) {
        setFieldError(typed, `Type ${formatCount(total)}, the number of recipients, to confirm.`);
        typed.focus();
        return false;
      }
      if (fallback && !fallback.checked) {
        setFieldError(
          fallback,
          `Tick this to send with ${sourceName()} in their place, or cancel and translate first.`,
        );
        fallback.focus();
        return false;
      }
      return true;
    },
  };
}

/** "subject, intro; 14 texts in records": the issue's own texts by name, the records' counted (the grid lists them). */
function gapSummary(gaps) {
  const own = gaps.filter((gap) => !gap.includes(': '));
  const inRecords = gaps.length - own.length;
  const records = inRecords ? `${inRecords} ${inRecords === 1 ? 'text' : 'texts'} in records` : '';
  return [own.join(', '), records].filter(Boolean).join('; ');
}

/** A language whose subject or intro is missing: the API refuses such a send unless fallback is chosen. */
const blocking = (issue, lang) => (issue.translation?.[lang]?.gaps ?? []).some((g) => g === 'subject' || g === 'intro');

/** Why subscribers are left out, in words (GET /api/issues/{id}/audience's `excluded`). */
const LEFT_OUT = {
  unconfirmed: 'not confirmed yet',
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed (bounced or complained)',
  outsideSelection: 'outside the chosen audience',
};

/** Recipients per language, and the total. */
function recipientTable(audience, languages) {
  const excluded = Object.entries(audience.excluded ?? {}).filter(([, n]) => n > 0);
  return h(
    'div',
    { class: 'send-audience' },
    h(
      'table',
      { class: 'data-table recipients-table' },
      h('caption', {}, 'Recipients per language'),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Language'), h('th', { scope: 'col', class: 'numeric' }, 'Recipients')),
      ),
      h(
        'tbody',
        {},
        languages.map((lang) =>
          h(
            'tr',
            { dataset: { lang } },
            h('th', { scope: 'row' }, LANGUAGE_NAMES[lang]),
            h('td', { class: 'numeric' }, formatCount(audience.byLanguage[lang])),
          ),
        ),
      ),
      h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, 'Total'),
          h('td', { class: 'numeric', dataset: { total: '' } }, formatCount(audience.total)),
        ),
      ),
    ),
    excluded.length
      ? h(
          'p',
          { class: 'hint' },
          'Left out: ',
          excluded.map(([reason, n]) => `${formatCount(n)} ${LEFT_OUT[reason] ?? reason}`).join(', '),
          '.',
        )
      : null,
  );
}

/**
 * The languages with gaps and what is missing; when a subject or intro is missing, the explicit choice of sending
 * the source-language text in its place (`fallback`, a checkbox), else a note that those parts show it.
 */
function gapChoice(issue, gaps, fallback) {
  const list = h(
    'ul',
    { class: 'gap-summary' },
    gaps.map((lang) =>
      h('li', {}, h('strong', {}, `${LANGUAGE_NAMES[lang]}: `), gapSummary(issue.translation[lang].gaps)),
    ),
  );
  const legend = h(
    'legend',
    {},
    `Missing translations (${gaps.length} ${gaps.length === 1 ? 'language' : 'languages'})`,
  );
  if (!fallback) {
    return h(
      'fieldset',
      { class: 'group send-gaps' },
      legend,
      list,
      h('p', { class: 'hint' }, `Those parts show the ${sourceName()} text, marked “in ${sourceName()}”.`),
    );
  }
  const error = h('p', { class: 'field-error', id: `${fallback.id}-error`, hidden: true });
  fallback.setAttribute('aria-describedby', error.id);
  fallback.addEventListener('change', () => setFieldError(fallback, ''));
  return h(
    'fieldset',
    { class: 'group send-gaps' },
    legend,
    list,
    h(
      'div',
      { class: 'check-row' },
      fallback,
      h(
        'label',
        { for: fallback.id },
        `Send the ${sourceName()} text where a translation is missing. Those readers see it marked “in ${sourceName()}”.`,
      ),
    ),
    error,
  );
}
