// Loads a project's sample content into the stores of a fresh data directory: the records, demo subscribers and the
// sample issue (as a draft) from the folder its profile names (`sampleContent`); a profile without one gets
// generated demo subscribers only, a few in every country and language.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { resolveFromProfile, type Profile } from '../contracts/profile.ts';
import { recordSchemas } from '../functions/domain/records.ts';
import type { Reference } from '../functions/domain/reference.ts';
import type { Services } from '../functions/wiring/services.ts';
import { addSubscriber, subscriberIdFor } from '../functions/domain/subscribers.ts';
import { generatedSubscriber } from './generate-subscribers.ts';

/** Demo subscribers generated per (country, language) for a profile without sample content. */
export const GENERATED_PER_SEGMENT = 2;

/** What a sample folder says about the demo: the region the demo coordinator follows. */
const demoSchema = z.strictObject({ coordinatorRegion: z.string().min(1).optional() });

/** A project's sample content: the folder its profile names, and the id of its sample issue. */
export interface SampleContent {
  dir: string;
  issueId: string | undefined;
  coordinatorRegion: string | undefined;
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/** The sample content of the profile read from `profileFile`, if it names any. */
export function sampleContentOf(profileFile: string, profile: Profile): SampleContent | undefined {
  if (!profile.sampleContent) return undefined;
  const dir = resolveFromProfile(profileFile, profile.sampleContent);
  const has = (file: string) => existsSync(join(dir, file));
  const issue = has('issue.json') ? z.object({ id: z.string() }).parse(readJson(dir, 'issue.json')) : undefined;
  const demo = has('demo.json') ? demoSchema.parse(readJson(dir, 'demo.json')) : {};
  return { dir, issueId: issue?.id, coordinatorRegion: demo.coordinatorRegion };
}

/** Each file of the sample folder that exists, checked against the project's schemas. */
function sample<S extends z.ZodType>(dir: string, file: string, schema: S): z.infer<S> | undefined {
  return existsSync(join(dir, file)) ? schema.parse(readJson(dir, file)) : undefined;
}

export async function seedSampleData(
  services: Services,
  now: Date,
  content: SampleContent | undefined,
): Promise<{ subscribers: number }> {
  if (!content) return { subscribers: await seedGeneratedSubscribers(services, now) };
  const { dir } = content;
  const schemas = recordSchemas(services.reference);
  const put = <T>(records: T[] | undefined, store: (record: T) => Promise<void>) =>
    Promise.all((records ?? []).map(store));
  await put(sample(dir, 'highlights.json', schemas.highlightSchema.array()), (r) =>
    services.content.put('highlight', r),
  );
  await put(sample(dir, 'practices.json', schemas.practiceSchema.array()), (r) => services.content.put('practice', r));
  await put(sample(dir, 'indicators.json', schemas.indicatorSchema.array()), (r) =>
    services.content.put('indicator', r),
  );
  const people = sample(dir, 'subscribers.json', schemas.subscriberSchema.array()) ?? [];
  const at = now.toISOString();
  // Ids come from addresses, as for every subscriber (so signing up again finds the demo subscriber).
  await put(people, async ({ id: _sampleId, topics, ...person }) => {
    await addSubscriber(services, {
      ...person,
      id: subscriberIdFor(person.email),
      topics: topics ?? [],
      createdAt: at,
      ...(person.status === 'confirmed' && { confirmedAt: at }),
      consent: {
        at,
        form: 'sample-data',
        language: person.language,
        textVersion: 'sample',
        ip: '127.0.0.1',
        tracking: { allowed: person.tracking === true, at },
      },
    });
  });
  const issueSchema = schemas.issueDraftSchema.extend({ id: schemas.issueDraftSchema.shape.title });
  const issue = sample(dir, 'issue.json', issueSchema);
  if (issue) {
    const { id, ...draft } = issue;
    await services.issues.put({ ...draft, id, status: 'draft', createdAt: at });
  }
  return { subscribers: people.length };
}

/** Confirmed demo subscribers in every (country, language) of the project, at addresses nobody reads. */
async function seedGeneratedSubscribers(services: Services, now: Date): Promise<number> {
  const { reference } = services;
  const count = reference.countryCodes.length * reference.languages.length * GENERATED_PER_SEGMENT;
  const at = now.toISOString();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      addSubscriber(services, generatedSubscriber(reference, i, 'demo.example', at)),
    ),
  );
  return count;
}

/**
 * The region the demo coordinator follows: the sample's choice, else the project's first partner region (or the
 * first country's "other" when no country names a region).
 */
export function demoCoordinatorRegion(reference: Reference, content: SampleContent | undefined): string {
  const first = reference.profile.countries.find((c) => c.regions.length > 0);
  return content?.coordinatorRegion ?? (first ? first.regions[0]!.name : `${reference.countryCodes[0]}/other`);
}
