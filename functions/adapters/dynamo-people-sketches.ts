// An issue's people sketches in the issues table: one item per segment (`SKETCH#<dimension>#<key>` under the
// issue's partition key) holding its four sketches (`recipients`, `measured`, `openers`, `clickers`: 4 KB of
// registers each, deflated), so a report reads one item per (issue, segment). Merged with a write conditioned on the version read,
// so two writers never lose a person.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { GetCommand, UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from './conditional-write.ts';
import { ConflictError } from '../domain/errors.ts';
import type { PeopleSketch, PeopleSketches, SketchDimension, SketchKind } from '../domain/ports.ts';
import { emptySketch, mergeInto } from '../domain/sketch.ts';

const KINDS: readonly SketchKind[] = ['recipients', 'measured', 'openers', 'clickers'];
// Registers are small numbers, mostly alike: deflated they take about half the bytes to store, read and send.
const pack = (registers: Uint8Array) => new Uint8Array(deflateRawSync(registers));
const unpack = (stored: Uint8Array) => new Uint8Array(inflateRawSync(stored));

const sortKey = (s: Pick<PeopleSketch, 'dimension' | 'key'>) => `SKETCH#${s.dimension}#${s.key}`;
/** Merges refused this many times in a row (each refusal means another writer landed) give up. */
const MAX_MERGE_ATTEMPTS = 8;

export function createDynamoPeopleSketches(client: DynamoDBDocumentClient, tableName: string): PeopleSketches {
  /** Merges one segment's sketches (of one or more kinds) into its item. */
  async function mergeSegment(
    issueId: string,
    segment: Pick<PeopleSketch, 'dimension' | 'key'>,
    kinds: Map<SketchKind, Uint8Array>,
  ) {
    const Key = { issueId, sk: sortKey(segment) };
    for (let attempt = 1; attempt <= MAX_MERGE_ATTEMPTS; attempt++) {
      const names = [...kinds.keys()];
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key,
          ConsistentRead: true,
          ProjectionExpression: [...names, 'version'].join(', '),
        }),
      );
      const changed = names.flatMap((kind) => {
        const registers = Item?.[kind] ? unpack(Item[kind] as Uint8Array) : emptySketch();
        return mergeInto(registers, kinds.get(kind)!) ? [[kind, registers] as const] : [];
      });
      if (changed.length === 0) return;
      const version = Item?.version as number | undefined;
      const written = await whenConditionHolds(
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: `SET dimension = :dimension, #key = :key, version = :next, ${changed
              .map(([kind]) => `${kind} = :${kind}`)
              .join(', ')}`,
            ConditionExpression: version === undefined ? 'attribute_not_exists(version)' : 'version = :version',
            ExpressionAttributeNames: { '#key': 'key' },
            ExpressionAttributeValues: {
              ':dimension': segment.dimension,
              ':key': segment.key,
              ':next': (version ?? 0) + 1,
              ...(version !== undefined && { ':version': version }),
              ...Object.fromEntries(changed.map(([kind, registers]) => [`:${kind}`, pack(registers)])),
            },
          }),
        ),
      );
      if (written) return;
    }
    throw new ConflictError(`sketch ${sortKey(segment)} of issue ${issueId} kept changing; try again`);
  }

  return {
    async merge(issueId, sketches) {
      const segments = new Map<string, { segment: PeopleSketch; kinds: Map<SketchKind, Uint8Array> }>();
      for (const sketch of sketches) {
        const id = sortKey(sketch);
        const found = segments.get(id) ?? { segment: sketch, kinds: new Map() };
        const kind = found.kinds.get(sketch.kind);
        if (kind) mergeInto(kind, sketch.registers);
        else found.kinds.set(sketch.kind, sketch.registers);
        segments.set(id, found);
      }
      await Promise.all([...segments.values()].map(({ segment, kinds }) => mergeSegment(issueId, segment, kinds)));
    },
    async ofDimension(issueId, dimension: SketchDimension, keyPrefix = '') {
      const found: PeopleSketch[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: 'issueId = :id AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':id': issueId, ':prefix': `SKETCH#${dimension}#${keyPrefix}` },
          ProjectionExpression: `dimension, #key, ${KINDS.join(', ')}`,
          ExpressionAttributeNames: { '#key': 'key' },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          for (const kind of KINDS) {
            if (item[kind]) found.push({ dimension, key: item.key, kind, registers: unpack(item[kind] as Uint8Array) });
          }
        }
      }
      return found;
    },
  };
}
