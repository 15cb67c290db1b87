// Browser libraries the web app loads as they are, without a build step: the embedded stack serves them from
// node_modules, and the site's deployment uploads them next to the web folder.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Object key in the site (and URL path) -> the file in node_modules. */
export const WEB_VENDOR_FILES: Readonly<Record<string, string>> = {
  // chart.js's self-contained UMD build (its ESM build imports @kurkle/color by a bare name a browser cannot resolve).
  'vendor/chart.umd.min.js': join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
};
