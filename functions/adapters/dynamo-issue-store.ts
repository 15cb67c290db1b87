// Issues and their rendered editions (sk `ISSUE`, `EDITION#<lang>`), under the issue's partition key; the counters
// beside them are dynamo-send-counters.ts's.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import { STARTS_SK } from './dynamo-send-starts.ts';
import type { Edition, IssueStore } from '../domain/ports.ts';
import type { Issue } from '../domain/records.ts';

const ISSUE = 'ISSUE';
const LIST_KEY = 'issue';
const edition = (language: string) => `EDITION#${language}`;

export function createDynamoIssueStore(client: DynamoDBDocumentClient, tableName: string): IssueStore {
  const toIssue = (item: Record<string, unknown>): Issue => {
    const { issueId, sk: _sk, listKey: _listKey, ...rest } = item;
    return { ...rest, id: issueId } as Issue;
  };
  const transition = async (id: string, from: string, to: string, set: Record<string, string | boolean> = {}) => {
    const names = Object.keys(set);
    return whenConditionHolds(
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { issueId: id, sk: ISSUE },
          UpdateExpression: `SET #status = :to${names.map((n) => `, #${n} = :${n}`).join('')}`,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(names.map((n) => [`#${n}`, n])) },
          ExpressionAttributeValues: {
            ':from': from,
            ':to': to,
            ...Object.fromEntries(names.map((n) => [`:${n}`, set[n]])),
          },
        }),
      ),
    );
  };
  const conditionalPut = async (
    item: Record<string, unknown>,
    condition: string,
    attributes: { names?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) => {
    return whenConditionHolds(
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: condition,
          ...(attributes.names && { ExpressionAttributeNames: attributes.names }),
          ...(attributes.values && { ExpressionAttributeValues: attributes.values }),
        }),
      ),
    );
  };
  return {
    async put(issue) {
      const { id, ...rest } = issue;
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...rest, issueId: id, sk: ISSUE, listKey: LIST_KEY } }),
      );
    },
    async create(issue) {
      const { id, ...rest } = issue;
      return conditionalPut({ ...rest, issueId: id, sk: ISSUE, listKey: LIST_KEY }, 'attribute_not_exists(issueId)');
    },
    async replaceDraft(issue, previousVersion) {
      const { id, ...rest } = issue;
      const unchanged = previousVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :previous';
      return conditionalPut(
        { ...rest, issueId: id, sk: ISSUE, listKey: LIST_KEY },
        `#status = :draft AND ${unchanged}`,
        {
          names: { '#status': 'status', '#version': 'version' },
          values: { ':draft': 'draft', ...(previousVersion !== 0 && { ':previous': previousVersion }) },
        },
      );
    },
    async removeDraft(id) {
      const removed = await whenConditionHolds(
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { issueId: id, sk: ISSUE },
            // A draft whose send once started keeps its id: delivery records and claims are keyed by it.
            ConditionExpression: '#status = :draft AND attribute_not_exists(sendStartedAt)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':draft': 'draft' },
          }),
        ),
      );
      // Ids are title slugs: a new issue of the same title must not inherit this draft's local-time starts.
      if (removed) await client.send(new DeleteCommand({ TableName: tableName, Key: { issueId: id, sk: STARTS_SK } }));
      return removed;
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { issueId: id, sk: ISSUE } }));
      return Item ? toIssue(Item) : undefined;
    },
    async list() {
      const issues: Issue[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          IndexName: 'byCreatedAt',
          KeyConditionExpression: 'listKey = :issue',
          ExpressionAttributeValues: { ':issue': LIST_KEY },
          ScanIndexForward: false,
        },
      );
      for await (const page of pages) issues.push(...(page.Items ?? []).map(toIssue));
      return issues;
    },
    transition,
    async putEdition(issueId, e) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...e, issueId, sk: edition(e.language) } }));
    },
    async getEdition(issueId, language) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: { issueId, sk: edition(language) } }),
      );
      return Item
        ? ({
            language: Item.language,
            subject: Item.subject,
            html: Item.html,
            text: Item.text,
            ...(Array.isArray(Item.links) && { links: Item.links }),
          } as Edition)
        : undefined;
    },
  };
}
