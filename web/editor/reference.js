// The contract's reference data for the browser: a copy of functions/domain/reference.ts (a test keeps them equal).

export const LANGUAGES = ['en', 'bg', 'de', 'el', 'es', 'hu', 'lv', 'nl', 'pl', 'pt', 'ro'];
export const SOURCE_LANGUAGE = 'en';

/** Each language's name in English and in itself, for labels and for the `lang` attribute's readers. */
export const LANGUAGE_NAMES = {
  en: 'English',
  bg: 'Bulgarian',
  de: 'German',
  el: 'Greek',
  es: 'Spanish',
  hu: 'Hungarian',
  lv: 'Latvian',
  nl: 'Dutch',
  pl: 'Polish',
  pt: 'Portuguese',
  ro: 'Romanian',
};

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
};
export const COUNTRY_CODES = Object.keys(COUNTRIES);
export const OTHER_REGION = 'other';

export function regionsOf(country) {
  return [...(COUNTRIES[country]?.regions ?? []), OTHER_REGION];
}
