import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';

const localesDir = new URL('../../locales/', import.meta.url);
/** Every language that has locales: a profile may offer any of them. */
const LANGUAGES = readdirSync(localesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const namespaces = readdirSync(new URL('en/', localesDir)).filter((file) => file.endsWith('.json'));
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

/** Plural keys grouped by base key, e.g. { participants: ['one', 'other'] }. */
function pluralSuffixes(strings: Strings): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const key of Object.keys(strings)) {
    const suffix = PLURAL_SUFFIX.exec(key)?.[1];
    if (suffix) (groups[baseKey(key)] ??= []).push(suffix);
  }
  return groups;
}

describe.each(namespaces)('locales/*/%s', (namespace) => {
  const english = load('en', namespace);

  it.each(LANGUAGES)('is translated into %s', (lng) => {
    expect(existsSync(fileOf(lng, namespace))).toBe(true);
  });

  describe.each(LANGUAGES)('in %s', (lng) => {
    const strings = load(lng, namespace);

    it('gives every language exactly the keys of English', () => {
      expect(baseKeys(strings)).toEqual(baseKeys(english));
    });

    it('has exactly the plural forms the language needs', () => {
      const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
      for (const key of Object.keys(pluralSuffixes(english))) {
        expect(pluralSuffixes(strings)[key]?.sort(), key).toEqual([...categories].sort());
      }
    });

    it('keeps the placeholders of English', () => {
      for (const [key, text] of Object.entries(strings)) {
        const source = english[key] ?? english[`${baseKey(key)}_other`];
        expect(placeholders(text), key).toEqual(placeholders(source ?? ''));
      }
    });

    it('has no empty text', () => {
      for (const [key, text] of Object.entries(strings)) expect(text.trim(), key).not.toBe('');
    });
  });
});
