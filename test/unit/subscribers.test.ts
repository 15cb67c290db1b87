import { describe, expect, it } from 'vitest';
import { createTokens } from '../../functions/domain/tokens.ts';
import {
  confirm,
  normalizeEmail,
  RateLimitedError,
  signup,
  subscriberIdFor,
  suppress,
  type RateLimiter,
  type SubscriberDeps,
  type SubscriberRecord,
} from '../../functions/domain/subscribers.ts';
import { fakeDeliveryStore, fakeIssueStore, fakeMailer, fakeSubscribers, fixedClock } from './fakes.ts';

function memoryLimiter(): RateLimiter {
  const hits = new Map<string, number>();
  return {
    async allow(key, limit, windowSeconds, now) {
      const slot = `${key}#${Math.floor(now.getTime() / 1000 / windowSeconds)}`;
      const count = hits.get(slot) ?? 0;
      if (count >= limit) return false;
      hits.set(slot, count + 1);
      return true;
    },
  };
}

function setup(limits = { perIpPerMinute: 100, perAddressPerHour: 100 }) {
  const records = new Map<string, SubscriberRecord>();
  const { mailer, calls } = fakeMailer();
  const deps: SubscriberDeps = {
    subscribers: fakeSubscribers(records),
    issues: fakeIssueStore(),
    deliveries: fakeDeliveryStore(),
    rateLimiter: memoryLimiter(),
    tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters')),
    mailer,
    messages: {
      confirmationEmail: async (language, { confirmUrl }) => ({
        subject: `confirm ${language}`,
        html: `<a href="${confirmUrl}">ok</a>`,
        text: confirmUrl,
      }),
      consentText: () => ({ version: '2026-11', text: 'consent' }),
    },
    clock: fixedClock,
    publicUrl: 'https://news.example',
    limits,
  };
  return { deps, records, calls };
}

const form = { email: 'ana@example.org', language: 'ro', country: 'RO', region: 'Harghita', consent: true } as const;
const confirmLink = (calls: ReturnType<typeof setup>['calls'], n = 0) =>
  decodeURIComponent(calls[n]!.edition.text.split('token=')[1]!);

describe('signup', () => {
  it('normalizes the address: trimmed, with the domain lower-cased', () => {
    expect(normalizeEmail('  Ana.Pop@Example.ORG ')).toBe('Ana.Pop@example.org');
    expect(subscriberIdFor('ana.pop@example.org')).toBe(subscriberIdFor(' ANA.POP@EXAMPLE.ORG'));
  });

  it('limits signups per IP address, whatever the address signed up', async () => {
    const { deps } = setup({ perIpPerMinute: 2, perAddressPerHour: 100 });
    await signup(deps, { ...form, email: 'a@example.org' }, { ip: '198.51.100.7' });
    await signup(deps, { ...form, email: 'b@example.org' }, { ip: '198.51.100.7' });
    await expect(signup(deps, { ...form, email: 'c@example.org' }, { ip: '198.51.100.7' })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    await signup(deps, { ...form, email: 'c@example.org' }, { ip: '198.51.100.8' });
  });

  it('records consent: when, which form, language, text version and IP address', async () => {
    const { deps, records } = setup();
    await signup(deps, { ...form, form: 'signup-page' }, { ip: '198.51.100.7' });
    expect(records.get(subscriberIdFor(form.email))?.consent).toEqual({
      at: fixedClock.now().toISOString(),
      form: 'signup-page',
      language: 'ro',
      textVersion: '2026-11',
      ip: '198.51.100.7',
    });
  });

  it('refuses a confirmation link after seven days', async () => {
    const { deps, calls } = setup();
    await signup(deps, form, { ip: '198.51.100.7' });
    const later = { now: () => new Date(fixedClock.now().getTime() + 8 * 24 * 3600_000) };
    await expect(confirm({ ...deps, clock: later }, confirmLink(calls))).rejects.toMatchObject({ reason: 'expired' });
  });
});

describe('suppression', () => {
  it('keeps a hard-bounced address suppressed until it signs up and confirms anew', async () => {
    const { deps, records, calls } = setup();
    await signup(deps, form, { ip: '198.51.100.7' });
    await confirm(deps, confirmLink(calls));
    const id = subscriberIdFor(form.email);
    await suppress(deps, id, 'bounce');
    expect(records.get(id)).toMatchObject({ status: 'suppressed', suppressionReason: 'bounce' });

    await signup(deps, form, { ip: '198.51.100.7' });
    expect(records.get(id)?.status).toBe('pending');
    await confirm(deps, confirmLink(calls, 1));
    expect(records.get(id)?.status).toBe('confirmed');
    expect(records.get(id)?.suppressedAt).toBeUndefined();
  });
});
