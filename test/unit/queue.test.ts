import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InProcessQueue, sqsEvent } from '../../local/queue.ts';
import { handleMessages } from '../../functions/handlers/sqs-messages.ts';
import type { SendBatch } from '../../functions/domain/ports.ts';
import { until } from '../support/until.ts';

const batch = (issueId: string): SendBatch => ({ issueId, country: 'BG', language: 'bg', recipients: [] });

describe('in-process queue', () => {
  it('delivers every message to the handler as an SQS event', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3, concurrency: 2 });
    const seen: string[] = [];
    queue.consume(async (event) => {
      for (const record of event.Records) seen.push(JSON.parse(record.body).issueId);
    });
    await queue.enqueue([batch('a'), batch('b'), batch('c')]);
    await queue.drained();
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
  });

  it('redelivers a failed message after the visibility timeout, then succeeds', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3, concurrency: 1 });
    const receives: string[] = [];
    queue.consume(async (event) => {
      const record = event.Records[0]!;
      receives.push(record.attributes.ApproximateReceiveCount);
      return { batchItemFailures: receives.length === 1 ? [{ itemIdentifier: record.messageId }] : [] };
    });
    await queue.enqueue([batch('a')]);
    await queue.drained();
    expect(receives).toEqual(['1', '2']);
    expect(queue.deadLetters).toEqual([]);
  });

  it('moves a message that keeps failing to the dead letters after maxReceiveCount receives', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 5, maxReceiveCount: 3, concurrency: 1 });
    let calls = 0;
    queue.consume(async () => {
      calls += 1;
      throw new Error('always');
    });
    await queue.enqueue([batch('doomed')]);
    await queue.drained();
    expect(calls).toBe(3);
    expect(queue.deadLetters.map((m) => [JSON.parse(m.body).issueId, m.receiveCount])).toEqual([['doomed', 3]]);
  });

  it('hands over up to batchSize messages at once, and redelivers only the ones the handler reports failed', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 5, maxReceiveCount: 3, concurrency: 1, batchSize: 3 });
    const batches: string[][] = [];
    queue.consume(async (event) => {
      const ids = event.Records.map((r) => JSON.parse(r.body).issueId as string);
      batches.push(ids);
      const failed = batches.length === 1 ? event.Records.filter((_, i) => ids[i] === 'b') : [];
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await queue.enqueue(['a', 'b', 'c', 'd', 'e'].map(batch));
    await queue.drained();
    expect(batches).toEqual([['a', 'b', 'c'], ['d', 'e'], ['b']]);
  });

  it('gathers messages for its batching window, then hands over a full batch at once or what came within it', async () => {
    const queue = new InProcessQueue({
      visibilityTimeoutMs: 10,
      maxReceiveCount: 3,
      concurrency: 2,
      batchSize: 3,
      batchingWindowMs: 200,
    });
    const batches: string[][] = [];
    queue.consume(async (event) => void batches.push(event.Records.map((r) => JSON.parse(r.body).issueId)));
    const started = Date.now();
    await queue.enqueue([batch('a')]);
    await queue.enqueue([batch('b')]);
    expect(batches).toEqual([]); // two of three: the window is still open
    await queue.enqueue([batch('c'), batch('d')]);
    expect(batches).toEqual([['a', 'b', 'c']]); // a full batch goes at once
    await until(
      async () => batches.length,
      (n) => n === 2,
    );
    expect(batches[1]).toEqual(['d']); // the rest when its window ends
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await queue.drained();
  });

  it('holds a producer back until fewer messages wait than it asked for', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3, concurrency: 1 });
    await queue.enqueue([batch('a'), batch('b'), batch('c')]);
    let roomMade = false;
    const room = queue.room(2).then(() => (roomMade = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(roomMade).toBe(false); // nobody consumes yet: three wait
    const seen: string[] = [];
    queue.consume(async (event) => void seen.push(JSON.parse(event.Records[0]!.body).issueId));
    await room;
    expect(seen.length).toBeGreaterThanOrEqual(1);
    await queue.drained();
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('holds a delayed message back until its delay passes, and counts it apart from the waiting work', async () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3, concurrency: 1 });
    const seen: string[] = [];
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    queue.consume(async (event) => {
      const { issueId } = JSON.parse(event.Records[0]!.body);
      seen.push(issueId);
      if (issueId === 'later') arrived();
    });
    await queue.enqueue([batch('later')], { delayMs: 60 });
    await queue.enqueue([batch('now')]);
    await queue.drained();
    expect(seen).toEqual(['now']);
    expect(queue.depth).toBe(0);

    await arrival;
    await queue.drained();
    expect(seen).toEqual(['now', 'later']);
  });
});

describe('the queue-fed handlers', () => {
  const jobSchema = z.object({ issueId: z.string() });

  it('reports a body that is not JSON as that message failing alone, and handles the rest of the batch', async () => {
    const handled: string[] = [];
    const handle = handleMessages('job', jobSchema, async (job) => void handled.push(job.issueId));
    const event = sqsEvent([JSON.stringify({ issueId: 'a' }), '{not json', JSON.stringify({ issueId: 'c' })]);

    expect(await handle(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] });
    expect(handled).toEqual(['a', 'c']);
  });
});
