// Every folder under locales/ matches en: the same namespaces and keys, placeholders, HTML, consent version, exactly
// the plural forms its language needs, and dates that Intl formats in that language.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { EU_LANGUAGES } from '../../contracts/eu-funding.ts';

const localesDir = new URL('../../locales/', import.meta.url);
const namespaces = readdirSync(new URL('en/', localesDir)).filter((file) => file.endsWith('.json'));
const languages = readdirSync(localesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Strings = Record<string, string>;

/** Nested i18next JSON as flat "a.b.c" keys. */
function flatten(node: object, prefix = ''): Strings {
  return Object.entries(node).reduce<Strings>((flat, [key, value]) => {
    const path = prefix + key;
    return typeof value === 'object' && value !== null
      ? { ...flat, ...flatten(value, `${path}.`) }
      : { ...flat, [path]: String(value) };
  }, {});
}

const fileOf = (lng: string, namespace: string) => new URL(`${lng}/${namespace}`, localesDir);

/** A namespace file as flat keys, or no keys when the file is missing (reported by its own test). */
function load(lng: string, namespace: string): Strings {
  const file = fileOf(lng, namespace);
  return existsSync(file) ? flatten(JSON.parse(readFileSync(file, 'utf8'))) : {};
}

const baseKey = (key: string) => key.replace(PLURAL_SUFFIX, '');
const baseKeys = (strings: Strings) => [...new Set(Object.keys(strings).map(baseKey))].sort();
const placeholders = (text: string) => [...new Set(text.match(/\{\{\s*[^}]+?\s*\}\}/g) ?? [])].sort();
const htmlTags = (text: string) => (text.match(/<\/?[a-z][^>]*>/gi) ?? []).sort();

/** Plural keys grouped by base key, e.g. { participants: ['one', 'other'] }. */
function pluralSuffixes(strings: Strings): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const key of Object.keys(strings)) {
    const suffix = PLURAL_SUFFIX.exec(key)?.[1];
    if (suffix) (groups[baseKey(key)] ??= []).push(suffix);
  }
  return groups;
}

const sampleDate = new Date(Date.UTC(2026, 2, 5));
const longDate = (lng: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'long', timeZone: 'UTC' });

it('has a locale for each of the 24 official EU languages', () => {
  expect(languages).toEqual(expect.arrayContaining([...EU_LANGUAGES]));
});

describe.each(languages)('locales/%s', (lng) => {
  it('formats dates in the language', () => {
    const format = longDate(lng);
    expect(format.resolvedOptions().locale).toBe(lng);
    if (lng !== 'en') expect(format.format(sampleDate)).not.toBe(longDate('en').format(sampleDate));
  });

  it('names the confirm button as the button reads', () => {
    const pages = load(lng, 'pages.json');
    const button = pages['confirm.button'] ?? '';
    expect(load(lng, 'confirmation.json').button).toBe(button);
    expect(pages['signup-done.body']).toContain(button);
  });
});

describe.each(namespaces)('locales/*/%s', (namespace) => {
  const english = load('en', namespace);
  const englishPlurals = pluralSuffixes(english);

  it.each(languages)('is translated into %s', (lng) => {
    expect(existsSync(fileOf(lng, namespace))).toBe(true);
  });

  describe.each(languages)('in %s', (lng) => {
    const strings = load(lng, namespace);

    it('gives every language exactly the keys of English', () => {
      expect(baseKeys(strings)).toEqual(baseKeys(english));
    });

    it('has exactly the plural forms the language needs', () => {
      const categories = [...new Intl.PluralRules(lng).resolvedOptions().pluralCategories].sort();
      const plurals = pluralSuffixes(strings);
      for (const key of Object.keys(englishPlurals)) expect(plurals[key]?.sort(), key).toEqual(categories);
      // A key English does not pluralise has no plural forms.
      expect(Object.keys(plurals).filter((key) => !englishPlurals[key])).toEqual([]);
    });

    it('keeps the placeholders of English', () => {
      for (const [key, text] of Object.entries(strings)) {
        const source = english[key] ?? english[`${baseKey(key)}_other`];
        expect(placeholders(text), key).toEqual(placeholders(source ?? ''));
      }
    });

    it('keeps the HTML of English', () => {
      for (const [key, text] of Object.entries(strings)) {
        const source = english[key] ?? english[`${baseKey(key)}_other`];
        expect(htmlTags(text), key).toEqual(htmlTags(source ?? ''));
      }
    });

    it('keeps the versions of English (what people consented to is the same text everywhere)', () => {
      for (const key of Object.keys(english).filter((k) => k.endsWith('.version'))) {
        expect(strings[key], key).toBe(english[key]);
      }
    });

    it('has no empty text', () => {
      for (const [key, text] of Object.entries(strings)) expect(text.trim(), key).not.toBe('');
    });
  });
});
