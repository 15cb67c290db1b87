import { describe, expect, it } from 'vitest';
import {
  audienceSelectionSchema,
  inSelection,
  summarizeAudience,
  tallyChange,
  type AudienceMember,
  type SegmentTally,
} from '../../functions/domain/audience.ts';
import { fanOutSegment } from '../../functions/domain/sending.ts';
import { validate } from '../../functions/domain/validation.ts';
import { ValidationError } from '../../functions/domain/errors.ts';
import { DEFAULT_POLICY } from '../../functions/domain/delivery.ts';
import { collectingQueue, fakeAudience, fakeSendCounters, fixedClock } from './fakes.ts';
import { secon } from '../support/profile.ts';

const member = (fields: Partial<AudienceMember> = {}): AudienceMember => ({
  country: 'BG',
  language: 'bg',
  region: 'Haskovo',
  topics: [],
  status: 'confirmed',
  ...fields,
});

/** Tallies as the store keeps them, from a list of subscribers. */
function talliesOf(members: AudienceMember[]): SegmentTally[] {
  const tallies = new Map<string, SegmentTally>();
  for (const t of members.flatMap((m) => tallyChange(undefined, m))) {
    const key = [t.country, t.language, t.region, t.status].join('#');
    const tally = tallies.get(key) ?? { ...t, byTopics: {} };
    tally.byTopics[t.topics] = (tally.byTopics[t.topics] ?? 0) + t.n;
    tallies.set(key, tally);
  }
  return [...tallies.values()];
}

describe('an audience selection', () => {
  const parse = (value: unknown) => validate(audienceSelectionSchema(secon), value, 'audience');

  it('keeps what the profile has, sorted and without repeats, and drops empty lists', () => {
    expect(parse({ countries: ['GR', 'BG', 'BG'], languages: [], topics: ['funding'] })).toEqual({
      countries: ['BG', 'GR'],
      topics: ['funding'],
    });
  });

  it('refuses a region of a country left out of the selection', () => {
    expect(() => parse({ countries: ['GR'], regions: ['Haskovo'] })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'audience.regions.0' }) }),
    );
    expect(() => parse({ countries: ['GR'], regions: ['Haskovo'] })).toThrow(ValidationError);
  });

  it('takes any of the values within a field and all the fields together', () => {
    const selection = { countries: ['BG', 'GR'], topics: ['funding', 'policy'] };
    expect(inSelection(selection, member({ topics: ['policy'] }))).toBe(true);
    expect(inSelection(selection, member({ country: 'DE', region: 'Rhine-Neckar', topics: ['policy'] }))).toBe(false);
    expect(inSelection(selection, member({ topics: ['events'] }))).toBe(false);
    // Who chose no topic is outside any topic selection.
    expect(inSelection(selection, member({ topics: [] }))).toBe(false);
    expect(inSelection(undefined, member())).toBe(true);
  });
});

describe('the audience tallies', () => {
  it('move a subscriber between tallies once per change, and not at all for a change they do not see', () => {
    expect(tallyChange(member(), member({ status: 'unsubscribed' })).map((t) => [t.status, t.n])).toEqual([
      ['confirmed', -1],
      ['unsubscribed', 1],
    ]);
    expect(tallyChange(member({ topics: ['b', 'a'] }), member({ topics: ['a', 'b', 'a'] }))).toEqual([]);
    expect(tallyChange(member(), undefined)).toHaveLength(1);
  });

  it('count a topic selection exactly: someone with two chosen topics counts once', () => {
    const summary = summarizeAudience(
      secon,
      talliesOf([
        member({ topics: ['funding', 'policy'] }),
        member({ topics: ['funding'] }),
        member({ topics: ['events'] }),
        member({ topics: ['policy'], language: 'en' }),
        member({ topics: ['funding'], status: 'pending' }),
        member({ topics: ['funding'], status: 'suppressed' }),
        member({ topics: ['events'], status: 'unsubscribed' }),
        member({ country: 'GR', region: 'Peloponnese', language: 'el', topics: ['funding'] }),
      ]),
      { countries: ['BG'], topics: ['funding', 'policy'] },
    );
    expect(summary.total).toBe(3);
    expect(summary.byLanguage).toMatchObject({ bg: 2, en: 1, el: 0 });
    expect(summary.byCountry).toMatchObject({ BG: 3, GR: 0 });
    expect(summary.excluded).toEqual({ unconfirmed: 1, unsubscribed: 0, suppressed: 1, outsideSelection: 3 });
    expect(summary.segments).toEqual([
      { country: 'BG', language: 'en', n: 1 },
      { country: 'BG', language: 'bg', n: 2 },
    ]);
  });
});

describe('the fan-out of a selection', () => {
  it('enqueues only the segment subscribers of the regions and topics chosen', async () => {
    const queue = collectingQueue();
    const recipient = (id: string, region: string, topics: string[]) => ({
      id,
      email: `${id}@x.example`,
      region,
      topics,
    });
    const audience = fakeAudience({
      'BG#bg': [
        recipient('a', 'Haskovo', ['funding']),
        recipient('b', 'Haskovo', ['events']),
        recipient('c', 'other', ['funding']),
        recipient('d', 'Haskovo', []),
      ],
    });
    const deps = {
      issues: { transition: async () => true },
      counters: fakeSendCounters(),
      audience,
      queue,
      deliveries: { getMany: async () => [] },
      clock: fixedClock,
      policy: DEFAULT_POLICY,
    };
    const job = { issueId: 'i', country: 'BG', language: 'bg', regions: ['Haskovo'], topics: ['funding'] };
    expect(await fanOutSegment(deps, job)).toEqual({ recipients: 1 });
    expect(queue.batches.flatMap((b) => b.recipients)).toEqual([{ id: 'a', email: 'a@x.example', region: 'Haskovo' }]);
  });
});
