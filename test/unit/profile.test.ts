// The project profile's schema (contracts/profile.ts): the sample profiles load, and a bad profile is refused with
// every invalid field named by its path, not only the first.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EU_FONTS, fromHeader, loadProfile, type Profile } from '../../contracts/profile.ts';
import { ProfileError } from '../../functions/domain/errors.ts';
import { LOCALES_DIR, RIVERWISE_PROFILE_FILE, ROOT, SECON_PROFILE_FILE } from '../support/profile.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const riverwise = JSON.parse(readFileSync(RIVERWISE_PROFILE_FILE, 'utf8')) as Profile;

/** A copy of RIVERWISE's profile, changed by `change`, in a folder of its own with the logos beside it. */
function profileFile(change: (profile: Record<string, unknown>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-profile-'));
  dirs.push(dir);
  for (const logo of [riverwise.logo, riverwise.programme.logo]) {
    copyFileSync(join(ROOT, 'local/sample/riverwise', logo), join(dir, logo));
  }
  const profile = structuredClone(riverwise) as unknown as Record<string, unknown>;
  change(profile);
  const file = join(dir, 'herald.project.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

/** The fields a profile is refused for, with their messages. */
function problems(file: string): Record<string, string> {
  try {
    loadProfile(file, { localesDir: LOCALES_DIR });
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    return Object.fromEntries((error as ProfileError).details.problems.map((p) => [p.field, p.message]));
  }
  throw new Error('the profile was accepted');
}

describe('the sample profiles', () => {
  it("loads SECON's, with its eleven languages, ten countries and ten partners", () => {
    const secon = loadProfile(SECON_PROFILE_FILE, { localesDir: LOCALES_DIR });
    expect(secon.shortName).toBe('SECON');
    expect(secon.languages).toHaveLength(11);
    expect(secon.countries.map((c) => c.code)).toEqual(['GR', 'BE', 'PL', 'ES', 'DE', 'RO', 'PT', 'LV', 'BG', 'HU']);
    expect(secon.partners).toHaveLength(10);
    expect(secon.countries.find((c) => c.code === 'BG')?.regions).toEqual([
      { name: 'Haskovo', label: expect.objectContaining({ bg: 'Хасково' }) },
    ]);
  });

  it('loads a second project with four languages, other countries and its own colours', () => {
    const profile = loadProfile(RIVERWISE_PROFILE_FILE, { localesDir: LOCALES_DIR });
    expect(profile.languages).toEqual(['en', 'de', 'hu', 'ro']);
    expect(profile.countries.map((c) => c.code)).toEqual(['AT', 'SK', 'MD', 'IE']);
    expect(profile.colours.primary).not.toBe(loadProfile(SECON_PROFILE_FILE).colours.primary);
    // A region given as a plain name has no labels: it is shown as written in every language.
    expect(profile.countries.find((c) => c.code === 'IE')?.regions).toEqual([{ name: 'Southern Region', label: {} }]);
  });
});

describe('a bad profile', () => {
  it('is refused with every invalid field named by its path', () => {
    const file = profileFile((p) => {
      p.colours = { primary: '#ffcc00', text: '#aaaaaa' };
      p.font = 'Comic Sans MS';
      p.sourceLanguage = 'fr';
      p.languages = ['en', 'de', 'hu', 'ro', 'xx', 'de'];
      p.funding = 'sponsored';
      p.logo = 'missing-logo.png';
      p.sender = { name: 'News', address: 'not an address' };
      const countries = p.countries as Record<string, unknown>[];
      countries[0]!.language = 'fr';
      countries[3]!.code = 'XX';
      (countries[2]!.regions as unknown[]).push('other');
      (p.partners as Record<string, unknown>[])[0]!.country = 'GR';
      (p.partners as Record<string, unknown>[])[1]!.region = 'Bratislava';
      (p.topics as Record<string, unknown>[])[0]!.label = { de: 'Hochwasser', fr: 'Inondations' };
      p.accessibility = { contact: 'accessibility@riverwise.example', status: 'compliant-ish' };
      p.newsletterName = 'RIVERWISE';
    });
    expect(problems(file)).toEqual({
      'colours.primary': 'white text on it has a contrast of 1.51:1; it needs at least 4.5:1 (WCAG 2.1 AA)',
      'colours.text': 'it on white has a contrast of 2.32:1; it needs at least 4.5:1 (WCAG 2.1 AA)',
      font: `must be one of the EU visual identity's fonts: ${EU_FONTS.join(', ')}`,
      funding: 'must be one of co-funded, funded',
      'sender.address': 'is not an email address',
      'countries.3.code': 'is not a known ISO 3166-1 country code',
      'accessibility.status': 'must be one of fully-compliant, partially-compliant, not-compliant',
      newsletterName: 'unknown field',
      'languages.5': 'names the language "de" twice',
      'languages.4': '"xx" has no locales (' + LOCALES_DIR + '/xx/)',
      sourceLanguage: '"fr" is not one of the languages',
      'countries.0.language': '"fr" is not one of the languages',
      'countries.2.regions.1': '"other" is every country\'s own: choose another name',
      'partners.0.country': '"GR" is not one of the countries',
      'partners.1.region': '"Bratislava" is not one of SK\'s regions',
      // The partner in Ireland, whose country code is now the unknown XX.
      'partners.3.country': '"IE" is not one of the countries',
      'topics.0.label.fr': '"fr" is not one of the languages',
      logo: expect.stringMatching(/^has no file missing-logo\.png/),
    });
  });

  it('names a field that is missing as required', () => {
    const file = profileFile((p) => {
      delete p.sender;
      delete (p.privacy as Record<string, unknown>).contact;
    });
    expect(problems(file)).toEqual({ sender: 'is required', 'privacy.contact': 'is required' });
  });

  it('names the missing source-language text of a topic', () => {
    const file = profileFile((p) => {
      (p.topics as Record<string, unknown>[])[1]!.label = { de: 'Flusstourismus' };
    });
    expect(problems(file)).toEqual({ 'topics.1.label.en': 'needs a text in the source language ("en")' });
  });

  it('is refused when it is no JSON or no file, saying so', () => {
    const file = profileFile();
    writeFileSync(file, '{ "name": ');
    expect(problems(file)['(file)']).toMatch(/^is not JSON/);
    expect(problems(join(tmpdir(), 'no-such-profile.json'))).toEqual({ '(file)': 'does not exist' });
  });

  it('keeps its logos inside its own folder', () => {
    const file = profileFile((p) => (p.logo = '../../etc/logo.png'));
    expect(problems(file)).toEqual({ logo: "must be a path relative to the profile's folder, inside it" });
  });

  it('says in its message which file and fields are at fault', () => {
    const file = profileFile((p) => (p.font = 'Papyrus'));
    expect(() => loadProfile(file)).toThrow(`The project profile ${file} is invalid:\n  font: must be one of`);
  });
});

describe("the sender's From header", () => {
  it('writes a plain name as it is, quotes one with a special character and encodes one that is not ASCII', () => {
    expect(fromHeader({ name: 'SECON Newsletter', address: 'news@secon.example' })).toBe(
      'SECON Newsletter <news@secon.example>',
    );
    expect(fromHeader({ name: 'News, "Danube"', address: 'n@x.example' })).toBe('"News, \\"Danube\\"" <n@x.example>');
    expect(fromHeader({ name: 'Hírlevél', address: 'n@x.example' })).toBe('=?UTF-8?B?SMOtcmxldsOpbA==?= <n@x.example>');
  });
});
