// Starts the AWS emulators on worker threads of this process: dynalite (DynamoDB on LevelDB, persisted) and
// aws-ses-v2-local. Each gets its own event loop, so the emulators and the handlers run on different cores.
import { join } from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { CreateTableCommand, ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../contracts/tables.ts';

export interface Emulator {
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startDynalite(dataDir: string | undefined, port: number): Promise<Emulator> {
  // Tables become ACTIVE at once; the store lives under the data directory so a restart loses nothing (without
  // one, in memory: the benchmarks, where DynamoDB's own work should cost this machine's cores as little as may be).
  const options = {
    ...(dataDir !== undefined && { path: join(dataDir, 'dynamodb') }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  };
  return startOnWorker('dynamodb', port, options);
}

/** GetAccount answers from the `AWS_SES_ACCOUNT` variable; the worker shares this process's environment. */
export function startSesEmulator(port: number): Promise<Emulator> {
  return startOnWorker('ses', port);
}

async function startOnWorker(kind: 'dynamodb' | 'ses', port: number, options?: object): Promise<Emulator> {
  const worker = new Worker(new URL('./emulator-worker.mjs', import.meta.url), {
    workerData: { kind, host: '127.0.0.1', port, options },
    env: SHARE_ENV,
    execArgv: [],
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const listening = await new Promise<{ port: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    void exited.then(() => reject(new Error(`the ${kind} emulator stopped while starting`)));
  });
  return {
    port: listening.port,
    url: `http://127.0.0.1:${listening.port}`,
    async close() {
      worker.postMessage('close');
      await exited;
    },
  };
}

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
