// Lambda entry points whose start-up failed once: Secrets Manager (a stand-in on 127.0.0.1) refuses the first read of
// a secret, and the next invocation of the same instance starts again and succeeds. The public API also refuses a
// request that did not come through CloudFront (which adds the edge secret).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADER } from '../../contracts/headers.ts';
import type { HttpEvent } from '../../functions/handlers/http.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };
import { FUNCTION_ENV, TEST_TOKEN_SECRET } from '../support/function-env.ts';

const SECRETS: Record<string, string> = {
  'arn:aws:secretsmanager:eu-central-1:1:secret:token': TEST_TOKEN_SECRET,
  'arn:aws:secretsmanager:eu-central-1:1:secret:edge': 'only-cloudfront-sends-this-value',
};
const secretReads = { count: 0, failures: 0 };
let secretsManager: Server;

beforeAll(async () => {
  // GetSecretValue (awsJson1_1): the first `failures` reads answer 500, the others the secret asked for.
  secretsManager = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      secretReads.count += 1;
      const failing = secretReads.count <= secretReads.failures;
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      response.writeHead(failing ? 500 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(
          failing
            ? { __type: 'InternalServiceError', message: 'try again' }
            : { ARN: SecretId, Name: SecretId.split(':').at(-1), SecretString: SECRETS[SecretId] },
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
    EDGE_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:1:secret:edge',
    ...FUNCTION_ENV,
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

  it('starts the public API again on the next request, which it answers only through CloudFront', async () => {
    secretReads.count = 0;
    secretReads.failures = 1;
    const { handler } = await import('../../functions/handlers/public-api.ts');
    const signupPage = (headers: Record<string, string>) =>
      ({
        ...baseEvent,
        rawPath: '/subscribe',
        rawQueryString: '',
        queryStringParameters: {},
        headers,
        requestContext: { ...baseEvent.requestContext, http: { ...baseEvent.requestContext.http, method: 'GET' } },
      }) as HttpEvent;
    const fromEdge = { [EDGE_HEADER]: SECRETS['arn:aws:secretsmanager:eu-central-1:1:secret:edge']! };
    await expect(handler(signupPage(fromEdge))).rejects.toThrow();
    expect((await handler(signupPage(fromEdge))).statusCode).toBe(200);
    // The API's domain reached directly, without CloudFront's header.
    expect((await handler(signupPage({}))).statusCode).toBe(403);
  });
});
