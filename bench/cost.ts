// The AWS cost of a send, from what the send bench counted: one table of on-demand list prices, the functions'
// memory and event source batch sizes as infra/ configures them, and the cost of 100,000 emails per service beside
// SES's own price for them.
import { SES_EVENTS_BATCH_SIZE } from '../contracts/limits.ts';
import type { DynamoMeter, QueueMeter } from './meter.ts';

/**
 * On-demand list prices in US dollars, region eu-central-1 (Frankfurt), read 2026-11-29, first price tier.
 * Sources: https://aws.amazon.com/dynamodb/pricing/on-demand/ , https://aws.amazon.com/sqs/pricing/ ,
 * https://aws.amazon.com/sns/pricing/ , https://aws.amazon.com/lambda/pricing/ , https://aws.amazon.com/ses/pricing/ .
 * The stored copies of those pages the search found give only US East (N. Virginia) figures: SQS $0.40 per million
 * requests, SNS $0.50 per million publishes (deliveries to SQS free), Lambda Arm $0.0000133334 per GB-s and $0.20
 * per million requests, SES $0.10 per 1,000 emails, DynamoDB $0.625 per million WRU and $0.125 per million RRU
 * (after the November 2024 halving). Frankfurt's DynamoDB prices were NOT found there: the figures below are
 * Frankfurt's pre-2024 $1.525 / $0.305 halved, to check against the page; the others are the same in Frankfurt.
 */
export const PRICES = {
  region: 'eu-central-1',
  read: '2026-11-29',
  dynamoWriteRequestUnit: 0.7625 / 1e6,
  dynamoReadRequestUnit: 0.1525 / 1e6,
  sqsRequest: 0.4 / 1e6,
  snsPublish: 0.5 / 1e6,
  snsToSqsDelivery: 0,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  sesEmail: 0.1 / 1000,
} as const;

/**
 * As infra/stateless-stack.ts configures them (HeraldFunction's default memory is 512 MB, Arm): the EditorApi takes
 * the send request (1024 MB); FanOut (512 MB) and Sender (512 MB) take one SQS message per invocation (batchSize 1);
 * SesEvents (256 MB) takes SES_EVENTS_BATCH_SIZE (contracts/limits.ts). infra/ exports none of these but the last.
 */
export const FUNCTIONS = {
  editorApi: { memoryMb: 1024 },
  fanOut: { memoryMb: 512, batchSize: 1 },
  sender: { memoryMb: 512, batchSize: 1 },
  sesEvents: { memoryMb: 256, batchSize: SES_EVENTS_BATCH_SIZE },
} as const;
/** SQS hands a Lambda poller at most 10 messages per ReceiveMessage, and deletes at most 10 per DeleteMessageBatch. */
const SQS_RECEIVE_MAX = 10;

export interface SendUsage {
  recipients: number;
  dynamo: DynamoMeter;
  fanOut: QueueMeter;
  send: QueueMeter;
  events: QueueMeter;
  /** The send request's time (the EditorApi invocation). */
  apiMs: number;
}

export interface CostLine {
  service: string;
  /** What is counted, per 100,000 emails. */
  usage: string;
  count: number;
  dollars: number;
}

/** Receives and deletes the event source makes for a queue's messages: batches of at most 10 (one per message at 1). */
const pollRequests = (meter: QueueMeter, batchSize: number) =>
  2 * (batchSize === 1 ? meter.received : Math.ceil(meter.received / SQS_RECEIVE_MAX));

/** The cost of 100,000 emails per service, scaled linearly from one run's counts. */
export function costOf(usage: SendUsage): { lines: CostLine[]; herald: number; ses: number } {
  const scale = 100_000 / Math.max(1, usage.recipients);
  let writeUnits = usage.dynamo.indexWriteUnits;
  let readUnits = 0;
  for (const op of usage.dynamo.operations.values()) {
    writeUnits += op.writeUnits;
    readUnits += op.readUnits;
  }
  const { fanOut, send, events } = usage;
  // SNS delivers each SES event to the queue with one SendMessage; the fan-out and the senders batch 10 a call.
  const sqsRequests =
    fanOut.sendRequests +
    send.sendRequests +
    events.messages +
    pollRequests(fanOut, FUNCTIONS.fanOut.batchSize) +
    pollRequests(send, FUNCTIONS.sender.batchSize) +
    pollRequests(events, FUNCTIONS.sesEvents.batchSize);
  const invocations = 1 + fanOut.invocations + send.invocations + events.invocations;
  // The senders' time waiting for the events queue to have room is the embedded stack's, not Lambda's.
  const gbSeconds =
    (Math.ceil(usage.apiMs) * FUNCTIONS.editorApi.memoryMb +
      fanOut.billedMs * FUNCTIONS.fanOut.memoryMb +
      Math.max(0, send.billedMs - events.roomWaitMs) * FUNCTIONS.sender.memoryMb +
      events.billedMs * FUNCTIONS.sesEvents.memoryMb) /
    1024 /
    1000;
  const line = (service: string, what: string, count: number, price: number): CostLine => ({
    service,
    usage: what,
    count: count * scale,
    dollars: count * scale * price,
  });
  const lines = [
    line('DynamoDB', 'write request units (index writes estimated)', writeUnits, PRICES.dynamoWriteRequestUnit),
    line('DynamoDB', 'read request units', readUnits, PRICES.dynamoReadRequestUnit),
    line('SQS', 'requests (send, receive, delete)', sqsRequests, PRICES.sqsRequest),
    line('SNS', 'publishes (one per SES event)', events.messages, PRICES.snsPublish),
    line('SNS', 'deliveries to SQS', events.messages, PRICES.snsToSqsDelivery),
    line('Lambda', 'requests (invocations)', invocations, PRICES.lambdaRequest),
    line('Lambda', 'GB-seconds (measured handler time)', gbSeconds, PRICES.lambdaArmGbSecond),
  ];
  return {
    lines,
    herald: lines.reduce((s, l) => s + l.dollars, 0),
    ses: 100_000 * PRICES.sesEmail,
  };
}
