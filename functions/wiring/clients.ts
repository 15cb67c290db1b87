// SDK clients, made once per process; emulators are reached through the AWS_ENDPOINT_URL_* variables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fastDynamo } from '../adapters/fast-dynamo.ts';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from '../domain/errors.ts';
import { TABLE_VARS, type Config, type TableName } from './config.ts';

// The SESv2 client reads AWS_ENDPOINT_URL_SESV2; the contract names AWS_ENDPOINT_URL_SES, so both work.
const sesEndpoint = () => process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES;

export function createClients() {
  const dynamoDb = new DynamoDBClient({});
  // Each command class's middleware chain is built once, not on every call (a quarter of a DynamoDB call's CPU).
  // The document client refuses this option: the hot paths go through `fast`, the others through `dynamo`.
  const cacheMiddleware = true;
  const dynamoDbFast = new DynamoDBClient({ cacheMiddleware });
  return {
    dynamoDb,
    dynamo: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    dynamoDbFast,
    fast: fastDynamo(dynamoDbFast),
    ses: new SESv2Client({ endpoint: sesEndpoint(), cacheMiddleware }),
    // Bulk sends are retried by the sender, which knows whether SES took them; the SDK's own retry after a
    // lost answer would send a batch twice.
    sesBulk: new SESv2Client({ endpoint: sesEndpoint(), maxAttempts: 1, cacheMiddleware }),
    sqs: new SQSClient({ cacheMiddleware }),
    scheduler: new SchedulerClient({ cacheMiddleware }),
    // Powertools Parameters: a value read is kept SECRET_MAX_AGE_SECONDS; a failed read is not kept, so the next
    // read (the next start-up, see startup.ts) asks Secrets Manager again.
    secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ cacheMiddleware }) }),
  };
}
export type Clients = ReturnType<typeof createClients>;

/** How long a secret read from Secrets Manager is reused before it is read again. */
export const SECRET_MAX_AGE_SECONDS = 300;

/** A secret's value: given (embedded stack) or read from Secrets Manager (AWS); `name` says which, if it is empty. */
export async function secretValue(secret: { value: string } | { arn: string }, clients: Clients, name: string) {
  const value =
    'value' in secret ? secret.value : await clients.secrets.get(secret.arn, { maxAge: SECRET_MAX_AGE_SECONDS });
  if (value !== undefined && typeof value !== 'string') throw new ConfigError(`the ${name} is binary, not text`);
  if (!value) throw new ConfigError(`the ${name} is empty`);
  return value;
}

/** The link-signing key. */
export async function tokenKey(secret: NonNullable<Config['tokenSecret']>, clients: Clients): Promise<Buffer> {
  return Buffer.from(await secretValue(secret, clients, 'token secret'));
}

/**
 * A port this function is not configured for: calling any of its methods throws a ConfigError with the settings
 * it lacks. Not a thenable, so it can be returned from an async function.
 */
export function unavailable<T extends object>(message: string): T {
  const fail = () => {
    throw new ConfigError(message);
  };
  return new Proxy({} as T, { get: (_, property) => (property === 'then' ? undefined : fail) });
}

/** The adapter of a table this function is given, or a port that fails naming the setting it lacks. */
export function forTable<T extends object>(config: Config, table: TableName, make: (tableName: string) => T): T {
  const name = config.tables[table];
  return name ? make(name) : unavailable<T>(`this function is not given the ${table} table (${TABLE_VARS[table]})`);
}
