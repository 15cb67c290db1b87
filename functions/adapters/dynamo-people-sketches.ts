// An issue's people sketches (`SKETCH#<dimension>#<key>#<kind>` under the issue's partition key, 4 KB of registers
// each, deflated) in the issues table: merged with a write conditioned on the version read, so two writers never lose a person.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { GetCommand, UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import { ConflictError } from '../domain/errors.ts';
import type { PeopleSketch, PeopleSketches, SketchDimension } from '../domain/ports.ts';
import { emptySketch, mergeInto } from '../domain/sketch.ts';

// Registers are small numbers, mostly alike: deflated they take a third of the bytes to store, read and send.
const pack = (registers: Uint8Array) => new Uint8Array(deflateRawSync(registers));
const unpack = (stored: Uint8Array) => new Uint8Array(inflateRawSync(stored));

const sortKey = (s: Pick<PeopleSketch, 'dimension' | 'key' | 'kind'>) => `SKETCH#${s.dimension}#${s.key}#${s.kind}`;
/** Merges refused this many times in a row (each refusal means another writer landed) give up. */
const MAX_MERGE_ATTEMPTS = 8;

export function createDynamoPeopleSketches(client: DynamoDBDocumentClient, tableName: string): PeopleSketches {
  async function mergeOne(issueId: string, sketch: PeopleSketch) {
    const Key = { issueId, sk: sortKey(sketch) };
    for (let attempt = 1; attempt <= MAX_MERGE_ATTEMPTS; attempt++) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key, ConsistentRead: true, ProjectionExpression: 'registers, version' }),
      );
      const registers = Item?.registers ? unpack(Item.registers as Uint8Array) : emptySketch();
      if (!mergeInto(registers, sketch.registers)) return;
      const version = Item?.version as number | undefined;
      const written = await whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression:
              'SET dimension = :dimension, #key = :key, kind = :kind, registers = :registers, version = :next',
            ConditionExpression: version === undefined ? 'attribute_not_exists(version)' : 'version = :version',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: {
              ':dimension': sketch.dimension,
              ':key': sketch.key,
              ':kind': sketch.kind,
              ':registers': pack(registers),
              ':next': (version ?? 0) + 1,
              ...(version !== undefined && { ':version': version }),
            },
          }),
        ),
      );
      if (written) return;
    }
    throw new ConflictError(`sketch ${sortKey(sketch)} of issue ${issueId} kept changing; try again`);
  }

  return {
    async merge(issueId, sketches) {
      await Promise.all(sketches.map((sketch) => mergeOne(issueId, sketch)));
    },
    async ofDimension(issueId, dimension: SketchDimension, keyPrefix = '') {
      const found: PeopleSketch[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: 'issueId = :id AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':id': issueId, ':prefix': `SKETCH#${dimension}#${keyPrefix}` },
          ProjectionExpression: 'dimension, #key, kind, registers',
          ExpressionAttributeNames: { '#key': 'key' },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          found.push({
            dimension: item.dimension,
            key: item.key,
            kind: item.kind,
            registers: unpack(item.registers as Uint8Array),
          });
        }
      }
      return found;
    },
  };
}
