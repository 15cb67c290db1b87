// Groups by name, not code: regions as the project profile names them (from GET /api/reference, the one source),
// countries and languages in the viewer's language (the browser's Intl.DisplayNames), numbers and dates as the
// viewer writes them.
/* global navigator -- a browser global the shared lint config does not list */

const viewer = [...(navigator.languages ?? []), navigator.language, 'en'].filter(Boolean);

/** The project's reference data, set once at sign-in. */
let reference = { project: { shortName: '' }, sourceLanguage: 'en', languages: [], countries: [], otherRegion: '' };
export const setReference = (data) => (reference = data);
export const projectShortName = () => reference.project.shortName;

function displayName(type, code, fallback) {
  try {
    return new Intl.DisplayNames(viewer, { type, fallback: 'none' }).of(code) ?? fallback;
  } catch {
    return fallback; // not a code Intl knows (e.g. "unknown")
  }
}

export const countryName = (code) =>
  displayName('region', code, reference.countries.find((c) => c.code === code)?.name ?? code);
export const languageName = (code) =>
  displayName('language', code, reference.languages.find((l) => l.code === code)?.name ?? code);

/** `BG/Haskovo` -> "Haskovo (Bulgaria)"; a country's "other" -> "Other regions (Germany)". */
export function regionName(key) {
  const slash = key.indexOf('/');
  if (slash < 0) return key;
  const country = key.slice(0, slash);
  const region = key.slice(slash + 1);
  const known = reference.countries.find((c) => c.code === country)?.regions.includes(region);
  const name = region === reference.otherRegion ? 'Other regions' : region;
  return known || region === reference.otherRegion ? `${name} (${countryName(country)})` : key;
}

/** A row's name in the dashboard: the same in every view, whatever the API calls it. */
export function groupName(by, key) {
  if (key === 'total') return 'Total';
  if (by === 'country') return countryName(key);
  if (by === 'language') return languageName(key);
  return regionName(key);
}

/** Rows by their name in the viewer's language (the API sorts by code). */
export const byName = (by, rows) =>
  [...rows].sort((a, b) => groupName(by, a.key).localeCompare(groupName(by, b.key), viewer));

/** The profile's language the viewer reads best, for the names and headers of a CSV or PDF; undefined if none. */
export function viewerReportLanguage() {
  const codes = new Set(reference.languages.map((l) => l.code));
  return viewer.map((tag) => tag.toLowerCase().split('-')[0]).find((code) => codes.has(code));
}

const dayFormat = new Intl.DateTimeFormat(viewer, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** `2024-03-01` -> "1 Mar 2024" (in the viewer's way). */
export const formatDay = (day) => dayFormat.format(new Date(`${day}T00:00:00Z`));
