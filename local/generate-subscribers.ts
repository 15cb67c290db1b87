// Confirmed subscribers in bulk, spread over the project's countries, languages and regions: for the send benchmark,
// the fault suite and a profile without sample content. Written 25 per BatchWriteItem, as the audience index wants,
// and booked in the audience tallies once at the end (what the store does per write, done per segment here).
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { audienceKey } from '../functions/adapters/dynamo-audience.ts';
import { mergeTally, tallyChange, type AudienceTallies, type TallyIncrement } from '../functions/domain/audience.ts';
import type { Reference } from '../functions/domain/reference.ts';
import { subscriberIdFor, type SubscriberRecord } from '../functions/domain/subscribers.ts';

export function generatedSubscriber(reference: Reference, i: number, domain: string, at: string): SubscriberRecord {
  const { countryCodes, languages } = reference;
  const country = countryCodes[i % countryCodes.length]!;
  const language = languages[Math.floor(i / countryCodes.length) % languages.length]!;
  const regions = reference.regionsOf(country);
  const email = `reader${i}@${domain}`;
  return {
    id: subscriberIdFor(email),
    email,
    name: `Reader ${i}`,
    status: 'confirmed',
    country,
    language,
    region: regions[Math.floor(i / (countryCodes.length * languages.length)) % regions.length]!,
    topics: [],
    createdAt: at,
    confirmedAt: at,
    consent: { at, form: 'generated', language, textVersion: 'generated', ip: '127.0.0.1' },
  };
}

export async function generateSubscribers(
  reference: Reference,
  client: DynamoDBDocumentClient,
  tableName: string,
  count: number,
  options: {
    tallies: AudienceTallies;
    domain?: string;
    onProgress?: (written: number) => void;
    /** Changes the i-th subscriber before it is written (a benchmark's topics). */
    shape?: (subscriber: SubscriberRecord, i: number) => SubscriberRecord;
  },
): Promise<void> {
  const at = new Date().toISOString();
  const domain = options.domain ?? 'readers.example';
  let written = 0;
  const tallies = new Map<string, TallyIncrement>();
  const writeChunk = async (from: number) => {
    let items = Array.from({ length: Math.min(25, count - from) }, (_, k) => {
      const plain = generatedSubscriber(reference, from + k, domain, at);
      const subscriber = options.shape ? options.shape(plain, from + k) : plain;
      for (const t of tallyChange(undefined, subscriber)) mergeTally(tallies, t);
      return { PutRequest: { Item: { ...subscriber, audience: audienceKey(subscriber) } } };
    });
    while (items.length > 0) {
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
      items = (UnprocessedItems?.[tableName] ?? []) as typeof items;
    }
    written += 25;
    options.onProgress?.(Math.min(written, count));
  };
  // A few writers at once: enough to keep the emulator busy without flooding it.
  const starts = Array.from({ length: Math.ceil(count / 25) }, (_, k) => k * 25);
  const workers = Array.from({ length: 8 }, async () => {
    for (let from = starts.shift(); from !== undefined; from = starts.shift()) await writeChunk(from);
  });
  await Promise.all(workers);
  await options.tallies.add([...tallies.values()]);
}
