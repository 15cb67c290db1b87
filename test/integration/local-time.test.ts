// Sending at a local hour on the embedded stack: one schedule per distinct start, each start sending only its
// countries, the issue sending (not sent) while starts wait, a cancel stopping the starts that have not begun.
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { createScheduledSendHandler } from '../../functions/handlers/scheduled-send.ts';
import type { DeliveryRecord } from '../../functions/domain/ports.ts';
import { until } from '../support/until.ts';

const TOKEN = 'local-time-token-0123456789abcdef';
let test: TestStack | undefined;
afterEach(async () => {
  await test?.dispose();
  test = undefined;
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${test!.stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
const send = (body: unknown) =>
  api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST', body: JSON.stringify(body) });

interface IssueAnswer {
  status: string;
  progress: { total: { recipients: number; pending: number } };
  localStarts?: { localTime: unknown; starts: { at: string; countries: string[]; state: string }[] };
}
const issue = async () => (await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as IssueAnswer;

async function records(): Promise<DeliveryRecord[]> {
  const all: DeliveryRecord[] = [];
  for await (const page of test!.stack.services.deliveries.records(SAMPLE_ISSUE_ID)) all.push(...page);
  return all;
}

/** A date two days ahead (UTC), so 09:00 is ahead everywhere. */
const ahead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Runs start `n` as the scheduler would when its time comes. */
const fire = (n: number) => createScheduledSendHandler(test!.stack.services)({ issueId: SAMPLE_ISSUE_ID, start: n });

describe('a send at a local hour', () => {
  it('starts each country at 09:00 its time, sends only the started countries, and cancels the rest', async () => {
    test = await startTestStack('local-time', { adminToken: TOKEN });
    const byCountry = (
      (await (await api(`/api/issues/${SAMPLE_ISSUE_ID}/audience`)).json()) as {
        byCountry: Record<string, number>;
      }
    ).byCountry;
    const date = ahead(2);
    const scheduled = await send({ localTime: { date, time: '09:00' }, allowFallback: true });
    expect(scheduled.status, await scheduled.clone().text()).toBe(202);
    const { starts } = (await scheduled.json()) as { starts: { at: string; countries: string[] }[] };

    // SECON's ten countries are in three zones: three starts, an hour apart, the easternmost first.
    expect(starts.map((s) => s.countries.sort())).toEqual([
      ['BG', 'GR', 'LV', 'RO'],
      ['BE', 'DE', 'ES', 'HU', 'PL'],
      ['PT'],
    ]);
    const hours = starts.map((s) => new Date(s.at).getUTCHours());
    expect(hours[1]! - hours[0]!).toBe(1);
    expect(hours[2]! - hours[1]!).toBe(1);
    for (const [n, s] of starts.entries()) {
      expect(test.stack.scheduler.armed.get(`${SAMPLE_ISSUE_ID}#${n}`)?.toISOString()).toBe(s.at);
    }
    expect((await issue()).status).toBe('scheduled');

    // A restart re-arms every start.
    await test.restart();
    expect([...test.stack.scheduler.armed.keys()].sort()).toEqual(starts.map((_, n) => `${SAMPLE_ISSUE_ID}#${n}`));

    // The first start: its four countries are sent, the issue keeps sending while the other starts wait.
    await fire(0);
    const first = ['BG', 'GR', 'LV', 'RO'].reduce((sum, c) => sum + (byCountry[c] ?? 0), 0);
    const handled = await until(records, (all) => all.length >= first && all.every((r) => r.status !== 'claimed'));
    expect(handled.length).toBe(first);
    expect(new Set(handled.map((r) => r.country))).toEqual(new Set(['BG', 'GR', 'LV', 'RO']));
    await test.stack.drained();
    const midway = await issue();
    expect(midway.status).toBe('sending');
    expect(midway.localStarts?.starts.map((s) => s.state)).toEqual(['started', 'waiting', 'waiting']);
    // A start run twice (at-least-once delivery) sends nobody again.
    await fire(0);
    await test.stack.drained();
    expect((await records()).length).toBe(first);

    // The second start, then a cancel: Portugal never gets it, and the send ends.
    await fire(1);
    const second = first + ['BE', 'DE', 'ES', 'HU', 'PL'].reduce((sum, c) => sum + (byCountry[c] ?? 0), 0);
    await until(records, (all) => all.length >= second);
    const cancelled = await api(`/api/issues/${SAMPLE_ISSUE_ID}/schedule`, { method: 'DELETE' });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'sending', cancelled: ['PT'] });
    expect(test.stack.scheduler.armed.has(`${SAMPLE_ISSUE_ID}#2`)).toBe(false);
    const ended = await until(issue, (i) => i.status === 'sent');
    expect(ended.status).toBe('sent');
    expect(ended.progress.total).toMatchObject({ recipients: second, pending: 0 });
    expect(ended.localStarts?.starts.map((s) => s.state)).toEqual(['started', 'started', 'cancelled']);
    const all = await records();
    expect(all.length).toBe(second);
    expect(all.some((r) => r.country === 'PT')).toBe(false);
    // The cancelled start, had its schedule fired anyway, sends nothing.
    await fire(2);
    await test.stack.drained();
    expect((await sentEmails(test.stack)).length).toBe(second);
  });

  it('refuses an hour that has passed somewhere, naming localTime.time, and a date and an instant together', async () => {
    test = await startTestStack('local-time-refused', { adminToken: TOKEN });
    const past = await send({ localTime: { date: ahead(-1), time: '09:00' } });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { field: string } }).error.field).toBe('localTime.time');
    const both = await send({
      at: new Date(Date.now() + 86_400_000).toISOString(),
      localTime: { date: ahead(2), time: '09:00' },
    });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { field: string } }).error.field).toBe('localTime');
    const malformed = await send({ localTime: { date: ahead(2), time: '9 am' } });
    expect(((await malformed.json()) as { error: { field: string } }).error.field).toBe('localTime.time');
    expect((await issue()).status).toBe('draft');
    expect(test.stack.scheduler.armed.size).toBe(0);
  });

  it('is a draft again when cancelled before its first start, with no schedule left', async () => {
    test = await startTestStack('local-time-cancel', { adminToken: TOKEN });
    await putAudience({ countries: ['BG', 'PT'] });
    const scheduled = await send({ localTime: { date: ahead(3), time: '18:30' }, allowFallback: true });
    expect(scheduled.status, await scheduled.clone().text()).toBe(202);
    expect(((await scheduled.json()) as { starts: unknown[] }).starts).toHaveLength(2);
    expect(test.stack.scheduler.armed.size).toBe(2);
    const cancelled = await api(`/api/issues/${SAMPLE_ISSUE_ID}/schedule`, { method: 'DELETE' });
    expect(await cancelled.json()).toMatchObject({ status: 'draft', cancelled: ['BG', 'PT'] });
    expect(test.stack.scheduler.armed.size).toBe(0);
    expect((await issue()).status).toBe('draft');
    await fire(0);
    await test.stack.drained();
    expect((await records()).length).toBe(0);

    // Deleting the draft deletes its starts: a new issue of the same title (the same id) has none.
    expect((await api(`/api/issues/${SAMPLE_ISSUE_ID}`, { method: 'DELETE' })).status).toBe(204);
    expect(await test.stack.services.starts.get(SAMPLE_ISSUE_ID)).toBeUndefined();
  });
});

async function putAudience(selection: unknown) {
  const { title, subject, preheader, intro, sections } = (await (
    await api(`/api/issues/${SAMPLE_ISSUE_ID}`)
  ).json()) as Record<string, unknown>;
  const body = { title, subject, ...(preheader ? { preheader } : {}), intro, sections, audience: selection };
  const response = await api(`/api/issues/${SAMPLE_ISSUE_ID}`, { method: 'PUT', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}
