// The invariant that an unsubscribe, a suppression and an erasure always win over a concurrent write of the same
// subscriber, on the embedded stack: each races preferences saves and a confirmation through the real HTTP
// routes and dynalite, many rounds, and not one change may be lost.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';

const ROUNDS = 30;
const ISSUE = 'race-issue';

let test: TestStack;
let stack: EmbeddedStack;

const call = async (method: string, path: string, body?: string, type = 'application/json') => {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    ...(body !== undefined && { body, headers: { 'content-type': type } }),
  });
  await response.arrayBuffer();
  return response.status;
};

/**
 * A confirmed subscriber who signed up again (a change waits for its confirmation link) and got an issue, written
 * straight to the tables so every round starts alike; with their manage link, confirmation link and message id.
 */
async function subscriber(name: string) {
  const email = `${name}@races.example`;
  const id = subscriberIdFor(email);
  const at = new Date(Date.now() - 60_000).toISOString();
  const consent = { at, form: 'api', language: 'de', textVersion: 'test', ip: '192.0.2.1' };
  const record = {
    id,
    email,
    language: 'de',
    country: 'DE',
    region: 'Rhine-Neckar',
    topics: ['events'],
    status: 'confirmed',
    createdAt: at,
    confirmedAt: at,
    consent,
    pendingChange: { language: 'en', country: 'DE', region: 'other', topics: [], consent },
  };
  const { tables } = stack.services.config;
  await stack.clients.dynamo.send(
    new PutCommand({ TableName: tables.subscribers, Item: { ...record, audience: 'DE#de#confirmed' } }),
  );
  const messageId = `race-${name}`;
  await stack.clients.dynamo.send(
    new PutCommand({
      TableName: tables.deliveries,
      Item: {
        issueId: ISSUE,
        subscriberId: id,
        status: 'sent',
        country: 'DE',
        language: 'de',
        region: 'Rhine-Neckar',
        claimedAt: at,
        sentAt: at,
        messageId,
      },
    }),
  );
  const manage = encodeURIComponent(stack.services.tokens.sign({ purpose: 'manage', subscriberId: id }));
  const confirm = encodeURIComponent(
    stack.services.tokens.sign({ purpose: 'confirm', subscriberId: id, expiresAt: Date.now() / 1000 + 3600 }),
  );
  return { id, manage, confirm, messageId };
}

const stored = async (id: string) =>
  (
    await stack.clients.dynamo.send(
      new GetCommand({ TableName: stack.services.config.tables.subscribers, Key: { id }, ConsistentRead: true }),
    )
  ).Item;

/**
 * What a subscriber's other tabs and mail client might send meanwhile: two chains of writes side by side, one of
 * four preferences saves, one of a confirmation and two saves. Seven writes in all: fewer than the attempts a
 * change makes, so the change that must win never gives up with a 409.
 */
async function meanwhile(s: Awaited<ReturnType<typeof subscriber>>): Promise<number[]> {
  const save = (language: string) =>
    call('PUT', `/api/preferences/${s.manage}`, JSON.stringify({ language, country: 'DE', region: 'other' }));
  const chain = async (steps: (() => Promise<number>)[]) => {
    const statuses: number[] = [];
    for (const step of steps) statuses.push(await step());
    return statuses;
  };
  const chains = await Promise.all([
    chain([() => save('pl'), () => save('ro'), () => save('pl'), () => save('ro')]),
    chain([() => call('POST', `/api/subscribe/confirm?token=${s.confirm}`), () => save('hu'), () => save('lv')]),
  ]);
  return chains.flat();
}

beforeAll(async () => {
  test = await startTestStack('subscriber-races');
  stack = test.stack;
});

afterAll(async () => {
  await test?.dispose();
});

describe('an unsubscribe, a suppression and an erasure always win', () => {
  it(`keeps an unsubscribe that raced preferences saves and a confirmation (${ROUNDS} rounds)`, async () => {
    const lost: number[] = [];
    const answers = new Set<number>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const s = await subscriber(`unsubscribe-${round}`);
      const [unsubscribed, rest] = await Promise.all([
        call('POST', `/unsubscribe/${s.manage}`, 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'),
        meanwhile(s),
      ]);
      if ((await stored(s.id))?.status !== 'unsubscribed') lost.push(round);
      answers.add(unsubscribed);
      rest.forEach((status) => answers.add(status));
    }
    expect(lost).toEqual([]);
    // The unsubscribe answers 200; the confirmation 200 (before it) or 410 (after it); the saves 200.
    expect([...answers].every((status) => [200, 410].includes(status))).toBe(true);
  });

  it(`keeps an erasure that raced preferences saves and a confirmation (${ROUNDS} rounds)`, async () => {
    const lost: number[] = [];
    const answers = new Set<number>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const s = await subscriber(`erase-${round}`);
      const [erased, rest] = await Promise.all([call('DELETE', `/api/preferences/${s.manage}`), meanwhile(s)]);
      if ((await stored(s.id)) !== undefined) lost.push(round);
      expect(erased).toBe(204);
      rest.forEach((status) => answers.add(status));
    }
    expect(lost).toEqual([]);
    // Before the erasure a save or confirmation answers 200; after it, the link is invalid (400).
    expect([...answers].every((status) => [200, 400].includes(status))).toBe(true);
  });

  it(`keeps a suppression that raced preferences saves and a confirmation (${ROUNDS} rounds)`, async () => {
    const lost: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const s = await subscriber(`suppress-${round}`);
      const complaint = {
        eventType: 'Complaint',
        mail: { messageId: s.messageId },
        complaint: { complainedRecipients: [] },
      };
      const [ingested] = await Promise.all([
        call('POST', '/local/ses-events', JSON.stringify(complaint)),
        meanwhile(s),
      ]);
      expect(ingested).toBe(202);
      if ((await stored(s.id))?.status !== 'suppressed') lost.push(round);
    }
    expect(lost).toEqual([]);
  });
});
