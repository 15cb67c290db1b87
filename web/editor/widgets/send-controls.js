// The controls of a running send on an issue's send tab: pause, resume, cancel (asked for confirmation), why a
// paused send is paused (an editor, or Herald itself: SES refused, too many bounces or complaints), and how many
// recipients a cancelled send left out.
import { formatDate, h } from '../dom.js';
import { confirmDialog } from './confirm-dialog.js';
import { feedback } from './feedback.js';

/** Statuses whose send this card controls or reports on. */
const SHOWN = new Set(['sending', 'paused', 'cancelled']);

/** A send whose figures still change: running, paused (bounces come in), or cancelled and not settled yet. */
export const sendIsLive = (issue) =>
  issue.status === 'sending' || issue.status === 'paused' || (issue.status === 'cancelled' && !issue.reconciledAt);

const WHO_PAUSED = {
  editor: 'An editor paused this send.',
  ses: 'Herald paused this send: Amazon SES refused it for a reason no retry fixes.',
  bounces: 'Herald paused this send: too many of its emails bounced.',
  complaints: 'Herald paused this send: too many recipients reported it as spam.',
};

/**
 * `onIssue(issue)` is told of the issue after each change. `show(issue)` shows the card for a running, paused or
 * cancelled send, and hides it otherwise.
 */
export function sendControlsCard(ctx, { onIssue }) {
  const notes = feedback();
  const state = { issue: undefined };
  const pause = h('button', { type: 'button', class: 'button secondary' }, 'Pause');
  const resume = h('button', { type: 'button', class: 'button primary' }, 'Resume');
  const cancel = h('button', { type: 'button', class: 'button danger' }, 'Cancel the send…');
  const summary = h('p', { class: 'hint' });
  const reason = h('div', { class: 'notice pause-reason', role: 'status' });
  const actions = h('div', { class: 'form-actions' }, pause, resume, cancel);
  const element = h(
    'section',
    { class: 'card send-controls', 'aria-labelledby': 'send-controls-title' },
    h('h2', { id: 'send-controls-title' }, 'Running send'),
    summary,
    reason,
    actions,
    notes.element,
  );

  /** Runs one control; the issue as it is afterwards goes to `onIssue`. */
  async function act(call, done, failed) {
    notes.clear();
    for (const b of [pause, resume, cancel]) b.disabled = true;
    try {
      await call(state.issue.id);
      const issue = await ctx.api.issues.get(state.issue.id);
      onIssue(issue);
      notes.success(done);
    } catch (error) {
      notes.error(failed, error);
    } finally {
      for (const b of [pause, resume, cancel]) b.disabled = false;
    }
  }

  pause.addEventListener('click', () =>
    act(ctx.api.issues.pause, 'Paused: no more emails go out until you resume.', 'The send was not paused.'),
  );
  resume.addEventListener('click', () =>
    act(ctx.api.issues.resume, 'Resumed: the remaining emails are going out.', 'The send was not resumed.'),
  );
  cancel.addEventListener('click', async () => {
    const pending = state.issue.progress?.total?.pending ?? 0;
    const confirmed = await confirmDialog({
      title: 'Cancel this send for good?',
      message: [
        `The ${pending} recipients not sent “${state.issue.title}” yet will not get it.`,
        'Those already sent keep it. A cancelled send cannot be resumed.',
      ],
      confirmLabel: 'Cancel the send',
      cancelLabel: 'Keep it',
      danger: true,
    });
    if (confirmed) {
      await act(ctx.api.issues.cancel, 'Cancelled: nobody else gets this issue.', 'The send was not cancelled.');
    }
  });

  return {
    element,
    show(issue) {
      state.issue = issue;
      element.hidden = !SHOWN.has(issue.status);
      if (element.hidden) return;
      const paused = issue.status === 'paused';
      const cancelled = issue.status === 'cancelled';
      pause.hidden = issue.status !== 'sending';
      resume.hidden = !paused;
      cancel.hidden = cancelled;
      actions.hidden = cancelled;
      summary.textContent = cancelled
        ? `Cancelled ${formatDate(issue.cancelledAt)}: ${issue.progress?.total?.cancelled ?? 0} recipients were not sent the issue.`
        : paused
          ? `Paused ${formatDate(issue.pausedAt)}. Nothing goes out until you resume; cancel to stop for good.`
          : 'Pause to stop the emails going out for now; cancel to stop for good.';
      reason.hidden = !paused;
      reason.replaceChildren(
        ...(paused
          ? [
              h('strong', {}, WHO_PAUSED[issue.pausedBy] ?? 'This send is paused.'),
              issue.pausedBy && issue.pausedBy !== 'editor' ? h('p', {}, 'Reason: ', issue.pauseReason) : null,
              issue.pausedBy && issue.pausedBy !== 'editor'
                ? h('p', { class: 'small-text' }, 'Fix the cause, then resume: whoever was not sent yet gets it once.')
                : null,
            ].filter(Boolean)
          : []),
      );
    },
  };
}
