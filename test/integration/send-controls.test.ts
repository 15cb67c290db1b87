// Pausing, resuming and cancelling a send on the embedded stack, SES behind the fault proxy: by an editor through
// the API, and by Herald itself when SES refuses for a reason no retry fixes or the recipients bounce too much.
// Whatever happens, nobody gets the issue twice and every recipient ends in a final state the progress shows.
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { sentEmails } from '../support/embedded-stack.ts';
import {
  deliveryRecords,
  expectNoDuplicateAndNoLoss,
  startFaultyStack,
  type FaultyStack,
} from '../support/faulty-ses.ts';
import type { Issue } from '../../functions/domain/records.ts';
import type { Progress } from '../../functions/domain/progress.ts';
import { runSendControl, type SendAction } from '../../local/send-command.ts';
import { until } from '../support/until.ts';

let current: FaultyStack | undefined;
afterEach(async () => {
  await current?.dispose();
  current = undefined;
});

type IssueView = Issue & { progress: Progress };

/** Polls the issue until `ready` holds (each look a GET), failing with what it last saw after 90 s. */
async function issueWhen(faulty: FaultyStack, ready: (issue: IssueView) => boolean): Promise<IssueView> {
  const issue = await until(
    async () => (await (await faulty.api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as IssueView,
    ready,
    90,
  );
  if (!ready(issue)) {
    const { status, reconciledAt, progress } = issue;
    throw new Error(`the issue never got there: ${JSON.stringify({ status, reconciledAt, total: progress.total })}`);
  }
  return issue;
}

const control = (faulty: FaultyStack, action: 'pause' | 'resume' | 'cancel') =>
  faulty.api(`/api/issues/${SAMPLE_ISSUE_ID}/${action}`, { method: 'POST' });

/** Starts the sample's send with the senders held back until its whole audience is on the send queue. */
async function sendHeld(faulty: FaultyStack) {
  const { stack } = faulty.test;
  const recipients = await faulty.audience();
  stack.queue.pause();
  expect((await faulty.api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
  await stack.fanOutQueue.drained();
  return recipients;
}

// Each test runs a send twice over (before and after a pause), one with a restart: longer than the usual minute.
describe('an editor pausing, resuming and cancelling a send', { timeout: 180_000 }, () => {
  it('sends nothing while paused, also across a restart, and everyone once after the resume', async () => {
    current = await startFaultyStack('pause-restart', { sendConcurrency: 2 });
    const faulty = current;
    const recipients = await sendHeld(faulty);
    // The first batch goes out; the pause comes while the second calls SES.
    faulty.proxy.setFault((n) => {
      if (n === 2) void control(faulty, 'pause');
      return { kind: 'forward' };
    });
    faulty.test.stack.queue.resume();
    const paused = await issueWhen(faulty, (i) => i.status === 'paused');
    expect(paused).toMatchObject({ pausedBy: 'editor', pauseReason: 'paused by an editor' });
    await faulty.test.stack.drained();
    const callsWhilePaused = faulty.proxy.stats.calls;
    expect(callsWhilePaused).toBeGreaterThanOrEqual(2);

    const stack = await faulty.test.restart();
    expect(stack.resumed).toEqual([SAMPLE_ISSUE_ID]);
    await stack.drained();
    expect((await stack.services.issues.get(SAMPLE_ISSUE_ID))?.status).toBe('paused');
    expect(faulty.proxy.stats.calls).toBe(callsWhilePaused);
    const waiting = await issueWhen(faulty, (i) => i.progress.total.pending > 0);
    expect(waiting.progress.total.sent).toBeGreaterThan(0);

    const resumed = await control(faulty, 'resume');
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ status: 'sending' });
    await issueWhen(faulty, (i) => i.status === 'sent' && Boolean(i.reconciledAt));
    await expectNoDuplicateAndNoLoss(faulty.test, SAMPLE_ISSUE_ID, recipients);
    expect(stack.queue.deadLetters).toEqual([]);
  });

  it('ends whoever was not sent yet cancelled, counted apart, when a running send is cancelled', async () => {
    current = await startFaultyStack('cancel', { sendConcurrency: 1 });
    const faulty = current;
    const recipients = await sendHeld(faulty);
    faulty.proxy.setFault((n) => {
      if (n === 2) void control(faulty, 'cancel');
      return { kind: 'forward' };
    });
    faulty.test.stack.queue.resume();
    const issue = await issueWhen(faulty, (i) => i.status === 'cancelled' && Boolean(i.reconciledAt));

    const { records, received } = await expectNoDuplicateAndNoLoss(
      faulty.test,
      SAMPLE_ISSUE_ID,
      recipients,
      'cancelled',
    );
    const cancelled = records.filter((r) => r.status === 'cancelled');
    expect(cancelled.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.status === 'sent').length).toBe(received.size);
    expect(issue.progress.total).toMatchObject({ cancelled: cancelled.length, pending: 0 });
    // A cancelled send stays cancelled: it can be neither resumed nor cancelled into anything else.
    expect((await control(faulty, 'resume')).status).toBe(409);
    expect(await (await control(faulty, 'cancel')).json()).toMatchObject({ status: 'cancelled' });
  });

  it('refuses to pause a draft, naming its status, and pauses and resumes from the CLI to the end', async () => {
    current = await startFaultyStack('cli-controls');
    const faulty = current;
    const response = await control(faulty, 'pause');
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('draft');
    expect((await control(faulty, 'resume')).status).toBe(409);
    expect((await faulty.api('/api/issues/no-such-issue/cancel', { method: 'POST' })).status).toBe(404);

    const { stack } = faulty.test;
    const cli = async (action: SendAction) => {
      let output = '';
      const target = { issueId: SAMPLE_ISSUE_ID, url: stack.urls.api, token: stack.tokens.editor };
      const ok = await runSendControl({ ...target, action, out: { write: (text: string) => (output += text) } });
      return { ok, output };
    };
    const recipients = await sendHeld(faulty);
    expect(await cli('pause')).toEqual({ ok: true, output: `Issue ${SAMPLE_ISSUE_ID} is paused.\n` });
    stack.queue.resume();
    await stack.drained();
    expect(faulty.proxy.stats.calls).toBe(0);
    const resumed = await cli('resume');
    expect(resumed.ok).toBe(true);
    expect(resumed.output).toMatch(new RegExp(`^Issue ${SAMPLE_ISSUE_ID} is sending\\.\n`));
    expect(resumed.output).toContain('Issue is sent.');
    await expectNoDuplicateAndNoLoss(faulty.test, SAMPLE_ISSUE_ID, recipients);
  });
});

describe('auto-pause', { timeout: 180_000 }, () => {
  it('pauses on a suspended SES account with the reason, fills no dead letters, and sends the rest once after the resume', async () => {
    current = await startFaultyStack('suspended', {
      fault: (n) => (n >= 3 ? { kind: 'refuse', error: 'AccountSuspendedException' } : { kind: 'forward' }),
    });
    const faulty = current;
    const recipients = await faulty.audience();
    expect((await faulty.api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' })).status).toBe(202);
    const paused = await issueWhen(faulty, (i) => i.status === 'paused');
    expect(paused.pausedBy).toBe('ses');
    expect(paused.pauseReason).toContain('AccountSuspendedException');
    await faulty.test.stack.drained();
    // Each sender met the refusal at most once before the pause stopped them all; nobody is failed for it.
    expect(faulty.proxy.stats.refused).toBeLessThanOrEqual(4);
    expect(faulty.test.stack.queue.deadLetters).toEqual([]);
    const records = await deliveryRecords(faulty.test, SAMPLE_ISSUE_ID);
    expect(records.filter((r) => r.status === 'failed')).toEqual([]);

    // The account is fine again: the editor resumes, and the waiting batches go out.
    faulty.proxy.setFault(undefined);
    expect((await control(faulty, 'resume')).status).toBe(200);
    await issueWhen(faulty, (i) => i.status === 'sent' && Boolean(i.reconciledAt));
    const { records: after } = await expectNoDuplicateAndNoLoss(faulty.test, SAMPLE_ISSUE_ID, recipients);
    expect(after.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(faulty.test.stack.queue.deadLetters).toEqual([]);
  });

  it('pauses when the bounce rate crosses the profile’s limit, and not again once an editor resumes', async () => {
    current = await startFaultyStack('bounces', { sendConcurrency: 1 });
    const faulty = current;
    const { stack } = faulty.test;
    // As the profile's `sendLimits` would set it: a rate counts from 40 mails sent.
    stack.services.reference.profile.sendLimits = { maxBounceRate: 0.05, minSent: 40 };
    const recipients = await sendHeld(faulty);
    // The senders stop once 40 mails went out, the send still running, until the bounces are in.
    let given = 0;
    faulty.proxy.setFault((_, entries) => {
      if (given < 40 && (given += entries) >= 40) stack.queue.pause();
      return { kind: 'forward' };
    });
    stack.queue.resume();
    await issueWhen(faulty, (i) => i.progress.total.sent >= 40);
    const emails = await sentEmails(stack);
    const bounce = (email: (typeof emails)[number]) =>
      fetch(`${stack.urls.api}/local/ses-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          eventType: 'Bounce',
          mail: { messageId: email.messageId, destination: email.destination.to },
          bounce: { bounceType: 'Permanent' },
        }),
      });
    // One bounce in 40 to 89 mails (below 5 %) changes nothing; a few more cross the limit.
    expect((await bounce(emails[0]!)).status).toBe(202);
    expect((await stack.services.issues.get(SAMPLE_ISSUE_ID))?.status).toBe('sending');
    for (const email of emails.slice(1, 5)) expect((await bounce(email)).status).toBe(202);
    const paused = await issueWhen(faulty, (i) => i.status === 'paused');
    expect(paused.pausedBy).toBe('bounces');
    expect(paused.pauseReason).toMatch(/^bounce rate \d+\.\d % \(\d of \d+ sent\) is above 5\.0 %$/);

    const callsWhilePaused = faulty.proxy.stats.calls;
    stack.queue.resume();
    await stack.drained();
    expect(faulty.proxy.stats.calls).toBe(callsWhilePaused);

    expect((await control(faulty, 'resume')).status).toBe(200);
    expect((await bounce(emails[5]!)).status).toBe(202);
    await issueWhen(faulty, (i) => i.status === 'sent' && Boolean(i.reconciledAt));
    await expectNoDuplicateAndNoLoss(faulty.test, SAMPLE_ISSUE_ID, recipients);
  });
});
