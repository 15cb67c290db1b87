// The images every public page and edition shows, and where the site serves them: the repository's assets/ at
// /assets/<path>, the profile's logos at /assets/project/<file name>. The embedded stack's server, the site's
// deployment (infra) and the page renderer all take their paths from here.
import { readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFromProfile, type Profile } from './profile.ts';

/** The URL path (and site bucket key prefix) the images are served under. */
export const ASSETS_PATH = 'assets';
/** Under ASSETS_PATH: the profile's logos, by their file name. */
export const PROJECT_ASSETS = 'project';

const REPOSITORY_ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

/** The URL path of a file of the repository's assets/ folder, e.g. `eu/eu-emblem.svg` -> `/assets/eu/eu-emblem.svg`. */
export const assetUrl = (path: string) => `/${ASSETS_PATH}/${path}`;

/** The URL path a logo the profile names is served at: `/assets/project/<its file name>`. */
export const projectLogoUrl = (logo: string) => assetUrl(`${PROJECT_ASSETS}/${basename(logo)}`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
  );
}

/**
 * Every image the site serves, as `key -> file`: the key is the URL path without its leading slash (and the site
 * bucket's object key). Two logos with one file name would be served at one URL: refused.
 */
export function siteAssetFiles(profile: Pick<Profile, 'logo' | 'programme'>, profileFile: string) {
  const files: Record<string, string> = {};
  for (const file of filesUnder(REPOSITORY_ASSETS)) {
    files[`${ASSETS_PATH}/${relative(REPOSITORY_ASSETS, file).split(sep).join('/')}`] = file;
  }
  for (const [field, logo] of [
    ['logo', profile.logo],
    ['programme.logo', profile.programme.logo],
  ] as const) {
    const key = projectLogoUrl(logo).slice(1);
    const file = resolveFromProfile(profileFile, logo);
    if (files[key] !== undefined && files[key] !== file) {
      throw new Error(`The profile's ${field} has the file name of its other logo (${basename(logo)}): rename one`);
    }
    files[key] = file;
  }
  return files;
}
