// What a send asks of each AWS service, counted in the embedded stack: DynamoDB requests per operation and the
// capacity units dynalite reports (an SDK middleware on the stack's client asks for them), and per in-process
// queue the messages enqueued, the SendMessageBatch calls SQS would bill, the handler invocations (Lambda
// requests) and their durations. The queues are metered by wrapping InProcessQueue's methods from here, as
// bench/ may not change local/ (see the report for the hook local/stack.ts could offer instead).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MESSAGE_INDEX_FIELDS } from '../contracts/tables.ts';
import { InProcessQueue, type QueueHandler } from '../local/queue.ts';

const SQS_BATCH_LIMIT = 10;
const SQS_CHUNK_BYTES = 64 * 1024;

export interface DynamoOperation {
  requests: number;
  /** Units dynalite reported (table only; it neither counts index writes nor answers for Query, Scan, Transact*). */
  readUnits: number;
  writeUnits: number;
  /** Requests dynalite gave no units for: their units are estimated from the items' sizes. */
  estimated: number;
}

export interface DynamoMeter {
  operations: Map<string, DynamoOperation>;
  /** Write units that AWS would add for the writes to tables with an index whose projection holds the item. */
  indexWriteUnits: number;
  reset(): void;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
/** The deliveries table's byMessageId index (sparse: only records with a message id). */
const INDEXED = /deliveries/i;
/** The attributes whose change writes an entry of that index: its key and what it projects. */
const INDEX_ATTRIBUTES = ['messageId', ...MESSAGE_INDEX_FIELDS];
const INDEX_WORDS = new RegExp(`\\b(${INDEX_ATTRIBUTES.join('|')})\\b`);

/** Whether an update names an attribute the index holds (directly or through an expression attribute name). */
const touchesIndex = (input: Record<string, unknown>) => {
  const names = Object.values((input.ExpressionAttributeNames as Record<string, string> | undefined) ?? {});
  return names.some((name) => INDEX_ATTRIBUTES.includes(name)) || INDEX_WORDS.test(String(input.UpdateExpression));
};

/**
 * Index write units AWS would add (dynalite counts none): a delivery record put with a message id, an update
 * that changes what the index holds, and every delete of a delivery record (taken to hold one). An estimate.
 */
function indexWrites(command: string, input: Record<string, unknown>, units: number): number {
  if (command === 'BatchWriteItem') {
    // Each put with a message id writes its index entry too, at the table's units per put (the entry is smaller).
    const writes = Object.entries(
      input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>,
    );
    const all = writes.flatMap(([, w]) => w).length;
    const indexed = writes
      .filter(([table]) => INDEXED.test(table))
      .flatMap(([, w]) => w)
      .filter((w) => w.PutRequest?.Item.messageId !== undefined).length;
    return all > 0 ? (units / all) * indexed : 0;
  }
  if (!INDEXED.test(String(input.TableName))) return 0;
  if (command === 'PutItem') return (input.Item as Record<string, unknown>).messageId !== undefined ? units : 0;
  if (command === 'UpdateItem') return touchesIndex(input) ? units : 0;
  return command === 'DeleteItem' ? units : 0;
}

/** A rough item size as DynamoDB counts it (attribute names and values), from its JSON. */
const sizeOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}));

type Capacity = { CapacityUnits?: number; TableName?: string };

/**
 * Meters every request of the clients (and of the document client built on one) from now on. A client made with
 * `cacheMiddleware` keeps the chain it built at its first call of each command: meter it before any call.
 */
export function meterDynamo(clients: DynamoDBClient[]): DynamoMeter {
  const meter: DynamoMeter = {
    operations: new Map(),
    indexWriteUnits: 0,
    reset() {
      this.operations.clear();
      this.indexWriteUnits = 0;
    },
  };
  for (const client of clients)
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const requestItems = input.RequestItems as Record<string, unknown[]> | undefined;
        const tables = input.TableName ? [String(input.TableName)] : Object.keys(requestItems ?? {});
        // Per operation and table ("PutItem deliveries"): the table's name without the stack's prefix.
        const name = `${command} ${tables.map((t) => t.split(/[-_.]/).pop()).join(',')}`.trim();
        const op = meter.operations.get(name) ?? { requests: 0, readUnits: 0, writeUnits: 0, estimated: 0 };
        meter.operations.set(name, op);
        op.requests += 1;
        const output = result.output as unknown as Record<string, unknown>;
        const reported = ([] as Capacity[]).concat(
          (output.ConsumedCapacity as Capacity | Capacity[] | undefined) ?? [],
        );
        const isRead = READS.has(command);
        let units = reported.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (reported.length === 0) {
          // As AWS counts them: a read per 4 KB of the items returned (eventually consistent: half), at least one;
          // a transactional write two units per KB of each item.
          op.estimated += 1;
          if (isRead) {
            const items = (output.Items ?? (output.Item ? [output.Item] : [])) as unknown[];
            const kb4 = Math.max(1, Math.ceil(items.reduce<number>((s, i) => s + sizeOf(i), 0) / 4096));
            units = input.ConsistentRead ? kb4 : kb4 / 2;
          } else {
            const items = (input.TransactItems as Record<string, { Item?: unknown } | undefined>[] | undefined) ?? [
              { write: input },
            ];
            units = items.reduce<number>((s, i) => {
              const one = Object.values(i)[0];
              return s + 2 * Math.max(1, Math.ceil(sizeOf(one?.Item ?? one) / 1024));
            }, 0);
          }
        }
        if (isRead) op.readUnits += units;
        else {
          op.writeUnits += units;
          meter.indexWriteUnits += indexWrites(command, input, units);
        }
        return result;
      },
      { step: 'initialize', name: 'benchConsumedCapacity', override: true },
    );
  return meter;
}

export interface QueueMeter {
  /** Items enqueued (SQS messages). */
  messages: number;
  /** SendMessageBatch calls (10 messages each), each billed per 64 KB of its payload. */
  sendRequests: number;
  /** Handler invocations (Lambda requests), the messages they took, and their durations. */
  invocations: number;
  received: number;
  handlerMs: number;
  /** Billed duration: each invocation rounded up to the millisecond. */
  billedMs: number;
  /** Time spent waiting in `room()` (backpressure the stack adds, no Lambda time in AWS). */
  roomWaitMs: number;
}

const meters = new WeakMap<object, QueueMeter>();
let installed = false;
const newQueueMeter = (): QueueMeter => ({
  messages: 0,
  sendRequests: 0,
  invocations: 0,
  received: 0,
  handlerMs: 0,
  billedMs: 0,
  roomWaitMs: 0,
});

/** The meter of a queue of the stack (zeros until it is used). */
export function queueMeter(queue: object): QueueMeter {
  let meter = meters.get(queue);
  if (!meter) meters.set(queue, (meter = newQueueMeter()));
  return meter;
}

/** Zeroes every queue's meter (the queues given: the stack's, and the events queue met through its handler). */
export function resetQueueMeters(queues: object[]) {
  for (const queue of queues) Object.assign(queueMeter(queue), newQueueMeter());
}

/** The queues that have consumed since the wrapping: the stack's send, fan-out and SES events queues. */
export const consumingQueues: object[] = [];

/** Wraps InProcessQueue's enqueue, consume and room once per process, before a stack starts. */
export function meterQueues() {
  if (installed) return;
  installed = true;
  const proto = InProcessQueue.prototype as unknown as {
    enqueue(items: unknown[], options?: unknown): Promise<void>;
    consume(handler: QueueHandler): void;
    room(below: number): Promise<void>;
  };
  const { enqueue, consume, room } = proto;
  proto.enqueue = function (this: object, items, options) {
    const meter = queueMeter(this);
    meter.messages += items.length;
    for (let i = 0; i < items.length; i += SQS_BATCH_LIMIT) {
      const bytes = items.slice(i, i + SQS_BATCH_LIMIT).reduce<number>((s, item) => s + sizeOf(item), 0);
      meter.sendRequests += Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
    }
    return enqueue.call(this, items, options);
  };
  proto.consume = function (this: object, handler) {
    consumingQueues.push(this);
    return consume.call(this, async (event) => {
      const meter = queueMeter(this);
      const started = performance.now();
      try {
        return await handler(event);
      } finally {
        const ms = performance.now() - started;
        meter.invocations += 1;
        meter.received += event.Records.length;
        meter.handlerMs += ms;
        meter.billedMs += Math.ceil(ms);
      }
    });
  };
  proto.room = async function (this: object, below) {
    const started = performance.now();
    await room.call(this, below);
    queueMeter(this).roomWaitMs += performance.now() - started;
  };
}
