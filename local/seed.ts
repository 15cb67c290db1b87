// Loads the SECON sample content, the demo subscribers and the sample issue (as a draft) into the stores.
import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import {
  highlightSchema,
  indicatorSchema,
  issueDraftSchema,
  partnerSchema,
  practiceSchema,
  subscriberSchema,
} from '../functions/domain/records.ts';
import type { Services } from '../functions/wiring/services.ts';
import { subscriberIdFor } from '../functions/domain/subscribers.ts';

export const SAMPLE_ISSUE_ID = 'secon-newsletter-5';

function sample<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  const value: unknown = JSON.parse(readFileSync(new URL(`./sample/${file}`, import.meta.url), 'utf8'));
  return schema.parse(value);
}

export async function seedSampleData(services: Services, now: Date): Promise<{ subscribers: number }> {
  const { content, subscribers, issues } = services;
  const put = <T>(records: T[], store: (record: T) => Promise<void>) => Promise.all(records.map(store));
  await put(sample('highlights.json', highlightSchema.array()), (r) => content.put('highlight', r));
  await put(sample('practices.json', practiceSchema.array()), (r) => content.put('practice', r));
  await put(sample('partners.json', partnerSchema.array()), (r) => content.put('partner', r));
  await put(sample('indicators.json', indicatorSchema.array()), (r) => content.put('indicator', r));
  const people = sample('subscribers.json', subscriberSchema.array());
  const at = now.toISOString();
  // Ids come from addresses, as for every subscriber (so signing up again finds the demo subscriber).
  await put(people, async ({ id: _sampleId, topics, ...person }) => {
    await subscribers.create({
      ...person,
      id: subscriberIdFor(person.email),
      topics: topics ?? [],
      createdAt: at,
      ...(person.status === 'confirmed' && { confirmedAt: at }),
      consent: { at, form: 'sample-data', language: person.language, textVersion: 'sample', ip: '127.0.0.1' },
    });
  });
  const { id, ...draft } = sample('issue.json', issueDraftSchema.extend({ id: issueDraftSchema.shape.title }));
  await issues.put({ ...draft, id, status: 'draft', createdAt: now.toISOString() });
  return { subscribers: people.length };
}
