// Starts the AWS emulators in this process: dynalite (DynamoDB on LevelDB, persisted) and aws-ses-v2-local.
import type { Server } from 'node:http';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { createRequire } from 'node:module';
import { CreateTableCommand, ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../infra/tables.ts';
import { portOf } from './http-server.ts';

export async function startDynalite(dataDir: string, port: number): Promise<Server> {
  // Tables become ACTIVE at once; the store lives under the data directory so a restart loses nothing.
  const server: Server = dynalite({
    path: join(dataDir, 'dynamodb'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

export async function startSesEmulator(port: number): Promise<Server> {
  // A CommonJS module whose `exports.default` is the server factory; loaders disagree on its ESM default.
  const { default: startServer } = createRequire(import.meta.url)(
    'aws-ses-v2-local',
  ) as typeof import('aws-ses-v2-local');
  return startServer({ host: '127.0.0.1', port });
}

export { portOf };

/** Creates the tables that do not exist yet, from the same definitions the CDK stack uses. */
export async function ensureTables(client: DynamoDBClient, definitions: readonly TableDefinition[], prefix: string) {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);

  for (const table of definitions) {
    const name = tableName(prefix, table);
    if (existing.has(name)) continue;
    const keys = (partitionKey: string, sortKey?: string) => [
      { AttributeName: partitionKey, KeyType: 'HASH' as const },
      ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
    ];
    const attributes = new Set([
      table.partitionKey,
      table.sortKey,
      ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]);
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys(table.partitionKey, table.sortKey),
        AttributeDefinitions: [...attributes]
          .filter((a): a is string => a !== undefined)
          .map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        ...(table.indexes.length > 0 && {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keys(index.partitionKey, index.sortKey),
            Projection: Array.isArray(index.projection)
              ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: index.projection }
              : { ProjectionType: index.projection },
          })),
        }),
      }),
    );
  }
}

export const tableName = (prefix: string, table: TableDefinition) => `${prefix}-${table.id.toLowerCase()}`;
