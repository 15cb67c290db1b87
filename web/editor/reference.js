// The reference data every view reads (the project, languages and their names, countries and their regions, topics),
// as the server gives it from the project profile (GET /api/reference): loaded once after sign-in, before the first
// view renders. No copy here.

// Live bindings: loadReference() sets them, and every importer sees the new values.
/** `{name, shortName}` of the project. */
export let PROJECT = { name: '', shortName: '' };
export let LANGUAGES = [];
export let SOURCE_LANGUAGE;
/** Each language's name in English, for labels and for screen readers. */
export let LANGUAGE_NAMES = {};
/** `{GR: {name, language, regions}, ...}` in the server's order; `regions` are the partner regions. */
export let COUNTRIES = {};
export let COUNTRY_CODES = [];
export let OTHER_REGION;
export let TOPICS = [];
/** Each topic's label in the source language. */
export let TOPIC_LABELS = {};

let loading;

/** Fetches the reference data on the first call; later calls share it. A failed fetch is tried again next time. */
export function loadReference(api) {
  loading ??= api.reference().then(use, (error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

function use(data) {
  PROJECT = data.project;
  LANGUAGES = data.languages.map((language) => language.code);
  SOURCE_LANGUAGE = data.sourceLanguage;
  LANGUAGE_NAMES = Object.fromEntries(data.languages.map(({ code, name }) => [code, name]));
  COUNTRIES = Object.fromEntries(data.countries.map(({ code, ...country }) => [code, country]));
  COUNTRY_CODES = data.countries.map((country) => country.code);
  OTHER_REGION = data.otherRegion;
  TOPICS = data.topics;
  TOPIC_LABELS = data.topicLabels;
}

/** The source language's name in English ("English" for most projects): what every other language falls back to. */
export function sourceName() {
  return LANGUAGE_NAMES[SOURCE_LANGUAGE] ?? SOURCE_LANGUAGE;
}

/** A country's partner regions and "other", the choices a record's region has. */
export function regionsOf(country) {
  return [...(COUNTRIES[country]?.regions ?? []), OTHER_REGION];
}
