// Subscriber rules on in-memory fakes: signup limits and consent, double opt-in, third parties' signups,
// conditional writes that let an unsubscribe, a suppression or an erasure win, and what an erasure leaves.
import { importSuppressions } from '../../functions/domain/suppression-list.ts';
import { describe, expect, it } from 'vitest';
import { secon } from '../support/profile.ts';
import { createTokens, manageToken } from '../../functions/domain/tokens.ts';
import { deliverBatch } from '../../functions/domain/delivery.ts';
import { growthSeries, reconcileGrowth, type GrowthCounters } from '../../functions/domain/growth.ts';
import { ConflictError, MailerRefusedError, RateLimitedError, ValidationError } from '../../functions/domain/errors.ts';
import {
  anonymizeErasedRecipients,
  checkConfirmation,
  confirm,
  erase,
  exportData,
  mailboxOf,
  normalizeEmail,
  signup,
  subscriberForToken,
  subscriberIdFor,
  suppress,
  unsubscribe,
  updatePreferences,
  type RateLimiter,
  type SubscriberDeps,
  type SubscriberRecord,
} from '../../functions/domain/subscribers.ts';
import {
  fakeDeliveryStore,
  fakeIssueStore,
  fakeMailer,
  fakeSendCounters,
  fakeSubscribers,
  fixedClock,
  fakeGrowthCounters,
  fakeAudience,
} from './fakes.ts';

/** Fixed windows in memory; remembers every key it was given and every key it forgot. */
function memoryLimiter() {
  const hits = new Map<string, number>();
  const keys: string[] = [];
  const forgotten: string[] = [];
  const limiter: RateLimiter = {
    async allow(key, limit, windowSeconds, now) {
      keys.push(key);
      const slot = `${key}#${Math.floor(now.getTime() / 1000 / windowSeconds)}`;
      const count = hits.get(slot) ?? 0;
      if (count >= limit) return false;
      hits.set(slot, count + 1);
      return true;
    },
    async forget(key) {
      forgotten.push(key);
      for (const slot of hits.keys()) if (slot.startsWith(`${key}#`)) hits.delete(slot);
    },
  };
  return { limiter, keys, forgotten };
}

function setup(
  limits = { perIpPerMinute: 100, perAddressPerHour: 100 },
  options: Parameters<typeof fakeSubscribers>[1] = {},
) {
  const records = new Map<string, SubscriberRecord>();
  const { mailer, calls } = fakeMailer();
  const clock = { at: fixedClock.now(), now: () => clock.at };
  const later = (ms: number) => void (clock.at = new Date(clock.at.getTime() + ms));
  const deliveries = fakeDeliveryStore();
  const issues = fakeIssueStore();
  const counters = fakeSendCounters();
  const rate = memoryLimiter();
  const deps: SubscriberDeps = {
    reference: secon,
    subscribers: fakeSubscribers(records, options),
    issues,
    counters,
    growth: fakeGrowthCounters(),
    deliveries,
    rateLimiter: rate.limiter,
    erasures: { add: async () => {}, all: async () => new Set() },
    tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters'), clock),
    mailer,
    messages: {
      confirmationEmail: async (language, { confirmUrl }) => ({
        subject: `confirm ${language}`,
        html: `<a href="${confirmUrl}">ok</a>`,
        text: confirmUrl,
      }),
      consentText: () => ({ version: '2026-11', text: 'consent' }),
    },
    clock,
    publicUrl: 'https://news.example',
    limits,
  };
  return { deps, records, calls, later, deliveries, issues, counters, rate };
}

const form = { email: 'ana@example.org', language: 'ro', country: 'RO', region: 'Harghita', consent: true } as const;
const id = subscriberIdFor(form.email);
const api = { ip: '198.51.100.7', source: 'api' } as const;
const confirmLink = (calls: ReturnType<typeof setup>['calls'], n = 0) =>
  decodeURIComponent(calls[n]!.edition.text.split('token=')[1]!);

/** A confirmed subscriber and their manage link. */
async function confirmed(ctx: ReturnType<typeof setup>, body: object = form) {
  await signup(ctx.deps, body, api);
  await confirm(ctx.deps, confirmLink(ctx.calls, ctx.calls.length - 1));
  return manageToken(ctx.deps.tokens, subscriberIdFor((body as { email: string }).email));
}

describe('signup', () => {
  it('normalizes the address: trimmed, with the domain lower-cased', () => {
    expect(normalizeEmail('  Ana.Pop@Example.ORG ')).toBe('Ana.Pop@example.org');
    expect(subscriberIdFor('ana.pop@example.org')).toBe(subscriberIdFor(' ANA.POP@EXAMPLE.ORG'));
  });

  it('limits signups per IP address, whatever the address signed up', async () => {
    const { deps } = setup({ perIpPerMinute: 2, perAddressPerHour: 100 });
    await signup(deps, { ...form, email: 'a@example.org' }, api);
    await signup(deps, { ...form, email: 'b@example.org' }, api);
    await expect(signup(deps, { ...form, email: 'c@example.org' }, api)).rejects.toBeInstanceOf(RateLimitedError);
    await signup(deps, { ...form, email: 'c@example.org' }, { ...api, ip: '198.51.100.8' });
  });

  it('tells mailboxes apart as mail providers do: case, plus-tags and Gmail dots do not count', () => {
    expect(mailboxOf('Ana.Pop+news@Example.org')).toBe('ana.pop@example.org');
    expect(mailboxOf(' A.n.a.Pop+x@GoogleMail.com')).toBe('anapop@gmail.com');
    expect(mailboxOf('anapop@gmail.com')).toBe('anapop@gmail.com');
  });

  it('limits signups per mailbox, so plus-tags and Gmail dots do not get around it, and stores the address as typed', async () => {
    const { deps, records } = setup({ perIpPerMinute: 100, perAddressPerHour: 2 });
    await signup(deps, { ...form, email: 'Ana.Pop+news@gmail.com' }, api);
    await signup(deps, { ...form, email: 'anapop@googlemail.com' }, api);
    await expect(signup(deps, { ...form, email: 'A.NA.POP+x@Gmail.com' }, api)).rejects.toMatchObject({
      status: 429,
      details: { field: 'email' },
    });
    await expect(signup(deps, { ...form, email: 'ana.pop+y@example.org' }, api)).resolves.toBeUndefined();
    expect(records.get(subscriberIdFor('Ana.Pop+news@gmail.com'))?.email).toBe('Ana.Pop+news@gmail.com');
  });

  it('keys its rate limits on pseudonyms, never on an IP or email address', async () => {
    const { deps, rate } = setup();
    await signup(deps, { ...form, email: 'Ana.Pop@example.org' }, api);
    expect(rate.keys).toHaveLength(2);
    for (const key of rate.keys) expect(key).not.toMatch(/198\.51|ana|example/i);
  });

  it('records consent with where it came from, as the server says: when, form, language, text version and IP', async () => {
    const { deps, records } = setup();
    await signup(deps, form, { ip: '198.51.100.7', source: 'signup-page' });
    expect(records.get(id)?.consent).toEqual({
      at: fixedClock.now().toISOString(),
      form: 'signup-page',
      language: 'ro',
      textVersion: '2026-11',
      ip: '198.51.100.7',
      tracking: { allowed: false, at: fixedClock.now().toISOString() },
    });
  });

  it('refuses a client that names the consent form itself', async () => {
    const { deps, records } = setup();
    await expect(signup(deps, { ...form, form: 'import' }, api)).rejects.toMatchObject({ field: 'form' });
    expect(records.size).toBe(0);
  });

  it.each([
    ['CR/LF', 'Ana\r\nBcc: x@example.org'],
    ['NUL', 'Ana\u0000'],
    ['VT', 'Ana\u000bPop'],
    ['NEL', 'Ana\u0085Pop'],
    ['U+2028', 'Ana\u2028Pop'],
  ])('refuses a name with %s, naming the field and storing nothing', async (_what, name) => {
    const { deps, records, calls } = setup();
    const refused = signup(deps, { ...form, name }, api);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ field: 'name' });
    expect(records.size).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it('refuses a confirmation link after seven days', async () => {
    const { deps, calls, later } = setup();
    await signup(deps, form, api);
    later(8 * 24 * 3600_000);
    await expect(confirm(deps, confirmLink(calls))).rejects.toMatchObject({ reason: 'expired' });
  });

  it('reports a confirmation email SES refuses as a refusal it may retry, not a bare error', async () => {
    const { deps } = setup();
    const { mailer } = fakeMailer({ fail: () => ({ error: 'Throttling: slow down', retry: true }) });
    const refused = signup({ ...deps, mailer }, form, api);
    await expect(refused).rejects.toBeInstanceOf(MailerRefusedError);
    await expect(refused).rejects.toMatchObject({ retry: true, message: /Throttling: slow down/ });
  });
});

describe('tracking consent', () => {
  it('measures no one who did not ask for it, and records the choice either way', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    expect(ctx.records.get(id)).toMatchObject({ tracking: false, consent: { tracking: { allowed: false } } });
    expect((await exportData(ctx.deps, token)).subscriber.tracking).toBe(false);

    const yes = { ...form, email: 'ion@example.org', tracking: true };
    await confirmed(ctx, yes);
    expect(ctx.records.get(subscriberIdFor(yes.email))).toMatchObject({
      tracking: true,
      consent: { tracking: { allowed: true, at: fixedClock.now().toISOString() } },
    });
  });

  it('refuses a tracking choice that is not true or false, naming the field and storing nothing', async () => {
    const ctx = setup();
    await expect(signup(ctx.deps, { ...form, tracking: 'yes' }, api)).rejects.toMatchObject({ field: 'tracking' });
    expect(ctx.records.size).toBe(0);
  });

  it('changes the choice on the preferences, noting when it changed, and leaves its time when it did not', async () => {
    const ctx = setup();
    const token = await confirmed(ctx, { ...form, tracking: true });
    const first = ctx.records.get(id)!.consent.tracking!.at;
    const { email: _email, consent: _consent, ...preferences } = form;
    ctx.later(60_000);
    expect(await updatePreferences(ctx.deps, token, { ...preferences, tracking: true })).toMatchObject({
      tracking: true,
    });
    expect(ctx.records.get(id)!.consent.tracking).toEqual({ allowed: true, at: first });
    ctx.later(60_000);
    expect(await updatePreferences(ctx.deps, token, preferences)).toMatchObject({ tracking: false });
    expect(ctx.records.get(id)).toMatchObject({
      tracking: false,
      consent: { tracking: { allowed: false, at: ctx.deps.clock.now().toISOString() } },
    });
  });

  it('counts a subscriber stored before the choice was asked as not measured', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    const { tracking: _t, consent, ...old } = ctx.records.get(id)!;
    const { tracking: _c, ...oldConsent } = consent;
    ctx.records.set(id, { ...old, consent: oldConsent });
    expect((await subscriberForToken(ctx.deps, token)).tracking).toBeUndefined();
    expect((await exportData(ctx.deps, token)).subscriber.tracking).toBe(false);
    expect((await ctx.deps.subscribers.sendStates([id])).get(id)).toEqual({ status: 'confirmed', tracking: false });
  });
});

describe('double opt-in', () => {
  it('changes nothing when the link is only opened; confirming is a separate step', async () => {
    const ctx = setup();
    await signup(ctx.deps, form, api);
    const checked = await checkConfirmation(ctx.deps, confirmLink(ctx.calls));
    expect(checked).toMatchObject({ confirmed: false, subscriber: { status: 'pending' } });
    expect(ctx.records.get(id)?.status).toBe('pending');
    await confirm(ctx.deps, confirmLink(ctx.calls));
    expect(ctx.records.get(id)?.status).toBe('confirmed');
    expect((await checkConfirmation(ctx.deps, confirmLink(ctx.calls))).confirmed).toBe(true);
  });
});

describe("another person's signup of an address", () => {
  it('sends a suppressed address nothing and changes nothing', async () => {
    const ctx = setup();
    await confirmed(ctx);
    await suppress(ctx.deps, id, 'complaint');
    const before = structuredClone(ctx.records.get(id));
    const mails = ctx.calls.length;
    await expect(signup(ctx.deps, { ...form, language: 'en' }, api)).resolves.toBeUndefined();
    expect(ctx.calls).toHaveLength(mails);
    expect(ctx.records.get(id)).toEqual(before);
  });

  it('keeps an unsubscribed subscriber unsubscribed, with their history, until the new link is followed', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    ctx.later(1000);
    await unsubscribe(ctx.deps, token, 'page');
    const unsubscribedAt = ctx.records.get(id)?.unsubscribedAt;
    ctx.later(1000);
    await signup(ctx.deps, { ...form, language: 'en' }, api);
    expect(ctx.records.get(id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt,
      unsubscribeSource: 'page',
      language: 'ro',
      pendingChange: { language: 'en' },
    });
    await confirm(ctx.deps, confirmLink(ctx.calls, 1));
    expect(ctx.records.get(id)).toMatchObject({ status: 'confirmed', language: 'en' });
    expect(ctx.records.get(id)).not.toHaveProperty('unsubscribedAt');
    expect(ctx.records.get(id)).not.toHaveProperty('pendingChange');
  });

  it('does not bring an unsubscribed subscriber back through a link from before a later signup', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    ctx.later(1000);
    await unsubscribe(ctx.deps, token, 'page');
    ctx.later(1000);
    await signup(ctx.deps, { ...form, language: 'en' }, api);
    await expect(confirm(ctx.deps, confirmLink(ctx.calls, 0))).rejects.toMatchObject({ reason: 'expired' });
    expect(ctx.records.get(id)?.status).toBe('unsubscribed');
  });
});

describe('concurrent changes', () => {
  /** A stored subscriber, and `meanwhile`: a change that lands just before the next conditional write decides. */
  async function racing(status: SubscriberRecord['status'] = 'confirmed') {
    let pending: (() => Promise<unknown>) | undefined;
    const ctx = setup(undefined, {
      beforeWrite: async () => {
        const change = pending;
        pending = undefined;
        await change?.();
      },
    });
    ctx.records.set(id, { ...(await seeded(ctx)), status });
    const meanwhile = (change: () => Promise<unknown>) => void (pending = change);
    return { ctx, token: manageToken(ctx.deps.tokens, id), meanwhile };
  }

  it('lets an unsubscribe win over a preferences save that read the subscriber before it', async () => {
    const { ctx, token, meanwhile } = await racing();
    meanwhile(() => unsubscribe(ctx.deps, token, 'one-click'));
    await updatePreferences(ctx.deps, token, { language: 'en', country: 'RO', region: 'Harghita' });
    expect(ctx.records.get(id)).toMatchObject({ status: 'unsubscribed', language: 'en' });
  });

  it('lets an erasure win over a confirmation in flight: the link is invalid and nothing comes back', async () => {
    const { ctx, token, meanwhile } = await racing('pending');
    meanwhile(() => erase(ctx.deps, token));
    const link = ctx.deps.tokens.sign({ purpose: 'confirm', subscriberId: id });
    await expect(confirm(ctx.deps, link)).rejects.toMatchObject({ reason: 'invalid' });
    expect(ctx.records.has(id)).toBe(false);
  });

  it('lets a suppression win over a preferences save that read the subscriber before it', async () => {
    const { ctx, token, meanwhile } = await racing();
    meanwhile(() => suppress(ctx.deps, id, 'bounce'));
    await updatePreferences(ctx.deps, token, { language: 'en', country: 'RO' });
    expect(ctx.records.get(id)).toMatchObject({ status: 'suppressed', suppressionReason: 'bounce', language: 'en' });
  });

  it('gives up with a conflict when the subscriber keeps changing under it', async () => {
    const ctx = setup(undefined, {
      beforeWrite: async (changed) => {
        const current = ctx.records.get(changed)!;
        ctx.records.set(changed, { ...current, version: (current.version ?? 0) + 1 });
      },
    });
    ctx.records.set(id, await seeded(ctx));
    await expect(
      updatePreferences(ctx.deps, manageToken(ctx.deps.tokens, id), { language: 'en', country: 'RO' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('lets an unsubscribe and a suppression through in one write however often the subscriber changes under them', async () => {
    const ctx = setup(undefined, {
      beforeWrite: async (changed) => {
        const current = ctx.records.get(changed)!;
        ctx.records.set(changed, { ...current, version: (current.version ?? 0) + 1 });
      },
    });
    ctx.records.set(id, await seeded(ctx));
    await expect(unsubscribe(ctx.deps, manageToken(ctx.deps.tokens, id), 'one-click')).resolves.toMatchObject({
      status: 'unsubscribed',
    });
    ctx.records.set(id, await seeded(ctx));
    await suppress(ctx.deps, id, 'complaint');
    expect(ctx.records.get(id)?.status).toBe('suppressed');
  });
});

/** A confirmed subscriber created at the clock's time, as a record to store. */
async function seeded(ctx: ReturnType<typeof setup>): Promise<SubscriberRecord> {
  const at = ctx.deps.clock.now().toISOString();
  return {
    id,
    email: form.email,
    language: 'ro',
    country: 'RO',
    region: 'Harghita',
    topics: [],
    status: 'confirmed',
    createdAt: at,
    consent: { at, form: 'api', language: 'ro', textVersion: '2026-11', ip: '198.51.100.7' },
    version: 3,
  };
}

describe('suppression', () => {
  it('keeps a hard-bounced address suppressed: a signup sends nothing, and an unsubscribe does not lift it', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    await suppress(ctx.deps, id, 'bounce');
    expect(ctx.records.get(id)).toMatchObject({ status: 'suppressed', suppressionReason: 'bounce' });
    await unsubscribe(ctx.deps, token, 'page');
    expect(ctx.records.get(id)?.status).toBe('suppressed');
    await signup(ctx.deps, form, api);
    expect(ctx.calls).toHaveLength(1);
    await expect(confirm(ctx.deps, confirmLink(ctx.calls, 0))).rejects.toMatchObject({ reason: 'expired' });
    expect(ctx.records.get(id)?.status).toBe('suppressed');
  });

  it('leaves nothing to suppress once the subscriber is erased', async () => {
    const ctx = setup();
    await expect(suppress(ctx.deps, id, 'complaint')).resolves.toBeUndefined();
    expect(ctx.records.size).toBe(0);
  });
});

describe('erasure', () => {
  it('leaves an erased address out of a suppression import, on its line, and keeps no record of it', async () => {
    const ctx = setup();
    const marks = new Set<string>();
    ctx.deps.erasures = { add: async (mark) => void marks.add(mark), all: async () => new Set(marks) };
    await erase(ctx.deps, await confirmed(ctx));
    const report = await importSuppressions(ctx.deps, `email\n${form.email.toUpperCase()}\nold@example.org\n`);
    expect(report).toMatchObject({ suppressed: 1, skipped: [{ line: 2, reason: 'erased' }] });
    expect(ctx.records.has(id)).toBe(false);
    expect(ctx.records.has(subscriberIdFor('old@example.org'))).toBe(true);
  });

  const sentRecord = { status: 'sent', messageId: 'msg-1', claimedAt: '2025-03-20T09:00:00.000Z' };

  it('replaces each delivery record with an anonymous one: same status, times and measurement, no id, message id or reason', async () => {
    const ctx = setup();
    const token = await confirmed(ctx);
    await ctx.issues.put({ id: 'issue-1', createdAt: '' } as never);
    ctx.deliveries.byId.set(id, {
      ...sentRecord,
      country: 'BG',
      language: 'bg',
      region: 'Haskovo',
      reason: 'a reason naming ana@example.org',
      sentAt: '2025-03-20T09:00:01.000Z',
      openedAt: '2025-03-20T10:00:00.000Z',
      tracked: true,
    });
    await erase(ctx.deps, token);
    expect(ctx.records.has(id)).toBe(false);
    expect(ctx.deliveries.byId.has(id)).toBe(false);
    const [key, record] = [...ctx.deliveries.byId][0]!;
    expect(key).toMatch(/^erased-[0-9a-f-]{36}$/);
    expect(record).toEqual({
      status: 'sent',
      country: 'BG',
      language: 'bg',
      region: 'Haskovo',
      claimedAt: sentRecord.claimedAt,
      sentAt: '2025-03-20T09:00:01.000Z',
      openedAt: '2025-03-20T10:00:00.000Z',
      tracked: true,
    });
  });

  it('forgets the rate-limit counters of the address', async () => {
    const ctx = setup({ perIpPerMinute: 100, perAddressPerHour: 1 });
    const token = await confirmed(ctx);
    await erase(ctx.deps, token);
    expect(ctx.rate.forgotten).toHaveLength(1);
    await expect(signup(ctx.deps, form, api)).resolves.toBeUndefined();
  });

  it("stops the erased person's links, also when the same address signs up again", async () => {
    const ctx = setup();
    const oldManage = await confirmed(ctx);
    const oldConfirm = confirmLink(ctx.calls);
    await erase(ctx.deps, oldManage);
    ctx.later(1000);
    await signup(ctx.deps, form, api);
    await expect(confirm(ctx.deps, oldConfirm)).rejects.toMatchObject({ reason: 'invalid' });
    await expect(subscriberForToken(ctx.deps, oldManage)).rejects.toMatchObject({ reason: 'invalid' });
    await expect(unsubscribe(ctx.deps, oldManage, 'one-click')).rejects.toMatchObject({ reason: 'invalid' });
    expect(ctx.records.get(id)?.status).toBe('pending');
    await confirm(ctx.deps, confirmLink(ctx.calls, 1));
    await expect(subscriberForToken(ctx.deps, manageToken(ctx.deps.tokens, id))).resolves.toMatchObject({
      status: 'confirmed',
    });
  });

  it('keeps honouring links signed before they carried their issue time, for subscribers of that time only', async () => {
    const ctx = setup();
    await confirmed(ctx);
    const untimed = createTokens(Buffer.from('a-test-key-of-at-least-32-characters')).sign({
      purpose: 'manage',
      subscriberId: id,
    });
    // fixedClock's subscriber was created before 2026-11-29: the old email's link still unsubscribes.
    await expect(unsubscribe(ctx.deps, untimed, 'one-click')).resolves.toMatchObject({ status: 'unsubscribed' });
    const record = ctx.records.get(id)!;
    ctx.records.set(id, { ...record, createdAt: '2026-12-01T00:00:00.000Z' });
    await expect(subscriberForToken(ctx.deps, untimed)).rejects.toMatchObject({ reason: 'invalid' });
  });

  describe('during a send', () => {
    const batch = {
      issueId: 'issue-1',
      country: 'RO' as const,
      language: 'ro' as const,
      recipients: [
        { id, email: form.email, region: 'Harghita' },
        { id: 'sub-other', email: 'other@example.org', region: 'Harghita' },
      ],
    };
    async function sender(ctx: ReturnType<typeof setup>, eraseDuringCall: boolean) {
      const { mailer } = fakeMailer();
      await ctx.issues.putEdition('issue-1', { language: 'ro', subject: 's', html: '<p>x</p>', text: 'x' });
      await ctx.deps.subscribers.create({ ...(await seeded(ctx)), id: 'sub-other', email: 'other@example.org' });
      return {
        ...ctx.deps,
        issues: ctx.issues,
        counters: ctx.counters,
        deliveries: ctx.deliveries,
        mailer: {
          sendBulk: async (...args: Parameters<typeof mailer.sendBulk>) => {
            if (eraseDuringCall) ctx.records.delete(id);
            return mailer.sendBulk(...args);
          },
        },
        pacer: { acquire: async () => {} },
        queue: { enqueue: async () => {} },
        policy: { claimTimeoutMs: 60_000, throttleAttempts: 1, backoffMs: 1 },
        edition: ctx.issues.getEdition,
      };
    }

    it('records an erased recipient as skipped under an anonymous key, and counts them', async () => {
      const ctx = setup();
      const deps = await sender(ctx, false);
      expect(await deliverBatch(deps, batch)).toMatchObject({ sent: 1, skipped: 1 });
      expect(ctx.deliveries.byId.has(id)).toBe(false);
      const anonymous = [...ctx.deliveries.byId].filter(([key]) => key.startsWith('erased-'));
      expect(anonymous.map(([, r]) => [r.status, r.reason])).toEqual([['skipped', 'erased']]);
      expect((await ctx.counters.readTotal('issue-1')).skipped).toBe(1);
    });

    it('anonymizes the record of a recipient erased while SES was sending to them', async () => {
      const ctx = setup();
      const deps = await sender(ctx, true);
      ctx.records.set(id, await seeded(ctx));
      expect(await deliverBatch(deps, batch)).toMatchObject({ sent: 2 });
      expect(ctx.deliveries.byId.has(id)).toBe(false);
      expect(ctx.deliveries.byId.get('sub-other')).toMatchObject({ status: 'sent' });
      const anonymous = [...ctx.deliveries.byId].filter(([key]) => key.startsWith('erased-'));
      expect(anonymous).toHaveLength(1);
      expect(anonymous[0]![1]).toMatchObject({ status: 'sent' });
      expect(anonymous[0]![1]).not.toHaveProperty('messageId');
    });

    it('leaves one anonymous record when an erasure and a sender anonymize the same one at once', async () => {
      const ctx = setup();
      await ctx.deliveries.claim('issue-1', batch, batch.recipients[0]!, fixedClock.now().toISOString());
      await ctx.deliveries.recordOutcomes(batch, fixedClock.now().toISOString(), [
        { recipient: batch.recipients[0]!, at: fixedClock.now().toISOString(), status: 'sent', messageId: 'm-1' },
      ]);
      const both = { subscribers: ctx.deps.subscribers, deliveries: ctx.deliveries };
      await Promise.all([
        anonymizeErasedRecipients(both, 'issue-1', [id]),
        anonymizeErasedRecipients(both, 'issue-1', [id]),
      ]);
      expect([...ctx.deliveries.byId.keys()].filter((key) => key.startsWith('erased-'))).toHaveLength(1);
      expect(ctx.deliveries.byId.has(id)).toBe(false);
    });
  });
});

describe('audience growth', () => {
  const day = fixedClock.now().toISOString().slice(0, 10);
  const series = async (ctx: ReturnType<typeof setup>, query: object, scope: object = { all: true }) =>
    growthSeries(
      {
        growth: ctx.deps.growth as GrowthCounters,
        reference: secon,
        reportText: () => ({ otherRegion: 'Other region in {{country}}' }),
      },
      { from: day, to: day, ...query },
      scope as never,
    );
  const today = async (ctx: ReturnType<typeof setup>, key: string, query: object = {}) =>
    (await series(ctx, query)).series.find((s) => s.key === key)?.days[0];

  it("counts a confirmation as a signup and an unsubscribe as a loss, in the subscriber's region", async () => {
    const ctx = setup();
    await signup(ctx.deps, form, api);
    expect(await today(ctx, 'RO/Harghita')).toEqual({ date: day, subscribers: 0, signups: 0, unsubscribes: 0 });
    const manage = await confirmed(ctx);
    await confirmed(ctx, { ...form, email: 'dan@example.org' });
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 2, signups: 2, unsubscribes: 0 });
    await unsubscribe(ctx.deps, manage, 'one-click');
    await unsubscribe(ctx.deps, manage, 'page');
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 1, signups: 2, unsubscribes: 1 });
    expect(await today(ctx, 'ro', { by: 'language' })).toMatchObject({ subscribers: 1, signups: 2, unsubscribes: 1 });
    expect(await today(ctx, 'RO', { by: 'country' })).toMatchObject({ subscribers: 1 });
  });

  it('loses a suppressed or erased subscriber without calling it an unsubscribe, and follows a move of region', async () => {
    const ctx = setup();
    await confirmed(ctx);
    const dan = await confirmed(ctx, { ...form, email: 'dan@example.org' });
    const eva = await confirmed(ctx, { ...form, email: 'eva@example.org' });
    await suppress(ctx.deps, id, 'bounce');
    await suppress(ctx.deps, id, 'complaint');
    await erase(ctx.deps, dan);
    await updatePreferences(ctx.deps, eva, { language: 'ro', country: 'RO', region: 'other' });
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 0, signups: 3, unsubscribes: 0 });
    expect(await today(ctx, 'RO/other')).toMatchObject({ subscribers: 1, signups: 0 });
    // A pending signup that is never confirmed, or unsubscribes, is no subscriber.
    await signup(ctx.deps, { ...form, email: 'fay@example.org' }, api);
    await unsubscribe(ctx.deps, manageToken(ctx.deps.tokens, subscriberIdFor('fay@example.org')), 'page');
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 0, unsubscribes: 0 });
  });

  it('puts right a count a stopped process left out, on the net change only, and changes nothing when all agree', async () => {
    const ctx = setup();
    await confirmed(ctx);
    await confirmed(ctx, { ...form, email: 'dan@example.org' });
    // A process stopped between confirming a third person and counting them.
    const third = subscriberIdFor('eva@example.org');
    await ctx.deps.subscribers.create({ ...ctx.records.get(id)!, id: third, email: 'eva@example.org' });
    const growth = ctx.deps.growth as GrowthCounters;
    const audience = fakeAudience({
      'RO#ro': [...ctx.records.values()]
        .filter((s) => s.status === 'confirmed')
        .map((s) => ({ id: s.id, email: s.email, region: s.region })),
    });
    const deps = { audience, growth, reference: secon, clock: ctx.deps.clock };
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 2, signups: 2 });
    expect(await reconcileGrowth(deps)).toHaveLength(3);
    expect(await today(ctx, 'RO/Harghita')).toMatchObject({ subscribers: 3, signups: 2 });
    expect(await today(ctx, 'ro', { by: 'language' })).toMatchObject({ subscribers: 3 });
    expect(await reconcileGrowth(deps)).toEqual([]);
  });

  it('carries subscribers from earlier days, names regions, and keeps a coordinator to their region', async () => {
    const ctx = setup();
    await confirmed(ctx);
    ctx.later(3 * 86_400_000);
    await confirmed(ctx, { ...form, email: 'dan@example.org' });
    const later = new Date(fixedClock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const body = await series(ctx, { from: later, to: later, lang: 'de' }, { region: 'RO/Harghita' });
    expect(body.series).toEqual([
      { key: 'RO/Harghita', name: 'Harghita', days: [{ date: later, subscribers: 2, signups: 1, unsubscribes: 0 }] },
    ]);
    const [other] = (await series(ctx, { region: 'RO/other' })).series;
    expect(other).toMatchObject({ key: 'RO/other', name: 'Other region in Romania' });
    await expect(series(ctx, { region: 'BG/Haskovo' }, { region: 'RO/Harghita' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(series(ctx, { from: '2026-02-30' })).rejects.toMatchObject({ details: { field: 'from' } });
    await expect(series(ctx, { from: later, to: day })).rejects.toMatchObject({ details: { field: 'to' } });
  });
});
