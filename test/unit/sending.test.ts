import { describe, expect, it } from 'vitest';
import { secon } from '../support/profile.ts';
import {
  BATCH_SIZE,
  cancelScheduledSend,
  fanOutSegment,
  runScheduledSend,
  scheduleSend,
  startSend,
} from '../../functions/domain/sending.ts';
import { deliverBatch } from '../../functions/domain/delivery.ts';
import {
  checkSendEnd,
  countIncrements,
  OUTCOME_UNKNOWN,
  type EndCheckOutcome,
} from '../../functions/domain/progress.ts';
import { resumeSend } from '../../functions/domain/resume.ts';
import { runScheduledStart } from '../../functions/domain/local-time.ts';
import { ingestSesEvent } from '../../functions/domain/ses-events.ts';
import { createSenderHandler } from '../../functions/handlers/sender.ts';
import type { DeliveryServices } from '../../functions/wiring/delivery-services.ts';
import { sqsEvent } from '../../local/queue.ts';
import { tagValue } from '../../functions/domain/message-tags.ts';
import { createTokens } from '../../functions/domain/tokens.ts';
import {
  ConflictError,
  MailerRefusedError,
  RetryLaterError,
  TranslationGapsError,
} from '../../functions/domain/errors.ts';
import {
  cancelSend,
  DEFAULT_SEND_LIMITS,
  pauseOnReactions,
  pauseSend,
  rateBreach,
  resumePausedSend,
  sendLimitsOf,
} from '../../functions/domain/send-controls.ts';
import { createSesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EditionView } from '../../functions/domain/edition.ts';
import type { EditionRenderer, Recipient, SegmentJob, SendBatch } from '../../functions/domain/ports.ts';
import type { Issue } from '../../functions/domain/records.ts';
import { archivePage } from '../../functions/domain/issues.ts';
import {
  collectingQueue,
  fakeContentStore,
  fakeAudience,
  fakeTallies,
  fakeDeliveryStore,
  fakeIssueStore,
  fakeMailer,
  fakeSendCounters,
  fakeSentRecords,
  fakeSubscribers,
  fixedClock,
  fakePeopleSketches,
  fakeGrowthCounters,
  fakeSendStarts,
} from './fakes.ts';

const issue: Issue = {
  id: 'issue-1',
  title: 'Issue 1',
  status: 'draft',
  createdAt: '2025-03-01T00:00:00Z',
  subject: { en: 'News', bg: 'Новини' },
  intro: { en: 'Hello', bg: 'Здравейте' },
  sections: [],
};

/** Renders an edition as its language and subject, so tests can see which edition went where. */
const label = async (view: EditionView) => ({
  language: view.language,
  subject: view.subject.text,
  html: `<p>${view.language}</p>`,
  text: view.language as string,
});
const labelRenderer: EditionRenderer = {
  render: label,
  renderAll: (views) => Promise.all(views.map(label)),
  personalize: (html) => html,
};

const people = (n: number, region = 'Haskovo'): Recipient[] =>
  Array.from({ length: n }, (_, i) => ({ id: `s${region}${i}`, email: `p${i}@example.org`, region }));

function setup(
  segments: Record<string, Recipient[]>,
  mailerOptions?: Parameters<typeof fakeMailer>[0],
  quota = { max24HourSend: 50_000, sentLast24Hours: 0, maxSendRate: 14 },
) {
  const issues = fakeIssueStore();
  const counters = fakeSendCounters();
  const deliveries = fakeDeliveryStore();
  const { mailer, calls } = fakeMailer(mailerOptions);
  const queue = collectingQueue();
  /** Everyone is confirmed unless a test unsubscribes them, and consents to measurement unless a test says no. */
  const unsubscribed = new Set<string>();
  const untracked = new Set<string>();
  const statusOf = (id: string) => (unsubscribed.has(id) ? ('unsubscribed' as const) : ('confirmed' as const));
  const jobs: SegmentJob[] = [];
  const clock = { at: fixedClock.now(), now: () => clock.at };
  const pauses: number[] = [];
  const deps = {
    subscribers: {
      statuses: async (ids: readonly string[]) => new Map(ids.map((id) => [id, statusOf(id)])),
      sendStates: async (ids: readonly string[]) =>
        new Map(ids.map((id) => [id, { status: statusOf(id), tracking: !untracked.has(id) }])),
    },
    issues,
    counters,
    sketches: fakePeopleSketches(),
    growth: fakeGrowthCounters(),
    content: fakeContentStore(),
    renderer: labelRenderer,
    audience: fakeAudience(segments),
    tallies: fakeTallies(segments),
    queue,
    // The fan-out queue runs each job at once, as if a FanOut function took it straight away.
    fanOut: {
      enqueue: async (more: SegmentJob[]) => {
        jobs.push(...more);
        for (const job of more) await fanOutSegment(deps, job);
      },
    },
    deliveries,
    mailer,
    pacer: { acquire: async () => {} },
    policy: { claimTimeoutMs: 60_000, throttleAttempts: 3, backoffMs: 100 },
    sleep: async (ms: number) => void pauses.push(ms),
    clock,
    publicUrl: 'https://news.example',
    reference: secon,
    tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters')),
    quota: { quota: async () => quota },
    edition: issues.getEdition,
    sentRecords: fakeSentRecords(),
    starts: fakeSendStarts(),
  };
  return { deps, issues, counters, deliveries, calls, queue, unsubscribed, untracked, jobs, clock, pauses };
}

describe('startSend', () => {
  it('renders one edition per language and enqueues each segment in batches of at most 50', async () => {
    const { deps, issues, counters, queue, jobs } = setup({ 'BG#bg': people(120), 'GR#en': people(3, 'Peloponnese') });
    await issues.put(issue);

    const { recipients } = await startSend(deps, issue.id, { allowFallback: true });

    expect(recipients).toBe(123);
    expect(jobs.map((j) => `${j.country}/${j.language}`)).toEqual(['GR/en', 'BG/bg']);
    expect((await counters.readTotal(issue.id)).recipients).toBe(123);
    expect(issues.editions.size).toBe(11);
    expect((await issues.getEdition(issue.id, 'bg'))?.subject).toBe('Новини');
    expect(queue.batches.map((b) => [b.country, b.language, b.recipients.length])).toEqual([
      ['GR', 'en', 3],
      ['BG', 'bg', 50],
      ['BG', 'bg', 50],
      ['BG', 'bg', 20],
    ]);
    expect(queue.batches.every((b) => b.recipients.length <= BATCH_SIZE)).toBe(true);
    expect((await issues.get(issue.id))?.status).toBe('sending');
  });

  it('refuses to send while a language with subscribers lacks its subject or intro, naming the gaps', async () => {
    const { deps, issues } = setup({ 'BG#bg': people(2), 'GR#el': people(1, 'Peloponnese') });
    await issues.put(issue);

    const refused = startSend(deps, issue.id);
    await expect(refused).rejects.toBeInstanceOf(TranslationGapsError);
    await expect(refused).rejects.toMatchObject({ gaps: { el: ['subject', 'intro'] } });
    expect((await issues.get(issue.id))?.status).toBe('draft');

    expect((await startSend(deps, issue.id, { allowFallback: true })).recipients).toBe(3);
  });

  it('refuses a send larger than what is left of the SES daily quota, with the numbers, and freezes nothing', async () => {
    const { deps, issues, queue } = setup({ 'BG#bg': people(120) }, undefined, {
      max24HourSend: 200,
      sentLast24Hours: 100,
      maxSendRate: 14,
    });
    await issues.put(issue);
    await expect(startSend(deps, issue.id, { allowFallback: true })).rejects.toMatchObject({
      status: 409,
      code: 'quota_exceeded',
      details: { recipients: 120, remaining: 100, max24HourSend: 200, sentLast24Hours: 100 },
    });
    expect((await issues.get(issue.id))?.status).toBe('draft');
    expect(queue.batches).toHaveLength(0);
  });

  it('keeps the highlights and practices it shows as they are when the send starts, for their archive pages', async () => {
    const { deps, issues } = setup({ 'BG#bg': people(2) });
    const highlight = { id: 'fair', country: 'BG', place: 'Haskovo', startDate: '2026-06-10', title: { en: 'Fair' } };
    const practice = { id: 'kitchen', country: 'BG', region: 'Haskovo', organisation: { name: 'O', type: 'NGO' } };
    await deps.content.put('highlight', { ...highlight, summary: { en: 'S' }, body: { en: 'As sent' } });
    await deps.content.put('practice', { ...practice, title: { en: 'Kitchen' }, summary: { en: 'S' } });
    await deps.content.put('indicator', { id: 'meetings', label: { en: 'Meetings' }, target: 7, achieved: 7 });
    const sections: Issue['sections'] = [
      { type: 'events', items: ['fair'] },
      { type: 'practices', items: ['kitchen'] },
      { type: 'indicators', items: ['meetings'] },
    ];
    await issues.put({ ...issue, sections });
    await startSend(deps, issue.id, { allowFallback: true });
    // Edited after the send started: the issue's pages keep what was sent.
    await deps.content.put('highlight', { ...highlight, summary: { en: 'S' }, body: { en: 'Edited later' } });
    expect(await deps.sentRecords.getSent(issue.id, 'fair')).toMatchObject({
      kind: 'highlight',
      record: { body: { en: 'As sent' } },
    });
    expect((await deps.sentRecords.getSent(issue.id, 'kitchen'))?.kind).toBe('practice');
    expect(await deps.sentRecords.getSent(issue.id, 'meetings')).toBeUndefined();
  });

  it('refuses to send an issue twice', async () => {
    const { deps, issues } = setup({});
    await issues.put(issue);
    await startSend(deps, issue.id);
    await expect(startSend(deps, issue.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('deliverBatch', () => {
  async function sentIssue(segments: Record<string, Recipient[]>, mailerOptions?: Parameters<typeof fakeMailer>[0]) {
    const ctx = setup(segments, mailerOptions);
    await ctx.issues.put(issue);
    await startSend(ctx.deps, issue.id, { allowFallback: true });
    return ctx;
  }

  it('sends each recipient their language edition and marks the issue sent when all are done', async () => {
    const { deps, issues, counters, queue, calls, deliveries } = await sentIssue({ 'BG#bg': people(60) });
    for (const batch of queue.batches) await deliverBatch(deps, batch);

    expect(calls.map((c) => [c.edition.language, c.entries.length])).toEqual([
      ['bg', 50],
      ['bg', 10],
    ]);
    expect([...deliveries.byId.values()].every((r) => r.status === 'sent' && r.messageId)).toBe(true);
    expect((await issues.get(issue.id))?.status).toBe('sent');
    expect((await counters.readTotal(issue.id)).sent).toBe(60);
  });

  it('skips recipients already handled when a batch is delivered twice', async () => {
    const { deps, queue, calls, counters } = await sentIssue({ 'BG#bg': people(5) });
    const batch = queue.batches[0] as SendBatch;
    await deliverBatch(deps, batch);
    const again = await deliverBatch(deps, batch);

    expect(again).toEqual({ sent: 0, failed: 0, skipped: 0, cancelled: 0, alreadyHandled: 5, waiting: 0 });
    expect(calls).toHaveLength(1);
    expect((await counters.readTotal(issue.id)).sent).toBe(5);
  });

  it('gives the claims back when SES keeps throttling the call, so the retry reaches everyone once', async () => {
    const { deps, queue, calls, deliveries, pauses } = await sentIssue(
      { 'BG#bg': people(4) },
      { throwOnCall: (n) => n <= 3 },
    );
    const batch = queue.batches[0] as SendBatch;
    await expect(deliverBatch(deps, batch)).rejects.toThrow('TooManyRequestsException');
    // Three calls in the attempt, with two growing pauses (full jitter: at most 100, then 200 ms).
    expect(pauses).toHaveLength(2);
    expect(pauses[1]).toBeLessThanOrEqual(200);
    expect(deliveries.byId.size).toBe(0);

    await deliverBatch(deps, batch);
    expect(calls.flatMap((c) => c.entries.map((e) => e.to)).sort()).toEqual(
      people(4)
        .map((p) => p.email)
        .sort(),
    );
  });

  it('records a failed entry with its reason and counts it as failed', async () => {
    const { deps, queue, deliveries, issues, counters } = await sentIssue(
      { 'BG#bg': people(3) },
      {
        fail: (entry) =>
          entry.to === 'p1@example.org' ? { error: 'MESSAGE_REJECTED: address rejected', retry: false } : undefined,
      },
    );
    await deliverBatch(deps, queue.batches[0] as SendBatch);

    expect(deliveries.byId.get('sHaskovo1')).toEqual({
      status: 'failed',
      reason: 'MESSAGE_REJECTED: address rejected',
    });
    const total = await counters.readTotal(issue.id);
    expect([total.sent, total.failed]).toEqual([2, 1]);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('retries a throttled entry with the next delivery of the batch, and sends the others once', async () => {
    let throttled = true;
    const { deps, queue, calls, issues, counters } = await sentIssue(
      { 'BG#bg': people(3) },
      {
        fail: (entry) =>
          entry.to === 'p2@example.org' && throttled
            ? { error: 'ACCOUNT_THROTTLED: slow down', retry: true }
            : undefined,
      },
    );
    const batch = queue.batches[0] as SendBatch;
    await expect(deliverBatch(deps, batch)).rejects.toBeInstanceOf(RetryLaterError);
    throttled = false;
    expect(await deliverBatch(deps, batch, { number: 2, last: false })).toMatchObject({ sent: 1, alreadyHandled: 2 });

    expect(calls.flatMap((c) => c.entries.map((e) => e.to))).toEqual([
      'p0@example.org',
      'p1@example.org',
      'p2@example.org',
      'p2@example.org',
    ]);
    expect((await counters.readTotal(issue.id)).sent).toBe(3);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('on the last attempt, records a still throttled entry as failed with the reason and sends the batch to the dead letters', async () => {
    const { deps, queue, deliveries, issues, counters } = await sentIssue(
      { 'BG#bg': people(2) },
      {
        fail: (entry) =>
          entry.to === 'p1@example.org' ? { error: 'ACCOUNT_THROTTLED: slow down', retry: true } : undefined,
      },
    );
    await expect(deliverBatch(deps, queue.batches[0] as SendBatch, { number: 5, last: true })).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    expect(deliveries.byId.get('sHaskovo1')).toEqual({ status: 'failed', reason: 'ACCOUNT_THROTTLED: slow down' });
    const total = await counters.readTotal(issue.id);
    expect([total.sent, total.failed]).toEqual([1, 1]);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('never sends twice when the answer of a call SES took is lost: the claims end as outcome unknown', async () => {
    const { deps, queue, calls, deliveries, issues, counters, clock } = await sentIssue(
      { 'BG#bg': people(3) },
      { throwOnCall: (n) => (n === 1 ? 'unknown' : false) },
    );
    const batch = queue.batches[0] as SendBatch;
    await expect(deliverBatch(deps, batch)).rejects.toThrow('socket hang up');
    expect(deliveries.byId.get('sHaskovo0')?.status).toBe('claimed');

    // A duplicate delivering while the claim is young leaves it to its owner.
    expect(await deliverBatch(deps, batch, { number: 2, last: false })).toMatchObject({ failed: 0, alreadyHandled: 3 });
    // Once the claim is older than any attempt can run, its sender has stopped.
    clock.at = new Date(clock.at.getTime() + 60_000);
    expect(await deliverBatch(deps, batch, { number: 3, last: false })).toMatchObject({ sent: 0, failed: 3 });

    expect(calls).toHaveLength(0);
    expect(deliveries.byId.get('sHaskovo0')).toEqual({ status: 'failed', reason: OUTCOME_UNKNOWN });
    expect((await counters.readTotal(issue.id)).failed).toBe(3);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('leaves out a subscriber who unsubscribed after the send started, and still completes the issue', async () => {
    const { deps, queue, calls, deliveries, issues, counters, unsubscribed } = await sentIssue({ 'BG#bg': people(3) });
    unsubscribed.add('sHaskovo1');
    expect(await deliverBatch(deps, queue.batches[0] as SendBatch)).toEqual({
      sent: 2,
      failed: 0,
      skipped: 1,
      cancelled: 0,
      alreadyHandled: 0,
      waiting: 0,
    });

    expect(calls[0]?.entries.map((e) => e.to)).not.toContain('p1@example.org');
    expect(deliveries.byId.get('sHaskovo1')).toEqual({ status: 'skipped', reason: 'unsubscribed' });
    expect((await counters.readTotal(issue.id)).skipped).toBe(1);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('gives only recipients who consented a tracking token, and counts them as measured in their segments', async () => {
    const { deps, queue, calls, deliveries, counters, untracked } = await sentIssue({ 'BG#bg': people(3) });
    untracked.add('sHaskovo1');
    const written: string[][] = [];
    const add = counters.add.bind(counters);
    counters.add = async (issueId, increments) => {
      written.push(increments.map((i) => `${i.dimension}#${i.key}`));
      return add(issueId, increments);
    };
    await deliverBatch(deps, queue.batches[0] as SendBatch);
    // The batch's sent and measured counts go to each counter in one write.
    expect(written[0]).toHaveLength(new Set(written[0]).size);
    expect(written[0]).toContain('total#all');

    const tokens = new Map(calls[0]!.entries.map((e) => [e.to, e.data.trackingToken]));
    expect(tokens.get('p1@example.org')).toBe('');
    expect(tokens.get('p0@example.org')).toMatch(/.{20}/);
    expect(tokens.get('p2@example.org')).toMatch(/.{20}/);
    expect([...deliveries.byId].map(([id, r]) => [id, r.tracked === true])).toEqual([
      ['sHaskovo0', true],
      ['sHaskovo1', false],
      ['sHaskovo2', true],
    ]);
    const counter = async (dimension: string, key: string) =>
      (await counters.all(issue.id)).find((c) => c.dimension === dimension && c.key === key);
    expect(await counter('total', 'all')).toMatchObject({ sent: 3, measured: 2 });
    expect(await counter('region', 'BG/Haskovo')).toMatchObject({ sent: 3, measured: 2 });
    expect(await counter('language', 'bg')).toMatchObject({ measured: 2 });
  });

  it('tags each message with issue, country, language and region in the characters SES allows', async () => {
    const { deps, queue, calls } = await sentIssue({ 'PT#pt': people(1, 'Oliveira de Azeméis') });
    await deliverBatch(deps, queue.batches[0] as SendBatch);
    expect(calls[0]?.entries[0]?.tags).toEqual({
      issue: 'issue-1',
      country: 'PT',
      language: 'pt',
      region: 'Oliveira-de-Azemeis',
    });
    expect(tagValue('Riga Planning Region')).toBe('Riga-Planning-Region');
  });
});

describe('fanOutSegment', () => {
  it('counts a segment once when its fan-out job is delivered twice; the duplicate batches send no one twice', async () => {
    const { deps, issues, counters, queue, calls } = setup({ 'BG#bg': people(70) });
    await issues.put(issue);
    await startSend(deps, issue.id, { allowFallback: true });
    await fanOutSegment(deps, { issueId: issue.id, country: 'BG', language: 'bg' });

    expect(queue.batches).toHaveLength(4);
    for (const batch of queue.batches) await deliverBatch(deps, batch);
    expect(calls.flatMap((c) => c.entries)).toHaveLength(70);
    const total = await counters.readTotal(issue.id);
    expect([total.recipients, total.sent]).toEqual([70, 70]);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('does not call the send complete before every segment is enqueued', async () => {
    const { deps, issues, queue } = setup({ 'BG#bg': people(2), 'GR#en': people(1, 'Peloponnese') });
    await issues.put(issue);
    deps.fanOut.enqueue = async () => {};
    await startSend(deps, issue.id, { allowFallback: true });
    await fanOutSegment(deps, { issueId: issue.id, country: 'GR', language: 'en' });
    for (const batch of queue.batches) await deliverBatch(deps, batch);
    expect((await issues.get(issue.id))?.status).toBe('sending');

    await fanOutSegment(deps, { issueId: issue.id, country: 'BG', language: 'bg' });
    await deliverBatch(deps, queue.batches.at(-1) as SendBatch);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });
});

describe('resumeSend', () => {
  it('recounts an interrupted send from its records, ends open claims as outcome unknown and sends only the rest', async () => {
    const { deps, issues, counters, queue, calls, deliveries } = setup({ 'BG#bg': people(120) });
    await issues.put(issue);
    await startSend(deps, issue.id, { allowFallback: true });
    await deliverBatch(deps, queue.batches[0] as SendBatch);
    // The stack stopped while the second batch was with SES.
    const second = queue.batches[1] as SendBatch;
    for (const r of second.recipients) await deliveries.claim(issue.id, second, r, fixedClock.now().toISOString());
    await counters.add(issue.id, [{ dimension: 'total', key: 'all', counts: { sent: 7 } }]);
    queue.batches.length = 0;

    expect(await resumeSend(deps, issue.id)).toEqual({ handled: 100, unknownOutcome: 50 });
    for (const batch of queue.batches) await deliverBatch(deps, batch);

    expect(calls.flatMap((c) => c.entries)).toHaveLength(70);
    const total = await counters.readTotal(issue.id);
    expect([total.recipients, total.sent, total.failed]).toEqual([120, 70, 50]);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });
});

describe('editions too large to store', () => {
  const huge: EditionRenderer = {
    ...labelRenderer,
    renderAll: async (views) =>
      (await labelRenderer.renderAll(views)).map((e) =>
        e.language === 'el' ? { ...e, html: 'Ω'.repeat(200_000) } : e,
      ),
  };

  it('refuses the send before the issue is frozen, naming the language', async () => {
    const { deps, issues } = setup({ 'BG#bg': people(3) });
    await issues.put(issue);
    await expect(startSend({ ...deps, renderer: huge }, issue.id, { allowFallback: true })).rejects.toMatchObject({
      status: 422,
      code: 'edition_too_large',
      details: expect.objectContaining({ field: 'sections', language: 'el' }),
    });
    expect((await issues.get(issue.id))?.status).toBe('draft');
    expect(issues.editions.size).toBe(0);
  });

  it('puts a send stopped before its editions were stored back to draft when they cannot be, instead of failing every start', async () => {
    const { deps, issues } = setup({ 'BG#bg': people(3) });
    await issues.put({ ...issue, status: 'sending' });
    await expect(resumeSend({ ...deps, renderer: huge }, issue.id)).rejects.toMatchObject({
      code: 'edition_too_large',
    });
    expect((await issues.get(issue.id))?.status).toBe('draft');
    expect(await resumeSend({ ...deps, renderer: huge }, issue.id)).toBeUndefined();
  });
});

describe('the archive', () => {
  it('publishes an edition only once its issue is being sent, not one left by a send that went back to draft', async () => {
    const { issues } = setup({});
    await issues.put(issue);
    await issues.putEdition(issue.id, { language: 'bg', subject: 's', html: '<p>bg</p>', text: 'bg' });
    const deps = { issues, renderer: labelRenderer, reference: secon };
    await expect(archivePage(deps, issue.id, 'bg')).rejects.toMatchObject({ status: 404 });
    await issues.transition(issue.id, 'draft', 'sending');
    await expect(archivePage(deps, issue.id, 'bg')).resolves.toBe('<p>bg</p>');
  });
});

describe('the end check of a send', () => {
  type Context = ReturnType<typeof setup>;

  /** Runs the end checks as the send queue would hand them over, each after its delay; their outcomes and delays. */
  async function runChecks(ctx: Context, most = 20) {
    const seen: { outcome: EndCheckOutcome; delayMs: number }[] = [];
    for (let check = ctx.queue.checks.shift(); check && seen.length < most; check = ctx.queue.checks.shift()) {
      const { delayMs, ...message } = check;
      ctx.clock.at = new Date(ctx.clock.at.getTime() + delayMs);
      seen.push({ outcome: await checkSendEnd(ctx.deps, message), delayMs });
    }
    return seen;
  }

  /** 150 recipients in two segments, in three batches and one. */
  async function started() {
    const ctx = setup({ 'BG#bg': people(120), 'GR#en': people(30, 'Peloponnese') });
    await ctx.issues.put(issue);
    await startSend(ctx.deps, issue.id, { allowFallback: true });
    return ctx;
  }

  /** The first batch of 50 (BG's), and the others. */
  const firstAndRest = (ctx: Context): [SendBatch, SendBatch[]] => {
    const first = ctx.queue.batches.find((b) => b.recipients[0]?.id === 'sHaskovo0')!;
    return [first, ctx.queue.batches.filter((b) => b !== first)];
  };

  /** The first batch's sender is killed after recording its outcomes and before counting them. */
  async function killedSender(ctx: Context) {
    const add = ctx.counters.add;
    let killed = false;
    ctx.counters.add = async (issueId, increments) => {
      if (!killed && increments.some((i) => i.counts.sent)) {
        killed = true;
        throw new Error('Sender killed: task timed out');
      }
      return add(issueId, increments);
    };
    const [first, rest] = firstAndRest(ctx);
    await expect(deliverBatch(ctx.deps, first)).rejects.toThrow('killed');
    for (const batch of rest) await deliverBatch(ctx.deps, batch);
    // The queue delivers the batch again: everyone in it is handled, so nothing more is counted.
    expect(await deliverBatch(ctx.deps, first, { number: 2, last: false })).toMatchObject({ alreadyHandled: 50 });
    expect((await ctx.issues.get(issue.id))?.status).toBe('sending');
    expect((await ctx.counters.readTotal(issue.id)).sent).toBe(100);
  }

  const sendingCounts = async (ctx: Context, dimension: string, key: string) => {
    const counter = (await ctx.counters.all(issue.id)).find((c) => c.dimension === dimension && c.key === key);
    return counter && [counter.recipients, counter.sent, counter.failed, counter.skipped];
  };

  it('follows the send once its audience is enqueued, and reconciles it once even when the counts ended it', async () => {
    const ctx = await started();
    expect(ctx.queue.checks).toEqual([{ issueId: issue.id, check: 'end', delayMs: 60_000 }]);
    for (const batch of ctx.queue.batches) await deliverBatch(ctx.deps, batch);
    expect((await ctx.issues.get(issue.id))?.status).toBe('sent');
    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'reconciled']);
    expect((await ctx.issues.get(issue.id))?.reconciledAt).toBeDefined();
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 150, 0, 0]);
    // Another check (a fan-out delivered twice queues one) finds the send reconciled.
    expect(await checkSendEnd(ctx.deps, { issueId: issue.id, check: 'end' })).toBe('done');
  });

  it('puts right a count added twice, in the total and in every segment, once the send has ended', async () => {
    const ctx = await started();
    for (const batch of ctx.queue.batches) await deliverBatch(ctx.deps, batch);
    // A sender whose count write was retried after it had landed: one recipient counted twice.
    await ctx.counters.add(issue.id, countIncrements('BG', 'bg', ['Haskovo'], 'sent'));
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 151, 0, 0]);
    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'reconciled']);
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 150, 0, 0]);
    expect(await sendingCounts(ctx, 'region', 'BG/Haskovo')).toEqual([120, 120, 0, 0]);
  });

  it('leaves a send with recipients that never got a record to people after a day, instead of looking for ever', async () => {
    const ctx = await started();
    // The first batch went to the dead-letter queue before anyone in it was claimed.
    for (const batch of firstAndRest(ctx)[1]) await deliverBatch(ctx.deps, batch);
    // Every 15 minutes at most, for a day.
    const outcomes = (await runChecks(ctx, 200)).map((c) => c.outcome);
    expect(outcomes.at(-1)).toBe('given-up');
    expect(outcomes.slice(0, -1).every((o) => o === 'later')).toBe(true);
    expect(ctx.queue.checks).toEqual([]);
    expect((await ctx.issues.get(issue.id))?.status).toBe('sending');
    // A redrive of the batch ends the send as usual.
    await deliverBatch(ctx.deps, firstAndRest(ctx)[0]);
    expect((await ctx.issues.get(issue.id))?.status).toBe('sent');
  });

  it('sets the measured count from the delivery records too, when a count was added twice', async () => {
    const ctx = await started();
    ctx.untracked.add('sHaskovo0');
    for (const batch of ctx.queue.batches) await deliverBatch(ctx.deps, batch);
    await ctx.counters.add(issue.id, countIncrements('BG', 'bg', ['Haskovo'], 'measured'));
    const measured = async () => (await ctx.counters.all(issue.id)).find((c) => c.dimension === 'total')?.measured;
    expect(await measured()).toBe(150);
    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'reconciled']);
    expect(await measured()).toBe(149);
  });

  it('ends a send whose counts a killed sender left short, its counts set from the delivery records', async () => {
    const ctx = await started();
    await killedSender(ctx);

    // Counts that moved since the last look mean senders at work; counts that stalled get the records read.
    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'reconciled']);
    expect((await ctx.issues.get(issue.id))?.status).toBe('sent');
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 150, 0, 0]);
    expect(await sendingCounts(ctx, 'country', 'BG')).toEqual([120, 120, 0, 0]);
    expect(await sendingCounts(ctx, 'region', 'GR/Peloponnese')).toEqual([30, 30, 0, 0]);
    expect(await sendingCounts(ctx, 'language', 'bg')).toEqual([120, 120, 0, 0]);
  });

  it('waits while a delivery record changed within a claim timeout, for a sender may still count it', async () => {
    const ctx = await started();
    await killedSender(ctx);
    // A record that changed 100 s after now: the second check, at 120 s, is too close to it.
    const record = ctx.deliveries.byId.get('sHaskovo70')!;
    record.sentAt = new Date(ctx.clock.at.getTime() + 100_000).toISOString();

    expect(await runChecks(ctx)).toEqual([
      { outcome: 'later', delayMs: 60_000 },
      { outcome: 'later', delayMs: 60_000 },
      { outcome: 'reconciled', delayMs: 120_000 },
    ]);
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 150, 0, 0]);
  });

  it('never overwrites a count that lands while it reads the records, and reconciles it on a later look', async () => {
    const ctx = await started();
    await killedSender(ctx);
    // SES rejects a message just after the check read its record as sent.
    const records = ctx.deliveries.records;
    let late = true;
    ctx.deliveries.records = async function* (issueId) {
      for await (const page of records(issueId)) {
        yield page;
        if (late) {
          late = false;
          ctx.deliveries.byId.get('sHaskovo3')!.messageId = 'msg-rejected';
          const deps = { ...ctx.deps, subscribers: fakeSubscribers() };
          expect(await ingestSesEvent(deps, sesReject('msg-rejected'))).toBe('counted');
        }
      }
    };

    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'later', 'later', 'reconciled']);
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 149, 1, 0]);
    expect(await sendingCounts(ctx, 'region', 'BG/Haskovo')).toEqual([120, 119, 1, 0]);
  });

  it('ends the claims of a batch whose sender stopped on its last delivery as outcome unknown, and ends the send', async () => {
    const ctx = await started();
    const [first, rest] = firstAndRest(ctx);
    for (const r of first.recipients) await ctx.deliveries.claim(issue.id, first, r, ctx.clock.at.toISOString());
    for (const batch of rest) await deliverBatch(ctx.deps, batch);

    expect((await runChecks(ctx)).map((c) => c.outcome)).toEqual(['later', 'reconciled']);
    expect(ctx.deliveries.byId.get('sHaskovo0')).toEqual({ status: 'failed', reason: OUTCOME_UNKNOWN });
    expect(await sendingCounts(ctx, 'total', 'all')).toEqual([150, 100, 50, 0]);
    expect((await ctx.issues.get(issue.id))?.status).toBe('sent');
  });

  it('takes a check and a batch from the send queue, and reports a body that is not JSON alone', async () => {
    const ctx = await started();
    const handle = createSenderHandler({
      ...ctx.deps,
      config: { sending: { maxReceives: 5 } },
    } as unknown as DeliveryServices);
    const [check] = ctx.queue.checks.splice(0);
    const event = sqsEvent(['{not json', JSON.stringify(check), JSON.stringify(firstAndRest(ctx)[0])]);

    expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] });
    expect(ctx.calls.flatMap((c) => c.entries)).toHaveLength(50);
    expect(ctx.queue.checks).toMatchObject([{ issueId: issue.id, check: 'end', delayMs: 60_000 }]);
  });
});

/** An SES Reject event for a message. */
const sesReject = (messageId: string) => ({
  eventType: 'Reject',
  mail: { messageId },
  reject: { reason: 'Bad content' },
});

describe('scheduled sends', () => {
  function withScheduler(segments: Record<string, Recipient[]>) {
    const ctx = setup(segments);
    const scheduled = new Map<string, Date>();
    const scheduler = {
      schedule: async (issueId: string, at: Date) => void scheduled.set(issueId, at),
      cancel: async (issueId: string) => void scheduled.delete(issueId),
    };
    return { ...ctx, scheduled, deps: { ...ctx.deps, scheduler } };
  }
  const later = new Date(fixedClock.now().getTime() + 3600_000);

  it('schedules a draft for a future time and sends it when the scheduler fires', async () => {
    const { deps, issues, scheduled, queue } = withScheduler({ 'BG#bg': people(3) });
    await issues.put(issue);
    await scheduleSend(deps, issue.id, later);
    expect(scheduled.get(issue.id)).toEqual(later);
    expect(await issues.get(issue.id)).toMatchObject({ status: 'scheduled', scheduledAt: later.toISOString() });

    expect(await runScheduledSend(deps, issue.id)).toEqual({ recipients: 3 });
    expect(queue.batches).toHaveLength(1);
    expect((await issues.get(issue.id))?.status).toBe('sending');
  });

  it('refuses a time in the past, naming the field', async () => {
    const { deps, issues } = withScheduler({});
    await issues.put(issue);
    await expect(scheduleSend(deps, issue.id, new Date('2020-01-01T00:00:00Z'))).rejects.toMatchObject({ field: 'at' });
    expect((await issues.get(issue.id))?.status).toBe('draft');
  });

  it('cancels a scheduled send, after which the scheduler firing sends nothing', async () => {
    const { deps, issues, scheduled, queue } = withScheduler({ 'BG#bg': people(3) });
    await issues.put(issue);
    await scheduleSend(deps, issue.id, later);
    await cancelScheduledSend(deps, issue.id);

    expect(scheduled.size).toBe(0);
    expect((await issues.get(issue.id))?.status).toBe('draft');
    expect(await runScheduledSend(deps, issue.id)).toBeUndefined();
    expect(queue.batches).toHaveLength(0);
  });
});

describe('send controls of a send at a local hour', () => {
  /** A scheduled issue with two starts, Bulgaria's then Portugal's, each with a schedule of its own. */
  async function localSend() {
    const ctx = setup({ 'BG#bg': people(3), 'PT#en': people(2, 'Lisboa') });
    const armed = new Set<string>();
    const scheduler = {
      schedule: async (issueId: string, _at: Date, n?: number) => void armed.add(`${issueId}#${n}`),
      cancel: async (issueId: string, n?: number) => void armed.delete(n === undefined ? issueId : `${issueId}#${n}`),
    };
    const deps = { ...ctx.deps, scheduler };
    await ctx.issues.put({ ...issue, status: 'scheduled', scheduledAt: '2025-04-01T06:00:00Z' });
    await deps.starts.put(issue.id, { date: '2025-04-01', time: '09:00' }, [
      { at: '2025-04-01T06:00:00Z', countries: ['BG'], timeZones: ['Europe/Sofia'] },
      { at: '2025-04-01T08:00:00Z', countries: ['PT'], timeZones: ['Europe/Lisbon'] },
    ]);
    for (const n of [0, 1]) await scheduler.schedule(issue.id, new Date(), n);
    const states = async () => (await deps.starts.get(issue.id))?.starts.map((s) => s.state);
    /** Runs the end checks until the send ends (or five looks pass). */
    const endCheck = async () => {
      let outcome: EndCheckOutcome = 'later';
      for (let i = 0; i < 5 && outcome === 'later'; i += 1) {
        const check = ctx.queue.checks.at(-1)!;
        ctx.clock.at = new Date(ctx.clock.at.getTime() + check.delayMs + 120_000);
        outcome = await checkSendEnd(deps, check);
      }
      return outcome;
    };
    return { ...ctx, deps, armed, states, endCheck };
  }

  it.each(['sending', 'paused'] as const)(
    'cancels the starts still waiting of a %s send, so it ends cancelled and reconciles',
    async (status) => {
      const { deps, issues, queue, counters, armed, states, endCheck } = await localSend();
      await runScheduledStart(deps, issue.id, 0);
      if (status === 'paused') await pauseSend(deps, issue.id);
      expect((await issues.get(issue.id))?.status).toBe(status);

      expect(await cancelSend(deps, issue.id)).toEqual({ id: issue.id, status: 'cancelled' });
      expect(await states()).toEqual(['started', 'cancelled']);
      expect(armed.has(`${issue.id}#1`)).toBe(false);
      expect(await counters.readTotal(issue.id)).toMatchObject({ audienceComplete: true });

      for (const batch of [...queue.batches]) await deliverBatch(deps, batch);
      expect(await counters.readTotal(issue.id)).toMatchObject({ recipients: 3, sent: 0, cancelled: 3 });
      expect(await endCheck()).toBe('reconciled');
      expect(await issues.get(issue.id)).toMatchObject({ status: 'cancelled', reconciledAt: expect.any(String) });
    },
  );

  it('makes a scheduled send a draft again with no start waiting and no schedule armed', async () => {
    const { deps, issues, queue, armed, states } = await localSend();
    expect(await cancelSend(deps, issue.id)).toEqual({ id: issue.id, status: 'draft' });
    expect(await states()).toEqual(['cancelled', 'cancelled']);
    expect(armed.size).toBe(0);
    expect(await runScheduledStart(deps, issue.id, 1)).toBeUndefined();
    expect((await issues.get(issue.id))?.status).toBe('draft');
    expect(queue.batches).toHaveLength(0);
  });

  it('forgets the starts of an earlier send at a local hour when the draft is scheduled at one instant', async () => {
    const { deps, states } = await localSend();
    await cancelSend(deps, issue.id);
    await scheduleSend(deps, issue.id, new Date(fixedClock.now().getTime() + 3600_000));
    expect(await states()).toBeUndefined();
    expect(await runScheduledStart(deps, issue.id, 1)).toBeUndefined();
  });

  it('fans out a start that comes due while the send is paused, whose batches go out after the resume', async () => {
    const { deps, issues, queue, calls, states } = await localSend();
    await runScheduledStart(deps, issue.id, 0);
    await pauseSend(deps, issue.id);
    expect(await runScheduledStart(deps, issue.id, 1)).toEqual({ countries: ['PT'] });
    expect(await states()).toEqual(['started', 'started']);
    expect(queue.batches.map((b) => b.country)).toEqual(['BG', 'PT']);
    for (const batch of [...queue.batches]) expect(await deliverBatch(deps, batch)).toMatchObject({ sent: 0 });
    expect(calls).toHaveLength(0);

    await resumePausedSend(deps, issue.id);
    for (const batch of queue.batches.slice(2)) await deliverBatch(deps, batch);
    expect(calls).toHaveLength(2);
    expect(await deps.counters.readTotal(issue.id)).toMatchObject({ recipients: 5, sent: 5 });
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });
});

describe('unsubscribe links', () => {
  it('gives each recipient their own one-click unsubscribe header and link, attributed to the issue', async () => {
    const { deps, issues, queue, calls } = setup({ 'BG#bg': people(2) });
    await issues.put(issue);
    await startSend(deps, issue.id, { allowFallback: true });
    await deliverBatch(deps, queue.batches[0] as SendBatch);

    const [first, second] = calls[0]!.entries;
    expect(first?.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first?.headers?.['List-Unsubscribe']).toBe(`<${first?.data.unsubscribeUrl}>`);
    expect(first?.data.unsubscribeUrl).not.toBe(second?.data.unsubscribeUrl);
    const token = first!.data.unsubscribeUrl!.split('/unsubscribe/')[1]!;
    const check = deps.tokens.verify(token, 'manage', new Date());
    expect(check).toEqual({ ok: true, claims: { purpose: 'manage', subscriberId: 'sHaskovo0', issueId: 'issue-1' } });
  });
});

describe('send controls', () => {
  async function running(n: number) {
    const ctx = setup({ 'BG#bg': people(n) });
    await ctx.issues.put(issue);
    await startSend(ctx.deps, issue.id, { allowFallback: true });
    return ctx;
  }
  const suspended = () => new MailerRefusedError('AccountSuspendedException: the account is suspended', false, true);

  it('holds back a batch of a paused send: no SES call, no claim, and the batch waits on the queue', async () => {
    const { deps, queue, calls, deliveries, issues } = await running(3);
    expect(await pauseSend(deps, issue.id)).toEqual({ id: issue.id, status: 'paused' });
    expect(await issues.get(issue.id)).toMatchObject({ pausedBy: 'editor', pauseReason: 'paused by an editor' });
    const batch = queue.batches[0]!;
    expect(await deliverBatch(deps, batch)).toMatchObject({ sent: 0, waiting: 3 });
    expect(calls).toHaveLength(0);
    expect(deliveries.byId.size).toBe(0);
    expect(queue.batches).toHaveLength(2);

    expect(await resumePausedSend(deps, issue.id)).toEqual({ id: issue.id, status: 'sending' });
    expect(await deliverBatch(deps, queue.batches[1]!)).toMatchObject({ sent: 3 });
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('ends the recipients a cancelled send had not reached cancelled, counted apart, and reconciles it as cancelled', async () => {
    const { deps, queue, calls, deliveries, issues, counters, clock } = await running(60);
    const [first, second] = queue.batches as [SendBatch, SendBatch];
    await deliverBatch(deps, first);
    expect(await cancelSend({ ...deps, scheduler: { cancel: async () => {} } }, issue.id)).toEqual({
      id: issue.id,
      status: 'cancelled',
    });
    expect(await deliverBatch(deps, second)).toMatchObject({ sent: 0, cancelled: 10 });
    expect(calls).toHaveLength(1);
    expect([...deliveries.byId.values()].filter((r) => r.status === 'cancelled')).toHaveLength(10);
    expect(await counters.readTotal(issue.id)).toMatchObject({ recipients: 60, sent: 50, cancelled: 10 });

    clock.at = new Date(clock.at.getTime() + 120_000);
    let outcome: EndCheckOutcome = 'later';
    for (let i = 0; i < 5 && outcome === 'later'; i += 1) {
      const check = queue.checks.at(-1)!;
      clock.at = new Date(clock.at.getTime() + check.delayMs);
      outcome = await checkSendEnd(deps, check);
    }
    expect(outcome).toBe('reconciled');
    expect(await issues.get(issue.id)).toMatchObject({ status: 'cancelled', reconciledAt: expect.any(String) });
    await expect(resumePausedSend(deps, issue.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('leaves a send that ended before the cancel sent, and says so with a 409', async () => {
    const { deps, queue, issues } = await running(2);
    await deliverBatch(deps, queue.batches[0]!);
    await expect(cancelSend({ ...deps, scheduler: { cancel: async () => {} } }, issue.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('is sent'),
    });
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('makes a scheduled send a draft again when it is cancelled, and removes its schedules', async () => {
    const { deps, issues } = setup({ 'BG#bg': people(2) });
    await issues.put({ ...issue, status: 'scheduled', scheduledAt: '2025-04-01T09:00:00Z' });
    const cancelled: string[] = [];
    const scheduler = { cancel: async (id: string) => void cancelled.push(id) };
    expect(await cancelSend({ ...deps, scheduler }, issue.id)).toEqual({ id: issue.id, status: 'draft' });
    expect(cancelled).toEqual([issue.id]);
    await expect(cancelSend({ ...deps, scheduler }, issue.id)).rejects.toMatchObject({ status: 409 });
  });

  it('cancels with the status it finds when a pause lands between its read and its write', async () => {
    const { deps, issues } = await running(2);
    const transition = issues.transition.bind(issues);
    let raced = false;
    issues.transition = async (id, from, to, fields) => {
      if (!raced && to === 'cancelled') {
        raced = true;
        await transition(id, 'sending', 'paused');
      }
      return transition(id, from, to, fields);
    };
    const cancelled: string[] = [];
    const outcome = await cancelSend(
      { ...deps, scheduler: { cancel: async (id) => void cancelled.push(id) } },
      issue.id,
    );
    expect(outcome.status).toBe('cancelled');
    expect(cancelled).toEqual([issue.id]);
  });

  it('pauses the send when SES refuses for a reason no retry fixes, gives the claims back, and sends them once after the resume', async () => {
    const { deps, queue, calls, deliveries, issues } = await running(4);
    const { mailer } = deps;
    deps.mailer = { sendBulk: async () => Promise.reject(suspended()) };
    const outcome = await deliverBatch(deps, queue.batches[0]!, { number: 5, last: true });
    expect(outcome).toMatchObject({ failed: 0, waiting: 4, pausedSend: expect.stringContaining('AccountSuspended') });
    expect(await issues.get(issue.id)).toMatchObject({ status: 'paused', pausedBy: 'ses' });
    expect(deliveries.byId.size).toBe(0);
    expect(queue.batches).toHaveLength(2);

    deps.mailer = mailer;
    await resumePausedSend(deps, issue.id);
    expect(await deliverBatch(deps, queue.batches[1]!)).toMatchObject({ sent: 4 });
    expect(calls).toHaveLength(1);
    expect((await issues.get(issue.id))?.status).toBe('sent');
  });

  it('records the entries SES sent and holds back those it answered with a suspended account', async () => {
    const { deps, queue, deliveries, issues } = await running(3);
    deps.mailer = {
      sendBulk: async (_, entries) =>
        entries.map((_entry, i) =>
          i === 0
            ? { ok: true, messageId: 'm-0' }
            : { ok: false, error: 'ACCOUNT_SUSPENDED: suspended', retry: false, pause: true },
        ),
    };
    expect(await deliverBatch(deps, queue.batches[0]!)).toMatchObject({ sent: 1, waiting: 2 });
    expect([...deliveries.byId.values()].map((r) => r.status)).toEqual(['sent']);
    expect((await issues.get(issue.id))?.pauseReason).toBe('ACCOUNT_SUSPENDED: suspended');
    expect(queue.batches.at(-1)?.recipients).toHaveLength(2);
  });

  it('pauses for the bounce or complaint rate only past the minimum sent, and not again after a resume', async () => {
    const limits = { maxBounceRate: 0.05, maxComplaintRate: 0.001, minSent: 1000 };
    expect(rateBreach({ sent: 999, bounced: 500, complained: 0 }, limits)).toBeUndefined();
    expect(rateBreach({ sent: 1000, bounced: 50, complained: 1 }, limits)).toBeUndefined();
    expect(rateBreach({ sent: 1000, bounced: 51, complained: 0 }, limits)).toEqual({
      cause: 'bounces',
      reason: 'bounce rate 5.1 % (51 of 1000 sent) is above 5.0 %',
    });
    expect(rateBreach({ sent: 2000, bounced: 0, complained: 3 }, limits)).toEqual({
      cause: 'complaints',
      reason: 'complaint rate 0.15 % (3 of 2000 sent) is above 0.10 %',
    });
    expect(sendLimitsOf({})).toEqual(DEFAULT_SEND_LIMITS);
    expect(sendLimitsOf({ sendLimits: { minSent: 40 } })).toEqual({ ...DEFAULT_SEND_LIMITS, minSent: 40 });

    const { deps, issues, counters } = await running(3);
    await counters.add(issue.id, [
      { dimension: 'total', key: 'all', counts: { recipients: 1000, sent: 40, bounced: 3 } },
    ]);
    const check = { ...deps, limits: { ...limits, minSent: 40 } };
    expect(await pauseOnReactions(check, issue.id)).toMatchObject({ cause: 'bounces' });
    expect(await issues.get(issue.id)).toMatchObject({ status: 'paused', pausedBy: 'bounces' });
    await resumePausedSend(deps, issue.id);
    expect(await pauseOnReactions(check, issue.id)).toBeUndefined();
    expect((await issues.get(issue.id))?.status).toBe('sending');
  });
});

describe('the SES mailer', () => {
  const client = (send: () => Promise<unknown>) => ({ send }) as unknown as SESv2Client;
  const edition = { language: 'en', subject: 's', html: '<p>x</p>', text: 'x' };
  const entry = { to: 'a@example.org', data: {}, tags: {} };

  it('tells a refusal that pauses the send (a suspended account) from throttling and from other refusals', async () => {
    const refused = async (name: string, status: number) => {
      const error = Object.assign(new Error('refused'), { name, $metadata: { httpStatusCode: status } });
      const mailer = createSesMailer(
        client(() => Promise.reject(error)),
        { fromAddress: 'f@x', configurationSet: 'c' },
      );
      return mailer.sendBulk(edition, [entry]).catch((e: unknown) => e as MailerRefusedError);
    };
    expect(await refused('AccountSuspendedException', 400)).toMatchObject({ retry: false, pause: true });
    expect(await refused('SendingPausedException', 400)).toMatchObject({ retry: false, pause: true });
    expect(await refused('MailFromDomainNotVerifiedException', 400)).toMatchObject({ pause: true });
    expect(await refused('TooManyRequestsException', 429)).toMatchObject({ retry: true, pause: false });
    expect(await refused('BadRequestException', 400)).toMatchObject({ retry: false, pause: false });
  });

  it('marks the entries SES answers with a suspended or paused account as pausing the send', async () => {
    const answer = { BulkEmailEntryResults: [{ Status: 'ACCOUNT_SUSPENDED', Error: 'suspended' }] };
    const mailer = createSesMailer(
      client(async () => answer),
      { fromAddress: 'f@x', configurationSet: 'c' },
    );
    expect(await mailer.sendBulk(edition, [entry])).toEqual([
      { ok: false, error: 'ACCOUNT_SUSPENDED: suspended', retry: false, pause: true },
    ]);
  });
});
