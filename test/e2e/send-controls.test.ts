// Pausing and cancelling a running send from the editor web app, in a real browser (Debian Chromium through
// playwright-core) against the embedded stack: the send tab shows the controls, why a send is paused (an
// auto-pause's reason, with a resume button), and the recipients a cancel left out, counted apart.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { generateSubscribers } from '../../local/generate-subscribers.ts';
import { launchChromium } from '../support/browser.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';

let test: TestStack;
let stack: EmbeddedStack;
let browser: Browser;
let page: Page;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.editorToken}`, 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  const [started, launched] = await Promise.all([
    startTestStack('e2e-send-controls', { sendConcurrency: 1 }),
    launchChromium(),
  ]);
  test = started;
  stack = test.stack;
  browser = launched;
  await generateSubscribers(
    stack.services.reference,
    stack.clients.dynamo,
    stack.services.config.tables.subscribers!,
    100,
    { domain: 'controls.example', tallies: stack.services.tallies },
  );
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  // The send tab polls while a send is live: leave it first, so no request is open when the stack stops.
  await page?.goto('about:blank');
  await browser?.close();
  await test?.dispose();
});

describe('the send controls of the editor app', () => {
  it('shows an auto-pause with its reason and resumes it, pauses a send, then cancels it after asking', async () => {
    // The senders wait until the audience is on the queue, so the send is running when the page opens.
    stack.queue.pause();
    const started = await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, {
      method: 'POST',
      body: JSON.stringify({ allowFallback: true }),
    });
    expect(started.status).toBe(202);
    await stack.fanOutQueue.drained();

    await page.goto(`${stack.urls.api}/editor/`);
    await page.getByLabel('Access token').fill(stack.editorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issues' }).waitFor();
    await page.goto(`${stack.urls.api}/editor/#/issues/${SAMPLE_ISSUE_ID}/send`);
    const controls = page.getByRole('region', { name: 'Running send' });
    // As a sender does when SES refuses the account: the page shows why, and the editor resumes.
    const reason = 'AccountSuspendedException: injected by the test';
    await stack.services.issues.transition(SAMPLE_ISSUE_ID, 'sending', 'paused', {
      pausedBy: 'ses',
      pauseReason: reason,
    });
    await controls.getByText('Herald paused this send: Amazon SES refused it').waitFor();
    await controls.getByText(`Reason: ${reason}`).waitFor();
    await controls.getByRole('button', { name: 'Resume' }).click();
    await controls.getByText('Resumed: the remaining emails are going out.').waitFor();
    await controls.getByRole('button', { name: 'Pause' }).click();
    await controls.getByText('An editor paused this send.').waitFor();
    await controls.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('region', { name: 'Status and progress' }).locator('.status-paused').waitFor();

    // Its batches reach the senders and wait: nothing goes to SES.
    stack.queue.resume();
    await stack.drained();
    expect(await sentEmails(stack)).toEqual([]);

    // Cancelling asks first; keeping it changes nothing.
    await controls.getByRole('button', { name: 'Cancel the send…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this send for good?' });
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(await dialog.count()).toBe(0);
    expect(((await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as { status: string }).status).toBe('paused');

    await controls.getByRole('button', { name: 'Cancel the send…' }).click();
    await dialog.getByRole('button', { name: 'Cancel the send' }).click();
    await controls.getByText('Cancelled: nobody else gets this issue.').waitFor();
    const issue = (await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as {
      progress: { total: { recipients: number } };
    };
    // Every recipient ends cancelled as the senders reach their batch; the page follows until the send settles.
    await controls
      .getByText(new RegExp(`: ${issue.progress.total.recipients} recipients were not sent the issue\\.$`))
      .waitFor({ timeout: 30_000 });
    await page.getByRole('region', { name: 'Status and progress' }).locator('.status-cancelled').waitFor();
    expect(await controls.getByRole('button').count()).toBe(0);
    expect(await sentEmails(stack)).toEqual([]);
  });
});
