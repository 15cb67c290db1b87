// SDK clients, made once per process; emulators are reached through the AWS_ENDPOINT_URL_* variables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type Config } from './config.ts';

// The SESv2 client reads AWS_ENDPOINT_URL_SESV2; the contract names AWS_ENDPOINT_URL_SES, so both work.
const sesEndpoint = () => process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES;

export function createClients() {
  const dynamoDb = new DynamoDBClient({});
  // Each command class's middleware chain is built once, not on every call (about a tenth of a call's CPU).
  // The document client refuses this option, so DynamoDB goes without it.
  const cacheMiddleware = true;
  return {
    dynamoDb,
    dynamo: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    ses: new SESv2Client({ endpoint: sesEndpoint(), cacheMiddleware }),
    // Bulk sends are retried by the sender, which knows whether SES took them; the SDK's own retry after a
    // lost answer would send a batch twice.
    sesBulk: new SESv2Client({ endpoint: sesEndpoint(), maxAttempts: 1, cacheMiddleware }),
    sqs: new SQSClient({ cacheMiddleware }),
    scheduler: new SchedulerClient({ cacheMiddleware }),
    secrets: new SecretsManagerClient({ cacheMiddleware }),
  };
}
export type Clients = ReturnType<typeof createClients>;

/** The link-signing key: given (embedded stack) or read once from Secrets Manager (AWS). */
export async function tokenKey(config: Config, clients: Clients): Promise<Buffer> {
  const key =
    'value' in config.tokenSecret
      ? config.tokenSecret.value
      : (await clients.secrets.send(new GetSecretValueCommand({ SecretId: config.tokenSecret.arn }))).SecretString;
  if (!key) throw new ConfigError('the token secret is empty');
  return Buffer.from(key);
}

/** A port this function is not configured for: using it fails with the settings it lacks. */
export function unavailable<T extends object>(message: string): T {
  return new Proxy({} as T, { get: () => () => Promise.reject(new ConfigError(message)) });
}
