// The whole pipeline on the embedded stack: dynalite, the SES emulator, the in-process queue, the HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentEmails, startTestStack, type StoredEmail, type TestStack } from '../support/embedded-stack.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import subscribers from '../../local/sample/secon/subscribers.json' with { type: 'json' };
import sampleIssue from '../../local/sample/secon/issue.json' with { type: 'json' };
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';

let test: TestStack;
const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
  const { token = test.stack.adminToken, ...rest } = init;
  return fetch(`${test.stack.urls.api}${path}`, {
    ...rest,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...rest.headers },
  });
};

beforeAll(async () => {
  test = await startTestStack('pipeline', { adminToken: 'integration-token-0123456789' });
});

afterAll(() => test?.dispose());

describe('the embedded stack', () => {
  it('lists the sample issue as a draft to an editor', async () => {
    const response = await api('/api/issues');
    expect(response.status).toBe(200);
    const { issues } = await response.json();
    expect(issues).toContainEqual(expect.objectContaining({ id: SAMPLE_ISSUE_ID, status: 'draft' }));
  });

  it('answers 401 to a request without the bearer token, and 404 naming an unknown issue', async () => {
    expect((await api('/api/issues', { token: null })).status).toBe(401);
    const missing = await api('/api/issues/no-such-issue');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain('no-such-issue');
  });

  it('refuses a send request with an unknown field and leaves the issue a draft', async () => {
    const response = await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ everyone: true }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.field).toBe('everyone');
    expect((await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()).status).toBe('draft');
  });

  it('sends every confirmed subscriber exactly one email, in their own language', async () => {
    const response = await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' });
    expect(response.status).toBe(202);
    await test.stack.drained();

    const emails = await sentEmails(test.stack);
    const confirmed = subscribers.filter((s) => s.status === 'confirmed');
    const received = new Map<string, StoredEmail[]>();
    for (const email of emails)
      for (const to of email.destination.to) received.set(to, [...(received.get(to) ?? []), email]);

    expect(emails).toHaveLength(confirmed.length);
    for (const subscriber of confirmed) {
      const mails = received.get(subscriber.email) ?? [];
      expect(mails, subscriber.email).toHaveLength(1);
      const subject = sampleIssue.subject[subscriber.language as keyof typeof sampleIssue.subject];
      expect(mails[0]?.subject, subscriber.email).toBe(subject);
      expect(mails[0]?.body.html).toContain(`lang="${subscriber.language}"`);
      if (subscriber.name) expect(mails[0]?.body.html).toContain(subscriber.name);
    }
    for (const subscriber of subscribers.filter((s) => s.status !== 'confirmed')) {
      expect(received.has(subscriber.email), subscriber.email).toBe(false);
    }
  });

  it('reports the issue sent with counts per country and language that match what SES received', async () => {
    const issue = await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json();
    const confirmed = subscribers.filter((s) => s.status === 'confirmed');
    expect(issue.status).toBe('sent');
    // The embedded SES publishes what SES would: the simulator's bounce and complaint addresses bounce and complain.
    expect(issue.progress.total).toMatchObject({
      recipients: confirmed.length,
      sent: confirmed.length,
      failed: 0,
      skipped: 0,
      pending: 0,
      delivered: confirmed.length - 1,
      bounced: 1,
      complained: 1,
    });
    const bg = issue.progress.byLanguage.find((row: { key: string }) => row.key === 'bg');
    expect(bg.sent).toBe(confirmed.filter((s) => s.language === 'bg').length);
    expect(issue.progress.byCountry).toHaveLength(10);
    const bgInBulgaria = confirmed.filter((s) => s.country === 'BG' && s.language === 'bg').length;
    expect(issue.progress.bySegment).toContainEqual(expect.objectContaining({ key: 'BG/bg', sent: bgInBulgaria }));
  });

  it('suppresses the addresses that hard-bounced or complained', async () => {
    for (const email of ['bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com']) {
      const stored = await test.stack.services.subscribers.get(subscriberIdFor(email));
      expect(stored?.status, email).toBe('suppressed');
    }
  });

  it('counts an SES event posted to /local/ses-events once, however often it comes', async () => {
    const emails = await sentEmails(test.stack);
    const mail = emails.find((e) => e.destination.to.includes('maria.papadopoulou@example.gr'))!;
    const complaint = {
      eventType: 'Complaint',
      mail: { messageId: mail.messageId },
      complaint: { complainedRecipients: [] },
    };
    const post = () =>
      fetch(`${test.stack.urls.api}/local/ses-events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(complaint),
      });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(202);
    const issue = await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json();
    expect(issue.progress.total.complained).toBe(2);
    const broken = await fetch(`${test.stack.urls.api}/local/ses-events`, { method: 'POST', body: '{not json' });
    expect(broken.status).toBe(400);
  });

  it('refuses to send the same issue a second time', async () => {
    const response = await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST' });
    expect(response.status).toBe(409);
  });

  it('serves the web version of each edition, and a 404 page for an unknown language', async () => {
    const page = await fetch(`${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/el`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('lang="el"');
    expect(html).toContain(sampleIssue.subject.el);
    expect(html).not.toContain('{{');
    const unknown = await fetch(`${test.stack.urls.api}/archive/${SAMPLE_ISSUE_ID}/xx`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
  });

  it('keeps its data across a restart on the same data directory', async () => {
    const restarted = await test.restart();
    expect(restarted.seeded).toBe(false);
    const issue = await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json();
    expect(issue.status).toBe('sent');
  });
});
