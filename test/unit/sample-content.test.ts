// SECON's sample content in local/sample/secon: every file matches its schema and the files fit together.
import { describe, it, expect } from 'vitest';
import * as z from 'zod';
import practicesJson from '../../local/sample/secon/practices.json' with { type: 'json' };
import highlightsJson from '../../local/sample/secon/highlights.json' with { type: 'json' };
import indicatorsJson from '../../local/sample/secon/indicators.json' with { type: 'json' };
import subscribersJson from '../../local/sample/secon/subscribers.json' with { type: 'json' };
import issueJson from '../../local/sample/secon/issue.json' with { type: 'json' };
import { recordSchemas, type Text } from '../../functions/domain/records.ts';
import type { Country, Language } from '../../functions/domain/reference.ts';
import { COUNTRY_CODES, LANGUAGES, secon } from '../support/profile.ts';

const { highlightSchema, indicatorSchema, issueDraftSchema, practiceSchema, subscriberSchema } = recordSchemas(secon);
const partners = secon.profile.partners;

const SIMULATOR_ADDRESSES = [
  'success@simulator.amazonses.com',
  'bounce@simulator.amazonses.com',
  'complaint@simulator.amazonses.com',
];

const { id: issueId, ...issueDraftJson } = issueJson;

const practices = z.array(practiceSchema).parse(practicesJson);
const highlights = z.array(highlightSchema).parse(highlightsJson);
const indicators = z.array(indicatorSchema).parse(indicatorsJson);
const subscribers = z.array(subscriberSchema).parse(subscribersJson);
const issue = issueDraftSchema.parse(issueDraftJson);

/** The text fields (Text objects) of a record, by field name. */
function textFields(record: Record<string, unknown>): [string, Text][] {
  return Object.entries(record).filter(
    (entry): entry is [string, Text] =>
      typeof entry[1] === 'object' && entry[1] !== null && !Array.isArray(entry[1]) && 'en' in entry[1],
  );
}

function homeLanguage(country: Country): Language {
  return secon.country(country)!.language;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('sample content files', () => {
  it.each([
    ['practices', practiceSchema, practicesJson],
    ['highlights', highlightSchema, highlightsJson],
    ['indicators', indicatorSchema, indicatorsJson],
    ['subscribers', subscriberSchema, subscribersJson],
  ] as const)('parse %s with the record schema', (_name, schema, data) => {
    const result = z.array(schema).safeParse(data);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('parses the issue as an issue draft with a valid id', () => {
    const result = issueDraftSchema.safeParse(issueDraftJson);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(issueId).toBe('secon-newsletter-5');
  });

  it.each([
    ['practices', practices],
    ['highlights', highlights],
    ['indicators', indicators],
    ['subscribers', subscribers],
  ] as const)('gives every record in %s a unique id', (_name, records) => {
    const ids = records.map((record) => record.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('sample practices', () => {
  it('holds 18 practices, two for each of the nine partner regions', () => {
    expect(practices).toHaveLength(18);
    const perRegion = countBy(practices, (p) => p.region);
    expect([...perRegion.keys()].sort()).toEqual(
      [
        'Extremadura',
        'Flemish Brabant',
        'Harghita',
        'Haskovo',
        'Mazowieckie',
        'Oliveira de Azeméis',
        'Peloponnese',
        'Rhine-Neckar',
        'Riga Planning Region',
      ].sort(),
    );
    for (const count of perRegion.values()) expect(count).toBe(2);
  });

  it("places every practice in one of its country's partner regions", () => {
    for (const practice of practices) {
      expect(secon.country(practice.country)!.regions.map((r) => r.name)).toContain(practice.region);
    }
  });

  it('starts no practice after it ends', () => {
    for (const practice of practices) {
      if (practice.startDate && practice.endDate) expect(practice.endDate >= practice.startDate).toBe(true);
    }
  });
});

describe('sample translations', () => {
  it.each([
    ['practices', practices],
    ['highlights', highlights],
  ] as const)("gives every text field in %s English and the home country's language", (_name, records) => {
    for (const record of records) {
      const home = homeLanguage(record.country);
      const fields = textFields(record);
      expect(fields.length, record.id).toBeGreaterThan(0);
      for (const [field, text] of fields) {
        expect(text.en, `${record.id}.${field}.en`).toBeTruthy();
        expect(text[home], `${record.id}.${field}.${home}`).toBeTruthy();
        expect(text[home], `${record.id}.${field}.${home} is translated`).not.toBe(text.en);
      }
    }
  });

  it('labels every indicator in all eleven languages', () => {
    for (const indicator of indicators) {
      expect(Object.keys(indicator.label).sort(), indicator.id).toEqual([...LANGUAGES].sort());
      if (indicator.unit) expect(Object.keys(indicator.unit).sort(), indicator.id).toEqual([...LANGUAGES].sort());
    }
  });

  it('writes the issue subject, preheader and intro in all eleven languages', () => {
    for (const text of [issue.subject, issue.preheader ?? {}, issue.intro]) {
      expect(Object.keys(text).sort()).toEqual([...LANGUAGES].sort());
    }
  });
});

describe('sample issue', () => {
  const known: Record<string, Set<string>> = {
    highlights: new Set(highlights.map((h) => h.id)),
    practices: new Set(practices.map((p) => p.id)),
    indicators: new Set(indicators.map((i) => i.id)),
    events: new Set(highlights.map((h) => h.id)),
  };

  it('orders its sections as highlights, practices, indicators', () => {
    expect(issue.sections.map((s) => s.type)).toEqual(['highlights', 'practices', 'indicators']);
  });

  it('refers only to records that exist', () => {
    for (const section of issue.sections) {
      for (const item of section.items) expect(known[section.type]?.has(item), `${section.type}: ${item}`).toBe(true);
    }
  });

  it('features four practices from different regions and every indicator', () => {
    const byId = new Map(practices.map((p) => [p.id, p]));
    const featured = issue.sections.find((s) => s.type === 'practices')?.items ?? [];
    expect(featured).toHaveLength(4);
    expect(new Set(featured.map((id) => byId.get(id)?.region)).size).toBe(4);
    const shown = issue.sections.find((s) => s.type === 'indicators')?.items ?? [];
    expect([...shown].sort()).toEqual(indicators.map((i) => i.id).sort());
  });
});

describe("the sample profile's partners", () => {
  it('lists the ten partners, two of them in Greece', () => {
    expect(partners).toHaveLength(10);
    expect(partners.filter((p) => p.country === 'GR')).toHaveLength(2);
  });
});

describe('sample subscribers', () => {
  const confirmed = subscribers.filter((s) => s.status === 'confirmed');

  it('has at least two confirmed subscribers in every country', () => {
    const perCountry = countBy(confirmed, (s) => s.country);
    for (const country of COUNTRY_CODES) expect(perCountry.get(country) ?? 0, country).toBeGreaterThanOrEqual(2);
  });

  it('has at least two confirmed subscribers for every language', () => {
    const perLanguage = countBy(confirmed, (s) => s.language);
    for (const language of LANGUAGES) expect(perLanguage.get(language) ?? 0, language).toBeGreaterThanOrEqual(2);
  });

  it('includes pending and unsubscribed subscribers', () => {
    expect(subscribers.filter((s) => s.status === 'pending')).toHaveLength(4);
    expect(subscribers.filter((s) => s.status === 'unsubscribed')).toHaveLength(2);
  });

  it('confirms the three mailbox simulator addresses in different countries and languages', () => {
    const simulators = subscribers.filter((s) => SIMULATOR_ADDRESSES.includes(s.email));
    expect(simulators.map((s) => s.email).sort()).toEqual([...SIMULATOR_ADDRESSES].sort());
    expect(simulators.every((s) => s.status === 'confirmed')).toBe(true);
    expect(new Set(simulators.map((s) => s.country)).size).toBe(3);
    expect(new Set(simulators.map((s) => s.language)).size).toBe(3);
  });

  it('uses only example domains apart from the mailbox simulator', () => {
    for (const subscriber of subscribers) {
      if (SIMULATOR_ADDRESSES.includes(subscriber.email)) continue;
      expect(subscriber.email, subscriber.id).toMatch(/@example\.[a-z]{2,3}$/);
    }
  });

  it('numbers subscriber ids sequentially', () => {
    expect(subscribers.map((s) => s.id)).toEqual(
      subscribers.map((_s, index) => `sub-${String(index + 1).padStart(3, '0')}`),
    );
  });
});
