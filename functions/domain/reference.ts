// The project's reference data, from its profile: the languages (and which a reader gets), the countries with their
// partner regions, the topics. Made once per profile by the wiring and handed to the use cases; the web apps get it
// from here too (referenceData(), GET /api/reference). Languages and countries are plain strings checked against it.
import { OTHER_REGION, type Profile, type ProfileCountry } from '../../contracts/profile.ts';

export { OTHER_REGION };

/** A language code of the profile's, e.g. `en`; checked at the edge against the profile. */
export type Language = string;
/** An ISO 3166-1 code of one of the profile's countries, e.g. `BG`. */
export type Country = string;
export type Topic = string;

export interface Reference {
  readonly profile: Profile;
  readonly languages: readonly Language[];
  readonly sourceLanguage: Language;
  readonly countryCodes: readonly Country[];
  readonly topics: readonly Topic[];
  isLanguage(value: string): boolean;
  isCountry(value: string): boolean;
  country(code: Country): ProfileCountry | undefined;
  /** The country's partner regions and "other"; none for a country not in the profile. */
  regionsOf(country: Country): string[];
  /** A region's name in `language`: the profile's label, else the name itself. */
  regionLabel(country: Country, region: string, language: Language): string;
  /** A country's name in `language` (English by default). */
  countryName(country: Country, language?: Language): string;
  /** A text of the profile (a topic's label, a purpose) in `language`, else in the source language. */
  label(text: Partial<Record<string, string>>, language: Language): string;
  /**
   * `lang` from the query when it is one of the languages, else the best Accept-Language match among them (by q,
   * then order; a regional tag matches its language), else the source language.
   */
  negotiateLanguage(query: string | undefined, acceptLanguage: string | undefined): Language;
}

const references = new WeakMap<Profile, Reference>();

/** The reference of a profile, made once per profile object (so schemas made from it are made once too). */
export function referenceOf(profile: Profile): Reference {
  let reference = references.get(profile);
  if (!reference) {
    reference = createReference(profile);
    references.set(profile, reference);
  }
  return reference;
}

function createReference(profile: Profile): Reference {
  const languages = new Set(profile.languages);
  const countries = new Map(profile.countries.map((c) => [c.code, c]));
  const sourceLanguage = profile.sourceLanguage;
  const isLanguage = (value: string) => languages.has(value);
  const label = (text: Partial<Record<string, string>>, language: Language) =>
    text[language] ?? text[sourceLanguage] ?? '';
  return {
    profile,
    languages: profile.languages,
    sourceLanguage,
    countryCodes: profile.countries.map((c) => c.code),
    topics: profile.topics.map((t) => t.id),
    isLanguage,
    isCountry: (value) => countries.has(value),
    country: (code) => countries.get(code),
    regionsOf: (code) => {
      const country = countries.get(code);
      return country ? [...country.regions.map((r) => r.name), OTHER_REGION] : [];
    },
    regionLabel: (code, region, language) =>
      countries.get(code)?.regions.find((r) => r.name === region)?.label[language] ?? region,
    countryName: (code, language = 'en') =>
      new Intl.DisplayNames([language], { type: 'region', fallback: 'none' }).of(code) ?? code,
    label,
    negotiateLanguage(query, acceptLanguage) {
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
      return sourceLanguage;
    },
  };
}

/** `make` run once per reference: what is built from a reference (its schemas) is built once. */
export function perReference<T>(make: (reference: Reference) => T): (reference: Reference) => T {
  const made = new WeakMap<Reference, T>();
  return (reference) => {
    let value = made.get(reference);
    if (value === undefined) {
      value = make(reference);
      made.set(reference, value);
    }
    return value;
  };
}

/** The reference data as the web apps take it (`GET /api/reference`); names are in English, the editor's language. */
export interface ReferenceData {
  project: { name: string; shortName: string };
  sourceLanguage: Language;
  languages: { code: Language; name: string }[];
  /** Each with its partner regions; every country also takes `otherRegion`. */
  countries: { code: Country; name: string; language: Language; regions: string[] }[];
  otherRegion: string;
  topics: Topic[];
  /** Each topic's label in the source language. */
  topicLabels: Record<Topic, string>;
}

export function referenceData(reference: Reference): ReferenceData {
  const { profile } = reference;
  const languageName = new Intl.DisplayNames(['en'], { type: 'language' });
  return {
    project: { name: profile.name, shortName: profile.shortName },
    sourceLanguage: reference.sourceLanguage,
    languages: reference.languages.map((code) => ({ code, name: languageName.of(code) ?? code })),
    countries: profile.countries.map(({ code, language, regions }) => ({
      code,
      name: reference.countryName(code),
      language,
      regions: regions.map((r) => r.name),
    })),
    otherRegion: OTHER_REGION,
    topics: [...reference.topics],
    topicLabels: Object.fromEntries(
      profile.topics.map((t) => [t.id, reference.label(t.label, reference.sourceLanguage)]),
    ),
  };
}
