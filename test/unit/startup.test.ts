// Unit tests of start-up once per warm instance: a failed start or read is tried again, a good one is kept.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/wiring/config.ts';
import { createClients } from '../../functions/wiring/clients.ts';
import { createDeliveryServices } from '../../functions/wiring/delivery-services.ts';
import { onceStarted } from '../../functions/wiring/startup.ts';
import { FUNCTION_ENV, TEST_TOKEN_SECRET } from '../support/function-env.ts';

/** A start that fails `failures` times (a Secrets Manager hiccup), then succeeds; it counts its runs. */
function flakyStart(failures: number) {
  const start = async () => {
    start.runs += 1;
    if (start.runs <= failures) throw new Error('secrets manager is unavailable');
    return `services #${start.runs}`;
  };
  start.runs = 0;
  return start;
}

describe('start-up once per instance', () => {
  it('succeeds on the invocation after a start that failed', async () => {
    const start = flakyStart(1);
    const ready = onceStarted(start);
    await expect(ready()).rejects.toThrow('secrets manager is unavailable');
    await expect(ready()).resolves.toBe('services #2');
  });

  it('keeps a start that succeeded for every later invocation', async () => {
    const start = flakyStart(0);
    const ready = onceStarted(start);
    await ready();
    await ready();
    expect(await ready()).toBe('services #1');
    expect(start.runs).toBe(1);
  });

  it('shares one start between invocations that arrive while it runs', async () => {
    let finish: (value: string) => void = () => {};
    let runs = 0;
    const ready = onceStarted(() => {
      runs += 1;
      return new Promise<string>((resolve) => (finish = resolve));
    });
    const [first, second] = [ready(), ready()];
    finish('services');
    expect(await Promise.all([first, second])).toEqual(['services', 'services']);
    expect(runs).toBe(1);
  });

  it('tries again after a start that throws before it awaits anything (a missing setting)', async () => {
    let runs = 0;
    const ready = onceStarted(() => {
      runs += 1;
      if (runs === 1) throw new Error('Missing or invalid settings: ISSUES_TABLE');
      return Promise.resolve('services');
    });
    await expect(ready()).rejects.toThrow('ISSUES_TABLE');
    await expect(ready()).resolves.toBe('services');
  });

  it('reads again a value it is told not to keep', async () => {
    let runs = 0;
    const ready = onceStarted(
      async () => (runs += 1) > 1,
      (found) => found,
    );
    expect(await ready()).toBe(false);
    expect(await ready()).toBe(true);
    expect(await ready()).toBe(true);
    expect(runs).toBe(2);
  });
});

describe("the delivery services' edition cache", () => {
  const config = loadConfig({ ...FUNCTION_ENV, HERALD_TOKEN_SECRET: TEST_TOKEN_SECRET });
  const edition = { language: 'bg', subject: 'Бюлетин', html: '<p>Здравейте</p>', text: 'Здравейте' };

  /** DynamoDB that answers each GetItem with the next of `answers`: an item, nothing, or an error. */
  function servicesWith(answers: (typeof edition | undefined | Error)[]) {
    const reads = { count: 0 };
    const dynamo = {
      send: async () => {
        const answer = answers[reads.count++];
        if (answer instanceof Error) throw answer;
        return { Item: answer && { ...answer, issueId: 'issue-1', sk: 'EDITION#bg' } };
      },
    } as unknown as DynamoDBDocumentClient;
    return { reads, services: createDeliveryServices(config, { ...createClients(), dynamo }) };
  }

  it('reads an edition again after a failed read, then keeps it', async () => {
    const { reads, services } = servicesWith([new Error('ProvisionedThroughputExceededException'), edition]);
    const { edition: editionOf } = await services;
    await expect(editionOf('issue-1', 'bg')).rejects.toThrow('ProvisionedThroughputExceededException');
    await expect(editionOf('issue-1', 'bg')).resolves.toMatchObject({ subject: 'Бюлетин' });
    await expect(editionOf('issue-1', 'bg')).resolves.toMatchObject({ subject: 'Бюлетин' });
    expect(reads.count).toBe(2);
  });

  it('reads an edition again when it was not stored yet', async () => {
    const { reads, services } = servicesWith([undefined, edition]);
    const { edition: editionOf } = await services;
    expect(await editionOf('issue-1', 'bg')).toBeUndefined();
    await expect(editionOf('issue-1', 'bg')).resolves.toMatchObject({ subject: 'Бюлетин' });
    expect(reads.count).toBe(2);
  });
});
