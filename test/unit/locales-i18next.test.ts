// Every language under locales/ renders through i18next set up as the renderers set it up: each plural form its
// language has is chosen for a count that needs it, and plain texts come from the language itself, not English.
import { readFileSync, readdirSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';

const localesDir = new URL('../../locales/', import.meta.url);
const namespaces = readdirSync(new URL('en/', localesDir))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));
const languages = readdirSync(localesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const PROJECT = 'EXAMPLE';

const resource = (lng: string, ns: string) =>
  JSON.parse(readFileSync(new URL(`${lng}/${ns}.json`, localesDir), 'utf8')) as Record<string, unknown>;
const text = (lng: string, ns: string, path: string) =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], resource(lng, ns)) as string;

/** A count for each plural category of the language: integers first, then a fraction, then a million (fr "many"). */
function sampleCounts(lng: string): [string, number][] {
  const rules = new Intl.PluralRules(lng);
  const candidates = [...Array.from({ length: 201 }, (_, n) => n), 1.5, 1_000_000];
  return rules.resolvedOptions().pluralCategories.map((category) => {
    const count = candidates.find((n) => rules.select(n) === category);
    if (count === undefined) throw new Error(`No sample count for ${lng} "${category}"`);
    return [category, count];
  });
}

const i18n = i18next.createInstance();

beforeAll(async () => {
  // The options of createMjmlRenderer and createPageRenderer, over every locale folder.
  await i18n.init({
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: languages,
    ns: namespaces,
    defaultNS: 'issue',
    interpolation: { escapeValue: false, defaultVariables: { project: PROJECT } },
    resources: Object.fromEntries(
      languages.map((lng) => [lng, Object.fromEntries(namespaces.map((ns) => [ns, resource(lng, ns)]))]),
    ),
  });
});

describe.each(languages)('i18next in %s', (lng) => {
  it.each(sampleCounts(lng))('chooses the "%s" form of a plural (count %d)', (category, count) => {
    const expected = text(lng, 'issue', `participants_${category}`).replace('{{count}}', String(count));
    expect(i18n.exists('participants', { lng, ns: 'issue', count, fallbackLng: false })).toBe(true);
    expect(i18n.t('participants', { lng, ns: 'issue', count })).toBe(expected);
  });

  it('gives a plain text in the language, with its placeholders filled', () => {
    const expected = text(lng, 'pages', 'signup.title').replace('{{project}}', PROJECT);
    expect(i18n.t('signup.title', { lng, ns: 'pages' })).toBe(expected);
    expect(i18n.t('readMore', { lng, ns: 'issue' })).toBe(text(lng, 'issue', 'readMore'));
    if (lng !== 'en') expect(i18n.t('readMore', { lng, ns: 'issue' })).not.toBe(text('en', 'issue', 'readMore'));
  });
});
