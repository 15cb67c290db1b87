// The project profile (herald.project.json): the one file that says which project Herald serves. The functions, the
// embedded stack and the CDK app load it with loadProfile, which names every invalid field at once.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Color from 'color';
import * as z from 'zod';
import { ProfileError, type ProfileProblem } from '../functions/domain/errors.ts';
import { emailAddress, multiLine, singleLine, webLink } from '../functions/domain/text-rules.ts';

/** The profile's file name at the repository root, and the variable that names another file instead. */
export const PROFILE_FILE = 'herald.project.json';
export const PROFILE_ENV = 'HERALD_PROJECT';

/** The repository root (the source tree; a Lambda bundle always sets HERALD_PROJECT). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The fonts Regulation (EU) 2021/1060, Annex IX 1.3, allows next to the EU emblem ("Auto" is on the regulation's
 * list too, so it is accepted here).
 */
export const EU_FONTS = ['Arial', 'Auto', 'Calibri', 'Garamond', 'Tahoma', 'Trebuchet', 'Ubuntu', 'Verdana'] as const;
export type EuFont = (typeof EU_FONTS)[number];

/** A CSS font stack for each font: the font itself first, then what a reader without it gets. */
export const FONT_STACKS: Record<EuFont, string> = {
  Arial: 'Arial, Helvetica, sans-serif',
  Auto: 'Auto, Arial, Helvetica, sans-serif',
  Calibri: 'Calibri, Carlito, Arial, sans-serif',
  Garamond: 'Garamond, "EB Garamond", Georgia, serif',
  Tahoma: 'Tahoma, Verdana, Arial, sans-serif',
  Trebuchet: '"Trebuchet MS", Trebuchet, Arial, sans-serif',
  Ubuntu: 'Ubuntu, Arial, sans-serif',
  Verdana: 'Verdana, Arial, sans-serif',
};

/** "Co-funded by the European Union" or "Funded by the European Union", as the grant agreement says. */
export const FUNDING_VARIANTS = ['co-funded', 'funded'] as const;

/** The compliance status of the EU model accessibility statement (Implementing Decision (EU) 2018/1523). */
export const ACCESSIBILITY_STATUSES = ['fully-compliant', 'partially-compliant', 'not-compliant'] as const;

/** WCAG 2.1 AA for normal text. */
export const MIN_CONTRAST = 4.5;

/** The region every country has besides its partner regions; no partner region may take this name. */
export const OTHER_REGION = 'other';

const LANGUAGE_CODE = /^[a-z]{2,3}$/;
const COUNTRY_CODE = /^[A-Z]{2}$/;
const TOPIC_ID = /^[a-z][a-z0-9-]{0,39}$/;
const IMAGE_FILE = /\.(svg|png|jpe?g|webp)$/i;
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

const languageCode = z.string().regex(LANGUAGE_CODE, 'must be a language code such as "en" or "de"');

/** A text per language (`{"en": "...", "de": "..."}`); which languages it may and must have is checked below. */
const texts = (max: number) => z.record(z.string(), singleLine(max));

/** A file or folder named relative to the profile's own folder, inside it. */
const relativePath = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(300, 'is longer than 300 characters')
  .refine(
    (path) => !isAbsolute(path) && !normalize(path).split(sep).includes('..'),
    "must be a path relative to the profile's folder, inside it",
  );
const imagePath = relativePath.refine((path) => IMAGE_FILE.test(path), 'must be an .svg, .png, .jpg or .webp image');

/** WCAG 2.1's contrast ratio of two colours. */
export const contrastRatio = (a: string, b: string) => Color(a).contrast(Color(b));

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb');
/** A colour that text of `other` colour must be readable on (or that must be readable on `other`). */
const readableWith = (other: string, what: string) =>
  hexColour.superRefine((colour, context) => {
    const ratio = contrastRatio(colour, other);
    if (ratio < MIN_CONTRAST) {
      context.addIssue({
        code: 'custom',
        message: `${what} has a contrast of ${ratio.toFixed(2)}:1; it needs at least ${MIN_CONTRAST}:1 (WCAG 2.1 AA)`,
      });
    }
  });

const regionSchema = z
  .union([singleLine(80), z.strictObject({ name: singleLine(80), label: texts(80).optional() })], {
    error: 'must be a region name, or {"name": ..., "label": {"<language>": ...}}',
  })
  .transform((region) =>
    typeof region === 'string' ? { name: region, label: {} } : { name: region.name, label: region.label ?? {} },
  );

const countrySchema = z.strictObject({
  code: z
    .string()
    .regex(COUNTRY_CODE, 'must be an ISO 3166-1 country code such as "DE"')
    .refine((code) => regionNames.of(code) !== undefined, 'is not a known ISO 3166-1 country code'),
  /** The home language of its partners' records. */
  language: languageCode,
  /** The partner regions; subscribers of the country may also choose OTHER_REGION. */
  regions: z.array(regionSchema).max(50),
  /** The IANA time zone of a send at a local hour; DEFAULT_TIME_ZONES when absent. One per country. */
  timeZone: z.string().max(60).refine(isTimeZone, 'must be an IANA time zone such as "Europe/Sofia"').optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The time zone of each EU and nearby country's capital, for a profile that names none. A country has one zone:
 * Spain's Canary Islands and Portugal's Azores and Madeira get a local-time send at the mainland's hour.
 */
export const DEFAULT_TIME_ZONES: Readonly<Record<string, string>> = {
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  BG: 'Europe/Sofia',
  HR: 'Europe/Zagreb',
  CY: 'Asia/Nicosia',
  CZ: 'Europe/Prague',
  DK: 'Europe/Copenhagen',
  EE: 'Europe/Tallinn',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  GR: 'Europe/Athens',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IT: 'Europe/Rome',
  LV: 'Europe/Riga',
  LT: 'Europe/Vilnius',
  LU: 'Europe/Luxembourg',
  MT: 'Europe/Malta',
  NL: 'Europe/Amsterdam',
  PL: 'Europe/Warsaw',
  PT: 'Europe/Lisbon',
  RO: 'Europe/Bucharest',
  SK: 'Europe/Bratislava',
  SI: 'Europe/Ljubljana',
  ES: 'Europe/Madrid',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  IS: 'Atlantic/Reykjavik',
  LI: 'Europe/Vaduz',
  CH: 'Europe/Zurich',
  GB: 'Europe/London',
  UA: 'Europe/Kyiv',
  MD: 'Europe/Chisinau',
  RS: 'Europe/Belgrade',
  ME: 'Europe/Podgorica',
  MK: 'Europe/Skopje',
  AL: 'Europe/Tirane',
  BA: 'Europe/Sarajevo',
  XK: 'Europe/Belgrade',
  TR: 'Europe/Istanbul',
  GE: 'Asia/Tbilisi',
  AM: 'Asia/Yerevan',
};

/** A country's time zone: the profile's, else the default table's; undefined when neither has one. */
export function timeZoneOf(profile: Pick<Profile, 'countries'>, country: string): string | undefined {
  return profile.countries.find((c) => c.code === country)?.timeZone ?? DEFAULT_TIME_ZONES[country];
}

const partnerSchema = z.strictObject({
  name: singleLine(200),
  country: z.string(),
  /** One of its country's regions, if the partner is a region's. */
  region: singleLine(80).optional(),
  role: singleLine(200).optional(),
  link: webLink().optional(),
});

const topicSchema = z.strictObject({
  id: z.string().regex(TOPIC_ID, 'must be lower-case letters, digits and dashes, starting with a letter'),
  label: texts(80),
});

export const profileSchema = z.strictObject({
  /** The project's full name, e.g. "Social Economy – Regional Policies for supporting Social Economy Enterprises". */
  name: singleLine(200),
  /** What the newsletter is called by: the project's acronym or short name. */
  shortName: singleLine(40),
  website: webLink().optional(),
  logo: imagePath,
  programme: z.strictObject({ name: singleLine(200), logo: imagePath }),
  /** Which funding statement goes next to the EU emblem. */
  funding: z.enum(FUNDING_VARIANTS, { error: `must be one of ${FUNDING_VARIANTS.join(', ')}` }),
  colours: z.strictObject({
    /** Bars and buttons: white text is written on it. */
    primary: readableWith('#ffffff', 'white text on it'),
    /** Body text, on white. */
    text: readableWith('#ffffff', 'it on white'),
  }),
  font: z.enum(EU_FONTS, { error: `must be one of the EU visual identity's fonts: ${EU_FONTS.join(', ')}` }),
  /** The languages editions, pages and the signup form are offered in; each needs locales/<language>/. */
  languages: z.array(languageCode).min(1, 'must name at least one language').max(40),
  /** The language records are written in first; every other falls back to it. */
  sourceLanguage: languageCode,
  countries: z.array(countrySchema).min(1, 'must name at least one country').max(60),
  partners: z.array(partnerSchema).max(200),
  /** What a subscriber can choose to hear about. */
  topics: z.array(topicSchema).max(20),
  /** The From of every email: a verified SES identity in AWS. */
  sender: z.strictObject({ name: singleLine(100), address: emailAddress() }),
  /**
   * When a running send pauses by itself for its recipients' reactions (functions/domain/send-controls.ts): permanent
   * bounces and complaints per mail sent (0 to 1), counted once this many mails went out. Defaults: 0.05, 0.001, 1000.
   */
  sendLimits: z
    .strictObject({
      maxBounceRate: z.number().min(0).max(1).optional(),
      maxComplaintRate: z.number().min(0).max(1).optional(),
      minSent: z.number().int().min(1).max(1_000_000).optional(),
    })
    .optional(),
  privacy: z.strictObject({
    controller: z.strictObject({ name: singleLine(200), address: multiLine(500) }),
    contact: emailAddress(),
    retentionMonths: z.number().int().min(1).max(120),
    purposes: z.array(texts(500)).min(1, 'must name at least one purpose').max(20),
  }),
  accessibility: z.strictObject({
    contact: emailAddress(),
    status: z.enum(ACCESSIBILITY_STATUSES, { error: `must be one of ${ACCESSIBILITY_STATUSES.join(', ')}` }),
    /** When the statement was last reviewed (YYYY-MM-DD). */
    reviewedOn: z.iso.date().optional(),
  }),
  /** Embedded stack only: a folder of sample records loaded into a fresh data directory (see README). */
  sampleContent: relativePath.optional(),
});

export type Profile = z.infer<typeof profileSchema>;
export type ProfileCountry = Profile['countries'][number];
export type ProfileRegion = ProfileCountry['regions'][number];
export type ProfilePartner = Profile['partners'][number];
export type ProfileTopic = Profile['topics'][number];

/** The profile's file: HERALD_PROJECT (relative to the working directory) or herald.project.json at the root. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[PROFILE_ENV];
  return named ? resolve(named) : join(REPOSITORY_ROOT, PROFILE_FILE);
}

/** A path the profile names (a logo, the sample content), made absolute from the profile file's folder. */
export const resolveFromProfile = (file: string, path: string) => resolve(dirname(file), path);

export interface LoadOptions {
  /**
   * The folder of the locales (`<localesDir>/<language>/`): each language the profile offers must have one. Given by
   * whoever renders; a function that renders nothing carries no locales and leaves the check to the synth.
   */
  localesDir?: string;
}

/** Reads and checks a profile; a ProfileError lists every invalid field by its path. */
export function loadProfile(file: string, options: LoadOptions = {}): Profile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ProfileError(file, [
      { field: '(file)', message: missing ? 'does not exist' : `is not JSON: ${(error as Error).message}` },
    ]);
  }
  return checkProfile(raw, file, options);
}

/** Checks a profile's content as read from `file` (the folder its paths are relative to). */
export function checkProfile(raw: unknown, file: string, options: LoadOptions = {}): Profile {
  const parsed = profileSchema.safeParse(raw);
  const problems: ProfileProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ field: [...path, key].join('.'), message: 'unknown field' });
      } else {
        const missing = issue.code === 'invalid_type' && path.reduce<unknown>(field, raw) === undefined;
        problems.push({ field: path.join('.') || '(profile)', message: missing ? 'is required' : issue.message });
      }
    }
  }
  problems.push(...relations(raw), ...files(raw, file, options));
  // A field that fails in the schema and in a relation is named once, with the schema's message.
  const named = new Set<string>();
  const unique = problems.filter((p) => !named.has(p.field) && named.add(p.field));
  if (unique.length > 0 || !parsed.success) throw new ProfileError(file, unique);
  return parsed.data;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
const regionName = (region: unknown) => text(region) ?? text(field(region, 'name'));

/** What one field says about another: a language offered, a country listed, a source text given, no duplicates. */
function relations(raw: unknown): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ field: path, message });
  const duplicates = (values: unknown[], path: string, what: string) =>
    values.forEach((value, i) => {
      if (typeof value === 'string' && values.indexOf(value) < i) problem(`${path}.${i}`, `${what} "${value}" twice`);
    });

  const languages = list(field(raw, 'languages')).filter((l): l is string => typeof l === 'string');
  const offered = (language: string) => languages.includes(language);
  const source = text(field(raw, 'sourceLanguage'));
  duplicates(list(field(raw, 'languages')), 'languages', 'names the language');
  if (source !== undefined && !offered(source)) problem('sourceLanguage', `"${source}" is not one of the languages`);

  /** A text per language: only languages offered, and the source language's text. */
  const checkTexts = (value: unknown, path: string) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const language of Object.keys(value)) {
      if (!offered(language)) problem(`${path}.${language}`, `"${language}" is not one of the languages`);
    }
    if (source !== undefined && offered(source) && text(field(value, source)) === undefined) {
      problem(`${path}.${source}`, `needs a text in the source language ("${source}")`);
    }
  };

  const countries = list(field(raw, 'countries'));
  duplicates(
    countries.map((c) => field(c, 'code')),
    'countries',
    'lists the country',
  );
  countries.forEach((country, c) => {
    const language = text(field(country, 'language'));
    if (language !== undefined && !offered(language)) {
      problem(`countries.${c}.language`, `"${language}" is not one of the languages`);
    }
    const regions = list(field(country, 'regions'));
    duplicates(regions.map(regionName), `countries.${c}.regions`, 'names the region');
    regions.forEach((region, r) => {
      if (regionName(region) === OTHER_REGION) {
        problem(`countries.${c}.regions.${r}`, `"${OTHER_REGION}" is every country's own: choose another name`);
      }
      const label = field(region, 'label');
      if (label && typeof label === 'object') {
        for (const language of Object.keys(label)) {
          if (!offered(language)) {
            problem(`countries.${c}.regions.${r}.label.${language}`, `"${language}" is not one of the languages`);
          }
        }
      }
    });
  });
  const countryOf = (code: string) => countries.find((c) => field(c, 'code') === code);

  list(field(raw, 'partners')).forEach((partner, p) => {
    const code = text(field(partner, 'country'));
    if (code === undefined) return;
    const country = countryOf(code);
    if (!country) {
      problem(`partners.${p}.country`, `"${code}" is not one of the countries`);
      return;
    }
    const region = text(field(partner, 'region'));
    if (region !== undefined && !list(field(country, 'regions')).some((r) => regionName(r) === region)) {
      problem(`partners.${p}.region`, `"${region}" is not one of ${code}'s regions`);
    }
  });

  const topics = list(field(raw, 'topics'));
  duplicates(
    topics.map((t) => field(t, 'id')),
    'topics',
    'names the topic',
  );
  topics.forEach((topic, t) => checkTexts(field(topic, 'label'), `topics.${t}.label`));
  list(field(field(raw, 'privacy'), 'purposes')).forEach((purpose, p) => checkTexts(purpose, `privacy.purposes.${p}`));
  return problems;
}

/** The files the profile names exist: its logos, its sample content, and each language's locales. */
function files(raw: unknown, file: string, options: LoadOptions): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const exists = (path: string, folder: boolean) => {
    const found = resolveFromProfile(file, path);
    return existsSync(found) && (folder ? statSync(found).isDirectory() : statSync(found).isFile());
  };
  const checkFile = (path: string, value: unknown, folder = false) => {
    const name = text(value);
    if (name && !isAbsolute(name) && !exists(name, folder)) {
      problems.push({ field: path, message: `${folder ? 'has no folder' : 'has no file'} ${name} (beside ${file})` });
    }
  };
  checkFile('logo', field(raw, 'logo'));
  checkFile('programme.logo', field(field(raw, 'programme'), 'logo'));
  checkFile('sampleContent', field(raw, 'sampleContent'), true);
  if (options.localesDir) {
    list(field(raw, 'languages')).forEach((language, i) => {
      if (typeof language !== 'string' || !LANGUAGE_CODE.test(language)) return;
      if (!existsSync(join(options.localesDir!, language))) {
        problems.push({
          field: `languages.${i}`,
          message: `"${language}" has no locales (${options.localesDir}/${language}/)`,
        });
      }
    });
  }
  return problems;
}

/**
 * The From header of the profile's sender: `Name <address>`, the name quoted when it holds a special character and
 * MIME-encoded (RFC 2047) when it is not ASCII.
 */
export function fromHeader(sender: Profile['sender']): string {
  const { name, address } = sender;
  if (!/^[\x20-\x7e]*$/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${address}>`;
  if (/^[A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]*$/.test(name)) return `${name} <${address}>`;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
}
