// The records an issue's send showed (sk `RECORD#<kind>#<id>`), under the issue's partition key beside its editions.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SentRecord, SentRecords } from '../domain/ports.ts';

/** Highlights and practices have ids of their own: an issue showing one of each with the same id keeps both. */
const KINDS: readonly SentRecord['kind'][] = ['highlight', 'practice'];
const key = (issueId: string, kind: SentRecord['kind'], id: string) => ({ issueId, sk: `RECORD#${kind}#${id}` });

export function createDynamoSentRecords(client: DynamoDBDocumentClient, tableName: string): SentRecords {
  return {
    async putSent(issueId, records) {
      // One item each (a record with its 24 languages may take up to 300 KB); a send stored again writes them again.
      for (const { kind, record } of records) {
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...key(issueId, kind, record.id), kind, record } }),
        );
      }
    },
    async getSent(issueId, recordId) {
      const found = await Promise.all(
        KINDS.map((kind) => client.send(new GetCommand({ TableName: tableName, Key: key(issueId, kind, recordId) }))),
      );
      const item = found.find(({ Item }) => Item)?.Item;
      return item ? ({ kind: item.kind, record: item.record } as SentRecord) : undefined;
    },
  };
}
