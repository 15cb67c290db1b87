// An issue's audience on the embedded stack: the selection is validated against the profile, the counts by
// language, country and reason of exclusion follow each change of a subscriber, and the count shown is the count sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { addSubscriber, subscriberIdFor, suppress, type SubscriberRecord } from '../../functions/domain/subscribers.ts';
import type { DeliveryRecord } from '../../functions/domain/ports.ts';
import { until } from '../support/until.ts';

const TOKEN = 'audience-token-0123456789abcdef';
let test: TestStack;
beforeAll(async () => {
  test = await startTestStack('audience', { adminToken: TOKEN });
});
afterAll(async () => {
  await test?.dispose();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${test.stack.urls.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });

interface Audience {
  selection: Record<string, string[]>;
  total: number;
  byLanguage: Record<string, number>;
  byCountry: Record<string, number>;
  excluded: Record<string, number>;
}
const audience = async (id = SAMPLE_ISSUE_ID) => (await (await api(`/api/issues/${id}/audience`)).json()) as Audience;

/** PUTs the issue as it is with `audience` (undefined: left out of the body). */
async function putAudience(selection: unknown, id = SAMPLE_ISSUE_ID) {
  const { title, subject, preheader, intro, sections } = (await (await api(`/api/issues/${id}`)).json()) as Record<
    string,
    unknown
  >;
  const body = { title, subject, ...(preheader ? { preheader } : {}), intro, sections, audience: selection };
  return api(`/api/issues/${id}`, { method: 'PUT', body: JSON.stringify(body) });
}

let n = 0;
async function person(fields: Partial<SubscriberRecord>): Promise<SubscriberRecord> {
  const email = `audience${(n += 1)}@people.example`;
  const at = new Date().toISOString();
  const record: SubscriberRecord = {
    id: subscriberIdFor(email),
    email,
    language: 'bg',
    country: 'BG',
    region: 'Haskovo',
    topics: [],
    status: 'confirmed',
    createdAt: at,
    confirmedAt: at,
    consent: { at, form: 'test', language: 'bg', textVersion: 'test', ip: '127.0.0.1' },
    ...fields,
  };
  await addSubscriber(test.stack.services, record);
  return record;
}

describe('the audience of an issue', () => {
  it('counts every confirmed subscriber when the issue selects nobody in particular', async () => {
    const all = await audience();
    // The sample: 54 confirmed, 4 pending, 2 unsubscribed.
    expect(all).toMatchObject({
      selection: {},
      total: 54,
      excluded: { unconfirmed: 4, unsubscribed: 2, suppressed: 0, outsideSelection: 0 },
    });
    expect(Object.values(all.byLanguage).reduce((a, b) => a + b, 0)).toBe(54);
    expect(Object.values(all.byCountry).reduce((a, b) => a + b, 0)).toBe(54);
  });

  it('refuses a selection naming what the project does not have, naming the field, and stores nothing', async () => {
    const cases: [unknown, string][] = [
      [{ countries: ['XX'] }, 'audience.countries.0'],
      [{ languages: ['en', 'fr'] }, 'audience.languages.1'],
      [{ topics: ['gardening'] }, 'audience.topics.0'],
      [{ countries: ['GR'], regions: ['Haskovo'] }, 'audience.regions.0'],
      [{ everyone: true }, 'audience.everyone'],
      [{ countries: 'BG' }, 'audience.countries'],
    ];
    for (const [selection, field] of cases) {
      const response = await putAudience(selection);
      expect(response.status, JSON.stringify(selection)).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect((await audience()).selection).toEqual({});
  });

  it('follows subscribers as they join, are suppressed and are erased, and sends exactly the count shown', async () => {
    const services = test.stack.services;
    // Bulgarian readers with topics, and a few who must not get it.
    const funding = await person({ topics: ['funding'] });
    await person({ topics: ['policy', 'funding'] });
    await person({ topics: ['events'] });
    await person({ topics: [] });
    await person({ topics: ['funding'], status: 'pending', confirmedAt: undefined });
    const bounced = await person({ topics: ['funding', 'events'] });
    await suppress(services, bounced.id, 'bounce');
    const erased = await person({ topics: ['funding'] });
    await services.subscribers.delete(erased.id);
    await person({ country: 'GR', region: 'Peloponnese', language: 'el', topics: ['funding'] });

    const saved = await putAudience({ countries: ['BG'], topics: ['funding', 'policy'] });
    expect(saved.status, await saved.clone().text()).toBe(200);
    // An edit that leaves the audience out (the compose form) keeps it.
    expect((await putAudience(undefined)).status).toBe(200);

    const shown = await audience();
    expect(shown.selection).toEqual({ countries: ['BG'], topics: ['funding', 'policy'] });
    expect(shown.total).toBe(2);
    expect(shown.byCountry).toMatchObject({ BG: 2, GR: 0 });
    expect(shown.byLanguage).toMatchObject({ bg: 2, el: 0 });
    expect(shown.excluded).toEqual({
      unconfirmed: 1,
      unsubscribed: 0,
      suppressed: 1,
      outsideSelection: 54 + 2 + 4 + 3,
    });

    const sent = await api(`/api/issues/${SAMPLE_ISSUE_ID}/send`, { method: 'POST', body: '{"allowFallback":true}' });
    expect(sent.status, await sent.clone().text()).toBe(202);
    expect(((await sent.json()) as { recipients: number }).recipients).toBe(shown.total);
    const ended = await until(
      async () => ((await (await api(`/api/issues/${SAMPLE_ISSUE_ID}`)).json()) as { status: string }).status,
      (status) => status === 'sent',
    );
    expect(ended).toBe('sent');
    const records: DeliveryRecord[] = [];
    for await (const page of services.deliveries.records(SAMPLE_ISSUE_ID)) records.push(...page);
    expect(records.length).toBe(shown.total);
    for (const [country, count] of Object.entries(shown.byCountry)) {
      expect(records.filter((r) => r.country === country).length, country).toBe(count);
    }
    const to = (await sentEmails(test.stack)).flatMap((e) => e.destination.to.map((a) => a.replace(/^.*<|>$/g, '')));
    expect(to).toContain(funding.email);
    expect(to.filter((address) => address.endsWith('@people.example'))).toHaveLength(2);
  });
});
