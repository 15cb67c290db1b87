// Unit tests of the one logger and of what a Lambda entry adds: keys on each line, the request id after a Lambda
// context, LOG_LEVEL honoured when it changes after start-up, and no metrics printed outside Lambda.
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaEntry } from '../../functions/wiring/lambda-entry.ts';
import { logger } from '../../functions/wiring/logger.ts';
import { count, flushMetrics, METRIC } from '../../functions/wiring/metrics.ts';

/** What a call printed on stdout and stderr, line by line. */
async function printedBy(call: () => unknown) {
  const lines: string[] = [];
  const capture = (chunk: unknown) => lines.push(...String(chunk).split('\n').filter(Boolean)) >= 0;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await call();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines;
}
const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

const level = process.env.LOG_LEVEL;
afterEach(() => {
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
});

describe('the logger', () => {
  it("puts a batch's keys on each of its lines, with the service", async () => {
    process.env.LOG_LEVEL = 'info';
    const batch = logger.withKeys({ issueId: 'issue-1', country: 'BG', lang: 'bg' });

    const lines = parsed(
      await printedBy(() => {
        batch.info('batch delivered', { sent: 50 });
        batch.warn('batch failed; the queue will retry it', { error: new Error('connection reset') });
      }),
    );

    expect(lines).toMatchObject([
      { level: 'INFO', message: 'batch delivered', service: 'herald', issueId: 'issue-1', lang: 'bg', sent: 50 },
      { level: 'WARN', issueId: 'issue-1', country: 'BG', error: { name: 'Error', message: 'connection reset' } },
    ]);
  });

  it('follows LOG_LEVEL when it changes after start-up', async () => {
    process.env.LOG_LEVEL = 'warn';
    expect(await printedBy(() => logger.info('quiet'))).toEqual([]);
    process.env.LOG_LEVEL = 'debug';
    expect(parsed(await printedBy(() => logger.debug('loud')))).toMatchObject([{ level: 'DEBUG', message: 'loud' }]);
  });

  it("puts the invocation's request id and cold start on the lines its handler logs", async () => {
    process.env.LOG_LEVEL = 'info';
    const handler = lambdaEntry(async (event: { issueId: string }) => logger.info('started', event));
    const context = {
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      functionName: 'HeraldSender',
      invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:HeraldSender',
      memoryLimitInMB: '512',
      functionVersion: '$LATEST',
    } as Context;

    const [line] = parsed(await printedBy(() => handler({ issueId: 'issue-1' }, context)));

    expect(line).toMatchObject({
      message: 'started',
      issueId: 'issue-1',
      function_request_id: context.awsRequestId,
      function_name: 'HeraldSender',
      cold_start: expect.any(Boolean),
    });
  });
});

describe('metrics outside Lambda', () => {
  it('prints nothing, so the embedded stack and the CLI keep stdout for people', async () => {
    process.env.LOG_LEVEL = 'debug';
    expect(
      await printedBy(() => {
        count(METRIC.recipientsSent, 50);
        flushMetrics();
      }),
    ).toEqual([]);
  });
});
