// An in-process stand-in for SQS: at-least-once delivery to the same handler the Lambda runs, a visibility
// timeout before a failed message is seen again, a bounded number of receives, then the dead-letter list.
// Messages live in memory: after a stop, the stack's resume rebuilds an interrupted send from its records.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SendBatch, WorkQueue } from '../functions/domain/ports.ts';

export interface InProcessQueueOptions {
  /** How long a received message stays invisible; a failed one comes back after it. */
  visibilityTimeoutMs: number;
  /** Receives before a message moves to the dead-letter list (SQS maxReceiveCount). */
  maxReceiveCount: number;
  /** Handler invocations running at once (the sender's reserved concurrency in AWS). */
  concurrency: number;
}

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  firstReceivedAt?: number;
}

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export class InProcessQueue<T = SendBatch> implements WorkQueue<T> {
  readonly deadLetters: { body: string; receiveCount: number }[] = [];
  private readonly waiting: Message[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private paused = false;
  private idleWaiters: (() => void)[] = [];
  private handler: QueueHandler | undefined;

  constructor(private readonly options: InProcessQueueOptions) {}

  /** The consumer, set once the services that it needs exist (the sender needs the queue's services too). */
  consume(handler: QueueHandler) {
    this.handler = handler;
    this.pump();
  }

  async enqueue(items: T[]): Promise<void> {
    for (const item of items) {
      this.waiting.push({ id: randomUUID(), body: JSON.stringify(item), receiveCount: 0, visibleAt: 0 });
    }
    this.pump();
  }

  /** Resolves once nothing waits and nothing is being handled. */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get depth() {
    return this.waiting.length + this.inFlight;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
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
    return this.waiting.length === 0 && this.inFlight === 0;
  }

  private pump() {
    if (this.stopped || this.paused || !this.handler) return;
    clearTimeout(this.timer);
    const now = Date.now();
    while (this.inFlight < this.options.concurrency) {
      const index = this.waiting.findIndex((m) => m.visibleAt <= now);
      if (index < 0) break;
      const [message] = this.waiting.splice(index, 1);
      if (message) void this.receive(message, this.handler);
    }
    const next = Math.min(...this.waiting.map((m) => m.visibleAt));
    if (Number.isFinite(next) && this.inFlight < this.options.concurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    }
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async receive(message: Message, handler: QueueHandler) {
    this.inFlight += 1;
    message.receiveCount += 1;
    message.firstReceivedAt ??= Date.now();
    let failed: boolean;
    try {
      const response = await handler({ Records: [toSqsRecord(message)] });
      failed = (response?.batchItemFailures ?? []).some((f) => f.itemIdentifier === message.id);
    } catch {
      failed = true;
    }
    this.inFlight -= 1;
    if (failed) {
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
