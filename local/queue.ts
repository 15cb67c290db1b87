// An in-process stand-in for SQS: at-least-once delivery to the same handler the Lambda runs, a delay before a
// message is first seen when one is asked, a visibility timeout before a failed message is seen again, a bounded
// number of receives, then the dead-letter list. Messages live in memory: after a stop, the stack's resume
// rebuilds an interrupted send from its records.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EnqueueOptions, SendBatch, SendCheck, WorkQueue } from '../functions/domain/ports.ts';

export interface InProcessQueueOptions {
  /** How long a received message stays invisible; a failed one comes back after it. */
  visibilityTimeoutMs: number;
  /** Receives before a message moves to the dead-letter list (SQS maxReceiveCount). */
  maxReceiveCount: number;
  /** Handler invocations running at once (the sender's reserved concurrency in AWS). */
  concurrency: number;
  /** Messages per invocation at most (the event source's batch size); 1 unless given. */
  batchSize?: number;
  /**
   * How long the event source gathers messages before it invokes with fewer than `batchSize` (its maximum
   * batching window): fuller batches, fewer invocations. None unless given.
   */
  batchingWindowMs?: number;
}

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  enqueuedAt: number;
  firstReceivedAt?: number;
}

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export class InProcessQueue<T = SendBatch | SendCheck> implements WorkQueue<T> {
  readonly deadLetters: { body: string; receiveCount: number }[] = [];
  private readonly waiting: Message[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private paused = false;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: { below: number; resolve: () => void }[] = [];
  private handler: QueueHandler | undefined;

  constructor(private readonly options: InProcessQueueOptions) {}

  /** The consumer, set once the services that it needs exist (the sender needs the queue's services too). */
  consume(handler: QueueHandler) {
    this.handler = handler;
    this.pump();
  }

  async enqueue(items: T[], options: EnqueueOptions = {}): Promise<void> {
    const enqueuedAt = Date.now();
    const visibleAt = options.delayMs ? enqueuedAt + options.delayMs : 0;
    for (const item of items) {
      this.waiting.push({ id: randomUUID(), body: JSON.stringify(item), receiveCount: 0, visibleAt, enqueuedAt });
    }
    this.pump();
  }

  /**
   * Resolves once nothing waits and nothing is being handled. Messages still in their delay do not count, as SQS
   * counts them apart (ApproximateNumberOfMessagesDelayed): a send's end check waits there while the send runs.
   */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once fewer than `below` messages wait: a producer's backpressure, so the queue stays bounded. */
  room(below: number): Promise<void> {
    if (this.waiting.length < below || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below, resolve }));
  }

  /** Messages waiting or being handled, those still in their first delay left out. */
  get depth() {
    const now = Date.now();
    return this.waiting.filter((m) => !isDelayed(m, now)).length + this.inFlight;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const { resolve } of this.roomWaiters.splice(0)) resolve();
  }

  /** Stops handing out messages, as disabling a Lambda's event source mapping does; they wait meanwhile. */
  pause() {
    this.paused = true;
  }

  resume() {
    this.paused = false;
    this.pump();
  }

  private isIdle() {
    return this.depth === 0;
  }

  private pump() {
    if (this.stopped || this.paused || !this.handler) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let gathering: number | undefined;
    while (this.inFlight < this.options.concurrency && (gathering = this.gatheringUntil(now)) === undefined) {
      const batch: Message[] = [];
      for (let i = 0; i < this.waiting.length && batch.length < (this.options.batchSize ?? 1);) {
        if (this.waiting[i]!.visibleAt <= now) batch.push(...this.waiting.splice(i, 1));
        else i += 1;
      }
      if (batch.length === 0) break;
      void this.receive(batch, this.handler);
    }
    // Look again when the batching window ends, or when the next delayed message becomes visible.
    const delayed = this.waiting.map((m) => m.visibleAt).filter((at) => at > now);
    const next = Math.min(gathering ?? Infinity, ...delayed);
    if (Number.isFinite(next) && this.inFlight < this.options.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    }
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.roomWaiters.length > 0) {
      const waiting = this.waiting.length;
      const ready = this.roomWaiters.filter((w) => waiting < w.below);
      this.roomWaiters = this.roomWaiters.filter((w) => waiting >= w.below);
      for (const { resolve } of ready) resolve();
    }
  }

  /** Within the batching window: when it ends, as fewer than a batch are visible and the oldest has not waited it out. */
  private gatheringUntil(now: number): number | undefined {
    const window = this.options.batchingWindowMs;
    if (!window || this.inFlight >= this.options.concurrency) return undefined;
    const visible = this.waiting.filter((m) => m.visibleAt <= now);
    if (visible.length === 0 || visible.length >= (this.options.batchSize ?? 1)) return undefined;
    const ends = Math.min(...visible.map((m) => Math.max(m.visibleAt, m.enqueuedAt))) + window;
    return ends > now ? ends : undefined;
  }

  private async receive(batch: Message[], handler: QueueHandler) {
    this.inFlight += 1;
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= Date.now();
    }
    let failed: Set<string>;
    try {
      const response = await handler({ Records: batch.map(toSqsRecord) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.id));
    }
    this.inFlight -= 1;
    for (const message of batch.filter((m) => failed.has(m.id))) {
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.deadLetters.push({ body: message.body, receiveCount: message.receiveCount });
      } else {
        message.visibleAt = Date.now() + this.options.visibilityTimeoutMs;
        this.waiting.push(message);
      }
    }
    this.pump();
  }
}

/** A message never received yet whose delay has not passed. */
const isDelayed = (message: Message, now: number) => message.receiveCount === 0 && message.visibleAt > now;

/** Messages as the SQS event source hands them to a Lambda. */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body) =>
      toSqsRecord({ id: randomUUID(), body, receiveCount: 1, visibleAt: 0, enqueuedAt: Date.now() }),
    ),
  };
}

function toSqsRecord(message: Message): SQSRecord {
  return {
    messageId: message.id,
    receiptHandle: `${message.id}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.firstReceivedAt ?? Date.now()),
      SenderId: 'herald-local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:herald-send',
    awsRegion: 'local',
  };
}
