// Reference data of the contract: the 11 languages, the 10 countries with their partner regions, the topics, and
// which of the languages a reader gets; the web apps get it from here too (referenceData(), GET /api/reference).

export const LANGUAGES = ['en', 'bg', 'de', 'el', 'es', 'hu', 'lv', 'nl', 'pl', 'pt', 'ro'] as const;
export type Language = (typeof LANGUAGES)[number];
export const SOURCE_LANGUAGE: Language = 'en';

/** Every country has its partner region(s) and "other"; `language` is the home language of its records. */
export const COUNTRIES = {
  GR: { name: 'Greece', language: 'el', regions: ['Peloponnese'] },
  BE: { name: 'Belgium', language: 'nl', regions: ['Flemish Brabant'] },
  PL: { name: 'Poland', language: 'pl', regions: ['Mazowieckie'] },
  ES: { name: 'Spain', language: 'es', regions: ['Extremadura'] },
  DE: { name: 'Germany', language: 'de', regions: ['Rhine-Neckar'] },
  RO: { name: 'Romania', language: 'ro', regions: ['Harghita'] },
  PT: { name: 'Portugal', language: 'pt', regions: ['Oliveira de Azeméis'] },
  LV: { name: 'Latvia', language: 'lv', regions: ['Riga Planning Region'] },
  BG: { name: 'Bulgaria', language: 'bg', regions: ['Haskovo'] },
  HU: { name: 'Hungary', language: 'hu', regions: ['West Transdanubia'] },
} as const satisfies Record<string, { name: string; language: Language; regions: readonly string[] }>;

export type Country = keyof typeof COUNTRIES;
export const COUNTRY_CODES = Object.keys(COUNTRIES) as Country[];
export const OTHER_REGION = 'other';

export function regionsOf(country: Country): string[] {
  return [...COUNTRIES[country].regions, OTHER_REGION];
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** What a subscriber can choose to hear about. */
export const TOPICS = ['events', 'practices', 'policy', 'funding'] as const;
export type Topic = (typeof TOPICS)[number];

/**
 * `lang` from the query when it is one of the languages, else the best Accept-Language match among them (by q, then
 * order; a regional tag matches its language), else the source language.
 */
export function negotiateLanguage(query: string | undefined, acceptLanguage: string | undefined): Language {
  const primary = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const requested = primary(query ?? '');
  if (isLanguage(requested)) return requested;
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { language: primary(tag), quality: Number.isFinite(quality) ? quality : 0, order };
    })
    .filter((range) => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  for (const { language } of ranges) if (isLanguage(language)) return language;
  return SOURCE_LANGUAGE;
}

/** The reference data as the web apps take it (`GET /api/reference`); names are in English, the editor's language. */
export interface ReferenceData {
  sourceLanguage: Language;
  languages: { code: Language; name: string }[];
  /** Each with its partner regions; every country also takes `otherRegion`. */
  countries: { code: Country; name: string; language: Language; regions: string[] }[];
  otherRegion: string;
  topics: Topic[];
}

export function referenceData(): ReferenceData {
  const languageName = new Intl.DisplayNames(['en'], { type: 'language' });
  return {
    sourceLanguage: SOURCE_LANGUAGE,
    languages: LANGUAGES.map((code) => ({ code, name: languageName.of(code) ?? code })),
    countries: COUNTRY_CODES.map((code) => {
      const { name, language, regions } = COUNTRIES[code];
      return { code, name, language, regions: [...regions] };
    }),
    otherRegion: OTHER_REGION,
    topics: [...TOPICS],
  };
}
