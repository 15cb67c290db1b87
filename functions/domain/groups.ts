// How reports group figures: which stored dimension a grouping (region, country, language) reads for a scope (all
// regions, or one), the group each stored key falls in, and the group's human name in the reader's language.
import type { SketchDimension } from './ports.ts';
import type { Reference } from './reference.ts';
import { OTHER_REGION } from './reference.ts';
import type { Grouping } from './stats.ts';

export interface GroupPlan {
  /** The stored dimension to read: region (countries are unions of their regions), language, or region per language. */
  dimension: SketchDimension;
  /** Only keys starting with this. */
  prefix: string;
  /** The group a stored key falls in; undefined for one outside the scope. */
  groupOf(key: string): string | undefined;
}

export function groupPlan(by: Grouping, region: string | undefined): GroupPlan {
  const country = (key: string) => key.split('/')[0]!;
  if (region === undefined) {
    if (by === 'language') return { dimension: 'language', prefix: '', groupOf: (key) => key };
    return { dimension: 'region', prefix: '', groupOf: by === 'country' ? country : (key) => key };
  }
  if (by === 'language') {
    return { dimension: 'regionLanguage', prefix: `${region}/`, groupOf: (key) => key.slice(region.length + 1) };
  }
  return {
    dimension: 'region',
    prefix: region,
    groupOf: (key) => (key !== region ? undefined : by === 'country' ? country(key) : key),
  };
}

/** The groups a report always shows, figures or none: the profile's partner regions, countries or languages. */
export function expectedGroups(reference: Reference, by: Grouping, region: string | undefined): string[] {
  if (region !== undefined) return by === 'language' ? [] : [by === 'country' ? region.split('/')[0]! : region];
  if (by === 'language') return [...reference.languages];
  if (by === 'country') return [...reference.countryCodes];
  return reference.profile.countries.flatMap((c) => c.regions.map((r) => `${c.code}/${r.name}`));
}

/** A group's name in `language`: a region's label from the profile, a country's or a language's name. */
export function groupName(
  reference: Reference,
  by: Grouping,
  key: string,
  language: string,
  otherRegion: (countryName: string) => string,
): string {
  if (by === 'language')
    return new Intl.DisplayNames([language], { type: 'language', fallback: 'code' }).of(key) ?? key;
  const [country = key, region] = key.split('/', 2);
  const countryName = reference.countryName(country, language);
  if (by === 'country' || region === undefined) return countryName;
  return region === OTHER_REGION ? otherRegion(countryName) : reference.regionLabel(country, region, language);
}
