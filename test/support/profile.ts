// The project profiles the tests run with: SECON's (the sample, at the repository root) and RIVERWISE's (a second,
// fictional project), each with its reference; the SECON names below stand for what the code once hard-coded.
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../contracts/profile.ts';
import { referenceOf } from '../../functions/domain/reference.ts';
import { sampleContentOf } from '../../local/seed.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOCALES_DIR = `${ROOT}locales`;

export const SECON_PROFILE_FILE = `${ROOT}herald.project.json`;
export const secon = referenceOf(loadProfile(SECON_PROFILE_FILE, { localesDir: LOCALES_DIR }));
export const SECON_SAMPLE = sampleContentOf(SECON_PROFILE_FILE, secon.profile)!;
export const SAMPLE_ISSUE_ID = SECON_SAMPLE.issueId!;

export const RIVERWISE_PROFILE_FILE = `${ROOT}local/sample/riverwise/herald.project.json`;
export const riverwise = referenceOf(loadProfile(RIVERWISE_PROFILE_FILE, { localesDir: LOCALES_DIR }));

export const LANGUAGES = secon.languages;
export const COUNTRY_CODES = secon.countryCodes;
export const SOURCE_LANGUAGE = secon.sourceLanguage;
export const TOPICS = secon.topics;
export const regionsOf = (country: string) => secon.regionsOf(country);
