// Lambda entry points whose start-up failed once: Secrets Manager (a stand-in on 127.0.0.1) refuses the first read of
// the link-signing key, and the next invocation of the same instance starts again and succeeds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'a-test-key-of-at-least-32-characters';
const secretReads = { count: 0, failures: 0 };
let secretsManager: Server;

beforeAll(async () => {
  // GetSecretValue (awsJson1_1): the first `failures` reads answer 500, the others the key.
  secretsManager = createServer((request, response) => {
    request.resume().on('end', () => {
      secretReads.count += 1;
      const failing = secretReads.count <= secretReads.failures;
      response.writeHead(failing ? 500 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(
          failing
            ? { __type: 'InternalServiceError', message: 'try again' }
            : { ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:token', Name: 'token', SecretString: KEY },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => secretsManager.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // One attempt per call: the hiccup reaches the start-up, as it does once the SDK's retries are spent.
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`,
    TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:token',
    CONTENT_TABLE: 'content',
    ISSUES_TABLE: 'issues',
    SUBSCRIBERS_TABLE: 'subscribers',
    DELIVERIES_TABLE: 'deliveries',
    HERALD_FROM_ADDRESS: 'news@secon.example',
    SES_CONFIGURATION_SET: 'herald',
    HERALD_PUBLIC_URL: 'https://news.example',
  });
});
afterAll(() => new Promise<void>((resolve) => secretsManager.close(() => resolve())));

describe('a Lambda whose start-up failed', () => {
  it('starts again on the next invocation and answers it', async () => {
    secretReads.count = 0;
    secretReads.failures = 1;
    const { handler } = await import('../../functions/handlers/sender.ts');
    const noMessages = { Records: [] } as SQSEvent;
    await expect(handler(noMessages)).rejects.toThrow();
    await expect(handler(noMessages)).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(noMessages)).resolves.toEqual({ batchItemFailures: [] });
    // Started twice: the failure was not kept, the success was.
    expect(secretReads.count).toBe(2);
  });
});
